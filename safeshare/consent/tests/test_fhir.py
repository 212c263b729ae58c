"""A consent record as a FHIR R4 Consent resource (issue #5 item 7)."""

import datetime

import pytest
from fhir.resources.R4B.consent import Consent as FhirConsent

from safeshare.access.actions import Action
from safeshare.access.fetch.consent import get_consent_for
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent import fhir
from safeshare.consent.models import GiverRole
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.services.withdrawals import consent_withdraw
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.core import clock
from safeshare.people.identity import read_identity
from safeshare.people.models import PersonKind
from safeshare.people.services.people import person_create

pytestmark = pytest.mark.django_db

NHS_NUMBER = "9434765919"  # a valid check digit


@pytest.fixture
def author():
    return staff(Role.PRACTITIONER, agency=AgencyFactory(name="Northfield Primary"))


@pytest.fixture
def child(author):
    return person_create(
        actor=author,
        agency=author.agency,
        kind=PersonKind.CHILD,
        given_name="Zephyrine",
        family_name="Quillfeather",
        date_of_birth=datetime.date(2014, 7, 23),
        nhs_number=NHS_NUMBER,
    )


def validated(consent) -> dict:
    """The exported JSON, checked again by the FHIR model (the round trip must hold)."""
    text = fhir.consent_fhir_json(consent)
    resource = FhirConsent.model_validate_json(text).model_dump(mode="json", by_alias=True)
    return resource | {"_text": text}


def test_a_consent_exports_as_a_valid_active_permit(author, child):
    trust = AgencyFactory(name="Family Support Trust")
    mother = parent_of(author, child)
    consent = record_consent(
        author,
        child,
        mother,
        categories=["education", "health"],
        purposes=["receive_service"],
        recipient_agencies=[trust],
        recipient_agency_types=[AgencyType.HEALTH_PROVIDER],
        recipient_purposes=["provide_support", "detection_of_crime"],
        expires_on=clock.today() + datetime.timedelta(days=90),
    )
    resource = validated(get_consent_for(author, consent.pk, action=Action.CONSENT_VIEW))
    assert resource["resourceType"] == "Consent" and resource["id"] == str(consent.pk)
    assert resource["status"] == "active"
    assert resource["scope"]["coding"][0]["code"] == "patient-privacy"
    assert resource["category"][0]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "59284-0",
        "display": "Patient Consent",
    }
    assert resource["patient"]["identifier"]["value"] == child.reference
    assert resource["performer"][0]["type"] == "RelatedPerson"
    assert resource["performer"][0]["identifier"]["value"] == mother.reference
    assert resource["organization"][0]["identifier"]["value"] == str(author.agency.pk)
    assert resource["organization"][0]["display"] == "Northfield Primary"
    assert resource["policyRule"]["coding"][0]["code"] == "OPTIN"
    provision = resource["provision"]
    assert provision["type"] == "permit"
    assert provision["period"]["end"] == (clock.today() + datetime.timedelta(days=90)).isoformat()
    assert [a["role"]["coding"][0]["code"] for a in provision["actor"]] == ["IRCP", "IRCP"]
    assert provision["actor"][0]["reference"]["identifier"]["value"] == str(trust.pk)
    assert provision["actor"][1]["reference"]["identifier"] == {
        "system": fhir.AGENCY_TYPE_SYSTEM,
        "value": "health_provider",
    }
    assert [(p["system"], p["code"]) for p in provision["purpose"]] == [
        (fhir.SHARING_PURPOSE_SYSTEM, "receive_service"),
        (fhir.RECIPIENT_PURPOSE_SYSTEM, "provide_support"),
        (fhir.RECIPIENT_PURPOSE_SYSTEM, "detection_of_crime"),
    ]
    assert [c["coding"][0]["code"] for c in provision["code"]] == ["health", "education"]


def test_the_export_names_nobody_and_carries_no_sealed_text(author, child):
    mother = parent_of(author, child)
    consent = record_consent(author, child, mother, evidence="Signed by Ms Quillfeather")
    text = validated(get_consent_for(author, consent.pk, action=Action.CONSENT_VIEW))["_text"]
    identity = read_identity(child)
    for value in (
        identity.given_name,
        identity.family_name,
        identity.date_of_birth.isoformat(),
        NHS_NUMBER,
        read_identity(mother).given_name,
        read_identity(mother).family_name,
        "Signed by",
        author.last_name,
    ):
        assert value not in text


def test_a_refusal_exports_as_rejected_deny_opt_out(author, child):
    mother = parent_of(author, child)
    refusal = record_consent(
        author, child, mother, decision="refused", review_on=None, reasons="Not now"
    )
    resource = validated(get_consent_for(author, refusal.pk, action=Action.CONSENT_VIEW))
    assert resource["status"] == "rejected"
    assert resource["provision"]["type"] == "deny"
    assert resource["policyRule"]["coding"][0]["code"] == "OPTOUT"
    assert "end" not in resource["provision"]["period"]


def test_a_withdrawn_consent_is_inactive_and_ends_when_withdrawn(author, child):
    consent = record_consent(author, child, parent_of(author, child))
    withdrawn_at = clock.now() - datetime.timedelta(hours=1)
    consent_withdraw(actor=author, consent=consent, withdrawn_at=withdrawn_at, method="verbal")
    resource = validated(get_consent_for(author, consent.pk, action=Action.CONSENT_VIEW))
    assert resource["status"] == "inactive"
    assert resource["provision"]["period"]["end"].startswith(withdrawn_at.strftime("%Y-%m-%dT%H"))


def test_the_childs_own_consent_names_the_child_as_performer(author):
    child = person_for(author)
    assessment = capacity_assess(
        actor=author,
        child=child,
        person=child,
        assessed_at=clock.now() - datetime.timedelta(days=2),
        conclusion="has_capacity",
    )
    consent = record_consent(
        author, child, child, giver_role=GiverRole.CHILD, capacity_assessment=assessment
    )
    resource = validated(get_consent_for(author, consent.pk, action=Action.CONSENT_VIEW))
    assert resource["performer"][0] == {
        "type": "Patient",
        "identifier": {"system": fhir.PERSON_SYSTEM, "value": child.reference},
    }


def test_an_invalid_resource_is_refused_by_the_fhir_model(author, child, monkeypatch):
    consent = record_consent(author, child, parent_of(author, child))
    broken = fhir.consent_resource(get_consent_for(author, consent.pk, action=Action.CONSENT_VIEW))
    del broken["scope"]  # required in R4
    monkeypatch.setattr(fhir, "consent_resource", lambda _consent: broken)
    with pytest.raises(ValueError, match="scope"):
        fhir.consent_fhir_json(consent)
