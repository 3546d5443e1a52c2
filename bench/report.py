"""The figures as a table on stdout and as JSON under bench/results/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(result: dict[str, Any]) -> str:
    figures = result["figures"]
    chain, prop, rest, events = figures["chain"], figures["propagation"], figures["rest"], figures["events"]
    baseline = figures.get("baseline")
    lines = [
        f"keten bench — {result['started']}  ({result['machine']['cores']} cores, {result['machine']['ram_gib']} GiB,"
        f" Python {result['machine']['python']}, PostgreSQL {result['machine']['postgresql']})",
        f"config: {result['config']['cases']} cases, concurrency {result['config']['concurrency']},"
        f" negative {result['config']['negative_share']:.0%}, border {result['config']['border_share']:.0%},"
        f" Dublin {result['config']['dublin_share']:.0%}, minors {result['config']['minor_share']:.0%}",
        "",
        "(1) whole chain",
        f"    completed {chain['completed']}, failed {chain['failed']}, wall {chain['wall_seconds']:.1f} s",
        f"    steady state {_rate(chain['steady_per_s'])} lifecycles/s   overall {_rate(chain['overall_per_s'])}/s",
        f"    lifecycle p50/p95/p99 ms  {_ms(chain['lifecycle_seconds']['p50'])} / "
        f"{_ms(chain['lifecycle_seconds']['p95'])} / {_ms(chain['lifecycle_seconds']['p99'])}",
        "(2) asylum decision → return decision, ms            n     p50     p95     p99",
    ]
    for name in ("recorded_seconds", "observed_seconds"):
        s = prop[name]
        lines.append(
            f"    {name.split('_')[0]:<47} {s['n']:>3} {_ms(s['p50']):>7} {_ms(s['p95']):>7} {_ms(s['p99']):>7}"
        )
    lines.append("(3) REST latency, ms                   requests     p50     p95     p99  errors")
    for service, s in rest.items():
        if isinstance(s, dict) and "p50" in s:
            percentiles = f"{_ms(s['p50']):>7} {_ms(s['p95']):>7} {_ms(s['p99']):>7}"
            lines.append(f"    {service:<32} {s['n']:>8} {percentiles} {s['errors']:>7}")
    lines.append(f"    non-2xx answers: {rest['error_total']}")
    lines.append(
        f"(4) events consumed per service over {events['window_seconds']:.1f} s     events  per s  (5) ÷ baseline"
    )
    for service, s in events["services"].items():
        ratio = "-" if s["ratio_to_baseline"] is None else f"{s['ratio_to_baseline']:.4f}"
        lines.append(f"    {service:<38} {s['consumed']:>6} {s['per_s']:>6.1f}  {ratio:>14}")
    if baseline:
        lines += [
            f"(5) baseline: {baseline['events']} events of {baseline['payload_bytes']} B through the same broker",
            f"    produce {baseline['produce_per_s']:.0f}/s; consume + one committed PostgreSQL row each"
            f" {baseline['consume_commit_per_s']:.0f}/s (median of {len(baseline['rounds'])} rounds: "
            + ", ".join(f"{r['consume_commit_per_s']:.0f}" for r in baseline["rounds"])
            + ")",
        ]
    if figures.get("profile"):
        lines += _profile(figures["profile"])
    if figures.get("growth"):
        lines += _growth(figures["growth"])
    if result["failures"]:
        lines.append(f"FAILURES ({len(result['failures'])}): " + "; ".join(result["failures"][:5]))
    return "\n".join(lines)


def _profile(profile: dict[str, Any]) -> list[str]:
    """Where each service's CPU went during the load, by package and by function (innermost frame)."""
    lines = ["(profile) py-spy during the load: how much of a core each service kept active, and where"]
    for service, p in profile.items():
        busy = "-" if p["active_share"] is None else f"{p['active_share']:.0%}"
        lines.append(f"    {service:<10} {busy:>4} of one core, {p['samples']} samples")
        lines.append("        innermost: " + ", ".join(f"{name} {share:.0%}" for name, share in p["packages"][:6]))
        lines.append("        within: " + ", ".join(f"{name} {share:.0%}" for name, share in p["within_libraries"][:6]))
        lines += [f"        {share:>4.0%}  {name}" for name, share in p["functions"][:4]]
    return lines


READS = ("read-one", "read-first-page", "read-status-page", "read-by-person")


def _growth(growth: dict[str, Any]) -> list[str]:
    """(6) One column per size: what the chain and the reads cost, and the scheduler's scan."""
    steps = growth["steps"]

    def row(label: str, cells: list[str]) -> str:
        return f"    {label:<44}" + "".join(f"{cell:>18}" for cell in cells)

    def p99(step: dict[str, Any], key: str) -> str:
        found = step["rest"].get(key)
        return _ms(found["p99"]) if found else "-"

    services = list(steps[0]["database_mb"]) if steps else []
    lines = [
        f"(6) growth (template: the {growth['template_cases']} cases above, copied)",
        row("stored cases", [f"{s['stored_cases']:,}" for s in steps]),
        row("rows seeded, seconds", [f"{s['seeded_rows']:,} {s['seed_seconds']:.0f}s" for s in steps]),
        row("databases, MB", [f"{sum(s['database_mb'].values()):,.0f}" for s in steps]),
        "    REST p99 ms, new cases through the chain",
    ]
    lines += [row(f"  {service}", [p99(s, f"{service} chain") for s in steps]) for service in ("screening", "asylum")]
    lines.append("    REST p99 ms, reads: one / first page / status page / person")
    for service in services:
        lines.append(row(f"  {service}", ["/".join(p99(s, f"{service} {kind}") for kind in READS) for s in steps]))
    lines.append(row("  asylum work lists", [p99(s, "asylum read-work-list") for s in steps]))
    lines.append("    deadline scan, mean ms (scans)")
    for service in services:
        cells = []
        for s in steps:
            scan = s["deadline_scan"][service]
            mean = "-" if scan["mean_seconds"] is None else f"{scan['mean_seconds'] * 1000:.2f}"
            cells.append(f"{mean} ({scan['scans']})")
        lines.append(row(f"  {service}", cells))
    errors = sum(s["error_total"] + len(s["failures"]) for s in steps)
    lines.append(f"    non-2xx answers and failed cases: {errors}")
    return lines


def write(result: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{result['started'].replace(':', '').replace('-', '')}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=False) + "\n")
    return path
