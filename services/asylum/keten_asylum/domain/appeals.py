"""What follows a first-instance decision: the appeal period, the right to remain and the remain request.

Asylum chapter §5.1, §6 and time limits T13-T16: APR Art 67 (remedy and its periods), APR Art 68 (suspensive
effect) and APR Art 40(3) (an explicit withdrawal is final at once). The appeal and remain-request periods
are national choices inside the EU range (AsylumSettings), counted under APR Art 73 from notification. An
appeal against a return decision issued as a separate act runs within the same period (APR Art 67(3), T15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from keten_asylum.config import AsylumSettings
from keten_asylum.domain.deadlines import long_appeal_spec, remain_request_spec, short_appeal_spec
from keten_asylum.domain.decision import Outcome
from keten_asylum.domain.grounds import ADMISSIBILITY_CODE
from keten_shared.deadlines import DEFAULT_CONFIG, Deadline, DeadlineConfig, HolidayCalendar
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import (
    AcceleratedGround,
    AdmissibilityGround,
    DecisionOutcome,
    ProtectionOutcome,
    ProtectionWithdrawalGround,
    RoutedProcedure,
)

D = DecisionOutcome

SHORT_PERIOD = "T13"  # APR Art 67(7)(a)
LONG_PERIOD = "T14"  # APR Art 67(7)(b)

_UNFOUNDED = frozenset({D.REJECTED_UNFOUNDED, D.REJECTED_MANIFESTLY_UNFOUNDED})

# Outcomes with no appeal under APR Chapter V, and why.
_NOT_APPEALABLE: dict[Outcome, tuple[str, ...]] = {
    D.GRANTED_REFUGEE: ("APR Art 67(1)",),  # nothing to contest: refugee status granted
    D.EXPLICITLY_WITHDRAWN: ("APR Art 40(3)",),  # final at once
    D.CLOSED_OTHER_MS_RESPONSIBLE: ("APR Art 39(1)(a)", "AMMR Art 43"),  # the transfer decision is appealed
    D.DISCONTINUED: ("APR Art 66(6)",),  # closed without a decision
}

W = ProtectionWithdrawalGround
# QR Art 14(1)(a)-(e) (refugee status) and 19(1)(a)-(c) (subsidiary protection): the article of each ground.
WITHDRAWAL_ARTICLE: dict[tuple[DecisionOutcome, ProtectionWithdrawalGround], str] = {
    (D.GRANTED_REFUGEE, W.CESSATION): "QR Art 14(1)(a)",
    (D.GRANTED_REFUGEE, W.EXCLUDED): "QR Art 14(1)(b)",
    (D.GRANTED_REFUGEE, W.MISREPRESENTATION): "QR Art 14(1)(c)",
    (D.GRANTED_REFUGEE, W.SECURITY_DANGER): "QR Art 14(1)(d)",
    (D.GRANTED_REFUGEE, W.SERIOUS_CRIME): "QR Art 14(1)(e)",
    (D.GRANTED_SUBSIDIARY, W.CESSATION): "QR Art 19(1)(a)",
    (D.GRANTED_SUBSIDIARY, W.EXCLUDED): "QR Art 19(1)(b)",
    (D.GRANTED_SUBSIDIARY, W.MISREPRESENTATION): "QR Art 19(1)(c)",
}
# APR Art 68(3)(e): the grounds whose withdrawal decision has no automatic suspensive effect.
NO_AUTO_SUSPENSE_WITHDRAWAL = frozenset({W.EXCLUDED, W.SECURITY_DANGER, W.SERIOUS_CRIME})


def withdrawal_article(status: DecisionOutcome, ground: ProtectionWithdrawalGround) -> str:
    """The QR article a withdrawal rests on; a ground the QR does not give for that status is refused."""
    article = WITHDRAWAL_ARTICLE.get((status, ground))
    if article is None:
        raise InvalidData(f"QR Art 14 and 19 give no ground {ground} to withdraw {status}")
    return article


_RULE_ARTICLE = {SHORT_PERIOD: "APR Art 67(7)(a)", LONG_PERIOD: "APR Art 67(7)(b)"}
_RULE_SPEC = {SHORT_PERIOD: short_appeal_spec, LONG_PERIOD: long_appeal_spec}


@dataclass(frozen=True)
class DecisionContext:
    """The facts of a first-instance decision that decide its remedy."""

    outcome: Outcome
    procedure: RoutedProcedure  # the procedure the decision was taken in
    accelerated_grounds: frozenset[AcceleratedGround] = frozenset()  # APR Art 42(1)/(3) grounds applied
    admissibility_ground: AdmissibilityGround | None = None  # for INADMISSIBLE
    unaccompanied_minor: bool = False
    subsequent: bool = False  # a decision on a subsequent application (APR Art 68(3)(d))
    withdrawal_ground: ProtectionWithdrawalGround | None = None  # for PROTECTION_WITHDRAWN (APR Art 68(3)(e))
    withdrawn_status: DecisionOutcome | None = None  # the status withdrawn: refugee or subsidiary protection

    def __post_init__(self) -> None:
        # APR Art 68(3)(b) depends on the APR Art 38 ground an inadmissibility decision rests on.
        if self.outcome is D.INADMISSIBLE and self.admissibility_ground is None:
            raise InvalidData("an inadmissibility decision names its APR Art 38 ground")
        if self.outcome is ProtectionOutcome.PROTECTION_WITHDRAWN and (
            self.withdrawal_ground is None or self.withdrawn_status is None
        ):
            raise InvalidData("a withdrawal of protection names the status and its QR Art 14 or 19 ground")


@dataclass(frozen=True)
class AppealTerms:
    appealable: bool
    rule: str | None  # "T13" (APR 67(7)(a)), "T14" (APR 67(7)(b)) or None
    deadline: Deadline | None  # the appeal period from notification
    automatic_suspensive: bool  # APR 68(2) vs 68(3)
    remain_request_deadline: Deadline | None  # APR 68(5)(a), only without automatic suspensive effect
    legal_basis: tuple[str, ...]  # the articles relied on


def appeal_rule(ctx: DecisionContext) -> str | None:
    """The appeal period that applies, "T13" or "T14", or None where the decision cannot be appealed here."""
    if ctx.outcome in _NOT_APPEALABLE:
        return None
    # APR Art 67(7)(a): inadmissible, implicitly withdrawn, or (manifestly) unfounded on an Art 42 ground.
    if ctx.outcome in (D.INADMISSIBLE, D.IMPLICITLY_WITHDRAWN):
        return SHORT_PERIOD
    if ctx.outcome in _UNFOUNDED and _article_42_applied(ctx):
        return SHORT_PERIOD
    # APR Art 67(7)(b): every other case, including the refusal of refugee status to an SP beneficiary (67(2)).
    return LONG_PERIOD


def automatically_suspensive(ctx: DecisionContext, settings: AsylumSettings) -> bool:
    """Whether the applicant keeps the right to remain during the appeal period (APR Art 68(2)) without asking."""
    return appeal_rule(ctx) is not None and not _no_right_to_remain(ctx, settings)


def appeal_terms(
    ctx: DecisionContext,
    notified_at: datetime,
    settings: AsylumSettings,
    calendar: HolidayCalendar,
    tz: ZoneInfo | str,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> AppealTerms:
    """The remedy against a decision notified at `notified_at`: period, suspensive effect, remain request."""
    rule = appeal_rule(ctx)
    if rule is None:
        return AppealTerms(False, None, None, False, None, _NOT_APPEALABLE[ctx.outcome])
    deadline = _RULE_SPEC[rule](settings).compute(notified_at, calendar, tz=tz, config=config)
    basis = [_RULE_ARTICLE[rule]]
    if ctx.outcome is D.GRANTED_SUBSIDIARY:
        basis.append("APR Art 67(2)")
    points = _no_right_to_remain(ctx, settings)
    if not points:
        return AppealTerms(True, rule, deadline, True, None, (*basis, "APR Art 68(2)"))
    remain = remain_request_spec(settings).compute(notified_at, calendar, tz=tz, config=config)
    return AppealTerms(True, rule, deadline, False, remain, (*basis, *points, "APR Art 68(5)(a)"))


def _article_42_applied(ctx: DecisionContext) -> bool:
    # APR Art 67(7)(a): an Art 42(1)/(3) circumstance applied; border merits rest on one (APR Art 44(1)(b)).
    return bool(ctx.accelerated_grounds) or ctx.procedure in (RoutedProcedure.ACCELERATED, RoutedProcedure.BORDER)


def _no_right_to_remain(ctx: DecisionContext, settings: AsylumSettings) -> tuple[str, ...]:
    """The APR Art 68(3) points that take the automatic right to remain away; empty where APR Art 68(2) applies."""
    uam_at_border = ctx.unaccompanied_minor and ctx.procedure is RoutedProcedure.BORDER
    points: list[str] = []
    # APR Art 68(3)(a)(i): rejected as (manifestly) unfounded in the accelerated examination.
    if ctx.outcome in _UNFOUNDED and ctx.procedure is RoutedProcedure.ACCELERATED:
        points.append("APR Art 68(3)(a)(i)")
    # APR Art 68(3)(a)(ii): rejected as (manifestly) unfounded in the border procedure, except for a UAM.
    if ctx.outcome in _UNFOUNDED and ctx.procedure is RoutedProcedure.BORDER and not uam_at_border:
        points.append("APR Art 68(3)(a)(ii)")
    # APR Art 68(3)(b): inadmissible on a configured APR Art 38 ground, except for a UAM in the border procedure.
    if (
        ctx.outcome is D.INADMISSIBLE
        and ctx.admissibility_ground is not None
        and ADMISSIBILITY_CODE[ctx.admissibility_ground] in settings.no_auto_suspense_inadmissibility_grounds
        and not uam_at_border
    ):
        points.append("APR Art 68(3)(b)")
    # APR Art 68(3)(c): implicitly withdrawn.
    if ctx.outcome is D.IMPLICITLY_WITHDRAWN:
        points.append("APR Art 68(3)(c)")
    # APR Art 68(3)(d): a subsequent application rejected as (manifestly) unfounded.
    if ctx.outcome in _UNFOUNDED and ctx.subsequent:
        points.append("APR Art 68(3)(d)")
    # APR Art 68(3)(e): protection withdrawn under QR Art 14(1)(b), (d), (e) or 19(1)(b).
    if ctx.outcome is ProtectionOutcome.PROTECTION_WITHDRAWN and ctx.withdrawal_ground in NO_AUTO_SUSPENSE_WITHDRAWAL:
        points.append("APR Art 68(3)(e)")
    return tuple(points)
