"""Hostile requests to pages are refused early, naming what was wrong, and change
nothing (issue #11 items 3, 11, 12; docs/reliability.md, "Hostile requests are
refused early")."""

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.core.paging import paginate
from safeshare.demo.testing import sign_in_verified
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.people.models import Person
from safeshare.ui.forms import GovukForm
from safeshare.web.views import SignInForm

pytestmark = pytest.mark.django_db

PERSON = {
    "kind": "child",
    "given_name": "Rowan",
    "family_name": "Testfamily",
    "date_of_birth-day": "4",
    "date_of_birth-month": "3",
    "date_of_birth-year": "2016",
}


def snapshot():
    return Person.objects.count(), Entry.objects.count()


@pytest.fixture
def signed_in(client, practitioner):
    sign_in_verified(client, practitioner)
    return client


# --- Item 3: query parameters a page does not declare -----------------------------------


@pytest.mark.parametrize(
    "path,unknown",
    [
        ("/?colour=red", ["colour"]),
        ("/people/?page=1&sort=name", ["sort"]),
        ("/exchange/requests/?in_page=1&page=2", ["page"]),
        ("/people/find/?given_name=Rowan", ["given_name"]),
        ("/decisions/aid/?person=x&b=1&a=2", ["a", "b"]),
    ],
)
def test_a_page_refuses_query_parameters_it_does_not_declare(signed_in, path, unknown):
    response = signed_in.get(path)
    assert response.status_code == 400
    body = response.content.decode()
    for name in unknown:
        assert f"This page does not take the parameter {name} in its web address" in body
    assert "There is a problem" in body


@pytest.mark.parametrize(
    "path",
    [
        "/people/?page=1",
        "/exchange/requests/?in_page=1&out_page=1&overdue_page=1",
        "/exchange/shares/?sent_page=1&received_page=1",
        "/decisions/advice/?asked_page=1",
    ],
)
def test_declared_parameters_are_taken(signed_in, path):
    assert signed_in.get(path).status_code == 200


def test_a_post_with_an_unknown_parameter_changes_nothing(signed_in):
    before = snapshot()
    response = signed_in.post("/people/add/?then=elsewhere", PERSON)
    assert response.status_code == 400
    assert snapshot() == before


def test_the_sign_in_page_takes_next_only(client):
    assert client.get("/sign-in/?next=/people/").status_code == 200
    assert client.get("/sign-in/?next=/people/&lang=fr").status_code == 400


def test_a_page_not_signed_in_is_sent_to_sign_in_with_its_address(client):
    response = client.get("/people/?sort=name")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_the_admin_keeps_its_own_parameters(client, administrator):
    sign_in_verified(client, administrator)
    response = client.get("/admin/agencies/agency/?o=1&q=x")
    assert response.status_code == 200


def test_a_list_whose_page_parameter_is_not_declared_fails_loudly(django_user_model):
    request = RequestFactory().get("/")
    request.accepted_query = frozenset()
    with pytest.raises(ImproperlyConfigured, match="accepts_query"):
        paginate(request, django_user_model.objects.order_by("id"))


# --- Item 11: bodies over the limit ---------------------------------------------------------


def test_a_form_post_over_one_mebibyte_is_413_and_the_next_request_works(signed_in):
    before = snapshot()
    response = signed_in.post("/people/add/", {**PERSON, "given_name": "x" * (1024 * 1024)})
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()
    assert snapshot() == before
    assert signed_in.post("/people/add/", PERSON).status_code == 302
    assert snapshot() != before


def test_a_form_with_more_fields_than_django_allows_is_refused(signed_in):
    before = snapshot()
    response = signed_in.post("/people/add/", {**PERSON, **{f"f{n}": "1" for n in range(1001)}})
    assert response.status_code == 400
    assert snapshot() == before


# --- Item 12: the text rule on every form ---------------------------------------------------


@pytest.mark.parametrize(
    "value,label",
    [
        ({"given_name": "Ro\x00wan"}, "Given name"),
        ({"family_name": "Test\x1b"}, "Family name"),
        ({"nhs_number": "\x7f"}, "NHS number (if known)"),
    ],
)
def test_a_control_character_in_a_form_field_is_named_and_nothing_is_saved(signed_in, value, label):
    before = snapshot()
    response = signed_in.post("/people/add/", {**PERSON, **value})
    assert response.status_code in (200, 422)
    body = response.content.decode()
    assert f"{label} must not contain control characters, such as a null byte." in body
    assert snapshot() == before


def test_invisible_formatting_is_removed_from_a_page_form(signed_in):
    data = {**PERSON, "given_name": "\ufeffRo\u200bwan\u202e", "family_name": "Test\u200dfamily"}
    assert signed_in.post("/people/add/", data).status_code == 302
    identity = read_identity(Person.objects.get())
    assert (identity.given_name, identity.family_name) == ("Rowan", "Test\u200dfamily")
    assert Entry.objects.filter(kind="person.created").count() == 1


class NoteForm(GovukForm):
    title = forms.CharField(label="Title")
    note = forms.CharField(label="Note", widget=forms.Textarea)


def test_tabs_and_new_lines_are_allowed_only_in_text_areas():
    form = NoteForm({"title": "A\tB", "note": "line one\r\n\tline two"})
    assert not form.is_valid()
    assert list(form.errors) == ["title"]
    assert form.errors["title"] == [
        "Title must not contain control characters, such as a null byte."
    ]
    note = NoteForm({"title": "A", "note": "line one\x00"})
    assert not note.is_valid()
    assert note.errors["note"] == [
        "Note must not contain control characters, such as a null byte. "
        "Only tabs and new lines are allowed."
    ]
    assert NoteForm({"title": "A", "note": "line one\r\n\tline two"}).is_valid()


def test_passwords_keep_invisible_characters():
    form = SignInForm({"username": "\u200bname", "password": "pass\u200bword"})
    assert form.is_valid()
    assert form.cleaned_data == {"username": "name", "password": "pass\u200bword"}


def test_a_control_character_in_a_ledger_filter_is_named(client):
    sign_in_verified(client, staff(Role.AUDITOR))
    response = client.get("/ledger/?subject_ref=%00")
    assert "Subject reference must not contain control characters" in response.content.decode()
