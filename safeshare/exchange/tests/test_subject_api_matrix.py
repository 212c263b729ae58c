"""Informing the subject: API operations and pages × role × relation, and bad input.

Relations: own agency (the user's agency sent the share), recipient (another
agency sent it to the user's agency), other agency (neither), none (no active
membership). Only the sending agency's practitioners and safeguarding leads
may list or record; a recipient sees the share but is refused (403); anyone
who cannot see the share at all gets the same 404 as for a missing one.
The operation ids and URL names are listed in the exchange app's
`MATRIX_OPERATIONS` and `MATRIX_PAGES` for the coverage tests.
"""

import pytest
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.core import clock
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.models import SubjectNotification
from safeshare.exchange.tests.helpers import last_entry, raise_request, send

pytestmark = pytest.mark.django_db

P, DSL = Role.PRACTITIONER, Role.SAFEGUARDING_LEAD
CASE = {P, DSL, Role.LEAD_INFORMATION_OFFICER, Role.DATA_PROTECTION_OFFICER}
INFORM = {P, DSL}
OWN, RECIPIENT, OTHER, NONE = (
    Relation.OWN_AGENCY,
    Relation.RECIPIENT,
    Relation.OTHER_AGENCY,
    Relation.NONE,
)

SUBJECT_OPERATIONS = {"exchange_subject_notification_record", "exchange_subject_notifications_open"}
SUBJECT_PAGES = {"exchange:subject_tasks", "exchange:subject_record"}


@pytest.fixture
def world():
    home, other, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    return {
        "home": home,
        "other": other,
        "third": third,
        "author_home": staff(P, agency=home),
        "author_other": staff(P, agency=other),
    }


def _share(world, relation):
    """A fresh share for one cell, sent through the real service."""
    if relation in (OWN, NONE):
        author = world["author_home"]
        return send(author, person_for(author), world["other"])
    author = world["author_other"]
    to = world["home"] if relation == RECIPIENT else world["third"]
    return send(author, person_for(author), to)


def _list(role, relation):
    return 200 if role in INFORM and relation != NONE else 403


def _record(success):
    def expected(role, relation):
        if relation in (OTHER, NONE) or role not in CASE:
            return 404  # the share is out of scope: as if missing
        if relation == RECIPIENT:
            return 403  # a recipient sees the share, never the task
        return success if role in INFORM else 403

    return expected


NOT_TOLD = {"outcome": "not_informed", "reason": "risk_of_harm"}
NOBODY = "00000000-0000-0000-0000-000000000000"
JSON = "application/json"
LONG = "x" * 5001

API_ROWS = {
    "exchange_subject_notifications_open": (
        lambda c, s: c.get("/api/v1/subject-notifications/open"),
        _list,
    ),
    "exchange_subject_notification_record": (
        lambda c, s: c.post(
            f"/api/v1/subject-notifications/shares/{s.pk}", NOT_TOLD, content_type=JSON
        ),
        _record(201),
    ),
}

PAGE_ROWS = {
    "exchange:subject_tasks": (lambda c, s: c.get("/exchange/informing/"), _list),
    "exchange:subject_record": (lambda c, s: c.get(f"/exchange/informing/{s.pk}/"), _record(200)),
    "exchange:subject_record POST": (
        lambda c, s: c.post(f"/exchange/informing/{s.pk}/?outcome=not_informed", NOT_TOLD),
        _record(302),
    ),
}


def test_every_operation_and_page_has_a_row():
    from safeshare.exchange.tests.test_api_matrix import MATRIX_OPERATIONS
    from safeshare.exchange.tests.test_page_matrix import MATRIX_PAGES

    assert set(API_ROWS) == SUBJECT_OPERATIONS <= MATRIX_OPERATIONS
    assert {name.split()[0] for name in PAGE_ROWS} == SUBJECT_PAGES <= MATRIX_PAGES


@pytest.mark.parametrize("operation", sorted(API_ROWS))
@pytest.mark.parametrize("role", list(Role))
def test_operation_matrix(operation, role, world):
    call, expected = API_ROWS[operation]
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        share = _share(world, relation)
        response = call(two_factor_client(user), share)
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
        if response.status_code != 201:
            assert not SubjectNotification.objects.filter(share=share).exists()
    assert failures == []


@pytest.mark.parametrize("page", sorted(PAGE_ROWS))
@pytest.mark.parametrize("role", list(Role))
def test_page_matrix(page, role, world):
    call, expected = PAGE_ROWS[page]
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        share = _share(world, relation)
        client = Client()
        sign_in_verified(client, user)
        response = call(client, share)
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
    assert failures == []


# --- the API with good and bad input -------------------------------------------------------


@pytest.fixture
def sent(world):
    author = world["author_home"]
    child = person_for(author)
    return {"author": author, "child": child, "share": send(author, child, world["other"])}


def _post(user, share, body):
    return two_factor_client(user).post(
        f"/api/v1/subject-notifications/shares/{share.pk}", body, content_type="application/json"
    )


def test_the_api_records_that_the_child_was_told(sent):
    client = two_factor_client(sent["author"])
    listed = client.get("/api/v1/subject-notifications/open").json()["items"]
    assert [t["share_id"] for t in listed] == [str(sent["share"].pk)]
    response = _post(
        sent["author"],
        sent["share"],
        {
            "outcome": "informed",
            "informed_on": clock.today().isoformat(),
            "method": "letter",
            "told_person_id": str(sent["child"].pk),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["informed_by_id"] == str(sent["author"].pk)
    assert body["method"] == "letter"
    assert last_entry().kind == "subject.informed"
    assert client.get("/api/v1/subject-notifications/open").json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "perhaps"}, "outcome"),
        ({"outcome": "informed", "method": "phone"}, "informed_on"),
        ({"outcome": "informed", "informed_on": "2999-01-01", "method": "phone"}, "informed_on"),
        ({"outcome": "informed", "informed_on": "not a date"}, "informed_on"),
        ({"outcome": "informed", "method": "fax"}, "method"),
        ({"outcome": "informed", "told_person_id": NOBODY}, "told_person_id"),
        ({"outcome": "informed", "informed_by_id": NOBODY}, "informed_by_id"),
        ({"outcome": "not_informed"}, "reason"),
        ({"outcome": "not_informed", "reason": "other"}, "reason_other"),
        ({"outcome": "not_informed", "reason": "other", "reason_other": LONG}, "reason_other"),
    ],
)
def test_bad_input_gets_a_field_named_problem_and_changes_nothing(sent, body, field):
    before = last_entry().seq
    assert_problem(_post(sent["author"], sent["share"], body), 422, field)
    assert last_entry().seq == before
    assert not SubjectNotification.objects.exists()


def test_a_request_identity_share_is_refused_with_a_field_error(sent, world):
    request = raise_request(sent["author"], sent["child"], world["other"])
    assert_problem(_post(sent["author"], request.identity_share, NOT_TOLD), 422, "share")


def test_the_open_list_keeps_a_fixed_number_of_queries(sent, world, django_assert_max_num_queries):
    client = two_factor_client(sent["author"])
    client.get("/api/v1/subject-notifications/open")  # warm the session
    with django_assert_max_num_queries(12) as few:
        assert len(client.get("/api/v1/subject-notifications/open").json()["items"]) == 1
    for _ in range(4):
        send(sent["author"], sent["child"], world["other"])
    with django_assert_max_num_queries(12) as many:
        assert len(client.get("/api/v1/subject-notifications/open").json()["items"]) == 5
    assert len(many) == len(few)


# --- pages --------------------------------------------------------------------------------


def _page_client(user):
    client = Client()
    sign_in_verified(client, user)
    return client


def test_the_pages_ask_one_question_then_the_details(sent, world):
    client = _page_client(sent["author"])
    path = f"/exchange/informing/{sent['share'].pk}/"
    tasks = client.get("/exchange/informing/")
    assert path in tasks.content.decode()
    assert client.post(path, {}).status_code == 422
    step = client.post(path, {"outcome": "informed"})
    assert step.status_code == 302 and step["Location"].endswith("?outcome=informed")
    details = client.get(step["Location"])
    assert "Who was told?" in details.content.decode()
    today = clock.today()
    future = {
        "informed_on-day": today.day,
        "informed_on-month": today.month,
        "informed_on-year": today.year + 1,
        "method": "in_person",
        "told_person_id": str(sent["child"].pk),
        "informed_by_id": str(sent["author"].pk),
    }
    refused = client.post(f"{path}?outcome=informed", future)
    assert refused.status_code == 422
    assert "The date of telling them cannot be in the future." in refused.content.decode()
    assert not SubjectNotification.objects.exists()
    done = client.post(f"{path}?outcome=informed", {**future, "informed_on-year": today.year})
    assert done.status_code == 302
    assert SubjectNotification.objects.get().method == "in_person"
    assert last_entry().kind == "subject.informed"
    assert path not in client.get("/exchange/informing/").content.decode()
    assert "In person" in client.get(path).content.decode()


def test_a_not_told_reason_of_other_needs_its_explanation_on_the_page(sent):
    client = _page_client(sent["author"])
    path = f"/exchange/informing/{sent['share'].pk}/?outcome=not_informed"
    response = client.post(path, {"reason": "other"})
    assert response.status_code == 422
    assert "Enter why they were not told." in response.content.decode()
    assert client.post(path, {"reason": "other", "reason_other": "No address"}).status_code == 302
    assert "No address" in client.get(f"/exchange/informing/{sent['share'].pk}/").content.decode()


def test_the_senders_share_page_links_to_the_task_and_the_recipients_does_not(sent, world):
    link = f"/exchange/informing/{sent['share'].pk}/"
    sender_page = _page_client(sent["author"]).get(f"/exchange/shares/{sent['share'].pk}/")
    assert link in sender_page.content.decode()
    reader = staff(P, agency=world["other"])
    reader_page = _page_client(reader).get(f"/exchange/shares/{sent['share'].pk}/")
    assert reader_page.status_code == 200
    assert link not in reader_page.content.decode()
