"""What a recipient does after the consent behind a share is withdrawn (issue #5 item 4)."""

import uuid

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.access.rules.consent import ContinuedUseTarget
from safeshare.access.rules.exchange import received_shares
from safeshare.agencies.models import User
from safeshare.consent.models import ConsentWithdrawal
from safeshare.core import clock
from safeshare.core.errors import Forbidden
from safeshare.core.validation import validate_new
from safeshare.exchange import notify
from safeshare.exchange.models import ContinuedUse, ContinuedUseDecision, Share
from safeshare.exchange.selectors import withdrawal_for_share
from safeshare.ledger.kinds import EntryKind

from ._common import (
    Errors,
    actor_agency,
    add_error,
    append,
    clean_choice,
    clean_text,
    raise_if,
)


@transaction.atomic
def tell_recipients_of_withdrawal(*, actor: User, withdrawal: ConsentWithdrawal) -> None:
    """Tell each agency that received information relying on the withdrawn consent, in the
    withdrawing transaction (`casework.withdrawal`): it is emailed (no personal data) and
    the ledger records which shares and agencies were told (issue #5 item 4)."""
    consent = withdrawal.consent
    shares = list(
        Share.objects.filter(decision__consent=consent)
        .select_related("sender_agency")
        .prefetch_related("recipients__agency", "recipients__named_user__membership__agency")
        .order_by("sent_at", "id")
    )
    if not shares:
        return
    for share in shares:
        notify.notify_consent_withdrawn(
            actor=actor, share=share, recipients=list(share.recipients.all())
        )
    append(
        kind=EntryKind.CONSENT_WITHDRAWAL_NOTIFIED,
        actor=actor,
        agency=consent.agency,
        subject=consent.child,
        payload={
            "withdrawal": str(withdrawal.pk),
            "shares": [str(s.pk) for s in shares],
            "recipients": sorted({str(r.agency_id) for s in shares for r in s.recipients.all()}),
        },
    )


@transaction.atomic
def continued_use_record(*, actor: User, share: Share, decision: str, reasons: str) -> ContinuedUse:
    """A recipient agency's decision on using what it received, once the consent it relied
    on is withdrawn: stop and restrict it, or continue on another basis, with reasons."""
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    recipient = received_shares(actor, agency).filter(share=share).first() if agency else None
    message = "You cannot decide about this share."
    if recipient is None:
        raise Forbidden(message)
    require(actor, Action.CONTINUED_USE_RECORD, ContinuedUseTarget(recipient=recipient), message)
    withdrawal = withdrawal_for_share(share)
    if share.subject.is_shredded:
        add_error(errors, "share_id", "This child's record has been erased.", "subject_erased")
    elif withdrawal is None:
        add_error(
            errors,
            "share_id",
            "The consent this share relied on has not been withdrawn.",
            "not_withdrawn",
        )
    elif ContinuedUse.objects.filter(recipient=recipient).exists():
        add_error(
            errors, "share_id", "Your agency has already recorded its decision.", "already_decided"
        )
    decision = clean_choice(
        decision, ContinuedUseDecision, field="decision", label="your decision", errors=errors
    )
    reasons = clean_text(
        reasons, field="reasons", label="the reasons for your decision", errors=errors
    )
    raise_if(errors)
    assert withdrawal is not None and agency is not None
    use = ContinuedUse(
        id=uuid.uuid4(),
        recipient=recipient,
        withdrawal=withdrawal,
        decision=decision,
        decided_by=actor,
        decided_at=clock.now(),
    )
    use.reasons = reasons
    validate_new(use)
    use.save(force_insert=True)
    append(
        kind=EntryKind.CONSENT_CONTINUED_USE_DECIDED,
        actor=actor,
        agency=agency,
        subject=share.subject,
        payload={
            "continued_use": str(use.pk),
            "share": str(share.pk),
            "withdrawal": str(withdrawal.pk),
            "decision": decision,
        },
    )
    return use
