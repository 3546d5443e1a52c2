"""REST API of the criteria engine: which member state is responsible on the facts given, and why."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from keten_dublin.domain.determination import Basis, NextAction
from keten_dublin.domain.explanation import Criterion, Flag, Reason
from keten_dublin.domain.facts import Case
from keten_dublin.service_layer.evaluation import Evaluation, evaluate
from keten_shared.deadlines import Deadline
from keten_shared.http.auth import SUPERVISOR, require_roles
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

OFFICER = "dublin-officer"

router = APIRouter(prefix="/v1/responsibility", tags=["responsibility criteria"])
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class EvaluationIn(BaseModel):
    facts: Case = Field(
        description="the recorded facts; `determining_ms` is this member state, or the requesting one when an "
        "incoming request is checked against its evidence"
    )
    evaluated_on: date | None = Field(
        None, description="the day the request would be sent (AMMR 39(1)); default: today in this member state"
    )


class TimeLimit(BaseModel):
    last_day: date = Field(description="the last day to act, rolled forward under AMMR Art 75(d) where due")
    legal_basis: str
    rule: str
    trace: list[dict[str, str]] = Field(description="how the day was counted, step by step")

    @classmethod
    def of(cls, deadline: Deadline) -> TimeLimit:
        assert deadline.legal_last_day is not None
        return cls(
            last_day=deadline.legal_last_day,
            legal_basis=deadline.legal_basis,
            rule=deadline.rule_applied.value,
            trace=[step.to_dict() for step in deadline.trace],
        )


class EvaluationOut(BaseModel):
    responsible_ms: str | None = Field(description="None only when an assessment must come first")
    criterion: Criterion | None
    article: str
    basis: Basis | None
    next_action: NextAction
    frozen_on: date = Field(description="AMMR Art 24(2): the situation at the first registration in any member state")
    request_due: TimeLimit | None = Field(
        description="take charge: AMMR 39(1) or 45(1); take back: AMMR 41(1) or 45(1)"
    )
    relocation_excluded: bool
    evidence_ids: list[str]
    flags: list[Flag]
    reasons: list[Reason] = Field(description="every rule tried, in order, and why it did or did not apply")

    @classmethod
    def of(cls, evaluation: Evaluation) -> EvaluationOut:
        d = evaluation.determination
        return cls(
            responsible_ms=d.responsible_ms,
            criterion=d.criterion,
            article=d.article,
            basis=d.basis,
            next_action=d.next_action,
            frozen_on=d.frozen_on,
            request_due=TimeLimit.of(evaluation.request_due) if evaluation.request_due else None,
            relocation_excluded=d.relocation_excluded,
            evidence_ids=list(d.evidence_ids),
            flags=sorted(d.flags),
            reasons=list(d.reasons),
        )


@router.post(
    "/evaluate",
    dependencies=[Depends(require_roles(OFFICER, SUPERVISOR))],
    summary="Apply the AMMR criteria to the facts: the member state responsible, the article and every reason",
)
async def evaluate_responsibility(body: EvaluationIn, uow: UoW) -> EvaluationOut:
    today = body.evaluated_on or uow.local_date(uow.now())
    return EvaluationOut.of(evaluate(uow, body.facts, today=today))
