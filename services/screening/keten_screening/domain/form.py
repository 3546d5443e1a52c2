"""The screening form of SR Art 17 and the routing facts for the asylum side, built from a case."""

from __future__ import annotations

from keten_screening.domain.case import ScreeningCase
from keten_screening.domain.identity import IdentityStatus
from keten_screening.domain.records import BiometricsOutcome, CheckOutcome
from keten_screening.domain.referral import ARRIVAL_MODE, ArrivalMode
from keten_screening.domain.scope import SR_5_1
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import (
    AsylumRoutingFacts,
    FormDocument,
    FormFamilyMember,
    FormHealthCheck,
    FormRoute,
    FormVulnerabilityCheck,
    ScreeningForm,
    ScreeningReason,
)


def screening_form(case: ScreeningCase, *, for_the_person: bool = False) -> ScreeningForm:
    """The form as it stands; the person's own copy leaves out item (h) (SR Art 17(3))."""
    person = PersonDetails.model_validate(case.person)
    identification = case.identification
    details = case.form_details
    health, vulnerability = case.health, case.vulnerability
    return ScreeningForm(
        # SR 17(1)(a)-(b): identity and nationality as established, otherwise as declared at intake.
        family_name=person.family_name,
        given_names=person.given_names,
        date_of_birth=person.date_of_birth,
        place_of_birth=details.place_of_birth if details else "",
        sex=person.sex.value,
        identity_confirmed_by_authorities=bool(identification and identification.identity_confirmed_by_authorities),
        nationalities=case.nationalities,
        stateless=bool(identification and identification.stateless),
        nationality_unknown=bool(identification and identification.nationality_unknown),
        prior_residence_countries=details.prior_residence_countries if details else [],
        languages=details.languages if details else [],
        screening_reason=case.screening_reason,  # SR 17(1)(c)
        health_check=FormHealthCheck(  # SR 17(1)(d)
            done=bool(health and health.outcome is CheckOutcome.DONE and not health.emergency_care_only),
            at=health.recorded_at if health else None,
            needs=health.needs if health else [],
            isolation_required=bool(health and health.isolation_required),
            no_further_check_necessary=bool(health and health.no_further_check_necessary),
            not_possible_reason=health.not_possible_reason if health else None,
        ),
        vulnerability_check=FormVulnerabilityCheck(  # SR 17(1)(e)
            done=bool(vulnerability and vulnerability.outcome is CheckOutcome.DONE),
            at=vulnerability.recorded_at if vulnerability else None,
            vulnerabilities=[v.value for v in vulnerability.vulnerabilities] if vulnerability else [],
            special_reception_needs=vulnerability.special_reception_needs if vulnerability else [],
            special_procedural_needs=vulnerability.special_procedural_needs if vulnerability else [],
            not_possible_reason=vulnerability.not_possible_reason if vulnerability else None,
        ),
        application_made=case.application_made_at is not None,  # SR 17(1)(f)
        application_made_at=case.application_made_at,
        family_in_member_states=[  # SR 17(1)(g)
            FormFamilyMember(member_state=f.member_state, relation=f.relation, name=f.name)
            for f in (details.family_in_member_states if details else [])
        ],
        # SR 17(1)(h), 17(3): whether a hit occurred, never its content; not in the person's copy.
        security_db_hit=None if for_the_person else (case.security.hit if case.security else None),
        cooperation_complied=cooperation_complied(case),  # SR 17(1)(i)
        documents=[  # SR 17(2)
            FormDocument(
                type=d.type, number=d.number, issuing_country=d.issuing_country, expiry=d.expiry, authentic=d.authentic
            )
            for d in (identification.documents if identification else [])
        ],
        reasons_for_arrival=details.reasons_for_arrival if details else "",
        route=FormRoute.model_validate(details.route.model_dump()) if details else FormRoute(),
        remarks=details.remarks if details else "",
        suspected_smuggling=bool(details and details.suspected_smuggling),
        suspected_trafficking=bool(details and details.suspected_trafficking),
        reviewed_with_person_at=case.form_review.reviewed_with_person_at if case.form_review else None,
        corrections_pointed_out=case.form_review.corrections_pointed_out if case.form_review else [],
    )


def cooperation_complied(case: ScreeningCase) -> bool | None:
    """SR 17(1)(i): as recorded; a refusal to give biometrics is a breach of SR 9(2)(b) whatever else was recorded."""
    if case.biometrics and case.biometrics.outcome is BiometricsOutcome.REFUSED:
        return False
    return case.cooperation.complied if case.cooperation else None


def sr_category(reason: ScreeningReason) -> str:
    """The SR article the person was screened under, which decides whether APR Art 27(7) applies."""
    if reason in SR_5_1:
        return "5(1)"
    return "5(2)" if reason is ScreeningReason.BORDER_BCP_APPLICANT else "7"


def asylum_routing_facts(case: ScreeningCase) -> AsylumRoutingFacts:
    """Screening chapter §4: the facts the asylum service routes on (it decides; screening only passes them)."""
    identification, security, minor, vulnerability = case.identification, case.security, case.minor, case.vulnerability
    # APR 43(1)(d): a person screened for relocation under AMMR 67(11) arrives by relocation.
    arrival = ArrivalMode.RELOCATION if case.relocation_member_state else ARRIVAL_MODE.get(case.screening_reason)
    return AsylumRoutingFacts(
        sr_category=sr_category(case.screening_reason),
        arrival_mode=arrival.value if arrival else None,
        entry_authorised=False,  # SR Art 6: persons under screening are not authorised to enter
        nationalities=case.nationalities,
        stateless=bool(identification and identification.stateless),
        identity_status=(identification.identity_status if identification else IdentityStatus.UNKNOWN).value,
        misleading_identity_or_destroyed_documents=bool(
            identification and identification.misleading_identity_or_destroyed_documents
        ),
        cooperation_complied=cooperation_complied(case),
        security_db_hit=bool(security and security.hit),
        security_flag=bool(security and security.security_flag),
        minor=bool(minor and (minor.minor or minor.age_doubt)),
        unaccompanied_minor=case.unaccompanied_minor,
        age_doubt=bool(minor and minor.age_doubt),
        representative_id=(minor.representative_id or minor.trained_person_id) if minor else None,
        accompanying_adult_case_id=minor.accompanying_adult_case_id if minor else None,
        vulnerabilities=[v.value for v in vulnerability.vulnerabilities] if vulnerability else [],
        special_reception_needs=vulnerability.special_reception_needs if vulnerability else [],
        special_procedural_needs=vulnerability.special_procedural_needs if vulnerability else [],
        health_check_usable_as_apr_24_examination=bool(case.health and case.health.usable_as_apr_24_examination),
    )
