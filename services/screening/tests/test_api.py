"""The screening REST API against a running service on real PostgreSQL (clock fixed at Fri 2026-07-10 12:00)."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from keten_screening.adapters.orm import screenings
from keten_shared.events.envelope import CloudEvent
from keten_shared.http.auth import mint_token
from keten_shared.testing.checks import assert_problem

OFFICER = "screening-officer"
BASE = "/v1/screenings"


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "screening_reason": "BORDER_IRREGULAR",
        "trigger_event_ts": "2026-07-08T09:30:00+02:00",
        "location": "Ter Apel",
        "person": {"family_name": "Doe", "given_names": "Jan", "sex": "M", "nationalities": ["SYR"]},
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


async def start(app, **overrides: Any) -> dict[str, Any]:
    response = await app.client.post(BASE, json=body(**overrides), headers=app.auth(OFFICER))
    assert response.status_code == 201, response.text
    return response.json()


# --- start ---------------------------------------------------------------------------------------


async def test_start_border_screening(app, probe):
    response = await app.client.post(BASE, json=body(), headers=app.auth(OFFICER))
    assert response.status_code == 201, response.text
    case = response.json()
    assert response.headers["location"] == f"{BASE}/{case['id']}"
    assert response.headers["etag"] == '"1"'
    assert case["status"] == "IN_PROGRESS"
    assert case["member_state"] == "NL"
    # SR 8(3): 7 days from Wed 2026-07-08 -> Wed 2026-07-15, a working day.
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-15", "2026-07-15")
    assert datetime.fromisoformat(case["trigger_event_ts"]) == datetime(2026, 7, 8, 7, 30, tzinfo=UTC)
    assert uuid.UUID(case["person_id"])  # a new person when none is named
    assert (case["application_made_at"], case["referred_at"], case["completion"], case["missing_checks"]) == (
        None,
        None,
        None,
        [],
    )
    assert case["version"] == 1
    [audit] = await probe.audit(case["id"])
    assert (audit.action, audit.actor, audit.legal_basis, audit.after_status) == (
        "screening.started",
        "user:tester",
        "SR Art 8(3)",
        "IN_PROGRESS",
    )
    assert await probe.outbox(case["id"]) == []  # nothing happens downstream until referral


async def test_start_territory_w8(app):
    case = await start(app, screening_reason="TERRITORY", trigger_event_ts="2026-07-08T08:00:00+02:00")
    # time.md W8: strict Sat 2026-07-11, legal (PTL) Mon 2026-07-13.
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-11", "2026-07-13")


async def test_start_bcp_applicant_with_application(app):
    case = await start(
        app,
        screening_reason="BORDER_BCP_APPLICANT",
        trigger_event_ts="2026-07-03T08:00:00+02:00",
        application_made_at="2026-07-03T08:00:00+02:00",
    )
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-10", "2026-07-10")  # scenario S3
    assert case["application_made_at"] is not None


async def test_start_with_a_known_person(app):
    case = await start(app, person_id="person-42")
    assert case["person_id"] == "person-42"


async def test_trigger_at_the_present_instant_is_accepted(app):
    now = app.runtime.clock.now()
    await start(app, trigger_event_ts=now.isoformat())


# --- read ----------------------------------------------------------------------------------------


async def test_get_one_sets_etag_and_logs_the_read(app, probe):
    case = await start(app)
    response = await app.client.get(f"{BASE}/{case['id']}", headers=app.auth("auditor", subject="eve"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    # A strong ETag promises the same bytes: the stored case reads exactly as the created one did.
    assert response.json() == case
    reads = [row for row in await probe.audit(case["id"]) if row.action == "screening.read"]
    reads = [
        row for row in reads if not (row.details or {}).get("in_list")
    ]  # list reads: see test_list_reads_are_audited
    assert [row.actor for row in reads] == ["user:eve"]


async def test_list_reads_are_audited(app, probe):
    """Reads of personal data by a person are logged, also when the records come in a list."""
    person = f"listed-{uuid.uuid4()}"
    cases = [await start(app, person_id=person) for _ in range(2)]
    response = await app.client.get(BASE, params={"person_id": person}, headers=app.auth("auditor", subject="lea"))
    assert response.status_code == 200
    for case in cases:
        reads = [row for row in await probe.audit(case["id"]) if row.action == "screening.read"]
        assert [(row.actor, row.details) for row in reads] == [("user:lea", {"in_list": True})]


async def test_unknown_id_is_404(app):
    assert_problem(await app.client.get(f"{BASE}/{uuid.uuid4()}", headers=app.auth(OFFICER)), 404, "not-found")
    assert_problem(await app.client.get(f"{BASE}/{'x' * 300}", headers=app.auth(OFFICER)), 404, "not-found")
    for action, payload in (("application", {"made_at": "2026-07-09T10:00:00+02:00"}), ("completion", None)):
        response = await app.client.post(f"{BASE}/{uuid.uuid4()}/{action}", json=payload, headers=app.auth(OFFICER))
        assert_problem(response, 404, "not-found")


# --- authentication and roles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", BASE),
        ("GET", BASE),
        ("GET", f"{BASE}/some-id"),
        ("POST", f"{BASE}/some-id/application"),
        ("POST", f"{BASE}/some-id/completion"),
    ],
)
async def test_401_without_a_token(app, method, path):
    response = await app.client.request(method, path, json=body())
    problem = assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    assert "token" in problem["detail"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer "],
)
async def test_401_with_a_bad_token(app, authorization):
    response = await app.client.get(BASE, headers={"Authorization": authorization})
    assert_problem(response, 401, "unauthenticated")


async def test_401_with_an_expired_token(app):
    token = mint_token(
        app.settings,
        subject="tester",
        roles=[OFFICER],
        ttl=timedelta(minutes=5),
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    response = await app.client.get(BASE, headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401, "unauthenticated")


@pytest.mark.parametrize("roles", [("asylum-caseworker",), ("return-officer", "dublin-officer"), ()])
async def test_403_with_the_wrong_roles(app, roles):
    assert_problem(await app.client.get(BASE, headers=app.auth(*roles)), 403, "forbidden")
    assert_problem(await app.client.post(BASE, json=body(), headers=app.auth(*roles)), 403, "forbidden")


async def test_auditor_reads_but_does_not_write(app):
    case = await start(app)
    assert (await app.client.get(BASE, headers=app.auth("auditor"))).status_code == 200
    assert_problem(await app.client.post(BASE, json=body(), headers=app.auth("auditor")), 403, "forbidden")
    response = await app.client.post(f"{BASE}/{case['id']}/completion", headers=app.auth("auditor"))
    assert_problem(response, 403, "forbidden")


async def test_supervisor_writes(app):
    response = await app.client.post(BASE, json=body(), headers=app.auth("supervisor"))
    assert response.status_code == 201


# --- invalid data --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({"screening_reason": "BORDER"}, "invalid-request"),  # not an SR category
        ({"screening_reason": "border_irregular"}, "invalid-request"),
        ({"trigger_event_ts": "2026-07-08T09:30:00"}, "invalid-request"),  # naive: no zone
        ({"trigger_event_ts": "yesterday"}, "invalid-request"),
        ({"location": ""}, "invalid-request"),
        ({"location": "x" * 201}, "invalid-request"),
        ({"person": {"given_names": "Jan"}}, "invalid-request"),  # family name missing
        ({"person": {"family_name": "Doe", "nationalities": ["Syria"]}}, "invalid-request"),
        ({"person": {"family_name": "Doe", "sex": "male"}}, "invalid-request"),
        ({"person": "Doe"}, "invalid-request"),
        ({"person_id": ""}, "invalid-request"),
        ({"eurodac_reference": "x"}, "invalid-request"),  # unknown fields are refused
        ({"trigger_event_ts": "2026-07-10T12:00:00.000001+02:00"}, "invalid-data"),  # in the future
        ({"trigger_event_ts": "2027-01-01T00:00:00+00:00"}, "invalid-data"),
        ({"screening_reason": "BORDER_BCP_APPLICANT"}, "invalid-data"),  # SR 5(2) without the application
        ({"application_made_at": "2026-07-11T09:00:00+02:00"}, "invalid-data"),  # in the future
        ({"application_made_at": "2026-07-09T09:00:00"}, "invalid-request"),
    ],
)
async def test_422_invalid_screening(app, overrides, slug):
    response = await app.client.post(BASE, json=body(**overrides), headers=app.auth(OFFICER))
    assert_problem(response, 422, slug)


@pytest.mark.parametrize("missing", ["screening_reason", "trigger_event_ts", "location", "person"])
async def test_422_missing_field(app, missing):
    payload = body()
    del payload[missing]
    problem = assert_problem(await app.client.post(BASE, json=payload, headers=app.auth(OFFICER)), 422)
    assert ["body", missing] in [error["loc"] for error in problem["errors"]]


async def test_422_not_json(app):
    response = await app.client.post(
        BASE, content=b"{not json", headers=app.auth(OFFICER) | {"content-type": "application/json"}
    )
    assert_problem(response, 422, "invalid-request")


async def test_422_trigger_before_the_holiday_calendar_begins(app):
    response = await app.client.post(
        BASE, json=body(trigger_event_ts="2019-12-01T09:30:00+01:00"), headers=app.auth(OFFICER)
    )
    assert_problem(response, 422)


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "POST", "url": BASE, "json": body(location="Ter\x00Apel")},
        {"method": "POST", "url": BASE, "json": body(person={"family_name": "Do\x00e"})},
        {"method": "GET", "url": BASE, "params": {"person_id": "a\x00b"}},
        {"method": "GET", "url": f"{BASE}/a%00b"},
    ],
    ids=["location", "person name", "query", "path"],
)
async def test_422_nul_character(app, request_args):
    assert_problem(await app.client.request(**request_args, headers=app.auth(OFFICER)), 422)


async def test_nothing_is_stored_for_a_refused_screening(app):
    await app.client.post(
        BASE, json=body(person_id="refused-person", screening_reason="BORDER_BCP_APPLICANT"), headers=app.auth(OFFICER)
    )
    response = await app.client.get(BASE, params={"person_id": "refused-person"}, headers=app.auth(OFFICER))
    assert response.json()["items"] == []


# --- application during screening (SR 18(2)) -------------------------------------------------------


async def test_record_application(app, probe):
    case = await start(app)
    response = await app.client.post(
        f"{BASE}/{case['id']}/application",
        json={"made_at": "2026-07-09T10:00:00+02:00"},
        headers=app.auth(OFFICER) | {"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    updated = response.json()
    assert datetime.fromisoformat(updated["application_made_at"]) == datetime(2026, 7, 9, 8, 0, tzinfo=UTC)
    assert (updated["status"], updated["version"]) == ("IN_PROGRESS", 2)
    # The clock runs on: the limit is unchanged.
    assert updated["deadline_strict"] == case["deadline_strict"]
    actions = [(row.action, row.legal_basis) for row in await probe.audit(case["id"])]
    assert ("application.recorded", "SR Art 18(2)") in actions


async def test_application_twice_is_409(app):
    case = await start(app)
    path = f"{BASE}/{case['id']}/application"
    first = await app.client.post(path, json={"made_at": "2026-07-09T10:00:00+02:00"}, headers=app.auth(OFFICER))
    assert first.status_code == 200
    second = await app.client.post(path, json={"made_at": "2026-07-09T11:00:00+02:00"}, headers=app.auth(OFFICER))
    problem = assert_problem(second, 409, "transition-not-allowed")
    assert problem["current_status"] == "IN_PROGRESS"


async def test_application_after_referral_is_409(app):
    case = await start(app)
    completed = await app.client.post(f"{BASE}/{case['id']}/completion", headers=app.auth(OFFICER))
    assert completed.status_code == 200
    response = await app.client.post(
        f"{BASE}/{case['id']}/application", json={"made_at": "2026-07-09T10:00:00+02:00"}, headers=app.auth(OFFICER)
    )
    problem = assert_problem(response, 409, "transition-not-allowed")
    assert problem["current_status"] == "REFERRED_RETURN"


@pytest.mark.parametrize(
    ("payload", "slug"),
    [
        ({"made_at": "2026-07-09T10:00:00"}, "invalid-request"),
        ({"made_at": "2026-07-10T12:00:01+02:00"}, "invalid-data"),
        ({}, "invalid-request"),
        ({"made_at": "2026-07-09T10:00:00+02:00", "channel": "oral"}, "invalid-request"),
    ],
)
async def test_422_invalid_application(app, payload, slug):
    case = await start(app)
    response = await app.client.post(f"{BASE}/{case['id']}/application", json=payload, headers=app.auth(OFFICER))
    assert_problem(response, 422, slug)


# --- completion and referral (SR 18) --------------------------------------------------------------


async def test_completion_refers_to_return_and_publishes(app, probe):
    case = await start(app)
    response = await app.client.post(f"{BASE}/{case['id']}/completion", headers=app.auth(OFFICER))
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    done = response.json()
    assert (done["status"], done["completion"], done["missing_checks"]) == ("REFERRED_RETURN", "COMPLETE", [])
    assert datetime.fromisoformat(done["referred_at"]) == app.runtime.clock.now()
    [row] = await probe.outbox(case["id"])
    assert row.event_type == "screening.case.referred"
    assert row.topic == app.runtime.topics.events("screening")
    event = CloudEvent.model_validate_json(row.payload)
    assert (event.subject, event.source) == (case["id"], "/keten/screening")
    assert event.data["target"] == "RETURN"
    assert event.data["basis"] == "SR Art 18(1)"
    assert event.data["person"]["nationalities"] == ["SYR"]
    [deadline] = await probe.deadlines(case["id"])
    assert deadline.status == "cancelled"


@pytest.mark.parametrize(
    ("reason", "application", "status", "basis"),
    [
        ("BORDER_SAR", "2026-07-09T10:00:00+02:00", "REFERRED_ASYLUM", "SR Art 18(2)"),
        ("TERRITORY", None, "CONTINUE_RETURN", "SR Art 18(4)"),
        ("TERRITORY", "2026-07-09T10:00:00+02:00", "REFERRED_ASYLUM", "SR Art 18(2)"),
        ("BORDER_SAR", None, "REFERRED_RETURN", "SR Art 18(1)"),
    ],
)
async def test_completion_outcomes(app, probe, reason, application, status, basis):
    case = await start(app, screening_reason=reason, application_made_at=application)
    response = await app.client.post(f"{BASE}/{case['id']}/completion", headers=app.auth(OFFICER))
    assert response.json()["status"] == status
    [row] = await probe.outbox(case["id"], "screening.case.referred")
    assert json.loads(row.payload)["data"]["basis"] == basis


async def test_complete_twice_is_409_and_publishes_once(app, probe):
    case = await start(app)
    path = f"{BASE}/{case['id']}/completion"
    assert (await app.client.post(path, headers=app.auth(OFFICER))).status_code == 200
    problem = assert_problem(await app.client.post(path, headers=app.auth(OFFICER)), 409, "transition-not-allowed")
    assert problem["current_status"] == "REFERRED_RETURN"
    assert len(await probe.outbox(case["id"])) == 1


async def test_referral_event_reaches_the_relay(app, probe, wait_for):
    case = await start(app)
    await app.client.post(f"{BASE}/{case['id']}/completion", headers=app.auth(OFFICER))

    async def published():
        return all(row.published_at is not None for row in await probe.outbox(case["id"]))

    await wait_for(published)


# --- optimistic concurrency ----------------------------------------------------------------------


async def test_412_on_a_stale_if_match(app, probe):
    case = await start(app)
    path = f"{BASE}/{case['id']}"
    await app.client.post(
        f"{path}/application", json={"made_at": "2026-07-09T10:00:00+02:00"}, headers=app.auth(OFFICER)
    )
    response = await app.client.post(f"{path}/completion", headers=app.auth(OFFICER) | {"If-Match": '"1"'})
    problem = assert_problem(response, 412, "precondition-failed")
    assert problem["current_etag"] == '"2"'
    assert (await app.client.get(path, headers=app.auth(OFFICER))).json()["status"] == "IN_PROGRESS"
    assert await probe.outbox(case["id"]) == []


@pytest.mark.parametrize("if_match", ['"1"', "*", 'W/"1"', '"7", "1"'])
async def test_matching_if_match_is_accepted(app, if_match):
    case = await start(app)
    response = await app.client.post(
        f"{BASE}/{case['id']}/completion", headers=app.auth(OFFICER) | {"If-Match": if_match}
    )
    assert response.status_code == 200, response.text


async def test_stale_if_match_on_application(app):
    case = await start(app)
    response = await app.client.post(
        f"{BASE}/{case['id']}/application",
        json={"made_at": "2026-07-09T10:00:00+02:00"},
        headers=app.auth(OFFICER) | {"If-Match": '"2"'},
    )
    assert_problem(response, 412, "precondition-failed")


async def lock_waiters(app) -> int:
    async with app.runtime.engine.connect() as connection:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int((await connection.execute(query)).scalar_one())


async def test_a_lost_race_between_two_completions_is_409_not_500(app, probe, wait_for):
    case = await start(app)
    path = f"{BASE}/{case['id']}/completion"
    # Hold the row so that both requests load version 1 and queue on their UPDATE: a deterministic race.
    async with app.runtime.sessionmaker() as blocker:
        await blocker.execute(select(screenings.c.id).where(screenings.c.id == case["id"]).with_for_update())
        racing = [asyncio.create_task(app.client.post(path, headers=app.auth(OFFICER))) for _ in range(2)]
        await wait_for(lambda: _at_least(lock_waiters(app), 2))
        await blocker.commit()
    responses = await asyncio.gather(*racing)
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert len(await probe.outbox(case["id"])) == 1


async def _at_least(count, n: int) -> bool:
    return await count >= n


# --- listing: pagination and filters -------------------------------------------------------------


async def test_pagination(app):
    person = f"paged-{uuid.uuid4()}"
    ids = sorted([(await start(app, person_id=person))["id"] for _ in range(5)])
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"person_id": person, "limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await app.client.get(BASE, params=params, headers=app.auth(OFFICER))
        assert response.status_code == 200
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    # All were created at the same (fixed) instant: the id breaks the tie, nothing is lost or repeated.
    assert seen == ids


async def test_exact_page_has_no_next_cursor(app):
    person = f"exact-{uuid.uuid4()}"
    for _ in range(2):
        await start(app, person_id=person)
    page = (await app.client.get(BASE, params={"person_id": person, "limit": 2}, headers=app.auth(OFFICER))).json()
    assert (len(page["items"]), page["next_cursor"]) == (2, None)


async def test_filters(app):
    person = f"filtered-{uuid.uuid4()}"
    territory = await start(app, person_id=person, screening_reason="TERRITORY")
    border = await start(app, person_id=person)
    await app.client.post(f"{BASE}/{border['id']}/completion", headers=app.auth(OFFICER))

    async def ids(**params: Any) -> list[str]:
        response = await app.client.get(BASE, params={"person_id": person} | params, headers=app.auth(OFFICER))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert set(await ids()) == {territory["id"], border["id"]}
    assert await ids(status="IN_PROGRESS") == [territory["id"]]
    assert await ids(status="REFERRED_RETURN") == [border["id"]]
    assert await ids(status="REFERRED_ASYLUM") == []
    assert await ids(deadline_strict="2026-07-11") == [territory["id"]]
    assert await ids(deadline_strict="2026-07-15") == [border["id"]]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "DONE"},
        {"deadline_strict": "next week"},
        {"limit": 0},
        {"limit": 201},
        {"limit": "many"},
        {"cursor": "not-a-cursor"},
        {"cursor": base64.urlsafe_b64encode(b"[1]").decode()},
        {"cursor": base64.urlsafe_b64encode(b'{"a": 1}').decode()},
        {"cursor": base64.urlsafe_b64encode(b'["not a date", "x"]').decode()},
    ],
)
async def test_422_bad_list_parameters(app, params):
    assert_problem(await app.client.get(BASE, params=params, headers=app.auth(OFFICER)), 422)


async def test_422_cursor_with_a_naive_datetime(app):
    # Every cursor the API hands out carries an offset; a naive one must be refused, not reach the database.
    cursor = base64.urlsafe_b64encode(json.dumps(["2026-07-10T12:00:00", "x"]).encode()).decode()
    assert_problem(await app.client.get(BASE, params={"cursor": cursor}, headers=app.auth(OFFICER)), 422)


async def test_unknown_route_and_method_are_problems(app):
    assert_problem(await app.client.get("/v1/nothing", headers=app.auth(OFFICER)), 404)
    assert_problem(await app.client.delete(BASE, headers=app.auth(OFFICER)), 405)
