"""The screening form (SR Art 17) as a printable HTML page, to hand over on paper (SR 17(3))."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from keten_screening.domain.case import ScreeningCase
from keten_shared.events.catalog.screening import ScreeningForm

_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.05em; margin-top: 1.4em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .25em .5em; }
th { width: 32%; font-weight: normal; color: #444; } .item { color: #666; font-size: .85em; }
@media print { body { margin: 1cm; } a { color: inherit; text-decoration: none; } }
"""


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return escape(str(value))


def _rows(rows: list[tuple[str, str, Any]]) -> str:
    return "".join(
        f'<tr><th>{escape(label)} <span class="item">{escape(item)}</span></th><td>{_value(value)}</td></tr>'
        for label, item, value in rows
    )


def render_form(form: ScreeningForm, case: ScreeningCase, printed_at: datetime) -> str:
    """The form with every SR 17(1) item; item (h) only on the authorities' copy."""
    health, vulnerability, route = form.health_check, form.vulnerability_check, form.route
    identity = [
        ("Family name", "17(1)(a)", form.family_name),
        ("Given names", "17(1)(a)", form.given_names),
        ("Date of birth", "17(1)(a)", form.date_of_birth),
        ("Place of birth", "17(1)(a)", form.place_of_birth),
        ("Sex", "17(1)(a)", form.sex),
        ("Nationalities", "17(1)(b)", form.nationalities),
        ("Stateless", "17(1)(b)", form.stateless),
        ("Nationality unknown", "17(1)(b)", form.nationality_unknown),
        ("Countries of earlier residence", "17(1)(b)", form.prior_residence_countries),
        ("Languages", "17(1)(b)", form.languages),
        ("Identity confirmed by the authorities (not only declared)", "17(3)", form.identity_confirmed_by_authorities),
    ]
    checks = [
        ("Reason for screening", "17(1)(c)", form.screening_reason.value),
        ("Health check done", "17(1)(d)", health.done),
        ("Health needs", "17(1)(d)", health.needs),
        ("Isolation required", "17(1)(d)", health.isolation_required),
        ("No further check necessary", "17(1)(d)", health.no_further_check_necessary),
        ("Vulnerability check done", "17(1)(e)", vulnerability.done),
        ("Vulnerabilities", "17(1)(e)", vulnerability.vulnerabilities),
        ("Special reception needs", "17(1)(e)", vulnerability.special_reception_needs),
        ("Special procedural needs", "17(1)(e)", vulnerability.special_procedural_needs),
        ("Application for international protection made", "17(1)(f)", form.application_made),
        ("Made at", "17(1)(f)", form.application_made_at),
        (
            "Family members in member states",
            "17(1)(g)",
            [f"{f.name or '?'} ({f.relation}, {f.member_state})" for f in form.family_in_member_states],
        ),
    ]
    if form.security_db_hit is not None:  # SR 17(3): not on the person's copy
        checks.append(("Hit in a database consulted", "17(1)(h)", form.security_db_hit))
    checks.append(("Complied with the duty to cooperate", "17(1)(i)", form.cooperation_complied))
    further = [
        ("Documents held", "17(2)", [f"{d.type} {d.number} ({d.issuing_country})" for d in form.documents]),
        ("Reasons for arrival", "17(2)", form.reasons_for_arrival),
        ("Point of departure", "17(2)", route.point_of_departure),
        ("Earlier places of residence", "17(2)", route.earlier_places_of_residence),
        ("Transit countries", "17(2)", route.transit_countries),
        ("Protection sought or obtained in", "17(2)", route.protection_sought_or_obtained_in),
        ("Intended destination", "17(2)", route.intended_destination),
        ("Suspected smuggling", "17(2)", form.suspected_smuggling),
        ("Suspected trafficking", "17(2)", form.suspected_trafficking),
        ("Remarks", "17(2)", form.remarks),
        ("Reviewed with the person", "17(3)", form.reviewed_with_person_at),
        ("Corrections the person pointed out", "17(3)", form.corrections_pointed_out),
    ]
    copy = "the person's copy" if form.security_db_hit is None else "the authorities' copy"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Screening form {escape(case.id)}</title>
<style>{_STYLE}</style></head>
<body>
<h1>Screening form <span class="item">Regulation (EU) 2024/1356, Art 17</span></h1>
<p>Screening {escape(case.id)} · {escape(case.location)} · status {escape(case.status.value)} · {copy} ·
printed {escape(printed_at.isoformat(timespec="minutes"))}</p>
<h2>Identity</h2><table>{_rows(identity)}</table>
<h2>Screening</h2><table>{_rows(checks)}</table>
<h2>Further information</h2><table>{_rows(further)}</table>
</body></html>
"""
