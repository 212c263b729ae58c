"""A consent record as a FHIR R4 Consent resource, for health partners (issue #5 item 7).

FHIR R4 is served by the `fhir.resources` package as `fhir.resources.R4B`: R4B
is the technical correction of R4 and leaves the Consent resource as R4 has it.
`consent_resource` builds the resource as a plain dict from the record alone
(no clock, no writes); `consent_fhir_json` validates it by constructing the
package's Consent model and returns that model's JSON.

The resource names people only by their pseudonymous reference (the same
reference the ledger uses), never by name, date of birth or NHS number, and
carries no sealed text (evidence, reasons). Agencies are named: they are
organisations, not data subjects.

Mapping:
- status: given -> active, refused -> rejected, withdrawn -> inactive;
- scope patient-privacy; category LOINC 59284-0 (Patient Consent);
- patient: the child; performer: who decided (the child as Patient, a person with
  parental responsibility as RelatedPerson); organization: the agency that asked;
- dateTime: when the person decided;
- policyRule: OPTIN for a consent (nothing is shared on consent without it),
  OPTOUT for a refusal;
- provision: permit (consent) or deny (refusal) the action "disclose", over the
  period from the decision to the earliest of its withdrawal, review date and end
  date; recipient agencies, and kinds of agency, as actors with the role IRCP
  (information recipient); our purposes and the recipients' purposes as purpose
  codings; the categories of information as provision codes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from fhir.resources.R4B.consent import Consent as FhirConsent

from safeshare.agencies.models import Agency, AgencyType
from safeshare.consent.models import (
    Consent,
    ConsentDecision,
    GiverRole,
    ItemCategory,
    RecipientPurpose,
    SharingPurpose,
)

FHIR_JSON = "application/fhir+json"

BASE = "https://safeshare.invalid/fhir"
CONSENT_SYSTEM = f"{BASE}/consent"
PERSON_SYSTEM = f"{BASE}/person-reference"
AGENCY_SYSTEM = f"{BASE}/agency"
AGENCY_TYPE_SYSTEM = f"{BASE}/agency-type"
SHARING_PURPOSE_SYSTEM = f"{BASE}/sharing-purpose"
RECIPIENT_PURPOSE_SYSTEM = f"{BASE}/recipient-purpose"
INFORMATION_CATEGORY_SYSTEM = f"{BASE}/information-category"

CONSENT_SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_ACTION_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentaction"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
LOINC_SYSTEM = "http://loinc.org"


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)]}


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _person_reference(resource_type: str, reference: str) -> dict[str, Any]:
    """A logical reference by pseudonymous reference: nothing that identifies the person."""
    return {"type": resource_type, "identifier": {"system": PERSON_SYSTEM, "value": reference}}


def _agency_reference(agency: Agency) -> dict[str, Any]:
    return {
        "type": "Organization",
        "identifier": {"system": AGENCY_SYSTEM, "value": str(agency.pk)},
        "display": agency.name,
    }


def _recipient(reference: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": _concept(PARTICIPATION_TYPE_SYSTEM, "IRCP", "information recipient"),
        "reference": reference,
    }


def _period(consent: Consent, withdrawn_at: datetime.datetime | None) -> dict[str, str]:
    """From the decision to the earliest of withdrawal, review and end (each inclusive)."""
    ends: list[tuple[datetime.date, str]] = [
        (day, day.isoformat()) for day in (consent.review_on, consent.expires_on) if day
    ]
    if withdrawn_at is not None:
        ends.append((timezone.localdate(withdrawn_at), withdrawn_at.isoformat()))
    period = {"start": consent.given_at.isoformat()}
    if ends:
        period["end"] = min(ends)[1]
    return period


def _status(consent: Consent, withdrawn: bool) -> str:
    if consent.decision == ConsentDecision.REFUSED:
        return "rejected"
    return "inactive" if withdrawn else "active"


def consent_resource(consent: Consent) -> dict[str, Any]:
    """The FHIR R4 Consent resource for a consent or refusal, as a dict (not yet validated).

    Reads the record, its child, giver, agency, recipient agencies and withdrawal; the
    caller fetches them in advance (access.fetch.consent.get_consent_for does)."""
    withdrawal = getattr(consent, "withdrawal", None)
    withdrawn_at = withdrawal.withdrawn_at if withdrawal is not None else None
    given = consent.decision == ConsentDecision.GIVEN
    performer_type = "Patient" if consent.giver_role == GiverRole.CHILD else "RelatedPerson"
    actors = [_recipient(_agency_reference(a)) for a in consent.recipient_agencies.all()]
    actors += [
        _recipient(
            {
                "type": "Organization",
                "identifier": {"system": AGENCY_TYPE_SYSTEM, "value": code},
                "display": _label(AgencyType, code),
            }
        )
        for code in consent.recipient_agency_types
    ]
    purposes = [
        _coding(SHARING_PURPOSE_SYSTEM, code, _label(SharingPurpose, code))
        for code in consent.purposes
    ] + [
        _coding(RECIPIENT_PURPOSE_SYSTEM, code, _label(RecipientPurpose, code))
        for code in consent.recipient_purposes
    ]
    provision: dict[str, Any] = {
        "type": "permit" if given else "deny",
        "period": _period(consent, withdrawn_at),
        "action": [_concept(CONSENT_ACTION_SYSTEM, "disclose", "Disclose")],
        "actor": actors,
        "purpose": purposes,
        "code": [
            _concept(INFORMATION_CATEGORY_SYSTEM, code, _label(ItemCategory, code))
            for code in consent.categories
        ],
    }
    return {
        "resourceType": "Consent",
        "id": str(consent.pk),
        "identifier": [{"system": CONSENT_SYSTEM, "value": str(consent.pk)}],
        "status": _status(consent, withdrawn_at is not None),
        "scope": _concept(CONSENT_SCOPE_SYSTEM, "patient-privacy", "Privacy Consent"),
        "category": [_concept(LOINC_SYSTEM, "59284-0", "Patient Consent")],
        "patient": _person_reference("Patient", consent.child.reference),
        "dateTime": consent.given_at.isoformat(),
        "performer": [_person_reference(performer_type, consent.given_by.reference)],
        "organization": [_agency_reference(consent.agency)],
        "policyRule": _concept(ACT_CODE_SYSTEM, "OPTIN", "opt-in")
        if given
        else _concept(ACT_CODE_SYSTEM, "OPTOUT", "opt-out"),
        "provision": {key: value for key, value in provision.items() if value},
    }


def consent_fhir_json(consent: Consent) -> str:
    """The resource validated against FHIR R4 (`fhir.resources.R4B`), as JSON text.

    Raises pydantic.ValidationError if the resource does not validate (a bug here,
    never bad input: every field comes from a validated record)."""
    return FhirConsent.model_validate(consent_resource(consent)).model_dump_json()
