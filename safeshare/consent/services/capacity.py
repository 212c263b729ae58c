"""Recording whether a child or a parent can decide about sharing (App. 2 Q4)."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.access.rules.consent import ConsentTarget
from safeshare.agencies.models import User
from safeshare.consent.models import (
    CapacityAssessment,
    CapacityConclusion,
)
from safeshare.consent.services._common import (
    _agency,
    _child,
    _ledger,
    _moment,
    _related_people,
)
from safeshare.core import clock
from safeshare.core.cleaning import clean_choice, clean_text
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.core.validation import validate_new
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import Person


@transaction.atomic
def capacity_assess(
    *,
    actor: User,
    child: Person,
    person: Person,
    assessed_at: datetime.datetime,
    conclusion: str,
    notes: str = "",
) -> CapacityAssessment:
    """Record whether the child, or a person with parental responsibility for them, can
    understand and decide about sharing (App. 2 Q4; Mental Capacity Act 2005)."""
    require(
        actor,
        Action.CAPACITY_ASSESS,
        ConsentTarget(child=child),
        "You cannot record an assessment about this child.",
    )
    agency = _agency(actor)
    now = clock.now()
    errors: Errors = {}
    _child(errors, "child_id", child)
    assessed_at = _moment(errors, "assessed_at", assessed_at, "when it was assessed", now=now)
    conclusion = clean_choice(
        conclusion, CapacityConclusion, field="conclusion", label="the conclusion", errors=errors
    )
    notes = clean_text(notes, field="notes", label="notes", errors=errors, required=False)
    if not isinstance(person, Person):
        add_error(errors, "person_id", "Choose who was assessed.", "required")
    elif person.is_shredded:
        add_error(errors, "person_id", "This person's record has been erased.", "subject_erased")
    elif person.pk != child.pk and person.pk not in {p.pk for p in _related_people(child)}:
        add_error(
            errors,
            "person_id",
            "Assess the child or someone recorded as related to the child.",
            "not_related",
        )
    raise_if(errors)
    assessment = CapacityAssessment(
        id=uuid.uuid4(),
        person=person,
        child=child,
        agency=agency,
        assessed_by=actor,
        assessed_at=assessed_at,
        conclusion=conclusion,
    )
    assessment.notes = notes
    validate_new(assessment)
    assessment.save(force_insert=True)
    _ledger(
        EntryKind.CAPACITY_ASSESSED,
        actor=actor,
        agency=agency,
        child=child,
        payload={
            "assessment": str(assessment.pk),
            "person": person.reference,
            "conclusion": conclusion,
            "assessed_at": assessed_at.isoformat(),
        },
    )
    return assessment
