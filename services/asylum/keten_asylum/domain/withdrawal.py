"""Explicit and implicit withdrawal of an application (APR Art 40, 41): which findings the law allows when."""

from __future__ import annotations

from datetime import date

from keten_asylum.domain.model import Application, ApplicationStatus
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.asylum import DecisionOutcome, ImplicitWithdrawalGround, WithdrawalType

G = ImplicitWithdrawalGround
GROUND_ARTICLE: dict[ImplicitWithdrawalGround, str] = {
    G.NOT_LODGED: "APR Art 41(1)(a)",
    G.DATA_REFUSED: "APR Art 41(1)(b)",
    G.ADDRESS_REFUSED: "APR Art 41(1)(c)",
    G.INTERVIEW_MISSED: "APR Art 41(1)(d)",
    G.ABSCONDED: "APR Art 41(1)(e)",
    G.WRONG_MEMBER_STATE: "APR Art 41(1)(f)",
}
OUTCOME = {
    WithdrawalType.EXPLICIT: DecisionOutcome.EXPLICITLY_WITHDRAWN,
    WithdrawalType.IMPLICIT: DecisionOutcome.IMPLICITLY_WITHDRAWN,
}


def legal_basis(kind: WithdrawalType, ground: ImplicitWithdrawalGround | None) -> str:
    # APR Art 40(1) for a written withdrawal; APR Art 41(1)(a)-(f) for the ground found.
    return "APR Art 40(1)" if kind is WithdrawalType.EXPLICIT else GROUND_ARTICLE[ground]  # type: ignore[index]


def check(application: Application, kind: WithdrawalType, ground: ImplicitWithdrawalGround | None, on: date) -> None:
    """Refuse a withdrawal the articles do not allow; `on` is the local day of the withdrawal or finding."""
    if kind is WithdrawalType.EXPLICIT and ground is not None:
        raise InvalidData("an explicit withdrawal (APR Art 40) has no APR Art 41(1) ground")
    if kind is WithdrawalType.IMPLICIT and ground is None:
        raise InvalidData("an implicit withdrawal needs its APR Art 41(1) ground")
    if ground is G.NOT_LODGED:
        # APR Art 41(1)(a): only an application not lodged, and only once the lodging period has ended.
        if application.status is not ApplicationStatus.REGISTERED:
            raise TransitionNotAllowed(
                f"application {application.id} is {application.status}: APR Art 41(1)(a) concerns a registered "
                "application that was not lodged",
                current_status=application.status.value,
            )
        if application.lodging_deadline is not None and on <= application.lodging_deadline:
            raise InvalidData(
                f"the lodging period runs until {application.lodging_deadline}: "
                "APR Art 41(1)(a) applies only after it has ended",
                lodging_deadline=str(application.lodging_deadline),
            )
