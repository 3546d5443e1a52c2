"""The asylum time limits used so far, each computed by the shared deadline library under APR Art 73."""

from __future__ import annotations

from keten_shared.deadlines import DeadlineSpec, Purpose, Rule, Unit

# APR Art 27(1): registration no later than 5 days after the application is made
# (for SR 5(1) persons the period starts when screening ends, APR Art 27(7)).
REGISTRATION = DeadlineSpec(
    id="APR.27.1",
    act="APR",
    article="Art 27(1)",
    rule=Rule.APR_73,
    amount=5,
    unit=Unit.DAYS,
    purpose=Purpose.ACT_TIME_LIMIT,
    start_event="application made (SR 5(1) persons: referral from screening)",
    legal_basis="APR Art 27(1)",
)

# APR Art 28(1): lodging no later than 21 days from registration.
LODGING = DeadlineSpec(
    id="APR.28.1",
    act="APR",
    article="Art 28(1)",
    rule=Rule.APR_73,
    amount=21,
    unit=Unit.DAYS,
    purpose=Purpose.ACT_TIME_LIMIT,
    start_event="registration",
    legal_basis="APR Art 28(1)",
)
