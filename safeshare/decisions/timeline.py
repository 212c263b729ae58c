"""The decisions on a person's timeline (issue #5 item 6): the user's agency's decisions
about them, superseded ones too. Registered with `consent.timeline` when the app is ready."""

from typing import Any

from django.urls import reverse

from safeshare.casework.timeline import Event, EventKind, register
from safeshare.decisions.models import ConsentState
from safeshare.decisions.selectors import decision_list_for_person
from safeshare.people.models import Person


@register
def decision_events(user: Any, person: Person) -> list[Event]:
    events = []
    for decision in decision_list_for_person(user=user, person=person):
        label = f"Decision: {decision.get_outcome_display().lower()}"
        if decision.consent_state == ConsentState.GIVEN and decision.consent_id:
            label += ", relying on consent"
        if decision.superseded_by_pk:
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
