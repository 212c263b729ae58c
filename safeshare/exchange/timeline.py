"""The shares on a person's timeline (issue #5 item 6): those the user's agency sent, and
those it received while they are still open to the user. Registered with
`consent.timeline` when the app is ready."""

from typing import Any

from django.urls import reverse

from safeshare.casework.timeline import Event, EventKind, register
from safeshare.exchange.models import Share
from safeshare.exchange.selectors import shares_received, shares_sent
from safeshare.people.models import Person


def _event(share: Share, kind: str, label: str) -> Event:
    link = reverse("exchange:share_detail", kwargs={"share_id": share.pk})
    return Event(when=share.sent_at, kind=kind, label=label, link=link)


@register
def share_events(user: Any, person: Person) -> list[Event]:
    events = []
    for share in shares_sent(user).filter(subject=person):
        to = ", ".join(sorted(r.agency.name for r in share.recipients.all()))
        revoked = " (access ended)" if share.revoked_at else ""
        label = f"{share.get_kind_display()} sent to {to}{revoked}"
        events.append(_event(share, EventKind.SHARE_SENT, label))
    for share in shares_received(user).filter(subject=person):
        label = f"{share.get_kind_display()} received from {share.sender_agency.name}"
        events.append(_event(share, EventKind.SHARE_RECEIVED, label))
    return events
