"""A person's timeline: what the user's agency recorded, decided and shared about them,
newest first (issue #5 item 6).

Consents, refusals, withdrawals, capacity assessments, notices at first
contact (Protocol 6.2), decisions, shares the agency sent and shares it
received while they are still open. Every row comes through a selector that
starts from `access.visible`, so the timeline shows nothing the user could
not open on its own page: another agency's consent or decision, or a share
after its window, never appears. A fixed number of queries whatever the
number of events; labels hold codes' labels and agency names, never sealed
text or another person's name.

Written top-down: `person_timeline` calls consent's, decisions' and
exchange's selectors in turn, so a reader sees every source in one place.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import TextChoices
from django.urls import reverse
from django.utils import timezone

from safeshare.consent import selectors as consent_selectors
from safeshare.consent.models import GiverRole
from safeshare.decisions.models import ConsentState
from safeshare.decisions.selectors import decision_list_for_person
from safeshare.exchange.models import Share
from safeshare.exchange.selectors import shares_received, shares_sent
from safeshare.people.models import Person


class EventKind(TextChoices):
    CONSENT = "consent", "Consent"
    REFUSAL = "refusal", "Refusal"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    CAPACITY = "capacity", "Capacity assessment"
    NOTICE = "notice", "Notice at first contact"
    DECISION = "decision", "Decision"
    SHARE_SENT = "share_sent", "Share sent"
    SHARE_RECEIVED = "share_received", "Share received"


@dataclass(frozen=True)
class Event:
    """One thing that happened. `date_only` when only the day is known (a notice)."""

    when: datetime.datetime
    kind: str
    label: str
    link: str | None = None
    date_only: bool = False


GIVERS: dict[str, str] = {
    GiverRole.CHILD: "the child or young person",
    GiverRole.PARENTAL_RESPONSIBILITY: "a person with parental responsibility",
}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _consent_events(user: Any, person: Person) -> list[Event]:
    events = []
    for consent in consent_selectors.consents_for_child(user, person):
        giver = GIVERS.get(consent.giver_role, "someone")
        verb = "given" if consent.is_given else "refused"
        events.append(
            Event(
                when=consent.given_at,
                kind=EventKind.CONSENT if consent.is_given else EventKind.REFUSAL,
                label=f"Consent {verb} by {giver} ({consent.get_method_display().lower()})",
            )
        )
        withdrawal = getattr(consent, "withdrawal", None)
        if withdrawal is not None:
            given_on = timezone.localdate(consent.given_at)
            events.append(
                Event(
                    when=withdrawal.withdrawn_at,
                    kind=EventKind.WITHDRAWAL,
                    label=f"Consent given on {given_on:%-d %B %Y} withdrawn by {giver}",
                )
            )
    return events


def _capacity_events(user: Any, person: Person) -> list[Event]:
    return [
        Event(
            when=assessment.assessed_at,
            kind=EventKind.CAPACITY,
            label=(
                f"Capacity of {'the child' if assessment.person_id == person.pk else 'a relative'}"
                f" assessed: {assessment.get_conclusion_display().lower()}"
            ),
        )
        for assessment in consent_selectors.capacity_assessments_for(user, person)
    ]


def _notice_events(user: Any, person: Person) -> list[Event]:
    return [
        Event(
            when=_start_of(notice.told_on),
            kind=EventKind.NOTICE,
            label=(
                "Told how your agency shares information and why"
                f"{' (through a relative or carer)' if notice.told_to_id else ''}:"
                f" {notice.get_method_display().lower()}"
            ),
            date_only=True,
        )
        for notice in consent_selectors.notices_for(user, person)
    ]


def _decision_events(user: Any, person: Person) -> list[Event]:
    """The user's agency's decisions about the person, superseded ones too."""
    events = []
    for decision in decision_list_for_person(user=user, person=person):
        label = f"Decision: {decision.get_outcome_display().lower()}"
        if decision.consent_state == ConsentState.GIVEN and decision.consent_id:
            label += ", relying on consent"
        # Annotated by decisions.selectors.decision_list_for_person.
        if getattr(decision, "superseded_by_pk", None):
            label += " (corrected by a later decision)"
        events.append(
            Event(
                when=decision.decided_at,
                kind=EventKind.DECISION,
                label=label,
                link=reverse("decisions:detail", kwargs={"decision_id": decision.pk}),
            )
        )
    return events


def _share_event(share: Share, kind: str, label: str) -> Event:
    link = reverse("exchange:share_detail", kwargs={"share_id": share.pk})
    return Event(when=share.sent_at, kind=kind, label=label, link=link)


def _share_events(user: Any, person: Person) -> list[Event]:
    """The shares the user's agency sent about the person, and those it received while
    they are still open to the user."""
    events = []
    for share in shares_sent(user).filter(subject=person):
        to = ", ".join(sorted(r.agency.name for r in share.recipients.all()))
        revoked = " (access ended)" if share.revoked_at else ""
        label = f"{share.get_kind_display()} sent to {to}{revoked}"
        events.append(_share_event(share, EventKind.SHARE_SENT, label))
    for share in shares_received(user).filter(subject=person):
        label = f"{share.get_kind_display()} received from {share.sender_agency.name}"
        events.append(_share_event(share, EventKind.SHARE_RECEIVED, label))
    return events


def person_timeline(user: Any, person: Person) -> list[Event]:
    """Everything about the person the user may see, newest first.

    Each source reads through a selector that starts from `access.visible`, in a
    fixed number of queries; events of the same moment keep this order.
    """
    events = [
        *_consent_events(user, person),
        *_capacity_events(user, person),
        *_notice_events(user, person),
        *_decision_events(user, person),
        *_share_events(user, person),
    ]
    events.sort(key=lambda event: event.when, reverse=True)
    return [replace(event, when=timezone.localtime(event.when)) for event in events]
