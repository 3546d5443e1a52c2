"""The assessment of a procedure on the facts other services reported: Eurodac hits, screening's findings.

Done when the application is registered and again whenever a new fact arrives, so that the procedure always shows
which member state the criteria point to, the next step and until when the request can be sent (AMMR 39(1), 41(1)).
"""

from __future__ import annotations

from pydantic_core import to_jsonable_python

from keten_dublin.adapters.facts_repository import PersonFactsRepository
from keten_dublin.domain.facts import Case, Person
from keten_dublin.domain.model import DublinProcedure, Regime
from keten_dublin.service_layer.evaluation import Evaluation, evaluate
from keten_shared.uow import UnitOfWork


async def assess(uow: UnitOfWork, procedure: DublinProcedure) -> Evaluation | None:
    """The criteria on the reported facts, as of today; None for a Dublin III application (AMMR Art 84(2))."""
    if procedure.regime is Regime.DUBLIN_III:
        return None
    facts = PersonFactsRepository(uow.session)
    findings = await facts.findings_of(procedure.person_id)
    case = Case(
        determining_ms=procedure.member_state,
        registered_on=uow.local_date(procedure.application_registered_at),
        person=Person(
            date_of_birth=procedure.date_of_birth or (findings.date_of_birth if findings else None),
            unaccompanied=procedure.unaccompanied or bool(findings and findings.unaccompanied_minor),
        ),
        security_threat=findings.security_threat if findings else None,
        eurodac_hits=tuple(await facts.hits_of(procedure.person_id)),
    )
    evaluation = evaluate(uow, case, today=uow.local_date(uow.now()))
    _record(uow, procedure, evaluation)
    return evaluation


def _record(uow: UnitOfWork, procedure: DublinProcedure, evaluation: Evaluation) -> None:
    determination = evaluation.determination
    before = procedure.assessed_ms
    procedure.assessed_ms = determination.responsible_ms
    procedure.assessed_action = determination.next_action.value
    procedure.request_due = evaluation.request_due.legal_last_day if evaluation.request_due else None
    procedure.assessment = to_jsonable_python(determination)
    uow.audit(
        "procedure.assessed",
        entity_type="dublin_procedure",
        entity_id=procedure.id,
        legal_basis=determination.article,
        before=before,
        after=determination.responsible_ms,
        details={"next_action": determination.next_action.value, "flags": sorted(determination.flags)},
    )
