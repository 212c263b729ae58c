"""The decision lists a page at a time: the agency's decisions (newest first), a person's
decisions, departures awaiting review (oldest first) and advice (each list on its own).
Each page holds the right rows, another agency's records are on no page, bad page numbers
are refused."""

import datetime

import pytest
import time_machine
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core.tests.paging import (  # noqa: F401
    assert_bad_pages_refused,
    page_size_2,
    pages,
    rows_on,
)
from safeshare.decisions import services
from safeshare.decisions.services import DecisionDraft
from safeshare.decisions.tests.helpers import SHARE_WITH_CONSENT, not_share_fields
from safeshare.demo.testing import sign_in_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_size_2")]

START = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def w():
    # The child is known to the school from the start: no decision precedes the involvement.
    with time_machine.travel(START, tick=False):
        return _world()


def _world():
    home = AgencyFactory(agency_type=AgencyType.SCHOOL)
    author = staff(Role.PRACTITIONER, agency=home)
    stranger = staff(Role.PRACTITIONER, Role.SAFEGUARDING_LEAD, agency=AgencyFactory())
    return {
        "author": author,
        "lead": staff(Role.SAFEGUARDING_LEAD, agency=home),
        "stranger": stranger,
        "child": person_for(author),
        "their_child": person_for(stranger),
    }


def _client(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def _decisions(author, child, n, **overrides):
    """``n`` decisions about ``child`` a day apart, oldest first."""
    made = []
    for day in range(n):
        with time_machine.travel(START + datetime.timedelta(days=day), tick=False):
            made.append(
                services.decision_record(
                    actor=author,
                    subject=child,
                    draft=DecisionDraft(**not_share_fields(**overrides)),
                )
            )
    return made


@pytest.mark.parametrize("path", ["/decisions/", "/decisions/people/{child}/"])
def test_decisions_are_paged_newest_first(w, path):
    mine = _decisions(w["author"], w["child"], 5)
    theirs = _decisions(w["stranger"], w["their_child"], 1)
    path = path.format(child=w["child"].pk)
    client = _client(w["author"])

    found = pages(client, path, [d.pk for d in mine + theirs], last=3)

    newest = [str(d.pk) for d in reversed(mine)]
    assert found == [newest[0:2], newest[2:4], newest[4:]]
    assert "Showing 3 to 4 of 5 decisions" in client.get(path, {"page": 2}).content.decode()
    assert_bad_pages_refused(client, path, last=3)


def test_departures_are_paged_oldest_first_for_the_lead(w):
    departing = not_share_fields(answers=dict(SHARE_WITH_CONSENT))["answers"]
    mine = _decisions(w["author"], w["child"], 3, answers=departing)
    theirs = _decisions(w["stranger"], w["their_child"], 1, answers=departing)
    client = _client(w["lead"])

    found = pages(client, "/decisions/departures/", [d.pk for d in mine + theirs], last=2)

    assert found == [[str(d.pk) for d in mine[:2]], [str(mine[2].pk)]]
    assert_bad_pages_refused(client, "/decisions/departures/", last=2)
    empty = _client(w["author"]).get("/decisions/departures/")  # not a lead: nothing to review
    assert empty.status_code == 200 and "Nothing awaits your review" in empty.content.decode()


def test_advice_lists_are_paged_each_on_its_own(w):
    asked = []
    for day in range(3):
        with time_machine.travel(START + datetime.timedelta(days=day), tick=False):
            asked.append(
                services.advice_request(
                    actor=w["author"], adviser=w["lead"], subject=w["child"], question="?"
                )
            )
    ids = [a.pk for a in asked]
    lead, author = _client(w["lead"]), _client(w["author"])

    awaiting = pages(lead, "/decisions/advice/", ids, param="awaiting_page", last=2)
    mine = pages(author, "/decisions/advice/", ids, param="asked_page", last=2)

    assert awaiting == [[str(i) for i in ids[:2]], [str(ids[2])]]  # oldest first
    assert mine == [[str(i) for i in reversed(ids[1:])], [str(ids[0])]]  # newest first
    assert "You have not asked for advice" in lead.get("/decisions/advice/").content.decode()
    assert_bad_pages_refused(lead, "/decisions/advice/", param="awaiting_page", last=2)
    assert_bad_pages_refused(lead, "/decisions/advice/", param="asked_page", last=1)
