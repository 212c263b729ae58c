"""People pages × role × relation: 200 where allowed, 403 for a forbidden action on a
visible record, 404 (identical to a missing record) outside the user's scope."""

import re

import pytest
from django.test import Client

from safeshare.access.actions import Action, Relation
from safeshare.access.tests.test_matrix import EXPECTED_PERSON, world  # noqa: F401
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.demo.testing import sign_in_verified
from safeshare.people.identity import read_identity

pytestmark = pytest.mark.django_db

MATRIX_PAGES = {"people:caseload", "people:find", "people:add", "people:detail"}

CASE_ROLES = {
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
}


def client_for(role, relation, world):  # noqa: F811
    user = staff(role, agency=world["home"], active=relation != Relation.NONE)
    client = Client()
    sign_in_verified(client, user)
    return client


def expected_list_page(role, relation):
    return 200 if role in CASE_ROLES and relation != Relation.NONE else 403


@pytest.mark.parametrize("role", list(Role))
def test_people_pages_matrix(role, world):  # noqa: F811
    failures = []
    for relation in Relation:
        client = client_for(role, relation, world)
        person = world["records"].get(relation, world["records"][Relation.OWN_AGENCY])
        checks = [
            ("caseload", client.get("/people/"), expected_list_page(role, relation)),
            ("find", client.get("/people/find/"), expected_list_page(role, relation)),
            (
                "add",
                client.get("/people/add/"),
                200
                if relation != Relation.NONE and role in {Role.PRACTITIONER, Role.SAFEGUARDING_LEAD}
                else 403,
            ),
            (
                "detail",
                client.get(f"/people/{person.pk}/"),
                200 if role in EXPECTED_PERSON[(relation, Action.PERSON_VIEW)] else 404,
            ),
        ]
        for name, response, expected in checks:
            if response.status_code != expected:
                failures.append((relation, name, response.status_code, expected))
    assert failures == []


def test_caseload_lists_own_people_only_with_constant_queries(world, django_assert_max_num_queries):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, user)
    own = read_identity(world["records"][Relation.OWN_AGENCY])
    shared = read_identity(world["records"][Relation.RECIPIENT])
    elsewhere = read_identity(world["records"][Relation.OTHER_AGENCY])
    page = client.get("/people/").content.decode()
    assert own.family_name in page
    assert shared.family_name not in page  # received shares are not the agency's caseload
    assert elsewhere.family_name not in page
    from safeshare.access.tests.helpers import person_for

    with django_assert_max_num_queries(20) as small:
        client.get("/people/")
    for _ in range(15):
        person_for(world["author_home"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/people/")


def test_search_finds_only_visible_people_and_keeps_them_out_of_the_url(world):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, user)
    for relation, person in world["records"].items():
        identity = read_identity(person)
        dob = identity.date_of_birth
        response = client.post(
            "/people/find/",
            {
                "given_name": identity.given_name,
                "family_name": identity.family_name,
                "date_of_birth-day": dob.day,
                "date_of_birth-month": dob.month,
                "date_of_birth-year": dob.year,
            },
        )
        assert response.status_code == 200
        assert (f"/people/{person.pk}/" in response.content.decode()) == (
            relation != Relation.OTHER_AGENCY
        )


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({}, "nhs_number", "Enter an NHS number, or a given name"),
        ({"nhs_number": "1234567890"}, "nhs_number", "NHS number"),
        (
            {
                "given_name": "A",
                "date_of_birth-day": "31",
                "date_of_birth-month": "2",
                "date_of_birth-year": "2016",
            },
            "date_of_birth",
            "The date must be a real date",
        ),
    ],
)
def test_find_errors_show_beside_the_field_and_in_the_summary(world, data, field, message):  # noqa: F811
    anchor = "id_date_of_birth-day" if field == "date_of_birth" else f"id_{field}"
    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, user)
    page = client.post("/people/find/", data).content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert "govuk-error-message" in page and f"#{anchor}" in page


GOOD_ADD = {
    "kind": "child",
    "given_name": "Wren",
    "family_name": "Pagetest",
    "date_of_birth-day": "4",
    "date_of_birth-month": "3",
    "date_of_birth-year": "2016",
}


def test_recording_a_person_from_the_page_writes_the_ledger(world):  # noqa: F811
    from safeshare.ledger.models import Entry
    from safeshare.people.models import Person

    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, user)
    response = client.post("/people/add/", GOOD_ADD)
    assert response.status_code == 302
    person = Person.objects.get(pk=response["Location"].strip("/").split("/")[-1])
    assert read_identity(person).family_name == "Pagetest"
    entry = Entry.objects.filter(subject_ref=str(person.pk), kind="person.created").get()
    assert b"Pagetest" not in bytes(entry.canonical)
    assert "Pagetest" not in response["Location"]


@pytest.mark.parametrize(
    "change,field",
    [
        ({"kind": ""}, "kind"),
        ({"given_name": ""}, "given_name"),
        ({"date_of_birth-year": "2999"}, "date_of_birth"),
        ({"date_of_birth-day": "30", "date_of_birth-month": "2"}, "date_of_birth"),
        ({"nhs_number": "1234567890"}, "nhs_number"),
    ],
)
def test_bad_person_is_refused_beside_the_field_and_nothing_is_written(world, change, field):  # noqa: F811
    from safeshare.ledger.models import Entry
    from safeshare.people.models import Person

    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, user)
    before = (Person.objects.count(), Entry.objects.count())
    response = client.post("/people/add/", {**GOOD_ADD, **change})
    assert response.status_code == 200
    page = response.content.decode()
    anchor = "id_date_of_birth-day" if field == "date_of_birth" else f"id_{field}"
    assert "govuk-error-summary" in page and f"#{anchor}" in page
    assert (Person.objects.count(), Entry.objects.count()) == before


def test_decision_aid_opens_with_the_child_from_the_person_page_chosen(world):  # noqa: F811
    own = world["records"][Relation.OWN_AGENCY]
    practitioner = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, practitioner)
    page = client.get(f"/decisions/aid/?person={own.pk}").content.decode()
    assert re.search(rf'value="{own.pk}"\s+checked|value="{own.pk}"\s+selected', page), page
