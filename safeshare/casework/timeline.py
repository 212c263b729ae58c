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

Consent imports nothing above it: decisions and exchange each `register` the
source of their own events when their app is ready (`decisions.timeline`,
`exchange.timeline`), as they answer consent's signals.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone

from safeshare.consent import selectors as consent_selectors
from safeshare.consent.models import GiverRole
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


GIVERS = {
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


Source = Callable[[Any, Person], Iterable[Event]]

# Each reads through a selector that starts from `access.visible`, in a fixed number of queries.
_SOURCES: list[Source] = [_consent_events, _capacity_events, _notice_events]


def register(source: Source) -> Source:
    """Add a source of events (another app's records about the person), once."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def person_timeline(user: Any, person: Person) -> list[Event]:
    """Everything about the person the user may see, newest first."""
    events = [event for source in _SOURCES for event in source(user, person)]
    events.sort(key=lambda event: event.when, reverse=True)
    return [replace(event, when=timezone.localtime(event.when)) for event in events]
