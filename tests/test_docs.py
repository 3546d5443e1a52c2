"""The README documents every setting a service reads."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from keten_asylum.config import AsylumSettings
from keten_dublin.config import DublinSettings
from keten_shared.settings import ServiceSettings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _variables(model: type[BaseModel], prefix: str) -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        nested = (
            field.annotation if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel) else None
        )
        names += _variables(nested, f"{prefix}{name.upper()}__") if nested else [f"{prefix}{name.upper()}"]
    return names


def test_every_setting_is_documented_in_the_readme():
    assert [v for v in _variables(ServiceSettings, "KETEN_") if f"`{v}`" not in README] == []


def test_every_asylum_setting_is_documented_in_the_readme():
    missing = [v for v in _variables(AsylumSettings, "KETEN_ASYLUM_") if f"`{v}`" not in README]
    # A nested period is documented as `..._AMOUNT` / `__UNIT` on one line.
    assert [v for v in missing if not (v.endswith("__UNIT") and f"`{v[:-6]}__AMOUNT`" in README)] == []


def test_every_dublin_setting_is_documented_in_the_readme():
    assert [v for v in _variables(DublinSettings, "KETEN_DUBLIN_") if f"`{v}`" not in README] == []
