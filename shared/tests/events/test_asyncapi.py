"""The AsyncAPI 3 document: committed, current, and consistent with the event registry."""

from __future__ import annotations

from pathlib import Path

import yaml

from keten_shared.cli.main import ASYNCAPI_FILE, asyncapi_document
from keten_shared.events import asyncapi, registered_events

ROOT = Path(__file__).resolve().parents[3]


def test_committed_document_is_current():
    committed = yaml.safe_load((ROOT / ASYNCAPI_FILE).read_text())
    assert committed == asyncapi_document(), "run `keten asyncapi generate`"


def test_every_event_is_a_message_on_its_producers_topic():
    document = asyncapi_document()
    assert document["asyncapi"] == "3.0.0"
    for model in registered_events():
        message_id = f"{model.event_type}.v{model.version}"
        channel = document["channels"][f"{model.producer}Events"]
        assert channel["address"] == f"{model.producer}.events"
        assert channel["messages"][message_id]["$ref"] == f"#/components/messages/{message_id}"
        payload = document["components"]["messages"][message_id]["payload"]["schema"]
        assert payload["properties"]["type"] == {"const": model.event_type}
        assert payload["properties"]["dataschema"] == {"const": model.schema_uri()}


def _resolve(document: dict, ref: str) -> dict:
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_every_reference_resolves():
    document = asyncapi_document()
    for operation in document["operations"].values():
        _resolve(document, operation["channel"]["$ref"])
        for message in operation["messages"]:
            _resolve(document, _resolve(document, message["$ref"])["$ref"])


def test_consumers_appear_as_receive_operations():
    operations = asyncapi_document()["operations"]
    assert operations["returnReceivesAsylum"]["action"] == "receive"
    assert operations["returnReceivesAsylum"]["messages"] == [
        {"$ref": f"#/channels/asylumEvents/messages/{name}.v1"}
        for name in (
            "asylum.appeal.decided",
            "asylum.appeal.lodged",
            "asylum.decision.issued",
            "asylum.right_to_remain.updated",
        )
    ]


def test_a_service_document_holds_only_its_own_topics():
    document = asyncapi.build({"asylum": ["screening.case.referred"]}, only_service="asylum")
    assert {c["address"] for c in document["channels"].values()} == {"asylum.events", "asylum.dlq", "asylum.retry"}
    assert set(document["components"]["messages"]) == {
        f"{e.event_type}.v{e.version}" for e in registered_events() if e.producer == "asylum"
    }
