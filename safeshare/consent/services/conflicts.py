"""The safeguarding lead's guidance on a disagreement about consent (item 2)."""

from __future__ import annotations

import uuid

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.agencies.models import User
from safeshare.consent.models import (
    ConflictOutcome,
    ConsentConflict,
    ConsentConflictGuidance,
)
from safeshare.consent.services._common import (
    _ledger,
)
from safeshare.core import clock
from safeshare.core.cleaning import clean_choice, clean_text
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.core.validation import validate_new
from safeshare.ledger.kinds import EntryKind


@transaction.atomic
def conflict_guide(
    *, actor: User, conflict: ConsentConflict, guidance: str, outcome: str
) -> ConsentConflictGuidance:
    """The safeguarding lead's guidance on a disagreement, and its outcome (item 2)."""
    require(
        actor,
        Action.CONSENT_CONFLICT_GUIDE,
        conflict,
        "Only a safeguarding lead of the agency gives guidance.",
    )
    errors: Errors = {}
    if conflict.child.is_shredded:
        add_error(errors, "conflict_id", "This child's record has been erased.", "subject_erased")
    elif ConsentConflictGuidance.objects.filter(conflict=conflict).exists():
        add_error(errors, "conflict_id", "Guidance has already been recorded.", "already_guided")
    guidance = clean_text(
        guidance, field="guidance", label="your guidance", errors=errors, required=True
    )
    outcome = clean_choice(
        outcome, ConflictOutcome, field="outcome", label="the outcome", errors=errors
    )
    raise_if(errors)
    record = ConsentConflictGuidance(
        id=uuid.uuid4(),
        conflict=conflict,
        given_by=actor,
        given_at=clock.now(),
        outcome=outcome,
    )
    record.guidance = guidance
    validate_new(record)
    record.save(force_insert=True)
    _ledger(
        EntryKind.CONSENT_CONFLICT_GUIDED,
        actor=actor,
        agency=conflict.agency,
        child=conflict.child,
        payload={"conflict": str(conflict.pk), "guidance": str(record.pk), "outcome": outcome},
    )
    return record
