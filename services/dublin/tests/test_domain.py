"""Pure Dublin rules: which regime governs a procedure (AMMR 84(2), 85)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from keten_dublin.domain.model import AMMR_APPLIES_FROM, DublinProcedure, ProcedureStatus, Regime, regime_for


def test_the_ammr_applies_from_1_july_2026():
    assert date(2026, 7, 1) == AMMR_APPLIES_FROM  # AMMR Art 85


def test_registered_on_the_last_day_before_the_ammr_stays_under_dublin_iii():
    # AMMR Art 84(2): applications registered before 1 July 2026 are allocated under Dublin III.
    assert regime_for(date(2026, 6, 30)) is Regime.DUBLIN_III


def test_registered_on_the_first_day_of_the_ammr():
    assert regime_for(date(2026, 7, 1)) is Regime.AMMR


@pytest.mark.parametrize(
    ("registered", "regime"),
    [
        (date(2024, 10, 31), Regime.DUBLIN_III),
        (date(2026, 6, 12), Regime.DUBLIN_III),  # the Pact's other acts apply, the AMMR does not yet
        (date(2026, 7, 2), Regime.AMMR),
        (date(2030, 1, 1), Regime.AMMR),
    ],
)
def test_regime_far_from_the_boundary(registered, regime):
    assert regime_for(registered) is regime


def test_a_new_procedure_is_determining():
    at = datetime.fromisoformat("2026-07-03T10:00:00+02:00")
    procedure = DublinProcedure(
        id="d",
        person_id="p",
        member_state="NL",
        asylum_case_id="a",
        regime=Regime.AMMR,
        application_registered_at=at,
        started_at=at,
        created_at=at,
    )
    assert (procedure.status, procedure.version) == (ProcedureStatus.DETERMINING, 1)
