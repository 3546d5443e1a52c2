"""End to end: a remedy against a border-procedure rejection suspends the return decision; its dismissal
reinstates it and, the rejection now final, ends reception. Through the REST APIs of screening, asylum, return
and reception and the broker, nothing mocked.

The border procedure on APR Art 42(1)(c) gives the appeal no automatic suspensive effect (APR Art 68(3)(a)(ii)),
so the applicant may not be removed only until the period to ask a court to remain ends and, once asked, until
the court rules (APR Art 68(5)(d)); the court allows remaining (APR Art 68(4)). Throughout, the effects of the
return decision are suspended (APR Art 68(1); C-181/16 Gnandi); the dismissal of the appeal ends it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .conftest import Stack, eventually
from .test_chain import return_cases, screen_and_refer_to_asylum

pytestmark = pytest.mark.e2e

NL = ZoneInfo("Europe/Amsterdam")  # the member state of the stack (ServiceSettings.member_state "NL")


def _now() -> str:
    """A real current instant: the services run with the real clock and refuse instants in the future."""
    return datetime.now(UTC).isoformat()


async def _return_events(stack: Stack, event_type: str, case_id: str) -> list[dict[str, Any]]:
    return [e for e in await stack.events("return.events", event_type) if e["subject"] == case_id]


async def test_an_appeal_with_leave_to_remain_suspends_the_return_decision_until_dismissed(stack: Stack):
    application = await screen_and_refer_to_asylum(stack, "Mansour")
    assert application["status"] == "REGISTERED"
    path = f"/v1/applications/{application['id']}"

    async with stack.client("asylum") as asylum:
        lodged = await asylum.post(f"{path}/lodging", json={"lodged_at": _now()})
        assert lodged.status_code == 200, lodged.text

        # APR Art 45(1), 42(1)(c): misleading the authorities at the border makes the border procedure mandatory.
        routed = await asylum.post(f"{path}/routing", json={"established_grounds": ["MISLEADING"]})
        assert routed.status_code == 200, routed.text
        routing = routed.json()
        assert (routing["procedure"], routing["mandatory"]) == ("BORDER", True)
        assert [g["code"] for g in routing["grounds"]] == ["MISLEADING"]
        # APR Art 51(2): every stage of the border procedure within 12 weeks of registration.
        registered_on = datetime.fromisoformat(lodged.json()["registered_at"]).astimezone(NL).date()
        assert (
            registered_on < date.fromisoformat(routing["examination_deadline"]) <= registered_on + timedelta(weeks=12)
        )

        decided = await asylum.post(
            f"{path}/decision", json={"outcome": "REJECTED_MANIFESTLY_UNFOUNDED", "notified_at": _now()}
        )
        assert decided.status_code == 201, decided.text
        decision = decided.json()
        assert (decision["procedure_type"], decision["return_decision_required"]) == ("BORDER", True)
        # APR Art 68(3)(a)(ii): no automatic suspensive effect; a court can be asked (APR Art 68(5)(a)).
        assert decision["automatic_suspensive_effect"] is False
        assert decision["remain_request_deadline"] is not None

    # APR Art 37: exactly one return decision; until the period to ask a court has ended the person may not be
    # removed (APR Art 68(5)(d)), so the return decision starts suspended (APR Art 68(1)).
    async def suspended_case() -> dict | None:
        cases = await return_cases(stack, asylum_decision_id=decision["id"])
        return cases[0] if cases and cases[0]["status"] == "SUSPENDED" else None

    case = await eventually(suspended_case, within=20)
    assert len(await return_cases(stack, asylum_decision_id=decision["id"])) == 1
    assert case["decision"]["legal_basis"] == ["APR Art 37", "RD Art 6(1)"]
    assert case["suspension"]["legal_basis"] == ["APR Art 68(1)", "APR Art 68(5)(d)", "C-181/16 Gnandi"]
    assert case["suspension"]["resumes"] == "RETURN_DECISION_ISSUED"
    assert case["asylum_remedy"]["right_to_remain_until"] == decision["remain_request_deadline"]

    async with stack.client("asylum") as asylum:
        # The appeal, lodged in time, has no suspensive effect of its own (APR Art 68(3)(a)(ii)) ...
        appealed = await asylum.post(f"{path}/appeals", json={"lodged_at": _now()})
        assert appealed.status_code == 201, appealed.text
        appeal = appealed.json()
        assert (appeal["in_time"], appeal["suspensive"]) == (True, False)
        # ... so the applicant asks the court to remain (APR Art 68(4)-(5)), and the court allows it.
        requested = await asylum.post(f"{path}/remain-request", json={"lodged_at": _now()})
        assert requested.status_code == 200, requested.text
        ruled = await asylum.post(f"{path}/remain-ruling", json={"ruling": "ALLOWED"})
        assert ruled.status_code == 200, ruled.text
        assert (ruled.json()["right_to_remain"], ruled.json()["right_to_remain_basis"]) == (True, "APR Art 68(4)")

    async def on_leave_of_the_court() -> dict | None:
        # The return case and its remedy record are two reads; wait until both show the court's leave.
        [current] = await return_cases(stack, asylum_decision_id=decision["id"])
        leave = current["asylum_remedy"]["right_to_remain_basis"] == "APR Art 68(4)"
        return current if leave and "APR Art 68(4)" in (current["suspension"] or {}).get("legal_basis", []) else None

    case = await eventually(on_leave_of_the_court, within=20)
    # Enforcement stays halted, now on the court's leave; the appeal is on record, without suspensive effect.
    assert case["status"] == "SUSPENDED"
    assert case["suspension"]["legal_basis"] == ["APR Art 68(1)", "APR Art 68(4)", "C-181/16 Gnandi"]
    assert case["asylum_remedy"]["appeal"]["id"] == appeal["id"]
    assert case["asylum_remedy"]["appeal"]["suspensive"] is False
    [suspended] = await _return_events(stack, "return.decision.suspended", case["id"])
    assert suspended["data"]["asylum_decision_id"] == decision["id"]
    assert suspended["data"]["reason"] == "RIGHT_TO_REMAIN"
    assert suspended["data"]["return_decision_id"] == case["decision"]["id"]
    assert "APR Art 68(1)" in suspended["data"]["legal_basis"]

    # The court dismisses the appeal: the rejection stands, the right to remain pending the appeal ends.
    async with stack.client("asylum") as asylum:
        dismissed = await asylum.post(f"{path}/appeal/outcome", json={"result": "DISMISSED"})
        assert dismissed.status_code == 200, dismissed.text
        assert dismissed.json()["status"] == "FINAL"

    async def reinstated_case() -> dict | None:
        [current] = await return_cases(stack, asylum_decision_id=decision["id"])
        return current if current["status"] == "RETURN_DECISION_ISSUED" else None

    case = await eventually(reinstated_case, within=20)
    assert case["suspension"] is None
    assert case["asylum_remedy"]["appeal"]["result"] == "DISMISSED"
    assert case["asylum_remedy"]["right_to_remain"] is False

    async def reinstatement() -> list[dict[str, Any]]:
        return await _return_events(stack, "return.decision.reinstated", case["id"])

    [reinstated] = await eventually(reinstatement, within=20)
    assert (reinstated["data"]["reason"], reinstated["data"]["appeal_id"], reinstated["data"]["status"]) == (
        "APPEAL_DISMISSED",
        appeal["id"],
        "RETURN_DECISION_ISSUED",
    )
    assert reinstated["data"]["suspended_at"] == suspended["data"]["suspended_at"]
    # Still exactly one return decision, suspended once and reinstated once, never withdrawn.
    assert len(await _return_events(stack, "return.decision.issued", case["id"])) == 1
    assert len(await _return_events(stack, "return.decision.suspended", case["id"])) == 1
    assert await _return_events(stack, "return.decision.withdrawn", case["id"]) == []

    # The rejection is final (APR Art 3): no longer an applicant, the person's reception ends (RCD Art 2(2)),
    # after the return decision that the rejection brought.
    async def ended_file() -> dict | None:
        async with stack.client("reception") as reception:
            found = await reception.get("/v1/reception-files", params={"asylum_case_id": application["id"]})
        assert found.status_code == 200, found.text
        [file] = found.json()["items"]
        return file if file["status"] == "ENDED" else None

    file = await eventually(ended_file, within=20)
    assert (file["ended_reason"], file["conditions"]) == ("FINAL_DECISION_NEGATIVE", "ENDED")
    assert datetime.fromisoformat(file["ended_at"]) > datetime.fromisoformat(case["decision"]["issued_at"])
    [ended] = [e for e in await stack.events("reception.events", "reception.ended") if e["subject"] == file["id"]]
    assert ended["data"]["legal_basis"] == "RCD Art 2(2); APR Art 3"
