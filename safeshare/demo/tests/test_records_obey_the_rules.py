"""The demo states nothing the rules would now refuse (issue #13 acceptance).

Each decision in force in the demo is recorded again, as its own author, from
what it says, inside a transaction that is then rolled back: the checks of
the pack in force must accept every one. A decision whose consent was since
withdrawn is left out (it was lawful when made; a new one may not rely on it).
"""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from safeshare.decisions.models import Decision
from safeshare.decisions.services import DecisionDraft, decision_record
from safeshare.demo.partnership import demo_load

pytestmark = pytest.mark.django_db

# When it was decided is the one thing recorded afresh: "now", within the bound.
NOT_COPIED = {"decided_at", "backdating_reason", "backdating_explanation"}


class RolledBack(Exception):
    """Raised to undo a write that was only a check."""


def draft_of(decision: Decision) -> DecisionDraft:
    """What the decision says, as the draft its author would submit."""
    values = {}
    for field in dataclasses.fields(DecisionDraft):
        if field.name in NOT_COPIED or not hasattr(decision, field.name):
            continue
        value = getattr(decision, field.name)
        if hasattr(value, "all"):  # a many-to-many: recipients, advice
            value = list(value.all())
        if value is None and field.default is not dataclasses.MISSING:
            value = field.default
        values[field.name] = value
    return DecisionDraft(**values)


def refusal(decision: Decision) -> dict[str, list[str]] | None:
    try:
        with transaction.atomic():
            decision_record(
                actor=decision.decided_by,
                subject=decision.subject,
                anonymised=decision.anonymised,
                draft=draft_of(decision),
            )
            raise RolledBack
    except RolledBack:
        return None
    except ValidationError as error:
        return error.message_dict


def test_every_demo_decision_in_force_passes_the_rules_of_today():
    demo_load()
    decisions = [
        d
        for d in Decision.objects.current().select_related("decided_by", "subject", "consent")
        if not (d.consent is not None and hasattr(d.consent, "withdrawal"))
    ]
    assert len(decisions) >= 5
    refused = {}
    for decision in decisions:
        problem = refusal(decision)
        if problem is not None:
            refused[f"{decision.agency.code}: {decision.outcome} ({decision.pk})"] = problem
    assert refused == {}
