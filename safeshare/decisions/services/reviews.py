"""A safeguarding lead's review of a decision that departs from the aid's recommendation."""

from __future__ import annotations

import uuid

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.agencies.models import User
from safeshare.core import clock
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.decisions.models import (
    Decision,
    DecisionReview,
    ReviewOutcome,
)
from safeshare.ledger.kinds import EntryKind

from ._common import _check_subject_not_erased, _ledger, _text


@transaction.atomic
def decision_review(
    *, actor: User, decision: Decision, outcome: str, comments: str
) -> DecisionReview:
    """A safeguarding lead of the deciding agency reviews a decision that departs from
    the aid's recommendation (Protocol App. 2 "Safeguarding"; App. 1 leads' duties)."""
    require(
        actor,
        Action.DECISION_REVIEW,
        decision,
        "Only a safeguarding lead who did not decide can review this.",
    )
    errors: Errors = {}
    text = _text(errors, "comments", comments, "your review")
    if outcome not in ReviewOutcome.values:
        add_error(errors, "outcome", "Choose the outcome of your review.", "choice_unknown")
    if not decision.departs_from_recommendation:
        add_error(
            errors,
            "decision",
            "Only a decision that departs from the recommendation is reviewed.",
            "no_departure",
        )
    elif DecisionReview.objects.filter(decision=decision).exists():
        add_error(
            errors, "decision", "This decision has already been reviewed.", "already_reviewed"
        )
    _check_subject_not_erased(decision.subject, errors)
    raise_if(errors)
    review = DecisionReview(
        id=uuid.uuid4(),
        decision=decision,
        reviewed_by=actor,
        reviewed_at=clock.now(),
        outcome=outcome,
    )
    review.comments = text
    review.full_clean()
    review.save(force_insert=True)
    _ledger(
        EntryKind.DECISION_REVIEWED,
        actor=actor,
        agency=decision.agency,
        subject=decision.subject,
        payload={"decision": str(decision.pk), "review": str(review.pk), "outcome": outcome},
    )
    return review
