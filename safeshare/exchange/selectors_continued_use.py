"""What a share shows of the consent it relied on (issue #5 item 4).

The share page is reached through `access.fetch.exchange.get_share_for`, so
whoever reads these has already been found to see the share: the sending
agency, or a recipient while the share is open. A recipient never reads the
consent record itself (its scope is the agency that asked); it sees only
what the share shows: the limits of the consent, its withdrawal, and the
decisions on continued use that the access rules let it see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from safeshare.access.actions import Action
from safeshare.access.policy import active_agency, can
from safeshare.access.rules.consent import ContinuedUseTarget
from safeshare.access.rules.exchange import received_shares
from safeshare.agencies.models import AgencyType
from safeshare.consent.models import (
    Consent,
    ConsentWithdrawal,
    ItemCategory,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.consent.selectors import sealed
from safeshare.core.sealed import ErasedText
from safeshare.decisions.models import ConsentState
from safeshare.exchange.models import ContinuedUse, Share, ShareRecipient
from safeshare.exchange.selectors import continued_uses_for_share, withdrawal_for_share


@dataclass(frozen=True)
class ConsentScope:
    """The limits of a consent, as labels (App. 2 Q4: what, why, to whom, for what use)."""

    given_on: datetime.date
    categories: list[str]
    purposes: list[str]
    recipients: list[str]
    recipient_purposes: list[str]
    review_on: datetime.date | None
    expires_on: datetime.date | None


@dataclass(frozen=True)
class UseView:
    """A recipient's recorded decision on continued use, its reasons opened."""

    use: ContinuedUse
    reasons: str | ErasedText | None


@dataclass(frozen=True)
class ShareConsent:
    """The consent side of a share page. Empty when the decision did not rely on consent."""

    scope: ConsentScope | None = None
    withdrawal: ConsentWithdrawal | None = None
    withdrawn_on: datetime.date | None = None
    uses: list[UseView] = field(default_factory=list)
    may_record_use: bool = False


def _labels(codes: list[str], choices: Any) -> list[str]:
    return [choices(code).label for code in codes if code in choices.values]


def _relied_on(share: Share) -> Consent | None:
    decision = share.decision if share.decision_id else None
    if decision is None or decision.consent_state != ConsentState.GIVEN:
        return None
    if decision.consent_id is None:
        return None
    return Consent.objects.prefetch_related("recipient_agencies").get(pk=decision.consent_id)


def consent_scope(consent: Consent) -> ConsentScope:
    named = sorted(agency.name for agency in consent.recipient_agencies.all())
    kinds = [
        f"Any {label.lower()}" for label in _labels(consent.recipient_agency_types, AgencyType)
    ]
    return ConsentScope(
        given_on=timezone.localdate(consent.given_at),
        categories=_labels(consent.categories, ItemCategory),
        purposes=_labels(consent.purposes, SharingPurpose),
        recipients=named + kinds,
        recipient_purposes=_labels(consent.recipient_purposes, RecipientPurpose),
        review_on=consent.review_on,
        expires_on=consent.expires_on,
    )


def continued_use_recipient(user: Any, share: Share) -> ShareRecipient | None:
    """The user's agency's open row of the share if the user may record its decision on
    continued use: a practitioner or safeguarding lead of a receiving agency, while the
    share is open to them, after the consent was withdrawn, once per agency."""
    agency = active_agency(user)
    if agency is None:
        return None
    recipient = received_shares(user, agency).filter(share=share).first()
    if recipient is None:
        return None
    if not can(user, Action.CONTINUED_USE_RECORD, ContinuedUseTarget(recipient=recipient)):
        return None
    return recipient


def share_consent(user: Any, share: Share) -> ShareConsent:
    """The limits of the consent the share relied on, its withdrawal, and the decisions on
    continued use the user may see (issue #5 item 4)."""
    consent = _relied_on(share)
    if consent is None:
        return ShareConsent()
    withdrawal = withdrawal_for_share(share)
    if withdrawal is None:
        return ShareConsent(scope=consent_scope(consent))
    uses = [
        UseView(use=use, reasons=sealed(share.subject, use, "reasons"))
        for use in continued_uses_for_share(user, share)
    ]
    recipient = continued_use_recipient(user, share)
    decided = recipient is not None and any(u.use.recipient_id == recipient.pk for u in uses)
    return ShareConsent(
        scope=consent_scope(consent),
        withdrawal=withdrawal,
        withdrawn_on=timezone.localdate(withdrawal.withdrawn_at),
        uses=uses,
        may_record_use=recipient is not None and not decided,
    )
