"""Asylum chapter §10 scenario 14, through the REST API of a service configured with a Council decision
authorising the derogations of CR Art 10 and 11(1), (3) (Reg. (EU) 2024/1359)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from keten_asylum.service_layer import intake, reference_data
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import AsylumRoutingFacts, ScreeningReason
from keten_shared.testing.service_fixtures import AMS, NOW

CASEWORKER = "asylum-caseworker"
BASE = "/v1/applications"
APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}
CRISIS = [
    {
        "decision_ref": "Council Implementing Decision (EU) 2026/0001",
        "kind": "MASS_ARRIVAL",
        "derogations": ["CR_10", "CR_11_1", "CR_11_3"],
        "valid_from": "2026-10-01",
        "valid_to": "2026-12-31",
    }
]


@pytest.fixture(scope="module", autouse=True)
def crisis_regime() -> Iterator[None]:
    """The national choices are read when the service starts: set them before the module's app starts."""
    os.environ["KETEN_ASYLUM_CRISIS_REGIMES"] = json.dumps(CRISIS)
    yield
    del os.environ["KETEN_ASYLUM_CRISIS_REGIMES"]


@pytest.fixture(scope="module")
async def rates(app) -> None:
    text = (Path(__file__).parent / "fixtures" / "migr_asydcfsta.tsv").read_text()
    async with app.runtime.uow() as uow:
        await reference_data.import_release(uow, text, release="crisis", source="migr_asydcfsta.tsv")
        await uow.commit()


def at(day: str, time: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=AMS)


async def presented_at_the_border(app, nationality: str) -> dict[str, Any]:
    """Applied at a border crossing point (SR 5(2)) on Mon 10-05; the referral brings the border facts."""
    case_id = f"scenario-14-{nationality}"
    app.runtime.clock.set(at("2026-10-05", "11:00"))
    facts = AsylumRoutingFacts(sr_category="5(2)", arrival_mode="BORDER_CROSSING_POINT", nationalities=[nationality])
    async with app.runtime.uow() as uow:
        application = await intake.make_application(
            uow,
            person=PersonDetails(family_name="Crisis", given_names="Fourteen", nationalities=[nationality]),
            made_at=at("2026-10-05"),
            person_id=f"person-{case_id}",
            screening_case_id=case_id,
            screening_reason=ScreeningReason.BORDER_BCP_APPLICANT,
            screening_referral={"asylum_routing": facts.model_dump(mode="json")},
        )
        await uow.commit()
    return (await app.client.get(f"{BASE}/{application.id}", headers=app.auth(CASEWORKER))).json()


async def step(app, application_id: str, path: str, payload: dict[str, Any], when: datetime) -> dict[str, Any]:
    app.runtime.clock.set(when)
    response = await app.client.post(f"{BASE}/{application_id}/{path}", json=payload, headers=app.auth(CASEWORKER))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def clock_back(app) -> Iterator[None]:
    yield
    app.runtime.clock.set(NOW)


async def test_14_crisis_registration_border_maximum_and_threshold(app, rates, clock_back):
    application = await presented_at_the_border(app, "BGD")
    # CR Art 10(1): registration up to 4 weeks after the making, Mon 10-05: Mon 11-02.
    assert application["registration_deadline"] == "2026-11-02"
    await step(app, application["id"], "registration", {}, at("2026-10-30"))
    await step(
        app, application["id"], "lodging", {"lodged_at": at("2026-11-02").isoformat()}, at("2026-11-02", "11:00")
    )
    routing = await step(app, application["id"], "routing", {}, at("2026-11-02", "11:00"))
    # CR Art 11(3): the mandatory border threshold is 5 %; Bangladesh's 2.24 % is under it.
    assert (routing["procedure"], routing["mandatory"]) == ("BORDER", True)
    # APR Art 51(2) 12 weeks from Fri 10-30 (Fri 2027-01-22), + 6 weeks under CR Art 11(1): Fri 2027-03-05.
    assert (routing["border_maximum_weeks"], routing["examination_deadline"]) == (18, "2027-03-05")


async def test_14_a_rate_above_the_crisis_threshold_is_not_a_mandatory_border_case(app, rates, clock_back):
    application = await presented_at_the_border(app, "GBR")  # 14.29 %: over 5 %, still under 20 %
    await step(app, application["id"], "registration", {}, at("2026-10-30"))
    await step(
        app, application["id"], "lodging", {"lodged_at": at("2026-11-02").isoformat()}, at("2026-11-02", "11:00")
    )
    routing = await step(app, application["id"], "routing", {}, at("2026-11-02", "11:00"))
    assert routing["procedure"] == "ACCELERATED"  # not the border procedure; APR Art 42(1)(j) still applies
    assert [g["code"] for g in routing["grounds"]] == ["LOW_RECOGNITION"]
