"""A person's timeline (issue #5 item 6): newest first, only what the user may see, in a fixed
number of queries whatever its length."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.casework.timeline import EventKind, person_timeline
from safeshare.consent.models import ConsentDecision
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.services.notices import notice_record
from safeshare.consent.services.withdrawals import consent_withdraw
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.consent.tests.test_services import decide_with_consent, share_under
from safeshare.core import clock
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange import services as exchange
from safeshare.exchange.tests.helpers import decision_for, send
from safeshare.people.services.involvements import involvement_start

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def child(sender):
    return person_for(sender)


def everything(sender, child, recipient, *, times: int = 1, days_ago: int = 5):
    """Each kind of event `times` over about the child, recorded by the sender's agency:
    capacity assessment, notice, consent, refusal, decision, share, withdrawal."""
    for n in range(times):
        back = days_ago + 4 * n
        mother = parent_of(sender, child)
        capacity_assess(
            actor=sender,
            child=child,
            person=mother,
            assessed_at=clock.now() - (back + 3) * DAY,
            conclusion="has_capacity",
        )
        notice_record(
            actor=sender, person=child, told_on=clock.today() - (back + 2) * DAY, method="written"
        )
        # She refused first, then changed her mind: the consent replaces the refusal.
        record_consent(
            sender,
            child,
            mother,
            decision=ConsentDecision.REFUSED,
            given_at=clock.now() - (back + 1) * DAY,
        )
        consent = record_consent(sender, child, mother, given_at=clock.now() - back * DAY)
        decision = decide_with_consent(sender, child, consent, [recipient])
        share_under(sender, decision, recipient)
        consent_withdraw(actor=sender, consent=consent, withdrawn_at=clock.now(), method="verbal")


def kinds(events) -> list[str]:
    return [event.kind for event in events]


def test_the_timeline_holds_every_kind_of_event_newest_first(sender, receiver, child, trust):
    everything(sender, child, trust)
    involvement_start(actor=receiver, agency=trust, person=child)
    received = send(receiver, child, sender.agency, decision=decision_for(receiver, child))
    events = person_timeline(sender, child)
    assert sorted(kinds(events)) == sorted(
        [
            EventKind.CAPACITY,
            EventKind.NOTICE,
            EventKind.CONSENT,
            EventKind.REFUSAL,
            EventKind.DECISION,
            EventKind.SHARE_SENT,
            EventKind.WITHDRAWAL,
            EventKind.SHARE_RECEIVED,
        ]
    )
    assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
    # The older events, by their own dates: consent, refusal, notice, then the assessment.
    assert kinds(events)[-4:] == [
        EventKind.CONSENT,
        EventKind.REFUSAL,
        EventKind.NOTICE,
        EventKind.CAPACITY,
    ]
    by_kind = {event.kind: event for event in events}
    assert by_kind[EventKind.SHARE_SENT].label == "Sharing sent to Family Support Trust"
    assert by_kind[EventKind.SHARE_RECEIVED].link == f"/exchange/shares/{received.pk}/"
    assert by_kind[EventKind.DECISION].label == "Decision: share, relying on consent"
    assert by_kind[EventKind.DECISION].link.startswith("/decisions/")
    assert by_kind[EventKind.NOTICE].date_only
    assert "withdrawn" in by_kind[EventKind.WITHDRAWAL].label
    assert by_kind[EventKind.CAPACITY].label == (
        "Capacity of a relative assessed: able to understand and decide"
    )


def test_the_timeline_never_shows_another_agencys_consent_or_decision(
    sender, receiver, child, trust
):
    involvement_start(actor=receiver, agency=trust, person=child)
    everything(receiver, child, AgencyFactory(agency_type=AgencyType.HEALTH_PROVIDER))
    decision_for(receiver, child)
    assert person_timeline(sender, child) == []
    everything(sender, child, trust)
    own = person_timeline(sender, child)
    assert len(own) == 7 and EventKind.SHARE_RECEIVED not in kinds(own)
    theirs = person_timeline(receiver, child)
    # The trust sees its own records and the share it received, not the school's consents.
    assert kinds(theirs).count(EventKind.CONSENT) == 1
    assert kinds(theirs).count(EventKind.DECISION) == 2
    assert kinds(theirs).count(EventKind.SHARE_RECEIVED) == 1


def test_a_received_share_leaves_the_timeline_after_its_window_or_revocation(
    sender, receiver, child, trust
):
    share = send(sender, child, trust, days=7)
    assert kinds(person_timeline(receiver, child)) == [EventKind.SHARE_RECEIVED]
    with time_machine.travel(clock.now() + 8 * DAY, tick=False):
        assert person_timeline(receiver, child) == []
        assert kinds(person_timeline(sender, child)) == [EventKind.SHARE_SENT, EventKind.DECISION]
    exchange.share_revoke(actor=sender, share=share, reason="sent_in_error")
    assert person_timeline(receiver, child) == []
    assert person_timeline(sender, child)[0].label.endswith("(access ended)")


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR])
def test_roles_without_case_access_see_nothing(sender, child, trust, role):
    everything(sender, child, trust)
    assert person_timeline(staff(role, agency=sender.agency), child) == []


def _queries(user, child) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        events = person_timeline(user, child)
    return len(captured.captured_queries), len(events)


def test_the_timeline_takes_the_same_queries_whatever_its_length(sender, receiver, child, trust):
    involvement_start(actor=receiver, agency=trust, person=child)
    everything(sender, child, trust, times=1)
    send(receiver, child, sender.agency, decision=decision_for(receiver, child))
    few, small = _queries(sender, child)
    everything(sender, child, trust, times=3, days_ago=20)
    for _ in range(3):
        send(receiver, child, sender.agency, decision=decision_for(receiver, child))
    many, large = _queries(sender, child)
    assert (small, large) == (8, 32)
    assert many == few


def test_the_person_page_shows_the_timeline(sender, receiver, child, trust):
    everything(sender, child, trust)
    client = Client()
    sign_in_verified(client, sender)
    shown = client.get(f"/people/{child.pk}/").content.decode()
    assert 'id="timeline"' in shown
    assert "Sharing sent to Family Support Trust" in shown
    assert "Consent refused by a person with parental responsibility" in shown
    assert (
        "Told how your agency shares information and why: in writing (leaflet or letter)" in shown
    )
    client = Client()
    sign_in_verified(client, receiver)
    shown = client.get(f"/people/{child.pk}/").content.decode()
    assert "Sharing received from Northfield Primary" in shown
    assert "Consent refused" not in shown and "Decision:" not in shown
