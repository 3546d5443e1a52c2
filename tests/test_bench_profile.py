"""The profile summary of `make bench --profile`: py-spy's collapsed stacks read into where the CPU went."""

from __future__ import annotations

from pathlib import Path

from bench.profile import RATE, STDLIB, summarise

SITE = "/srv/.venv/lib/python3.11/site-packages"
ROOT = "run (/srv/keten_asylum/__main__.py:3);serve (/srv/shared/keten_shared/cli/service_cli.py:40)"
STACKS = f"""{ROOT};execute ({SITE}/sqlalchemy/orm/session.py:2300);write ({STDLIB}/asyncio/selector_events.py:1060) 30
{ROOT};execute ({SITE}/sqlalchemy/orm/session.py:2300);_do_execute ({SITE}/asyncpg/connection.py:1800) 10
{ROOT};decorated (/srv/keten_asylum/entrypoints/api.py:12);wrapper
    return target(fn, self, bind) ({SITE}/fastapi/routing.py:300) 20
{ROOT};select ({STDLIB}/selectors.py:468) 40
"""


def test_samples_are_charged_to_the_innermost_package_and_to_every_library_they_ran_in(tmp_path: Path):
    path = tmp_path / "asylum.txt"
    path.write_text(STACKS)

    summary = summarise("asylum", path, seconds=1.0).as_dict()

    assert summary["samples"] == 100  # the frame whose text holds a line break is still one stack of 20
    assert summary["active_share"] == 100 / RATE
    assert dict(summary["packages"]) == {
        "stdlib asyncio": 0.3,
        "stdlib selectors": 0.4,
        "asyncpg": 0.1,
        "fastapi": 0.2,
    }
    assert dict(summary["within_libraries"]) == {"sqlalchemy": 0.4, "asyncpg": 0.1, "fastapi": 0.2}
    assert summary["functions"][0] == ["select (stdlib selectors)", 0.4]


def test_a_service_py_spy_could_not_sample_has_no_shares(tmp_path: Path):
    summary = summarise("return", tmp_path / "missing.txt", seconds=2.0).as_dict()
    assert (summary["samples"], summary["active_share"], summary["packages"]) == (0, 0.0, [])
