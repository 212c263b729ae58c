"""The caseload a page at a time: newest first, each person once, another agency's people
on no page, bad page numbers refused, and a way to find a person by search."""

import datetime

import pytest
import time_machine
from django.test import Client

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import paging
from safeshare.core.tests.paging import assert_bad_pages_refused, page_size_2, pages  # noqa: F401
from safeshare.demo.testing import sign_in_verified
from safeshare.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)


@pytest.fixture
def w():
    home, other = AgencyFactory(), AgencyFactory()
    user = staff(Role.PRACTITIONER, agency=home)
    client = Client()
    sign_in_verified(client, user)
    return {"home": home, "other": other, "user": user, "client": client}


def _people(agency, n, *, start=START):
    """``n`` people of ``agency``, recorded a day apart, oldest first."""
    made = []
    for day in range(n):
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            made.append(make_person(agency=agency))
    return made


@pytest.mark.usefixtures("page_size_2")
def test_pages_show_the_newest_first_each_person_once(w):
    mine = _people(w["home"], 5)
    theirs = _people(w["other"], 3)
    every = [p.pk for p in mine + theirs]

    found = pages(w["client"], "/people/", every, last=3)

    newest_first = [str(p.pk) for p in reversed(mine)]
    assert found == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    second = w["client"].get("/people/", {"page": 2}).content.decode()
    assert "Showing 3 to 4 of 5 people" in second
    assert 'aria-current="page"' in second and 'href="/people/?page=3"' in second
    assert 'href="/people/"' in second  # page 1 and "Previous" drop the parameter
    assert "/people/find/" in second  # how to find someone, since names cannot be sorted


@pytest.mark.usefixtures("page_size_2")
def test_people_recorded_at_the_same_moment_are_neither_skipped_nor_repeated(w):
    with time_machine.travel(START, tick=False):
        same = [make_person(agency=w["home"]) for _ in range(5)]
    found = pages(w["client"], "/people/", [p.pk for p in same], last=3)
    flat = [pk for page in found for pk in page]
    assert sorted(flat) == sorted(str(p.pk) for p in same)
    assert [len(page) for page in found] == [2, 2, 1]


@pytest.mark.usefixtures("page_size_2")
def test_bad_page_numbers_are_refused_and_an_empty_caseload_is_not_an_error(w):
    empty = w["client"].get("/people/")
    assert empty.status_code == 200
    assert "Your agency is not working with anyone" in empty.content.decode()
    assert_bad_pages_refused(w["client"], "/people/", last=1)
    _people(w["home"], 3)
    assert_bad_pages_refused(w["client"], "/people/", last=2)


def test_fifty_people_fill_one_page_and_the_next_starts_a_second(w):
    assert paging.PAGE_SIZE == 50
    mine = _people(w["home"], 51)
    first = w["client"].get("/people/").content.decode()
    assert "Showing 1 to 50 of 51 people" in first
    assert str(mine[0].pk) not in first  # the oldest is on page 2
    second = w["client"].get("/people/", {"page": 2}).content.decode()
    assert "Showing 51 to 51 of 51 people" in second
    assert str(mine[0].pk) in second and str(mine[1].pk) not in second
