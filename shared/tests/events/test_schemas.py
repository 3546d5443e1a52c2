"""Committed JSON Schemas: present, current, and never broken within a major version."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from keten_shared.events import registered_events
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.schemas import SCHEMA_DIR, breaking_changes, check_committed, generate, schema_for

from .test_envelope import AT, referral


def test_every_event_type_has_a_current_committed_schema():
    assert check_committed() == {}


def test_every_committed_schema_file_belongs_to_a_registered_event():
    registered = {f"{m.event_type}/v{m.version}.json" for m in registered_events()}
    committed = {str(p.relative_to(SCHEMA_DIR)) for p in SCHEMA_DIR.glob("*/v*.json")}
    assert committed == registered


def test_committed_schemas_validate_real_payloads():
    schema = json.loads((SCHEMA_DIR / "screening.case.referred" / "v1.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(CloudEvent.wrap(referral(), source="/s", subject="c", time=AT).to_json())["data"]
    jsonschema.validate(data, schema)
    del data["target"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=SCHEMA_DIR, check=True, capture_output=True, text=True).stdout


def test_no_committed_revision_of_a_schema_is_broken_by_the_current_one():
    """Every version of a schema file ever committed must still be compatible with today's file."""
    top = Path(_git("rev-parse", "--show-toplevel").strip())
    for path in sorted(SCHEMA_DIR.glob("*/v*.json")):
        relative = str(path.relative_to(top))
        current = json.loads(path.read_text())
        for revision in _git("log", "--format=%H", "--", relative).split():
            old = json.loads(_git("show", f"{revision}:{relative}"))
            assert breaking_changes(old, current) == [], f"{relative} at {revision[:10]}"


OLD = schema_for(type(referral()))


def changed(edit) -> dict:
    new = copy.deepcopy(OLD)
    edit(new)
    return new


def test_adding_an_optional_property_is_compatible():
    new = changed(lambda s: s["properties"].update(note={"type": "string"}))
    assert breaking_changes(OLD, new) == []


def test_changing_only_descriptions_is_compatible():
    new = changed(lambda s: s.update(description="reworded"))
    assert breaking_changes(OLD, new) == []


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda s: s["properties"].pop("location"), "property removed"),
        (
            lambda s: (s["properties"].update(note={"type": "string"}), s["required"].append("note")),
            "new property is required",
        ),
        (lambda s: s["required"].remove("location"), "required-ness changed"),
        (lambda s: s["properties"]["location"].update(type="integer"), "changed"),
        (lambda s: s["$defs"]["ReferralTarget"]["enum"].append("ELSEWHERE"), "changed"),
        (lambda s: s["$defs"]["ReferralTarget"]["enum"].remove("RELOCATION"), "changed"),
        (lambda s: s["$defs"]["PersonDetails"]["properties"].pop("family_name"), "property removed"),
    ],
)
def test_breaking_changes_are_detected(edit, reason):
    problems = breaking_changes(OLD, changed(edit))
    assert any(reason in p for p in problems), problems


def test_generate_refuses_to_overwrite_a_schema_with_a_breaking_change(tmp_path):
    model = type(referral())
    target = tmp_path / model.event_type / f"v{model.version}.json"
    target.parent.mkdir()
    committed = changed(lambda s: s["properties"].update(gone={"type": "string"}))
    target.write_text(json.dumps(committed))
    with pytest.raises(ValueError, match="breaking change needs a new version"):
        generate(tmp_path)
    assert json.loads(target.read_text()) == committed


def test_check_reports_a_breaking_change_without_a_new_version(tmp_path):
    generate(tmp_path)
    model = type(referral())
    path = tmp_path / model.event_type / f"v{model.version}.json"
    edited = json.loads(path.read_text())
    edited["properties"]["gone"] = {"type": "string"}
    path.write_text(json.dumps(edited))
    report = check_committed(tmp_path)
    assert list(report) == [f"{model.event_type} v{model.version}"]
    assert "breaking change without a new version" in report[f"{model.event_type} v{model.version}"][0]


NESTED_OLD = {
    "type": "object",
    "properties": {
        "facts": {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {"a": {"type": "string"}, "b": {"enum": ["X", "Y"]}},
                    "required": ["a"],
                },
                {"type": "null"},
            ]
        }
    },
}


def nested(edit) -> dict:
    new = copy.deepcopy(NESTED_OLD)
    edit(new["properties"]["facts"]["anyOf"][0])
    return new


def test_an_optional_property_added_inside_an_optional_object_is_compatible():
    assert breaking_changes(NESTED_OLD, nested(lambda o: o["properties"].update(c={"type": "string"}))) == []


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda o: o["properties"].pop("a"), "$.facts/anyOf[0].a: property removed"),
        (lambda o: o["properties"]["b"]["enum"].append("Z"), "$.facts/anyOf[0].b"),
        (lambda o: o.update(additionalProperties=False), "keyword additionalProperties added"),
        (
            lambda o: (o["properties"].update(c={"type": "string"}), o["required"].append("c")),
            "new property is required",
        ),
    ],
)
def test_breaking_changes_inside_an_optional_object_are_detected(edit, reason):
    problems = breaking_changes(NESTED_OLD, nested(edit))
    assert any(reason in p for p in problems), problems
