"""The determination and the request to the member state responsible, up to its acceptance or refusal.

AMMR Art 39-41 and 45: the officer determines on the recorded facts; this member state is responsible, or a take
charge request or take back notification goes out through DubliNet. The partner's reply, or its silence when the
reply period ends (applied by the scheduler), decides what follows.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from pydantic_core import to_jsonable_python
from sqlalchemy import insert

from keten_dublin.adapters.dublinet import MessageKind
from keten_dublin.adapters.facts_repository import PersonFactsRepository
from keten_dublin.adapters.orm import dublinet_messages
from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain import deadlines
from keten_dublin.domain.determination import Basis, Determination, NextAction
from keten_dublin.domain.explanation import Criterion, Flag
from keten_dublin.domain.facts import Case
from keten_dublin.domain.model import DublinProcedure, ProcedureStatus, RequestKind
from keten_dublin.service_layer.assessment import assess
from keten_dublin.service_layer.evaluation import Evaluation, evaluate
from keten_dublin.service_layer.lifecycle import (
    REQUEST_LIMIT,
    TRANSMIT,
    audit_step,
    event_fields,
    last_day,
    reschedule,
)
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.dublin import ResponsibilityDetermined
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

_KINDS = {
    NextAction.TAKE_CHARGE: (RequestKind.TAKE_CHARGE, MessageKind.TAKE_CHARGE_REQUEST),
    NextAction.TAKE_BACK: (RequestKind.TAKE_BACK, MessageKind.TAKE_BACK_NOTIFICATION),
}


async def determine(
    uow: UnitOfWork,
    procedure: DublinProcedure,
    facts: Case,
    *,
    urgent_reply_days: int | None = None,
    urgent_reason: str | None = None,
) -> Evaluation:
    """The officer's determination on `facts`, completed with the hits and findings other services reported."""
    case = await _with_reported_facts(uow, procedure, facts)
    evaluation = evaluate(uow, case, today=uow.local_date(uow.now()))
    determination = evaluation.determination
    if determination.next_action is NextAction.ASSESSMENT_NEEDED:
        raise InvalidData(
            "the facts leave a choice that only the caseworker can make (see the flags and reasons of "
            "POST /v1/responsibility/evaluate); record it in the facts, e.g. under discretion",
            flags=sorted(determination.flags),
        )
    if urgent_reply_days is not None and not urgent_reason:
        raise InvalidData("an urgent request states its reasons (AMMR Art 39(2))")
    if urgent_reason and determination.next_action is not NextAction.TAKE_CHARGE:
        raise InvalidData("only a take charge request can ask for an urgent reply (AMMR Art 39(2))")
    procedure.detained = case.detained_since is not None
    if determination.next_action is NextAction.SELF:
        assert determination.basis is not None
        declare_self(uow, procedure, determination.article, determination.basis)
    else:
        await _send_request(uow, procedure, case, evaluation, urgent_reply_days, urgent_reason)
    await uow.cancel_deadlines(procedure.id, [REQUEST_LIMIT])
    return evaluation


def declare_self(uow: UnitOfWork, procedure: DublinProcedure, article: str, basis: Basis) -> None:
    """This member state is responsible; asylum examines the application (AMMR Art 38(3); dublin chapter §6.1)."""
    before = procedure.status
    now = uow.now()
    procedure.determine_self(basis=article, reason=basis.value, at=now)
    audit_step(uow, procedure, "determined", before, article, responsible_ms=procedure.member_state, reason=basis)
    uow.publish(
        ResponsibilityDetermined(
            **event_fields(procedure),
            responsible_ms=procedure.member_state,
            basis=article,
            reason=basis.value,
            determined_at=now,
        ),
        subject=procedure.id,
    )


async def _send_request(
    uow: UnitOfWork,
    procedure: DublinProcedure,
    case: Case,
    evaluation: Evaluation,
    urgent_reply_days: int | None,
    urgent_reason: str | None,
) -> None:
    determination = evaluation.determination
    assert determination.responsible_ms is not None and determination.basis is not None
    kind, message_kind = _KINDS[determination.next_action]
    humanitarian = determination.criterion is Criterion.HUMANITARIAN
    hit_id = _hit_of(case, determination) if kind is RequestKind.TAKE_BACK else None
    message_id = str(uuid.uuid4())
    before = procedure.status
    procedure.send_request(
        kind,
        responsible_ms=determination.responsible_ms,
        basis=determination.article,
        reason=determination.basis.value,
        message_id=message_id,
        at=uow.now(),
        # AMMR Art 40(2): a request resting on a Eurodac (Art 22/24) or VIS hit has a 2-week reply limit.
        hit_based=kind is RequestKind.TAKE_CHARGE and determination.hit_received_at is not None and not humanitarian,
        eurodac_hit_id=hit_id,
        urgent=urgent_reason is not None,
        urgent_reply_days=urgent_reply_days,
        humanitarian=humanitarian,
    )
    body = {
        "procedure_id": procedure.id,
        "person_id": procedure.person_id,
        "basis": determination.article,
        "criterion": determination.criterion,
        "evidence_ids": list(determination.evidence_ids),
        "eurodac_hit_id": hit_id,
        "detained": procedure.detained,
        "urgent": {"reply_days": urgent_reply_days, "reasons": urgent_reason} if urgent_reason else None,
        # AMMR Art 39(3), 41(2): a full and detailed statement of reasons, with the evidence.
        "reasons": to_jsonable_python(determination.reasons),
        "request_due": evaluation.request_due.legal_last_day if evaluation.request_due else None,
    }
    await uow.session.execute(
        insert(dublinet_messages).values(
            id=message_id,
            direction="OUT",
            kind=message_kind,
            procedure_id=procedure.id,
            counterpart_ms=determination.responsible_ms,
            body=to_jsonable_python(body),
            created_at=uow.now(),
        )
    )
    await uow.schedule(
        case_id=procedure.id,
        kind=TRANSMIT,
        due_at=uow.now(),
        payload={"message_id": message_id},
        legal_basis="AMMR Art 41(1)" if kind is RequestKind.TAKE_BACK else "AMMR Art 39(1)",
    )
    audit_step(
        uow,
        procedure,
        "request_prepared",
        before,
        determination.article,
        kind=kind.value,
        to=determination.responsible_ms,
        message_id=message_id,
    )


async def on_request_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """AMMR Art 39(1): no take charge request by the limit makes the member state of registration responsible.

    Not for a take back, whose lateness leaves the other member state's obligation intact (Art 41(1)), nor for an
    unaccompanied minor, who may still be the subject of a request before the merits decision if in the child's
    best interests.
    """
    procedure = await ProcedureRepository(uow.session).get(due.case_id)
    if procedure.status is not ProcedureStatus.DETERMINING:
        return
    evaluation = await assess(uow, procedure)  # the assessment on the reported facts, as of today
    if evaluation is None:
        return
    determination = evaluation.determination
    if determination.next_action is NextAction.TAKE_BACK or Flag.UAM_LATE_REQUEST_EXCEPTION in determination.flags:
        return
    declare_self(uow, procedure, "AMMR Art 39(1)", Basis.LATE_REQUEST)


async def schedule_request_limit(uow: UnitOfWork, procedure: DublinProcedure, evaluation: Evaluation) -> None:
    """Have the scheduler apply AMMR Art 39(1) once the take charge limit has passed without a request."""
    due = evaluation.request_due
    if evaluation.determination.next_action is not NextAction.TAKE_CHARGE or due is None:
        registered_at = procedure.application_registered_at
        due = deadlines.take_charge_request_due(registered_at, uow.calendar, tz=uow.zone, config=uow.settings.deadlines)
    await reschedule(uow, procedure, REQUEST_LIMIT, due, last_day=last_day(due).isoformat())


async def _with_reported_facts(uow: UnitOfWork, procedure: DublinProcedure, facts: Case) -> Case:
    registered_on = uow.local_date(procedure.application_registered_at)
    if facts.determining_ms != procedure.member_state or facts.registered_on != registered_on:
        raise InvalidData(
            f"the facts are for {facts.determining_ms}, registered on {facts.registered_on}; this procedure is "
            f"{procedure.member_state}'s, registered on {registered_on}"
        )
    reported = PersonFactsRepository(uow.session)
    known = {hit.id for hit in facts.eurodac_hits}
    hits = facts.eurodac_hits + tuple(h for h in await reported.hits_of(procedure.person_id) if h.id not in known)
    findings = await reported.findings_of(procedure.person_id)
    threat = facts.security_threat
    if threat is None and findings is not None:
        threat = findings.security_threat  # AMMR Art 16(4): the screening check is re-used
    return replace(facts, eurodac_hits=hits, security_threat=threat)


def _hit_of(case: Case, determination: Determination) -> str | None:
    evidence = set(determination.evidence_ids)
    return next((hit.id for hit in case.eurodac_hits if hit.id in evidence), None)
