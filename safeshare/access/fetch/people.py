"""Fetch-and-check for data subjects: a person the user may see and act on."""

import uuid
from typing import Any

from safeshare.access.actions import Action
from safeshare.access.fetch import Targets, get_visible
from safeshare.access.rules.consent import ConsentTarget, NoticeTarget
from safeshare.access.rules.decisions import AdviceTarget, DecisionTarget
from safeshare.access.rules.exchange import ReferralTarget
from safeshare.people.models import Person

# Actions whose object is a target about the person (the person is all it holds).
_TARGETS: Targets = {
    Action.CONSENT_RECORD: lambda person: ConsentTarget(child=person),
    Action.CAPACITY_ASSESS: lambda person: ConsentTarget(child=person),
    Action.NOTICE_RECORD: lambda person: NoticeTarget(person=person),
    Action.DECISION_RECORD: lambda person: DecisionTarget(subject=person),
    Action.ADVICE_REQUEST: lambda person: AdviceTarget(subject=person),
    Action.REFERRAL_MAKE: lambda person: ReferralTarget(subject=person),
}


def get_person_for(user: Any, person_id: uuid.UUID | str, *, action: Action) -> Person:
    """A person the user may see, else NotFound (identical for missing and out of scope),
    on whom (or on a target about whom) the user may take the action, else Forbidden."""
    return get_visible(
        user, Person.objects.all(), person_id, "person", action=action, targets=_TARGETS
    )
