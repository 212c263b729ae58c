"""Refused attempts are recorded (issue #11 item 2); every response carries a request id.

A 404 from an access fetch helper and every 403, through the API and the pages,
appends one `access.refused` entry naming the actor, agency, action, record and
request id, while the response stays exactly what it was: a record out of scope
still answers like a missing one. The entry is written after the request's own
transaction, so it survives a rollback, and a failure to write it never turns a
403 or 404 into a 500.
"""

import json
import logging
import re
import uuid

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.access.tests.test_matrix import world  # noqa: F401
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.core.errors import Forbidden
from safeshare.decisions import services as decision_services
from safeshare.demo.testing import sign_in_verified
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.ledger.services import ledger_append
from safeshare.ledger.verify import verify_chain
from safeshare.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

MARKER = "Zephyrmarkerq"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def refusals() -> list[Entry]:
    return list(Entry.objects.filter(kind=EntryKind.ACCESS_REFUSED).order_by("seq"))


def page_client(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def marked(world):  # noqa: F811
    """Another agency's child whose name is a marker that must never reach the ledger."""
    other_author = staff(Role.PRACTITIONER, agency=world["other"])
    person = make_person(actor=other_author, given_name=MARKER, family_name=MARKER)
    practitioner = staff(Role.PRACTITIONER, agency=world["home"])
    return {"person": person, "practitioner": practitioner, "home": world["home"]}


def assert_entry(
    entry, *, user, agency, action, operation, object_kind, object_id, status, response
):
    assert entry.actor_ref == f"user:{user.pk}"
    assert entry.agency_ref == (str(agency.pk) if agency else None)
    assert entry.subject_ref is None
    assert entry.payload["action"] == action
    assert entry.payload["operation"] == operation
    assert entry.payload["object_kind"] == object_kind
    assert entry.payload["object_id"] == object_id
    assert entry.payload["status"] == status == response.status_code
    assert entry.payload["request_id"] == response["X-Request-Id"]


def assert_no_marker(entry):
    assert MARKER.lower() not in bytes(entry.canonical).decode().lower()
    assert MARKER.lower() not in json.dumps(entry.payload).lower()


# -- Request id -------------------------------------------------------------------------


def test_every_response_carries_a_new_request_id(marked):
    client = two_factor_client(marked["practitioner"])
    first = client.get("/api/v1/agencies")
    second = Client().get("/healthz")
    page = page_client(marked["practitioner"]).get("/")
    ids = [first["X-Request-Id"], second["X-Request-Id"], page["X-Request-Id"]]
    assert all(UUID4.match(value) for value in ids)
    assert len(set(ids)) == 3


def test_a_request_id_sent_by_the_client_is_not_used(marked):
    client = two_factor_client(marked["practitioner"])
    planted = str(uuid.uuid4())
    response = client.get(
        f"/api/v1/people/{marked['person'].id}", headers={"X-Request-Id": planted}
    )
    assert response.status_code == 404
    assert UUID4.match(response["X-Request-Id"]) and response["X-Request-Id"] != planted
    [entry] = refusals()
    assert entry.payload["request_id"] == response["X-Request-Id"]
    assert planted not in bytes(entry.canonical).decode()


# -- 404s from access: the API and the pages -------------------------------------------


def test_api_refused_person_is_recorded_and_answers_like_a_missing_one(marked):
    user, person = marked["practitioner"], marked["person"]
    client = two_factor_client(user)
    hidden = client.get(f"/api/v1/people/{person.id}")
    [entry] = refusals()
    missing_id = uuid.uuid4()
    missing = client.get(f"/api/v1/people/{missing_id}")

    assert_problem(hidden, 404)
    assert hidden.content == missing.content
    assert hidden["Content-Type"] == missing["Content-Type"]
    assert str(person.id) not in hidden.content.decode()
    assert_entry(
        entry,
        user=user,
        agency=marked["home"],
        action="person.view",
        operation="api:people_get",
        object_kind="people.person",
        object_id=str(person.id),
        status=404,
        response=hidden,
    )
    assert entry.payload["method"] == "GET" and entry.payload["object_id_malformed"] is False
    assert_no_marker(entry)
    # The missing record is refused, and recorded, alike: nothing tells them apart.
    [_, for_missing] = refusals()
    assert for_missing.payload["object_id"] == str(missing_id)
    assert {**for_missing.payload, "object_id": None, "request_id": None} == {
        **entry.payload,
        "object_id": None,
        "request_id": None,
    }


def test_api_malformed_id_is_recorded_as_malformed_without_its_text(marked):
    client = two_factor_client(marked["practitioner"])
    response = client.get(f"/api/v1/people/{MARKER}-not-an-id")
    assert_problem(response, 404)
    [entry] = refusals()
    assert entry.payload["object_id"] is None
    assert entry.payload["object_id_malformed"] is True
    assert entry.payload["object_kind"] == "people.person"
    assert_no_marker(entry)


def test_page_refused_person_is_recorded_and_answers_like_a_missing_one(marked):
    user, person = marked["practitioner"], marked["person"]
    client = page_client(user)
    hidden = client.get(f"/people/{person.id}/")
    [entry] = refusals()
    missing = client.get(f"/people/{uuid.uuid4()}/")

    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden) == without_csrf(missing)
    assert str(person.id) not in hidden.content.decode()
    assert_entry(
        entry,
        user=user,
        agency=marked["home"],
        action="person.view",
        operation="people:detail",
        object_kind="people.person",
        object_id=str(person.id),
        status=404,
        response=hidden,
    )
    assert_no_marker(entry)
    assert len(refusals()) == 2


# -- 403s and privileged actions --------------------------------------------------------


def test_api_practitioner_refused_the_auditors_ledger_is_recorded(marked):
    user = marked["practitioner"]
    response = two_factor_client(user).get("/api/v1/ledger/head")
    assert_problem(response, 403)
    [entry] = refusals()
    assert_entry(
        entry,
        user=user,
        agency=marked["home"],
        action="ledger.read",
        operation="api:ledger_head",
        object_kind=None,
        object_id=None,
        status=403,
        response=response,
    )


def test_page_practitioner_refused_the_auditors_ledger_is_recorded(marked):
    user = marked["practitioner"]
    response = page_client(user).get("/ledger/")
    assert response.status_code == 403
    [entry] = refusals()
    assert entry.payload["action"] == "ledger.read"
    assert entry.payload["operation"].startswith("ledger:")
    assert entry.payload["request_id"] == response["X-Request-Id"]


def test_api_refused_partnership_officer_action_is_recorded(marked):
    user = marked["practitioner"]
    response = two_factor_client(user).post(
        "/api/v1/packs/choices",
        {"pack_id": "scsp-2022", "reason": "Testing"},
        content_type="application/json",
    )
    assert_problem(response, 403)
    [entry] = refusals()
    assert entry.payload["action"] == "pack.choose" and entry.payload["method"] == "POST"
    assert entry.actor_ref == f"user:{user.pk}"


def test_administrator_refused_case_content_is_recorded(world):  # noqa: F811
    admin = staff(Role.ADMINISTRATOR, agency=world["home"])
    own = world["records"][Relation.OWN_AGENCY]
    api = two_factor_client(admin).get(f"/api/v1/people/{own.id}")
    page = page_client(admin).get("/people/")
    assert_problem(api, 404)
    assert page.status_code == 403
    by_api, by_page = refusals()
    assert by_api.payload["object_id"] == str(own.id) and by_api.payload["status"] == 404
    # A view's own refusal names its page where no access action is named.
    assert by_page.payload["action"] == by_page.payload["operation"] == "people:caseload"
    assert by_page.payload["status"] == 403 and by_page.agency_ref == str(world["home"].pk)


def test_page_non_administrator_refused_the_admin_is_recorded(marked):
    response = page_client(marked["practitioner"]).get("/admin/")
    assert response.status_code == 403
    [entry] = refusals()
    assert entry.payload["operation"] == "admin:index" and entry.payload["status"] == 403


def test_unknown_urls_and_non_record_404s_are_not_recorded(marked):
    auditor = staff(Role.AUDITOR, agency=AgencyFactory())
    assert two_factor_client(marked["practitioner"]).get("/api/v1/no-such-thing").status_code == 404
    assert page_client(marked["practitioner"]).get("/no-such-page/").status_code == 404
    assert_problem(two_factor_client(auditor).get("/api/v1/ledger/entries/999999"), 404)
    assert refusals() == []


def test_auditor_reads_refusals_by_kind(marked):
    two_factor_client(marked["practitioner"]).get(f"/api/v1/people/{marked['person'].id}")
    auditor = staff(Role.AUDITOR, agency=AgencyFactory())
    response = two_factor_client(auditor).get("/api/v1/ledger/entries?kind=access.refused")
    assert response.status_code == 200
    [entry] = response.json()["entries"]
    assert entry["payload"]["object_id"] == str(marked["person"].id)
    page = page_client(auditor).get("/ledger/?kind=access.refused")
    assert page.status_code == 200 and "access.refused" in page.content.decode()


# -- Survives a rollback; a failed write still answers ----------------------------------


def _choose_then_refuse(*, actor, pack_id, reason):
    """A service that writes its entry, then refuses: its transaction rolls back."""
    with transaction.atomic():
        ledger_append(
            kind=EntryKind.PACK_CHOSEN,
            actor_ref=f"user:{actor.pk}",
            agency_ref=None,
            subject_ref=None,
            payload={"pack_id": pack_id},
        )
        raise Forbidden("Only the partnership officer chooses the protocol pack.")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("via", ["api", "page"])
def test_refusal_is_recorded_although_the_request_rolled_back(via, monkeypatch):
    officer = staff(Role.PARTNERSHIP_OFFICER)
    monkeypatch.setattr(decision_services, "pack_choose", _choose_then_refuse)
    if via == "api":
        response = two_factor_client(officer).post(
            "/api/v1/packs/choices",
            {"pack_id": "scsp-2022", "reason": "In force"},
            content_type="application/json",
        )
    else:
        response = page_client(officer).post(
            "/decisions/packs/", {"pack_id": "scsp-2022", "reason": "In force"}
        )
    assert response.status_code == 403
    assert not Entry.objects.filter(kind=EntryKind.PACK_CHOSEN).exists()
    [entry] = refusals()
    assert entry.payload["request_id"] == response["X-Request-Id"]
    assert entry.payload["status"] == 403 and entry.actor_ref == f"user:{officer.pk}"
    assert verify_chain().ok


@pytest.mark.parametrize("via", ["api", "page"])
def test_a_failed_record_still_answers_404_and_is_logged(via, marked, monkeypatch, caplog):
    client = two_factor_client(marked["practitioner"])
    path = f"/api/v1/people/{marked['person'].id}"
    if via == "page":
        client = page_client(marked["practitioner"])
        path = f"/people/{marked['person'].id}/"
    expected = client.get(path)

    def unavailable(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("safeshare.web.refusals.refusal_record", unavailable)
    with caplog.at_level(logging.ERROR, logger="safeshare.web.refusals"):
        response = client.get(path)
    assert response.status_code == 404
    assert without_csrf(response) == without_csrf(expected)
    assert len(refusals()) == 1  # only the first, recorded before the failure
    [record] = [r for r in caplog.records if r.name == "safeshare.web.refusals"]
    assert response["X-Request-Id"] in record.getMessage()
    assert str(marked["person"].id) not in record.getMessage()


def test_a_record_that_breaks_the_transaction_still_answers_403(marked, monkeypatch):
    """A write the database refuses leaves the client's 403, and the connection, intact."""
    ledger_append(
        kind=EntryKind.AGENCY_UPDATED,
        actor_ref="system:test",
        agency_ref=None,
        subject_ref=None,
        payload={},
    )

    def refused_by_database(**kwargs):
        with connection.cursor() as cursor:  # the append-only trigger refuses it
            cursor.execute("UPDATE ledger_entry SET kind = 'access.refused'")

    monkeypatch.setattr("safeshare.web.refusals.refusal_record", refused_by_database)
    response = two_factor_client(marked["practitioner"]).get("/api/v1/ledger/head")
    assert_problem(response, 403)
    assert refusals() == []
    assert Entry.objects.filter(kind=EntryKind.AGENCY_UPDATED).count() == 1
