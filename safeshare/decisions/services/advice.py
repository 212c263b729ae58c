"""Advice in doubt: asking and answering (issue #4 item 7; golden rule 3)."""

from __future__ import annotations

import uuid

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.access.rules.decisions import ADVISER_ROLES, AdviceTarget
from safeshare.agencies.models import User
from safeshare.core import clock
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.decisions.models import (
    AdviceRequest,
    AdviceResponse,
    AidOutcome,
)
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import actor_ref_for
from safeshare.people.models import Person

from ._common import _agency, _check_subject_not_erased, _ledger, _text


@transaction.atomic
def advice_request(
    *,
    actor: User,
    adviser: User | None,
    subject: Person | None,
    question: str,
    identity_revealed: bool = False,
) -> AdviceRequest:
    """A practitioner in doubt asks their agency's safeguarding lead or lead information
    officer. The adviser does not see who the child is unless the asker reveals it
    (Protocol App. 3 rule 3; App. 2 "Safeguarding"; 5.4)."""
    require(
        actor,
        Action.ADVICE_REQUEST,
        AdviceTarget(subject=subject),
        "You cannot ask for advice about this child.",
    )
    agency = _agency(actor)
    errors: Errors = {}
    question = _text(errors, "question", question, "your question")
    if adviser is None:
        add_error(errors, "adviser", "Choose who to ask.", "required")
    elif adviser.pk == actor.pk:
        add_error(errors, "adviser", "Ask someone other than yourself.", "adviser_self")
    elif adviser.agency is None or adviser.agency.pk != agency.pk or not adviser.is_active:
        add_error(errors, "adviser", "Ask someone in your own agency.", "adviser_agency")
    elif not (adviser.roles & ADVISER_ROLES or agency.lead_information_officer_id == adviser.pk):
        add_error(
            errors,
            "adviser",
            "Ask a safeguarding lead or the lead information officer.",
            "adviser_role",
        )
    if identity_revealed and subject is None:
        add_error(errors, "identity_revealed", "There is no child to reveal.", "no_subject")
    _check_subject_not_erased(subject, errors)
    raise_if(errors)
    advice = AdviceRequest(
        id=uuid.uuid4(),
        agency=agency,
        asked_by=actor,
        adviser=adviser,
        subject=subject,
        identity_revealed=bool(identity_revealed),
        asked_at=clock.now(),
    )
    advice.question = question
    advice.full_clean()
    advice.save(force_insert=True)
    _ledger(
        EntryKind.ADVICE_REQUESTED,
        actor=actor,
        agency=agency,
        subject=subject,
        payload={
            "advice_request": str(advice.pk),
            "adviser": actor_ref_for(adviser),  # type: ignore[arg-type]
            "identity_revealed": advice.identity_revealed,
        },
    )
    return advice


@transaction.atomic
def advice_give(
    *, actor: User, advice_request: AdviceRequest, advice: str, advised_outcome: str
) -> AdviceResponse:
    """The named adviser answers, once; the answer is kept with the request (Protocol 5.4:
    "the outcome of the discussion should be recorded")."""
    require(
        actor, Action.ADVICE_GIVE, advice_request, "Only the person asked can give this advice."
    )
    errors: Errors = {}
    text = _text(errors, "advice", advice, "your advice")
    if advised_outcome not in AidOutcome.values:
        add_error(errors, "advised_outcome", "Choose what you advise.", "choice_unknown")
    if AdviceResponse.objects.filter(request=advice_request).exists():
        add_error(
            errors, "advice_request", "This request has already been answered.", "already_answered"
        )
    _check_subject_not_erased(advice_request.subject, errors)
    raise_if(errors)
    response = AdviceResponse(
        id=uuid.uuid4(),
        request=advice_request,
        given_by=actor,
        given_at=clock.now(),
        advised_outcome=advised_outcome,
    )
    response.advice = text
    response.full_clean()
    response.save(force_insert=True)
    _ledger(
        EntryKind.ADVICE_GIVEN,
        actor=actor,
        agency=advice_request.agency,
        subject=advice_request.subject,
        payload={
            "advice_request": str(advice_request.pk),
            "advice_response": str(response.pk),
            "advised_outcome": advised_outcome,
        },
    )
    return response
