"""Asking the source before passing a share on, and its answer (Protocol App. 2 Q6)."""

import uuid

from django.db import transaction

from safeshare.agencies.models import Agency, User
from safeshare.core import clock
from safeshare.decisions.models import Decision
from safeshare.exchange.models import (
    OnwardDisclosureAnswer,
    OnwardDisclosureRequest,
    Share,
)
from safeshare.ledger.kinds import EntryKind

from ._common import (
    Errors,
    actor_agency,
    add_error,
    append,
    check_decision,
    clean_text,
    raise_if,
    seal,
)
from .recipients import _recipient_row


@transaction.atomic
def onward_request(
    *, actor: User, share: Share, proposed_recipient: Agency, purpose: str
) -> OnwardDisclosureRequest:
    """A recipient asks the source agency before passing information on (secondary disclosure).

    Protocol App. 2 Q6: establish whether the recipient intends to pass it on;
    the source agency decides, and its decision is recorded like any other.
    """
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    if _recipient_row(actor, share) is None:
        add_error(errors, "share", "Only a recipient can ask to pass a share on.", "not_recipient")
    if proposed_recipient is None:
        add_error(errors, "proposed_recipient_id", "Choose the agency.", "required")
    elif proposed_recipient.pk in {share.sender_agency_id, getattr(agency, "pk", None)}:
        add_error(
            errors,
            "proposed_recipient_id",
            "Choose an agency other than the source and your own.",
            "proposed_recipient_invalid",
        )
    purpose = clean_text(
        purpose, field="purpose", label="why you want to pass it on", errors=errors
    )
    if share.subject.is_shredded:
        add_error(errors, "share", "This person's record has been erased.", "subject_erased")
    raise_if(errors)
    assert agency is not None
    onward_id = uuid.uuid4()
    onward = OnwardDisclosureRequest(
        id=onward_id,
        share=share,
        requesting_agency=agency,
        requested_by=actor,
        proposed_recipient=proposed_recipient,
        purpose_enc=seal(share.subject, onward_id, "purpose", purpose),
        requested_at=clock.now(),
    )
    onward.full_clean()
    onward.save(force_insert=True)
    append(
        kind=EntryKind.ONWARD_REQUESTED,
        actor=actor,
        agency=agency,
        subject=share.subject,
        payload={
            "onward_request": str(onward.pk),
            "share": str(share.pk),
            "proposed_recipient": str(proposed_recipient.pk),
        },
    )
    return onward


@transaction.atomic
def onward_answer(
    *, actor: User, onward: OnwardDisclosureRequest, decision: Decision
) -> OnwardDisclosureAnswer:
    """The source agency answers with its own recorded decision (share or not share)."""
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    OnwardDisclosureRequest.objects.select_for_update().filter(pk=onward.pk).first()
    if agency is not None and onward.share.sender_agency_id != agency.id:
        add_error(errors, "onward_request", "Only the source agency can answer.", "not_source")
    elif OnwardDisclosureAnswer.objects.filter(request=onward).exists():
        add_error(errors, "onward_request", "This has already been answered.", "already_answered")
    check_decision(
        decision, agency=agency, subject=onward.share.subject, field="decision_id", errors=errors
    )
    raise_if(errors)
    assert agency is not None
    answer = OnwardDisclosureAnswer(
        request=onward, decision=decision, answered_by=actor, answered_at=clock.now()
    )
    answer.full_clean()
    answer.save()
    append(
        kind=EntryKind.ONWARD_ANSWERED,
        actor=actor,
        agency=agency,
        subject=onward.share.subject,
        payload={
            "onward_request": str(onward.pk),
            "answer": str(answer.pk),
            "decision": str(decision.pk),
            "outcome": decision.outcome,
        },
    )
    return answer
