"""A MASH referral records what the referrer says, never a default (Protocol App. 2
Safeguarding; Q4): whether the family agreed, refused or was not asked and why, and
the referrer's own lawful basis and gateways, judged for their agency's type."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import two_factor_client
from safeshare.consent.models import Consent
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.core import clock
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange import services
from safeshare.exchange.models import Referral, Share
from safeshare.exchange.tests.helpers import item, referral_fields
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    school = AgencyFactory(agency_type=AgencyType.SCHOOL)
    door = AgencyFactory(is_front_door=True, agency_type=AgencyType.CHILDRENS_TRUST)
    referrer = staff(Role.SAFEGUARDING_LEAD, agency=school)
    child = person_for(referrer)
    return {"school": school, "door": door, "referrer": referrer, "child": child}


def refer(w, **overrides):
    fields = {
        "harm_basis": "likely",
        "reason": "A disclosure this morning",
        "items": [item(1, category="safeguarding")],
        **referral_fields(),
        **overrides,
    }
    return services.referral_make(actor=w["referrer"], subject=w["child"], **fields)


def counts() -> tuple[int, int, int]:
    return Referral.objects.count(), Share.objects.count(), Entry.objects.count()


def refused(w, **overrides) -> dict[str, list[str]]:
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        refer(w, **overrides)
    assert counts() == before  # nothing is written
    return {field: [e.code for e in errors] for field, errors in excinfo.value.error_dict.items()}


def agreement(w) -> Consent:
    return record_consent(w["referrer"], w["child"], parent_of(w["referrer"], w["child"]))


def test_a_referral_with_the_familys_agreement_cites_it(w):
    consent = agreement(w)
    referral = refer(w, consent_state="given", consent=consent, consent_not_sought_reason="")
    decision = referral.decision
    assert (decision.consent_state, decision.consent, decision.consent_not_sought_reason) == (
        "given",
        consent,
        "",
    )
    assert decision.recommendation == "share"
    assert decision.purpose_code == "safeguarding"
    assert decision.safeguarding_reason == ""
    entry = Entry.objects.get(kind="referral.made")
    assert entry.payload["consent_state"] == "given"


def test_a_refusal_is_recorded_as_a_refusal_and_shared_in_the_public_interest(w):
    decision = refer(w, consent_state="refused", consent_not_sought_reason="").decision
    assert decision.consent_state == "refused"
    assert decision.recommendation == "share_without_consent"
    assert decision.safeguarding_reason == "reasonable_cause_significant_harm"


def test_the_reason_for_not_asking_is_the_referrers_choice(w):
    decision = refer(w, consent_not_sought_reason="prejudice_serious_crime").decision
    assert (decision.consent_state, decision.consent_not_sought_reason) == (
        "not_sought",
        "prejudice_serious_crime",
    )
    assert decision.answers["consent_not_sought_reason"] == "prejudice_serious_crime"


def test_the_referrers_lawful_basis_and_gateways_are_recorded_not_s47(w):
    decision = refer(w, statutory_gateways=["children_act_2004_s11"]).decision
    assert decision.lawful_basis == "public_task"
    assert decision.statutory_gateways == ["children_act_2004_s11"]
    assert refer(w).decision.statutory_gateways == []  # none is assumed


@pytest.mark.parametrize(
    "overrides,field,code",
    [
        ({"consent_state": ""}, "consent_state", "required"),
        ({"consent_state": "assumed"}, "consent_state", "choice_unknown"),
        ({"consent_state": "not_applicable"}, "consent_state", "choice_unknown"),
        ({"consent_not_sought_reason": ""}, "consent_not_sought_reason", "required"),
        ({"consent_not_sought_reason": "busy"}, "consent_not_sought_reason", "unknown"),
        (
            {"consent_state": "given", "consent_not_sought_reason": ""},
            "consent_id",
            "required",
        ),
        ({"lawful_basis": ""}, "lawful_basis", "required"),
        ({"lawful_basis": "because"}, "lawful_basis", "unknown"),
        ({"statutory_gateways": ["children_act_9999"]}, "statutory_gateways", "unknown"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_referral_missing_what_the_referrer_must_say_is_refused(w, overrides, field, code):
    errors = refused(w, **overrides)
    assert field in errors, errors
    assert code in errors[field][0] or errors[field] == [code], errors


def test_a_school_cannot_claim_a_basis_closed_to_public_authorities(w):
    errors = refused(w, lawful_basis="recognised_legitimate_interest")
    assert "lawful_basis" in errors


def test_a_voluntary_body_may_rely_on_the_recognised_legitimate_interest(w, settings):
    settings.SAFESHARE_DEFAULT_PACK = "current-law-2026"
    charity = AgencyFactory(agency_type=AgencyType.COMMISSIONED_SERVICE)
    w["referrer"] = staff(Role.PRACTITIONER, agency=charity)
    w["child"] = person_for(w["referrer"])
    decision = refer(w, lawful_basis="recognised_legitimate_interest").decision
    assert decision.lawful_basis == "recognised_legitimate_interest"


# --- through the API ----------------------------------------------------------------------


def body(w, **overrides):
    return {
        "subject_id": str(w["child"].pk),
        "harm_basis": "likely",
        "reason": "A disclosure this morning",
        "items": [
            {
                "category": "safeguarding",
                "content": "Said they were scared to go home",
                "nature": "fact",
                "source": "Teaching assistant",
                "dated_on": clock.today().isoformat(),
                "checked_accurate": True,
            }
        ],
        **referral_fields(),
        **overrides,
    }


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"consent_state": None}, "consent_state"),
        ({"consent_state": "assumed"}, "consent_state"),
        ({"consent_not_sought_reason": ""}, "consent_not_sought_reason"),
        ({"lawful_basis": None}, "lawful_basis"),
        ({"lawful_basis": "because"}, "lawful_basis"),
        (
            {"consent_state": "given", "consent_not_sought_reason": "", "consent_id": None},
            "consent_id",
        ),
    ],
)
def test_the_api_names_the_field_and_changes_nothing(w, overrides, field):
    payload = {k: v for k, v in body(w, **overrides).items() if v is not None}
    before = counts()
    response = two_factor_client(w["referrer"]).post(
        "/api/v1/referrals", payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert counts() == before


def test_the_api_refers_with_the_familys_agreement(w):
    consent = agreement(w)
    response = two_factor_client(w["referrer"]).post(
        "/api/v1/referrals",
        body(w, consent_state="given", consent_id=str(consent.pk), consent_not_sought_reason=""),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Referral.objects.get().decision.consent_id == consent.pk


def test_the_api_refuses_a_consent_of_another_child(w):
    other_child = person_for(w["referrer"])
    consent = record_consent(w["referrer"], other_child, parent_of(w["referrer"], other_child))
    response = two_factor_client(w["referrer"]).post(
        "/api/v1/referrals",
        body(w, consent_state="given", consent_id=str(consent.pk), consent_not_sought_reason=""),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "consent_id" in response.content.decode()
    assert not Referral.objects.exists()


# --- through the page ---------------------------------------------------------------------


def page_post(**overrides):
    today = clock.today()
    return {
        "harm_basis": "likely",
        "reason": "A disclosure this morning",
        "consent_state": "not_sought",
        "consent_not_sought_reason": "increased_risk_of_significant_harm",
        "lawful_basis": "public_task",
        "content": "Said they were scared to go home",
        "nature": "fact",
        "source": "Teaching assistant",
        "dated_on-day": today.day,
        "dated_on-month": today.month,
        "dated_on-year": today.year,
        "checked_accurate": "on",
        **overrides,
    }


def client_for(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def test_the_page_offers_no_default_and_only_bases_open_to_the_agency(w):
    page = client_for(w["referrer"]).get(f"/exchange/referrals/new/{w['child'].pk}/")
    html = page.content.decode()
    assert "checked" not in html.split('name="consent_state"', 1)[1].split("</fieldset>", 1)[0]
    assert 'value="recognised_legitimate_interest"' not in html  # a school is a public body
    assert 'value="public_task"' in html
    assert "record their agreement" in html


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"consent_state": ""}, "consent_state"),
        ({"consent_not_sought_reason": ""}, "consent_not_sought_reason"),
        ({"lawful_basis": ""}, "lawful_basis"),
        ({"consent_state": "given", "consent_not_sought_reason": ""}, "consent_state"),
        ({"consent_state": "given", "consent_not_sought_reason": ""}, "consent_id"),
    ],
    ids=["no state", "no reason", "no basis", "agreed, none on file", "agreed, none chosen"],
)
def test_the_page_names_the_field_and_changes_nothing(w, overrides, field):
    if field == "consent_id":
        agreement(w)  # one is on file, but the referrer chose none
    before = counts()
    response = client_for(w["referrer"]).post(
        f"/exchange/referrals/new/{w['child'].pk}/", page_post(**overrides)
    )
    assert response.status_code == 422
    assert f'href="#id_{field}' in response.content.decode() or f"#{field}" in (
        response.content.decode()
    )
    assert counts() == before


def test_the_page_refers_citing_the_familys_agreement(w):
    consent = agreement(w)
    client = client_for(w["referrer"])
    url = f"/exchange/referrals/new/{w['child'].pk}/"
    assert str(consent.pk) in client.get(url).content.decode()
    response = client.post(
        url,
        page_post(consent_state="given", consent_id=str(consent.pk), consent_not_sought_reason=""),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Referral.objects.get().decision.consent == consent
