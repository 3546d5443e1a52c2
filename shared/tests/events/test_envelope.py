"""The CloudEvents 1.0 envelope (structured JSON mode) and typed payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from keten_shared.events import CloudEvent, EnvelopeError
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.reception import ReceptionFileOpened
from keten_shared.events.catalog.screening import (
    Completion,
    ReferralOutcome,
    ReferralTarget,
    ScreeningCaseReferred,
    ScreeningReason,
)

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def referral() -> ScreeningCaseReferred:
    return ScreeningCaseReferred(
        case_id="case-1",
        person_id="person-1",
        member_state="NL",
        screening_reason=ScreeningReason.BORDER_IRREGULAR,
        trigger_event_ts=AT,
        location="Ter Apel",
        referred_at=AT,
        target=ReferralTarget.ASYLUM,
        outcome=ReferralOutcome.REFERRED_ASYLUM,
        basis="SR Art 18(2)",
        completion=Completion.COMPLETE,
        application_made_at=AT,
        person=PersonDetails(family_name="Haddad", nationalities=["SYR"]),
    )


def test_wrap_sets_every_required_attribute_and_the_extensions():
    event = CloudEvent.wrap(
        referral(),
        source="/keten/screening",
        subject="case-1",
        time=AT,
        traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    )
    body = json.loads(event.to_json())
    assert body["specversion"] == "1.0"
    assert body["type"] == "screening.case.referred"
    assert body["source"] == "/keten/screening"
    assert body["subject"] == "case-1"
    assert body["datacontenttype"] == "application/json"
    assert body["dataschema"] == "urn:keten:schema:screening.case.referred:v1"
    assert body["traceparent"].startswith("00-" + "a" * 32)
    assert body["id"] and body["time"] == "2026-11-23T09:30:00Z"
    assert body["data"]["person"]["nationalities"] == ["SYR"]


def test_round_trip_gives_the_typed_payload_back():
    event = CloudEvent.wrap(referral(), source="/keten/screening", subject="case-1", time=AT)
    parsed = CloudEvent.from_bytes(event.to_json().encode())
    assert parsed == event
    assert parsed.payload() == referral()


def test_unknown_payload_fields_are_ignored_so_old_consumers_read_newer_minor_revisions():
    event = CloudEvent.wrap(referral(), source="/keten/screening", subject="case-1", time=AT)
    body = json.loads(event.to_json())
    body["data"]["added_later"] = {"x": 1}
    assert CloudEvent.from_bytes(json.dumps(body).encode()).payload() == referral()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[]",
        b'{"specversion": "1.0"}',
        json.dumps(
            {
                "specversion": "0.3",
                "id": "1",
                "source": "/x",
                "type": "t",
                "time": "2026-01-01T00:00:00Z",
                "dataschema": "urn:keten:schema:t:v1",
                "data": {},
            }
        ).encode(),
    ],
)
def test_messages_that_are_not_cloudevents_are_rejected(raw):
    with pytest.raises(EnvelopeError):
        CloudEvent.from_bytes(raw)


def test_naive_event_time_is_rejected():
    body = json.loads(CloudEvent.wrap(referral(), source="/s", subject="c", time=AT).to_json())
    body["time"] = "2026-11-23T09:30:00"
    with pytest.raises(EnvelopeError):
        CloudEvent.from_bytes(json.dumps(body).encode())


def test_data_that_breaks_its_schema_is_rejected():
    body = json.loads(CloudEvent.wrap(referral(), source="/s", subject="c", time=AT).to_json())
    body["data"]["target"] = "NOWHERE"
    with pytest.raises(EnvelopeError, match="does not match"):
        CloudEvent.from_bytes(json.dumps(body).encode()).payload()


def test_dataschema_must_describe_the_event_type():
    body = json.loads(CloudEvent.wrap(referral(), source="/s", subject="c", time=AT).to_json())
    body["dataschema"] = ReceptionFileOpened.schema_uri()
    with pytest.raises(EnvelopeError, match="does not describe"):
        CloudEvent.from_bytes(json.dumps(body).encode()).payload()


def test_an_unknown_schema_version_is_not_guessed():
    body = json.loads(CloudEvent.wrap(referral(), source="/s", subject="c", time=AT).to_json())
    body["dataschema"] = "urn:keten:schema:screening.case.referred:v9"
    with pytest.raises(LookupError):
        CloudEvent.from_bytes(json.dumps(body).encode()).payload()
