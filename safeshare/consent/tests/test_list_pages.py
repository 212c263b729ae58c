"""The consent lists a page at a time: people not yet told (longest-waiting first, by when
the agency's involvement began) and disagreements awaiting guidance. Each page holds the
right rows, another agency's people are on no page, bad page numbers are refused."""

import datetime

import pytest
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent.models import ConsentConflict, ConsentDecision, NoticeMethod
from safeshare.consent.services.notices import notice_record
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.core import clock
from safeshare.core.tests.paging import (  # noqa: F401
    assert_bad_pages_refused,
    page_size_2,
    pages,
    rows_on,
)
from safeshare.demo.testing import sign_in_verified
from safeshare.people.models import PersonKind
from safeshare.people.services.involvements import involvement_start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_size_2")]


@pytest.fixture
def w():
    home, other = AgencyFactory(), AgencyFactory()
    user = staff(Role.PRACTITIONER, Role.SAFEGUARDING_LEAD, agency=home)
    client = Client()
    sign_in_verified(client, user)
    return {"home": home, "user": user, "other": staff(Role.PRACTITIONER, agency=other)}


def _client(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def test_people_not_told_are_paged_longest_waiting_first(w):
    # Recorded by another agency first; the home agency began working with the later
    # ones earlier, so the order is by involvement, not by when the record was made.
    people = [person_for(w["other"]) for _ in range(5)]
    for n, person in enumerate(people):
        involvement_start(
            actor=w["user"],
            agency=w["home"],
            person=person,
            started_on=clock.today() - datetime.timedelta(days=10 + n),
        )
    told = person_for(w["user"])
    notice_record(
        actor=w["user"], person=told, told_on=clock.today(), method=NoticeMethod.IN_PERSON
    )
    theirs = person_for(w["other"])
    every = [p.pk for p in [*people, told, theirs]]
    client = _client(w["user"])

    found = pages(client, "/consent/not-told/", every, last=3)

    waiting_longest = [str(p.pk) for p in reversed(people)]
    assert found == [waiting_longest[0:2], waiting_longest[2:4], waiting_longest[4:]]
    second = client.get("/consent/not-told/", {"page": 2}).content.decode()
    assert "Showing 3 to 4 of 5 people" in second
    assert_bad_pages_refused(client, "/consent/not-told/", last=3)


def test_an_empty_not_told_list_shows_its_message(w):
    response = _client(w["user"]).get("/consent/not-told/")
    assert response.status_code == 200
    assert "Everyone your agency works with has been told" in response.content.decode()
    assert_bad_pages_refused(_client(w["user"]), "/consent/not-told/", last=1)


def test_disagreements_awaiting_guidance_are_paged_oldest_first(w):
    conflicts = []
    for _ in range(3):
        child = person_for(w["user"])
        mother, father = parent_of(w["user"], child), parent_of(w["user"], child)
        record_consent(w["user"], child, mother)
        record_consent(w["user"], child, father, decision=ConsentDecision.REFUSED)
        conflicts.append(ConsentConflict.objects.get(child=child))
    elsewhere = person_for(w["other"], kind=PersonKind.CHILD)
    parent = parent_of(w["other"], elsewhere)
    record_consent(w["other"], elsewhere, parent)
    record_consent(w["other"], elsewhere, parent_of(w["other"], elsewhere), decision="refused")
    every = [c.pk for c in conflicts] + [ConsentConflict.objects.get(child=elsewhere).pk]
    client = _client(w["user"])

    found = pages(client, "/consent/conflicts/", every, last=2)

    assert found == [[str(c.pk) for c in conflicts[:2]], [str(conflicts[2].pk)]]
    assert "Showing 3 to 3 of 3 disagreements" in (
        client.get("/consent/conflicts/", {"page": 2}).content.decode()
    )
    assert_bad_pages_refused(client, "/consent/conflicts/", last=2)
