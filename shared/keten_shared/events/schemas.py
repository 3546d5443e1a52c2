"""JSON Schema files, one per event type and major version, generated from the payload models.

Committed under keten_shared/schemas/<type>/v<version>.json; partners validate against them.
Within a major version a schema may only gain optional properties (and change annotations such
as descriptions); anything else is a breaking change and needs a new version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from keten_shared.events.registry import EventData, registered_events

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
_ANNOTATIONS = {"title", "description", "examples", "default", "$id", "$schema", "$comment"}


def schema_for(model: type[EventData]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": model.schema_uri(),
        "x-keten-event-type": model.event_type,
        "x-keten-version": model.version,
        "x-keten-producer": model.producer,
        **schema,
        "title": model.event_type,
    }


def schema_path(model: type[EventData], root: Path = SCHEMA_DIR) -> Path:
    return root / model.event_type / f"v{model.version}.json"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _deref(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"].startswith("#/$defs/"):
            return _deref(defs[node["$ref"].removeprefix("#/$defs/")], defs)
        return {k: _deref(v, defs) for k, v in node.items() if k not in _ANNOTATIONS and k != "$defs"}
    if isinstance(node, list):
        return [_deref(v, defs) for v in node]
    return node


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why ``new`` cannot replace ``old`` within one major version (empty if it can)."""
    old_shape = _deref(old, old.get("$defs", {}))
    new_shape = _deref(new, new.get("$defs", {}))
    problems: list[str] = []
    _compare(old_shape, new_shape, "$", problems)
    return problems


def _compare(old: Any, new: Any, path: str, problems: list[str]) -> None:
    """Walk both shapes together: objects by their properties, other keywords and lists (anyOf, enum, ...)
    element by element, so that an optional property added at any depth is recognised as compatible."""
    if isinstance(old, dict) and isinstance(new, dict):
        if "properties" in old or "properties" in new:
            _compare_properties(old, new, path, problems)
            old = {k: v for k, v in old.items() if k not in {"properties", "required"}}
            new = {k: v for k, v in new.items() if k not in {"properties", "required"}}
        for keyword in sorted(old.keys() | new.keys()):
            if keyword not in old or keyword not in new:
                problems.append(f"{path}: keyword {keyword} {'added' if keyword in new else 'removed'}")
            else:
                _compare(old[keyword], new[keyword], f"{path}/{keyword}", problems)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (o, n) in enumerate(zip(old, new, strict=True)):
            _compare(o, n, f"{path}[{index}]", problems)
        return
    if old != new:
        problems.append(f"{path}: changed from {json.dumps(old, sort_keys=True)} to {json.dumps(new, sort_keys=True)}")


def _compare_properties(old: dict[str, Any], new: dict[str, Any], path: str, problems: list[str]) -> None:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
    added = new_props.keys() - old_props.keys()
    for name in sorted(old_props.keys() - new_props.keys()):
        problems.append(f"{path}.{name}: property removed")
    for name in sorted(added & new_req):
        problems.append(f"{path}.{name}: new property is required")
    for name in sorted(old_req ^ (new_req - added)):
        problems.append(f"{path}.{name}: required-ness changed")
    for name in sorted(old_props.keys() & new_props.keys()):
        _compare(old_props[name], new_props[name], f"{path}.{name}", problems)


def check_committed(root: Path = SCHEMA_DIR) -> dict[str, list[str]]:
    """For every registered event: what is wrong with its committed schema file (empty: nothing)."""
    report: dict[str, list[str]] = {}
    for model in registered_events():
        key = f"{model.event_type} v{model.version}"
        path = schema_path(model, root)
        generated = schema_for(model)
        if not path.exists():
            report[key] = [f"{path} is missing: run `keten schemas generate`"]
            continue
        committed = json.loads(path.read_text())
        if committed == generated:
            continue
        breaking = breaking_changes(committed, generated)
        report[key] = (
            [f"breaking change without a new version: {b}" for b in breaking]
            if breaking
            else [f"{path} is out of date (compatible change): run `keten schemas generate`"]
        )
    return report


def generate(root: Path = SCHEMA_DIR) -> list[Path]:
    """Write the schema files; refuses to overwrite a committed schema with a breaking change."""
    written = []
    for model in registered_events():
        path = schema_path(model, root)
        generated = schema_for(model)
        if path.exists():
            breaking = breaking_changes(json.loads(path.read_text()), generated)
            if breaking:
                raise ValueError(
                    f"{model.event_type} v{model.version}: breaking change needs a new version: {breaking}"
                )
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != render(generated):
            path.write_text(render(generated))
            written.append(path)
    return written
