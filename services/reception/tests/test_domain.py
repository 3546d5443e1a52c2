"""Pure reception rules: the RCD 25(1) needs-assessment period (national rule, 1182/71 semantics by default)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_reception.domain.deadlines import NEEDS_ASSESSMENT
from keten_reception.domain.model import ReceptionFile, ReceptionFileStatus
from keten_shared.deadlines import DeadlineConfig, Purpose, Rule, Unit

AMS = ZoneInfo("Europe/Amsterdam")


def made(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=AMS)


def due(start: datetime, nl, config: DeadlineConfig | None = None):
    return NEEDS_ASSESSMENT.compute(start, nl, tz=AMS, config=config or DeadlineConfig())


def test_rcd_25_1_is_30_days_under_the_national_rule():
    spec = NEEDS_ASSESSMENT
    assert (spec.amount, spec.unit, spec.rule, spec.purpose) == (30, Unit.DAYS, Rule.NATIONAL, Purpose.ACT_TIME_LIMIT)
    assert (spec.id, spec.legal_basis) == ("RCD.25.1", "RCD Art 25(1)")


def test_unconfigured_national_rule_uses_1182_71(nl):
    # time.md §3.9: until the member state's rule is configured, 1182/71 semantics apply.
    d = due(made(2026, 6, 15), nl)
    assert d.rule_applied is Rule.EU_1182_71


@pytest.mark.parametrize(
    ("scenario", "start", "last_day"),
    [
        ("1 baseline adult", made(2026, 6, 15), date(2026, 7, 15)),
        ("2 family", made(2026, 7, 1), date(2026, 7, 31)),
        ("10 overdue + detention", made(2026, 9, 1), date(2026, 10, 1)),
        ("11 crisis (RCD unchanged)", made(2026, 10, 12), date(2026, 11, 11)),
    ],
)
def test_reception_chapter_scenarios(nl, scenario, start, last_day):
    d = due(start, nl)
    assert (d.unrolled_last_day, d.legal_last_day) == (last_day, last_day), scenario


@pytest.mark.parametrize(
    ("start", "unrolled", "legal"),
    [
        (made(2026, 6, 4), date(2026, 7, 4), date(2026, 7, 6)),  # Sat -> Mon
        (made(2026, 6, 5), date(2026, 7, 5), date(2026, 7, 6)),  # Sun -> Mon
        (made(2026, 11, 25), date(2026, 12, 25), date(2026, 12, 28)),  # Christmas, 2nd Christmas day, Sun -> Mon
        (made(2026, 3, 28), date(2026, 4, 27), date(2026, 4, 28)),  # King's Day (Mon) -> Tue
        (made(2026, 12, 2), date(2027, 1, 1), date(2027, 1, 4)),  # New Year (Fri), weekend -> Mon
    ],
)
def test_due_date_rolls_forward_past_weekends_and_holidays(nl, start, unrolled, legal):
    d = due(start, nl)
    assert (d.unrolled_last_day, d.legal_last_day) == (unrolled, legal)
    assert d.operational_end == datetime.combine(legal + timedelta(days=1), time(), tzinfo=AMS)


def test_last_day_is_in_time_and_the_next_day_late(nl):
    d = due(made(2026, 6, 15), nl)
    assert not d.is_expired(datetime(2026, 7, 15, 23, 59, 59, 999999, tzinfo=AMS))
    assert d.is_expired(datetime(2026, 7, 16, 0, 0, tzinfo=AMS))


def test_the_making_day_is_taken_in_dutch_time(nl):
    # 22:30 UTC on Sun 14 June is 00:30 on Mon 15 June in the Netherlands.
    assert due(datetime(2026, 6, 14, 22, 30, tzinfo=UTC), nl).legal_last_day == date(2026, 7, 15)


def test_a_configured_national_rule_replaces_1182_71(nl):
    config = DeadlineConfig(national_rule={"NL": {"RCD.25.1": Rule.DUBLIN3_42}})  # a rule without roll-forward
    d = due(made(2026, 6, 4), nl, config)
    assert (d.rule_applied, d.legal_last_day) == (Rule.DUBLIN3_42, date(2026, 7, 4))


def test_a_new_file_is_open_without_a_place():
    file = ReceptionFile(
        id="f",
        person_id="p",
        member_state="NL",
        asylum_case_id="a",
        application_made_at=made(2026, 6, 15),
        needs_assessment_due=date(2026, 7, 15),
        opened_at=made(2026, 6, 17),
        created_at=made(2026, 6, 17),
    )
    assert (file.status, file.version) == (ReceptionFileStatus.OPEN_UNPLACED, 1)
