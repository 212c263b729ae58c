"""Recording that consent was withdrawn (issue #5 item 4)."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.agencies.models import User
from safeshare.consent.models import (
    Consent,
    ConsentMethod,
    ConsentWithdrawal,
)
from safeshare.consent.services._common import (
    _ledger,
    _moment,
)
from safeshare.core import clock
from safeshare.core.cleaning import clean_choice, clean_text
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.core.validation import validate_new
from safeshare.ledger.kinds import EntryKind


@transaction.atomic
def consent_withdraw(
    *,
    actor: User,
    consent: Consent,
    withdrawn_at: datetime.datetime,
    method: str,
    reasons: str = "",
) -> ConsentWithdrawal:
    """Record that consent was withdrawn (item 4). From then no new share may rely on it.
    It tells no one: `casework.withdrawal.consent_withdraw_and_tell` calls this and then
    tells each agency that received information under it."""
    require(
        actor, Action.CONSENT_WITHDRAW, consent, "You cannot record a withdrawal of this consent."
    )
    now = clock.now()
    errors: Errors = {}
    if consent.child.is_shredded:
        add_error(errors, "consent_id", "This child's record has been erased.", "subject_erased")
    elif not consent.is_given:
        add_error(
            errors,
            "consent_id",
            "Only consent that was given can be withdrawn; record "
            "a new consent to change a refusal.",
            "consent_refused",
        )
    elif ConsentWithdrawal.objects.filter(consent=consent).exists():
        add_error(
            errors, "consent_id", "This consent has already been withdrawn.", "already_withdrawn"
        )
    withdrawn_at = _moment(errors, "withdrawn_at", withdrawn_at, "when it was withdrawn", now=now)
    if withdrawn_at is not None and withdrawn_at < consent.given_at:
        add_error(
            errors,
            "withdrawn_at",
            "Consent cannot be withdrawn before it was given.",
            "before_consent",
        )
    method = clean_choice(
        method, ConsentMethod, field="method", label="how it was withdrawn", errors=errors
    )
    reasons = clean_text(
        reasons, field="reasons", label="their reasons", errors=errors, required=False
    )
    raise_if(errors)
    assert withdrawn_at is not None
    withdrawal = ConsentWithdrawal(
        id=uuid.uuid4(),
        consent=consent,
        withdrawn_at=withdrawn_at,
        method=method,
        recorded_by=actor,
        recorded_at=now,
    )
    withdrawal.reasons = reasons
    validate_new(withdrawal)
    withdrawal.save(force_insert=True)
    consent.withdrawal = withdrawal
    _ledger(
        EntryKind.CONSENT_WITHDRAWN,
        actor=actor,
        agency=consent.agency,
        child=consent.child,
        payload={
            "consent": str(consent.pk),
            "withdrawal": str(withdrawal.pk),
            "withdrawn_at": withdrawn_at.isoformat(),
            "method": method,
        },
    )
    return withdrawal
