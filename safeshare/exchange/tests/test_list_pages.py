"""The exchange lists a page at a time: requests in, out and overdue (each paged on its
own), shares sent and received, and shares whose family is still to be told. Each page
holds the right rows, another agency's records are on no page, bad page numbers are
refused."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core.tests.paging import (  # noqa: F401
    assert_bad_pages_refused,
    page_size_2,
    rows_on,
)
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.tests.helpers import raise_request, send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_size_2")]

NOW = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)


@pytest.fixture
def w():
    with time_machine.travel(NOW):
        home, other, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
        user = staff(Role.PRACTITIONER, agency=home)
        client = Client()
        sign_in_verified(client, user)
        yield {
            "home": home,
            "other": other,
            "third": third,
            "user": user,
            "asker": staff(Role.PRACTITIONER, agency=other),
            "stranger": staff(Role.PRACTITIONER, agency=third),
            "client": client,
        }


def _section(content: str, anchor: str) -> str:
    """The part of the page from the element with id ``anchor`` to the end of its list."""
    start = content.index(f'id="{anchor}"')
    return content[start : start + re.search(r"</(table|ul)>", content[start:]).end()]


def _in_days(days: int) -> datetime.date:
    return NOW.date() + datetime.timedelta(days=days)


def test_requests_in_and_out_are_paged_each_on_its_own(w):
    inbox = [
        raise_request(w["asker"], person_for(w["asker"]), w["home"], due_on=_in_days(10 - n))
        for n in range(5)
    ]
    outbox = [
        raise_request(w["user"], person_for(w["user"]), w["other"], due_on=_in_days(20 + n))
        for n in range(3)
    ]
    hidden = [
        raise_request(w["stranger"], person_for(w["stranger"]), w["other"]),
        raise_request(w["asker"], person_for(w["asker"]), w["third"]),
    ]
    every = [r.pk for r in inbox + outbox + hidden]
    soonest_due = [str(r.pk) for r in reversed(inbox)]
    client = w["client"]

    first = client.get("/exchange/requests/").content.decode()
    both_second = client.get("/exchange/requests/?in_page=2&out_page=2").content.decode()
    in_last = client.get("/exchange/requests/?in_page=3").content.decode()

    assert rows_on(_section(first, "asked-of"), every) == soonest_due[0:2]
    assert rows_on(_section(both_second, "asked-of"), every) == soonest_due[2:4]
    assert rows_on(_section(in_last, "asked-of"), every) == soonest_due[4:]
    assert rows_on(_section(first, "asked-by"), every) == [str(r.pk) for r in outbox[:2]]
    assert rows_on(_section(in_last, "asked-by"), every) == [str(r.pk) for r in outbox[:2]]
    assert rows_on(_section(both_second, "asked-by"), every) == [str(outbox[2].pk)]
    assert "Showing 3 to 4 of 5 requests" in both_second
    assert "Showing 3 to 3 of 3 requests" in both_second
    # Moving one list keeps the other where it was, and lands on the list moved.
    assert 'href="/exchange/requests/?out_page=2&amp;in_page=3#asked-of"' in both_second
    for page in (first, both_second, in_last):
        assert not set(rows_on(page, [r.pk for r in hidden]))
    assert_bad_pages_refused(client, "/exchange/requests/", param="in_page", last=3)
    assert_bad_pages_refused(client, "/exchange/requests/", param="out_page", last=2)


def test_overdue_requests_are_paged_and_an_empty_inbox_says_none(w):
    late = []
    for n in range(3):
        with time_machine.travel(NOW - datetime.timedelta(days=5 - n)):
            late.append(
                raise_request(w["user"], person_for(w["user"]), w["other"], urgency="same_day")
            )
    client = w["client"]
    first = client.get("/exchange/requests/").content.decode()
    second = client.get("/exchange/requests/", {"overdue_page": 2}).content.decode()
    assert "3 overdue" in first
    assert rows_on(_section(first, "overdue"), [r.pk for r in late]) == [
        str(r.pk) for r in late[:2]
    ]
    assert rows_on(_section(second, "overdue"), [r.pk for r in late]) == [str(late[2].pk)]
    assert "None." in _section(first, "asked-of")  # nothing asked of the agency: no error
    assert_bad_pages_refused(client, "/exchange/requests/", param="overdue_page", last=2)


def _sent(author, recipient_agency, n):
    """``n`` shares from ``author``'s agency, sent a second apart, oldest first."""
    shares = []
    for second in range(n):
        with time_machine.travel(NOW - datetime.timedelta(seconds=10 - second)):
            shares.append(send(author, person_for(author), recipient_agency))
    return shares


def test_shares_sent_and_received_are_paged_each_on_its_own(w):
    sent = _sent(w["user"], w["other"], 5)
    received = _sent(w["asker"], w["home"], 3)
    hidden = _sent(w["stranger"], w["other"], 1)
    every = [s.pk for s in sent + received + hidden]
    newest_sent = [str(s.pk) for s in reversed(sent)]
    newest_received = [str(s.pk) for s in reversed(received)]
    client = w["client"]

    first = client.get("/exchange/shares/").content.decode()
    second = client.get("/exchange/shares/?sent_page=2&received_page=2").content.decode()
    last = client.get("/exchange/shares/", {"sent_page": 3}).content.decode()
    assert_bad_pages_refused(client, "/exchange/shares/", param="sent_page", last=3)
    assert_bad_pages_refused(client, "/exchange/shares/", param="received_page", last=2)

    assert rows_on(_section(first, "sent"), every) == newest_sent[0:2]
    assert rows_on(_section(second, "sent"), every) == newest_sent[2:4]
    assert rows_on(_section(last, "sent"), every) == newest_sent[4:]
    assert rows_on(_section(first, "received"), every) == newest_received[0:2]
    assert rows_on(_section(second, "received"), every) == newest_received[2:]
    assert "Showing 3 to 4 of 5 shares" in second
    for page in (first, second, last):
        assert not rows_on(page, [s.pk for s in hidden])


def test_shares_whose_family_is_still_to_be_told_are_paged_oldest_first(w):
    sent = _sent(w["user"], w["other"], 3)
    hidden = _sent(w["asker"], w["home"], 1)  # sent by another agency: not ours to tell
    every = [s.pk for s in sent + hidden]
    client = w["client"]
    first = client.get("/exchange/informing/").content.decode()
    second = client.get("/exchange/informing/", {"page": 2}).content.decode()
    assert_bad_pages_refused(client, "/exchange/informing/", last=2)
    empty_client = Client()
    sign_in_verified(empty_client, staff(Role.PRACTITIONER, agency=w["third"]))
    empty = empty_client.get("/exchange/informing/")
    assert rows_on(first, every) == [str(s.pk) for s in sent[:2]]
    assert rows_on(second, every) == [str(sent[2].pk)]
    assert "Showing 1 to 2 of 3 shares" in first
    assert empty.status_code == 200 and "Nothing is waiting" in empty.content.decode()
