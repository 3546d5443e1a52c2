"""Subsequent applications (APR Art 55-56) and further representations while an application is pending."""

from __future__ import annotations

from collections.abc import Sequence

from keten_asylum.domain.model import CLOSED, Application
from keten_shared.errors import TransitionNotAllowed
from keten_shared.events.catalog.asylum import DecisionOutcome

# APR Art 10(4)(a): the first subsequent application was rejected as inadmissible, unfounded or manifestly unfounded.
REJECTING = frozenset(
    {DecisionOutcome.INADMISSIBLE, DecisionOutcome.REJECTED_UNFOUNDED, DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED}
)


def refuse_while_pending(applications: Sequence[Application]) -> None:
    """APR Art 55(1): while an application is pending, what the person adds belongs in it, not in a new one."""
    pending = next((a for a in applications if a.status not in CLOSED), None)
    if pending is not None:
        raise TransitionNotAllowed(
            f"application {pending.id} of this person is {pending.status}: further representations belong in it "
            "(APR Art 55(1))",
            current_status=pending.status.value,
            pending_application_id=pending.id,
        )


def latest_final(applications: Sequence[Application]) -> Application | None:
    """The application whose final decision a new one follows (APR Art 3(19), 55(1))."""
    finals = [a for a in applications if a.final_at is not None]
    return max(finals, key=lambda a: a.final_at) if finals else None  # type: ignore[arg-type, return-value]


def ordinal(previous: Application | None) -> int:
    # APR Art 55(1): 1 for the first application after a final decision, 2 for the next, ...
    return previous.subsequent_ordinal + 1 if previous is not None else 1


def remain_excepted(previous: Application | None, option: bool) -> bool:
    # APR Art 10(4)(a), 56(b): a second or later subsequent application after a rejected first subsequent one.
    if not option or previous is None or previous.subsequent_ordinal < 1 or previous.decision is None:
        return False
    return previous.decision.outcome in REJECTING
