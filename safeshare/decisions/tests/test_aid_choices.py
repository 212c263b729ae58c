"""The aid's first page offers the people the agency most recently began working with,
a bounded list (each name is a decryption), plus the person a person page names."""

import re

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.decisions.flow import SESSION_KEY
from safeshare.decisions.views import _common as views_common
from safeshare.demo.testing import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client, monkeypatch):
    monkeypatch.setattr(views_common, "CHOOSE_FROM", 2)
    user = staff(Role.PRACTITIONER)
    sign_in_verified(client, user)
    return user


def _offered(response) -> set[str]:
    return set(re.findall(r'<option value="([^"]*)"', response.content.decode()))


def test_only_the_newest_are_offered_and_the_page_says_how_to_find_anyone_else(client, author):
    oldest, middle, newest = (person_for(author) for _ in range(3))
    page = client.get("/decisions/aid/")
    assert page.status_code == 200
    offered = _offered(page)
    assert {str(middle.pk), str(newest.pk)} <= offered
    assert str(oldest.pk) not in offered
    assert "most recently began working with" in page.content.decode()
    assert 'href="/people/find/"' in page.content.decode()


def test_a_person_page_link_adds_that_person_and_the_aid_starts_about_them(client, author):
    oldest, *_ = (person_for(author) for _ in range(3))
    url = f"/decisions/aid/?person={oldest.pk}"
    assert str(oldest.pk) in _offered(client.get(url))
    response = client.post(url, {"about": str(oldest.pk)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["subject"] == str(oldest.pk)


def test_a_person_beyond_the_list_without_the_link_is_refused_by_field(client, author):
    oldest, *_ = (person_for(author) for _ in range(3))
    response = client.post("/decisions/aid/", {"about": str(oldest.pk)})
    assert response.status_code == 422
    assert 'href="#id_about"' in response.content.decode()  # the error summary names the field
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("named", ["not-an-id", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_or_unknown_person_in_the_link_adds_nobody(client, author, named):
    person_for(author)
    page = client.get(f"/decisions/aid/?person={named}")
    assert page.status_code == 200
    assert named not in _offered(page)


def test_another_agencys_person_in_the_link_is_not_offered(client, author):
    elsewhere = person_for(staff(Role.PRACTITIONER))
    page = client.get(f"/decisions/aid/?person={elsewhere.pk}")
    assert str(elsewhere.pk) not in _offered(page)
    assert str(elsewhere.pk) not in page.content.decode()
