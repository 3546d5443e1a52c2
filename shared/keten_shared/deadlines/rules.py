"""What each computation rule does, with its source (time.md §2), and how NATIONAL is resolved (§3.9)."""

from __future__ import annotations

from .config import DeadlineConfig
from .errors import DeadlineError
from .model import Rule, TraceStep

# APR Art 73(c), AMMR Art 75(d), RBPR Art 11(c), 1182/71 Art 3(4): a period ending on a Saturday, Sunday or
# public holiday ends on the next working day. Dublin III Art 42(c) has no roll-forward.
ROLLING_RULES = frozenset({Rule.APR_73, Rule.AMMR_75, Rule.RBPR_11, Rule.EU_1182_71})

# 1182/71 Art 3(1) 1st subpara and 3(2)(a) (unverified): only 1182/71 counts hours; the APR, AMMR, RBPR and
# Dublin III have no hour periods.
HOUR_RULES = frozenset({Rule.EU_1182_71})

# 1182/71 Art 3(5) (unverified): a period of two days or more includes at least two working days.
MINIMUM_RULES = frozenset({Rule.EU_1182_71})

# APR Art 73(a), AMMR Art 75(a), RBPR Art 11(a), 1182/71 Art 3(1), Dublin III Art 42(a): the event day
# is not counted.
EVENT_DAY_SOURCE = {
    Rule.APR_73: "APR 73(a)",
    Rule.AMMR_75: "AMMR 75(a)",
    Rule.RBPR_11: "RBPR 11(a)",
    Rule.EU_1182_71: "1182/71 3(1)",
    Rule.DUBLIN3_42: "Dublin III 42(a)",
}

# APR Art 73(b), AMMR Art 75(c), RBPR Art 11(b), 1182/71 Art 3(2)(c) (unverified), Dublin III Art 42(b):
# a month period whose day does not exist ends on the last day of the final month.
CLIP_SOURCE = {
    Rule.APR_73: "APR 73(b)",
    Rule.AMMR_75: "AMMR 75(c)",
    Rule.RBPR_11: "RBPR 11(b)",
    Rule.EU_1182_71: "1182/71 3(2)(c), unverified",
    Rule.DUBLIN3_42: "Dublin III 42(b)",
}

ROLL_SOURCE = {
    Rule.APR_73: "APR 73(c)",
    Rule.AMMR_75: "AMMR 75(d)",
    Rule.RBPR_11: "RBPR 11(c)",
    Rule.EU_1182_71: "1182/71 3(4)",
    Rule.DUBLIN3_42: "Dublin III 42(c)",
}


def resolve_rule(rule: Rule, national_key: str | None, ms: str, config: DeadlineConfig) -> tuple[Rule, TraceStep]:
    """The base rule whose semantics apply, and the trace step saying why.

    NATIONAL(ms, key) uses config.national_rule[ms][key]; unset, 1182/71 semantics (time.md §3.9, design).
    """
    if rule is not Rule.NATIONAL:
        return rule, TraceStep("rule", "rule of the act", rule.value)
    if not national_key:
        raise DeadlineError("Rule.NATIONAL needs a national_key naming the national period")
    configured = config.national_rule.get(ms.upper(), {}).get(national_key)
    if configured is None:
        detail = f"national rule {ms}/{national_key} not configured: 1182/71 semantics (time.md §3.9, design)"
        return Rule.EU_1182_71, TraceStep("rule", detail, Rule.EU_1182_71.value)
    return configured, TraceStep("rule", f"national rule {ms}/{national_key} (configured)", configured.value)
