"""The practitioner's consent pages, through HTTP: each form's happy path (the record
lands, its ledger entry is appended) and bad input (the error summary names the field,
nothing is written), and lists with a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent.models import (
    CapacityAssessment,
    CapacityConclusion,
    Consent,
    ConsentConflict,
    ConsentConflictGuidance,
    ConsentDecision,
    ConsentWithdrawal,
    GiverRole,
    PrivacyNotice,
)
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.core import clock
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.tests.helpers import last_entry
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.people.models import PersonKind

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.timedelta(days=1)


def client_for(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def date_fields(name: str, day: datetime.date) -> dict:
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def consent_post(given_by, **overrides) -> dict:
    """A complete consent as the form posts it, given yesterday at 10:30."""
    data = {
        "given_by_id": str(given_by.pk),
        **date_fields("given_at", clock.today() - YESTERDAY),
        "given_at_time": "10:30",
        "method": "written",
        "categories": ["health", "education"],
        "purposes": ["early_help_assessment"],
        "recipient_agency_types": ["school", "health_provider"],
        "recipient_purposes": ["provide_support", "assessment"],
        "explained": [
            "explained_information",
            "explained_purposes",
            "explained_recipients",
            "explained_recipient_purposes",
        ],
        "affirmed": ["freely_given", "informed", "explicit"],
        "evidence": "Signed form kept on the case file",
        **date_fields("review_on", clock.today() + datetime.timedelta(days=180)),
    }
    data.update(overrides)
    return data


@pytest.fixture
def w():
    home = AgencyFactory(name="Home Council")
    author = staff(Role.PRACTITIONER, agency=home)
    child = person_for(author)
    return {
        "home": home,
        "author": author,
        "lead": staff(Role.SAFEGUARDING_LEAD, agency=home),
        "child": child,
        "mother": parent_of(author, child),
        "school": AgencyFactory(name="Riverside School"),
    }


def assert_names_field(response, field: str, message: str) -> None:
    """The form came back with the error summary linking to the field, and the message."""
    page = response.content.decode()
    assert response.status_code == 422
    assert 'class="govuk-error-summary"' in page
    assert f'href="#id_{field}' in page
    assert message in page


# --- recording a consent or refusal ---------------------------------------------------------


def test_record_consent_through_the_pages(w):
    client = client_for(w["author"])
    person_page = client.get(f"/people/{w['child'].pk}/").content.decode()
    new = f"/consent/child/{w['child'].pk}/new/"
    assert f"{new}?decision=given" in person_page
    assert f"{new}?decision=refused" in person_page

    question = client.post(new, {"decision": "given"})
    assert question.status_code == 302
    assert question["Location"] == f"{new}?decision=given"
    form = client.get(f"{new}?decision=given").content.decode()
    assert read_identity(w["mother"]).display_name in form
    assert "Riverside School" in form
    assert f'value="{w["home"].pk}"' not in form  # your own agency is not a recipient

    response = client.post(
        f"{new}?decision=given",
        consent_post(w["mother"], recipient_agencies=[str(w["school"].pk)]),
    )

    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/consent/{consent.pk}/"
    assert consent.decision == ConsentDecision.GIVEN
    assert consent.given_by == w["mother"]
    assert consent.giver_role == GiverRole.PARENTAL_RESPONSIBILITY
    assert consent.categories == ["health", "education"]
    assert list(consent.recipient_agencies.all()) == [w["school"]]
    assert consent.explained_recipient_purposes and consent.explicit
    local = consent.given_at.astimezone(datetime.datetime.now().astimezone().tzinfo)
    assert (local.hour, local.minute) == (10, 30)
    entry = last_entry()
    assert entry.kind == EntryKind.CONSENT_RECORDED
    assert entry.payload["consent"] == str(consent.pk)
    assert entry.payload["recipient_agencies"] == [str(w["school"].pk)]

    page = client.get(f"/consent/{consent.pk}/").content.decode()
    assert "In force" in page
    assert "Signed form kept on the case file" in page
    assert "Riverside School" in page and "School or college" in page
    assert f"/consent/{consent.pk}/withdraw/" in page
    person_page = client.get(f"/people/{w['child'].pk}/").content.decode()
    assert f"/consent/{consent.pk}/" in person_page


def test_record_a_refusal_with_reasons(w):
    client = client_for(w["author"])
    new = f"/consent/child/{w['child'].pk}/new/?decision=refused"
    form = client.get(new).content.decode()
    assert 'name="reasons"' in form and 'name="affirmed"' not in form
    data = consent_post(w["mother"], reasons="Does not want the school told", evidence="")
    del data["affirmed"]
    del data["explained"]
    for part in ("day", "month", "year"):
        data[f"review_on-{part}"] = ""

    response = client.post(new, data)

    refusal = Consent.objects.get()
    assert response.status_code == 302
    assert refusal.decision == ConsentDecision.REFUSED
    assert refusal.review_on is None
    assert last_entry().kind == EntryKind.CONSENT_RECORDED
    page = client.get(f"/consent/{refusal.pk}/").content.decode()
    assert "Does not want the school told" in page
    assert "What they refused" in page
    assert "/withdraw/" not in page  # a refusal is not withdrawn; a new record replaces it


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"categories": []}, "categories", "Choose the categories of information"),
        ({"explained": ["explained_information"]}, "explained", "Consent is informed only"),
        ({"affirmed": ["informed", "explicit"]}, "affirmed", "Consent must be freely given"),
        ({"given_at_time": "25:99"}, "given_at_time", "Enter the time as hours and minutes"),
        ({"given_by_id": ""}, "given_by", "Select who decided"),
        (
            {**date_fields("given_at", clock.today() + YESTERDAY)},
            "given_at",
            "cannot be in the future",
        ),
        (
            {**date_fields("review_on", clock.today() + datetime.timedelta(days=900))},
            "review_on",
            "Review consent within two years",
        ),
        (
            {"recipient_agency_types": [], "recipient_agencies": []},
            "recipient_agencies",
            "Choose the agencies, or kinds of agency",
        ),
    ],
)
def test_bad_consent_names_the_field_and_writes_nothing(w, overrides, field, message):
    client = client_for(w["author"])
    before = Entry.objects.count()

    response = client.post(
        f"/consent/child/{w['child'].pk}/new/?decision=given",
        consent_post(w["mother"], **overrides),
    )

    assert_names_field(response, field, message)
    assert Consent.objects.count() == 0
    assert Entry.objects.count() == before


def test_the_first_question_needs_an_answer(w):
    client = client_for(w["author"])
    response = client.post(f"/consent/child/{w['child'].pk}/new/", {})
    assert_names_field(response, "decision", "Select whether they gave or refused consent")


def test_a_child_under_16_needs_a_capacity_assessment_recorded_first(w):
    client = client_for(w["author"])
    new = f"/consent/child/{w['child'].pk}/new/?decision=given"
    assert f"/consent/child/{w['child'].pk}/capacity/new/" in client.get(new).content.decode()

    refused = client.post(new, consent_post(w["child"]))

    assert refused.status_code == 422
    assert "A child under 16 can consent only after a recorded assessment" in (
        refused.content.decode()
    )
    assert Consent.objects.count() == 0

    capacity = client.post(
        f"/consent/child/{w['child'].pk}/capacity/new/",
        {
            "person_id": str(w["child"].pk),
            **date_fields("assessed_at", clock.today() - datetime.timedelta(days=2)),
            "conclusion": CapacityConclusion.HAS_CAPACITY,
            "notes": "Explained with the school nurse; understood and asked good questions",
        },
    )

    assessment = CapacityAssessment.objects.get()
    assert capacity.status_code == 302
    assert capacity["Location"] == f"/people/{w['child'].pk}/"
    assert assessment.person == w["child"] and assessment.agency == w["home"]
    assert last_entry().kind == EntryKind.CAPACITY_ASSESSED
    assert last_entry().payload["assessment"] == str(assessment.pk)

    form = client.get(new).content.decode()
    assert 'name="capacity_assessment_id"' in form
    given = client.post(new, consent_post(w["child"], capacity_assessment_id=str(assessment.pk)))
    consent = Consent.objects.get()
    assert given.status_code == 302
    assert consent.giver_role == GiverRole.CHILD
    assert consent.capacity_assessment == assessment
    assert "Able to understand and decide" in client.get(f"/consent/{consent.pk}/").content.decode()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"conclusion": ""}, "conclusion", "Select what you concluded"),
        ({"person_id": ""}, "person_id", "Select whose capacity you assessed"),
        (date_fields("assessed_at", clock.today() + YESTERDAY), "assessed_at", "in the future"),
        ({"assessed_at-month": "13"}, "assessed_at", "The date must be a real date"),
    ],
)
def test_bad_capacity_assessment_names_the_field_and_writes_nothing(w, overrides, field, message):
    client = client_for(w["author"])
    before = Entry.objects.count()
    data = {
        "person_id": str(w["mother"].pk),
        **date_fields("assessed_at", clock.today()),
        "conclusion": CapacityConclusion.LACKS_CAPACITY,
        **overrides,
    }

    response = client.post(f"/consent/child/{w['child'].pk}/capacity/new/", data)

    assert_names_field(response, field, message)
    assert CapacityAssessment.objects.count() == 0
    assert Entry.objects.count() == before


# --- withdrawal -------------------------------------------------------------------------------


def test_withdraw_consent_through_the_pages(w):
    consent = record_consent(w["author"], w["child"], w["mother"])
    client = client_for(w["author"])
    assert "Record that consent was withdrawn" in (
        client.get(f"/consent/{consent.pk}/withdraw/").content.decode()
    )

    response = client.post(
        f"/consent/{consent.pk}/withdraw/",
        {
            **date_fields("withdrawn_at", clock.today()),
            "method": "verbal",
            "reasons": "Would rather tell the school herself",
        },
    )

    withdrawal = ConsentWithdrawal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/consent/{consent.pk}/"
    assert withdrawal.consent == consent
    entry = Entry.objects.filter(kind=EntryKind.CONSENT_WITHDRAWN).get()
    assert entry.payload["withdrawal"] == str(withdrawal.pk)
    page = client.get(f"/consent/{consent.pk}/").content.decode()
    assert "Withdrawn on" in page
    assert "Would rather tell the school herself" in page
    assert f"/consent/{consent.pk}/withdraw/" not in page


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"method": ""}, "method", "Select how they told you"),
        (
            date_fields("withdrawn_at", clock.today() - datetime.timedelta(days=10)),
            "withdrawn_at",
            "cannot be withdrawn before it was given",
        ),
        ({"withdrawn_at-day": ""}, "withdrawn_at", "must include a day, month and year"),
    ],
)
def test_bad_withdrawal_names_the_field_and_writes_nothing(w, overrides, field, message):
    consent = record_consent(w["author"], w["child"], w["mother"])
    client = client_for(w["author"])
    before = Entry.objects.count()

    response = client.post(
        f"/consent/{consent.pk}/withdraw/",
        {**date_fields("withdrawn_at", clock.today()), "method": "verbal", **overrides},
    )

    assert_names_field(response, field, message)
    assert ConsentWithdrawal.objects.count() == 0
    assert Entry.objects.count() == before


# --- disagreements ------------------------------------------------------------------------


def conflict_between_parents(w) -> ConsentConflict:
    father = parent_of(w["author"], w["child"])
    record_consent(w["author"], w["child"], w["mother"])
    record_consent(w["author"], w["child"], father, decision=ConsentDecision.REFUSED)
    return ConsentConflict.objects.get()


def test_the_safeguarding_lead_gives_guidance_on_a_conflict(w):
    conflict = conflict_between_parents(w)
    lead = client_for(w["lead"])
    listing = lead.get("/consent/conflicts/").content.decode()
    assert f"/consent/conflicts/{conflict.pk}/" in listing
    page = lead.get(f"/consent/conflicts/{conflict.pk}/").content.decode()
    assert 'name="guidance"' in page
    assert f"/consent/{conflict.consent_id}/" in page and f"/consent/{conflict.refusal_id}/" in page

    response = lead.post(
        f"/consent/conflicts/{conflict.pk}/",
        {"outcome": "refusal_stands", "guidance": "Talk to both parents together first"},
    )

    guidance = ConsentConflictGuidance.objects.get()
    assert response.status_code == 302
    assert guidance.conflict == conflict and guidance.given_by == w["lead"]
    entry = last_entry()
    assert entry.kind == EntryKind.CONSENT_CONFLICT_GUIDED
    assert entry.payload == {
        "conflict": str(conflict.pk),
        "guidance": str(guidance.pk),
        "outcome": "refusal_stands",
    }
    page = lead.get(f"/consent/conflicts/{conflict.pk}/").content.decode()
    assert "Talk to both parents together first" in page
    assert 'name="guidance"' not in page
    listing = lead.get("/consent/conflicts/").content.decode()
    assert f"/consent/conflicts/{conflict.pk}/" not in listing


def test_a_practitioner_sees_the_conflict_but_cannot_guide(w):
    conflict = conflict_between_parents(w)
    client = client_for(w["author"])
    page = client.get(f"/consent/conflicts/{conflict.pk}/").content.decode()
    assert "Awaiting a safeguarding lead" in page
    assert 'name="guidance"' not in page
    assert f"/consent/conflicts/{conflict.pk}/" in (
        client.get(f"/people/{w['child'].pk}/").content.decode()
    )

    response = client.post(
        f"/consent/conflicts/{conflict.pk}/", {"outcome": "consent_stands", "guidance": "Go ahead"}
    )

    assert response.status_code == 403
    assert ConsentConflictGuidance.objects.count() == 0


def test_guidance_without_text_names_the_field_and_writes_nothing(w):
    conflict = conflict_between_parents(w)
    before = Entry.objects.count()

    response = client_for(w["lead"]).post(
        f"/consent/conflicts/{conflict.pk}/", {"outcome": "consent_stands", "guidance": " "}
    )

    assert_names_field(response, "guidance", "Enter your guidance")
    assert ConsentConflictGuidance.objects.count() == 0
    assert Entry.objects.count() == before


# --- the notice at first contact --------------------------------------------------------------


def test_record_the_notice_and_the_person_leaves_the_list(w):
    client = client_for(w["author"])
    listing = client.get("/consent/not-told/").content.decode()
    assert read_identity(w["child"]).display_name in listing
    assert f"/consent/people/{w['child'].pk}/notice/new/" in listing

    response = client.post(
        f"/consent/people/{w['child'].pk}/notice/new/",
        {
            **date_fields("told_on", clock.today()),
            "method": "in_person",
            "told_to_id": str(w["mother"].pk),
        },
    )

    notice = PrivacyNotice.objects.get()
    assert response.status_code == 302
    assert notice.person == w["child"] and notice.told_to == w["mother"]
    entry = last_entry()
    assert entry.kind == EntryKind.NOTICE_RECORDED
    assert entry.payload["notice"] == str(notice.pk)
    listing = client.get("/consent/not-told/").content.decode()
    assert f"/consent/people/{w['child'].pk}/notice/new/" not in listing
    assert f"/consent/people/{w['mother'].pk}/notice/new/" in listing
    assert "Told how your agency shares information on" in (
        client.get(f"/people/{w['child'].pk}/").content.decode()
    )


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"method": ""}, "method", "Select how they were told"),
        (date_fields("told_on", clock.today() + YESTERDAY), "told_on", "today or in the past"),
        ({"told_to_id": "not-a-choice"}, "told_to_id", "Select a valid choice"),
    ],
)
def test_bad_notice_names_the_field_and_writes_nothing(w, overrides, field, message):
    client = client_for(w["author"])
    before = Entry.objects.count()
    data = {
        **date_fields("told_on", clock.today()),
        "method": "written",
        "told_to_id": str(w["child"].pk),
        **overrides,
    }

    response = client.post(f"/consent/people/{w['child'].pk}/notice/new/", data)

    assert_names_field(response, field, message)
    assert PrivacyNotice.objects.count() == 0
    assert Entry.objects.count() == before


# --- lists keep to a fixed number of queries ---------------------------------------------------


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_people_not_told_lists_with_constant_queries(w):
    client = client_for(w["author"])
    client.get("/consent/not-told/")
    few = queries(client, "/consent/not-told/")
    for _ in range(4):
        person_for(w["author"], kind=PersonKind.PARENT_CARER)
    assert queries(client, "/consent/not-told/") == few


def test_the_person_page_lists_consents_with_constant_queries(w):
    record_consent(w["author"], w["child"], w["mother"])
    client = client_for(w["author"])
    path = f"/people/{w['child'].pk}/"
    client.get(path)
    few = queries(client, path)
    for days in (2, 3, 4):
        parent = parent_of(w["author"], w["child"])
        record_consent(
            w["author"],
            w["child"],
            parent,
            given_at=clock.now() - datetime.timedelta(days=days),
            recipient_agencies=[w["school"]],
        )
    assert Consent.objects.count() == 4
    assert queries(client, path) == few


def test_conflicts_list_with_constant_queries(w):
    conflict_between_parents(w)
    client = client_for(w["lead"])
    client.get("/consent/conflicts/")
    few = queries(client, "/consent/conflicts/")
    for _ in range(3):
        other = parent_of(w["author"], w["child"])
        record_consent(w["author"], w["child"], other, decision=ConsentDecision.REFUSED)
    assert ConsentConflict.objects.count() == 4
    assert queries(client, "/consent/conflicts/") == few


def test_capacity_assessment_of_a_parent_is_listed_to_rely_on(w):
    assessment = capacity_assess(
        actor=w["author"],
        child=w["child"],
        person=w["mother"],
        assessed_at=clock.now() - datetime.timedelta(days=3),
        conclusion=CapacityConclusion.LACKS_CAPACITY,
    )
    client = client_for(w["author"])
    form = client.get(f"/consent/child/{w['child'].pk}/new/?decision=given").content.decode()
    assert f'value="{assessment.pk}"' in form

    response = client.post(
        f"/consent/child/{w['child'].pk}/new/?decision=given",
        consent_post(w["mother"], capacity_assessment_id=str(assessment.pk)),
    )

    assert response.status_code == 422
    assert "assessed as lacking capacity" in response.content.decode()
    assert Consent.objects.count() == 0
