"""Exchange API: shares and onward disclosure.

Adapters only (STYLE §2): fetch through `access`, check the action, call one
service, shape the answer. A recipient's read of a share is logged (a row and
a `share.viewed` entry) before the answer is built, and carries only that
share's items with protected identities withheld.
"""

import datetime
import json
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import own_decision_or_error
from safeshare.access.fetch.exchange import (
    get_onward_request_for,
    get_share_for,
)
from safeshare.consent.models import ItemCategory
from safeshare.core.paging import LimitOffset, Rows
from safeshare.exchange import receipts, selectors, services
from safeshare.exchange.models import (
    ItemNature,
    ProtectedRole,
    RevocationReason,
    Share,
    ShareKind,
    ViewChannel,
)
from safeshare.people.models import IdentityField

from ._common import TEXT, AgencyRef, _agency, _agency_ref, _text, _user

router = Router(tags=["shares"])


class ItemIn(Schema):
    category: ItemCategory
    content: str = TEXT
    nature: ItemNature
    source: str = TEXT
    dated_on: datetime.date
    checked_accurate: bool
    protected_role: ProtectedRole | None = None
    protected_identity: str = Field(default="", max_length=5000)
    disclose_protected_identity: bool = False
    disclosure_reason: str = Field(default="", max_length=5000)


class RecipientIn(Schema):
    agency_id: uuid.UUID
    named_user_id: uuid.UUID | None = None


class ShareIn(Schema):
    decision_id: uuid.UUID
    kind: ShareKind
    access_until: datetime.datetime
    items: list[ItemIn] = Field(min_length=1, max_length=50)
    recipients: list[RecipientIn] = Field(min_length=1, max_length=20)
    onward_sharing_permitted: bool = False
    consent_limits: str = Field(default="", max_length=5000)
    is_file_transfer: bool = False
    identity_fields: list[IdentityField] = Field(
        default=[IdentityField.NAME, IdentityField.DATE_OF_BIRTH],
        max_length=3,
        description=(
            "The parts of the child's identity the recipients see; they see the child "
            "through these and nothing else. The NHS number travels only if listed."
        ),
    )


class ItemOut(Schema):
    position: int
    category: str
    content: str | None
    nature: str
    source: str | None
    dated_on: datetime.date
    protected_role: str
    protected_identity: str | None
    protected_identity_withheld: bool
    disclosure_reason: str | None


class RecipientOut(Schema):
    agency: AgencyRef
    named_user_id: uuid.UUID | None
    acknowledged_at: datetime.datetime | None


class ReceiptOut(Schema):
    share_id: uuid.UUID
    seq: int
    hash: str
    verified: bool
    detail: str


class ShareSummaryOut(Schema):
    id: uuid.UUID
    subject_id: uuid.UUID
    sender_agency: AgencyRef
    kind: str
    origin: str
    sent_at: datetime.datetime
    access_until: datetime.datetime
    revoked_at: datetime.datetime | None
    identity_fields: list[IdentityField]


class ShareOut(ShareSummaryOut):
    reader: str  # "sender" or "recipient"
    onward_sharing_permitted: bool
    consent_limits: str | None
    is_file_transfer: bool
    receipt_due_on: datetime.date | None
    items: list[ItemOut]
    recipients: list[RecipientOut]  # the sender's record only; empty for a recipient
    receipt_seq: int | None
    receipt_hash: str


class RevokeIn(Schema):
    reason: RevocationReason


class OnwardIn(Schema):
    proposed_recipient_id: uuid.UUID
    purpose: str = TEXT


class OnwardOut(Schema):
    id: uuid.UUID
    share_id: uuid.UUID
    requesting_agency: AgencyRef
    proposed_recipient: AgencyRef
    requested_at: datetime.datetime
    decision_id: uuid.UUID | None
    outcome: str | None


class OnwardAnswerIn(Schema):
    decision_id: uuid.UUID


def _share_summary(share: Share) -> dict:
    return {
        "id": share.id,
        "subject_id": share.subject_id,
        "sender_agency": _agency_ref(share.sender_agency),
        "kind": share.kind,
        "origin": share.origin,
        "sent_at": share.sent_at,
        "access_until": share.access_until,
        "revoked_at": share.revoked_at,
        "identity_fields": sorted(share.identity_fields),
    }


def _share_out(user, share: Share) -> dict:
    sender = selectors.share_is_sender(user, share)
    recipients = []
    if sender:
        for row in selectors.share_recipients(share):
            ack = getattr(row, "acknowledgement", None)
            recipients.append(
                {
                    "agency": _agency_ref(row.agency),
                    "named_user_id": row.named_user_id,
                    "acknowledged_at": ack.acknowledged_at if ack else None,
                }
            )
    items = [
        {
            "position": v.position,
            "category": v.category,
            "content": _text(v.content),
            "nature": v.nature,
            "source": _text(v.source),
            "dated_on": v.dated_on,
            "protected_role": v.protected_role,
            "protected_identity": _text(v.protected_identity),
            "protected_identity_withheld": v.protected_identity_withheld,
            "disclosure_reason": _text(v.disclosure_reason),
        }
        for v in selectors.share_items(share, for_sender=sender)
    ]
    return {
        **_share_summary(share),
        "reader": "sender" if sender else "recipient",
        "onward_sharing_permitted": share.onward_sharing_permitted,
        "consent_limits": _text(selectors.share_consent_limits(share)),
        "is_file_transfer": share.is_file_transfer,
        "receipt_due_on": share.receipt_due_on,
        "items": items,
        "recipients": recipients,
        "receipt_seq": share.sent_entry_seq,
        "receipt_hash": share.sent_entry_hash,
    }


def _onward_out(onward) -> dict:
    answer = getattr(onward, "answer", None) if hasattr(onward, "answer") else None
    return {
        "id": onward.id,
        "share_id": onward.share_id,
        "requesting_agency": _agency_ref(onward.requesting_agency),
        "proposed_recipient": _agency_ref(onward.proposed_recipient),
        "requested_at": onward.requested_at,
        "decision_id": answer.decision_id if answer else None,
        "outcome": answer.decision.outcome if answer else None,
    }


@router.post("", response={201: ShareOut}, operation_id="exchange_share_send")
def exchange_share_send(request, payload: ShareIn):
    """Send the selected items, from your agency's decision to share, to chosen recipients."""
    user = request.auth
    decision = own_decision_or_error(
        user, payload.decision_id, field="decision_id", action=Action.SHARE_SEND
    )
    recipients = [
        services.RecipientDraft(
            agency=_agency(r.agency_id, f"recipients.{i}.agency_id"),
            named_user=_user(r.named_user_id, f"recipients.{i}.named_user_id"),
        )
        for i, r in enumerate(payload.recipients)
    ]
    items = [
        services.ItemDraft(**{**item.dict(), "protected_role": item.protected_role or ""})
        for item in payload.items
    ]
    share = services.share_send(
        actor=user,
        decision=decision,
        kind=payload.kind,
        items=items,
        recipients=recipients,
        access_until=payload.access_until,
        onward_sharing_permitted=payload.onward_sharing_permitted,
        consent_limits=payload.consent_limits,
        is_file_transfer=payload.is_file_transfer,
        identity_fields=frozenset(payload.identity_fields),
    )
    return Status(201, _share_out(user, get_share_for(user, share.pk, action=Action.SHARE_VIEW)))


@router.get("/sent", response=list[ShareSummaryOut], operation_id="exchange_shares_sent")
@paginate(LimitOffset)
def exchange_shares_sent(request):
    """Shares your agency sent, newest first (the sender's full record, whatever the window)."""
    return Rows(selectors.shares_sent(request.auth).select_related("sender_agency"), _share_summary)


@router.get("/received", response=list[ShareSummaryOut], operation_id="exchange_shares_received")
@paginate(LimitOffset)
def exchange_shares_received(request):
    """Shares open to you now as a recipient, newest first (no item content in the list)."""
    return Rows(selectors.shares_received(request.auth), _share_summary)


@router.get("/{share_id}", response=ShareOut, operation_id="exchange_share_get")
def exchange_share_get(request, share_id: str):
    """A share: its selected items only. A recipient's read is logged (issue #4 item 5)."""
    user = request.auth
    share = get_share_for(user, share_id, action=Action.SHARE_VIEW)
    services.share_view_record(actor=user, share=share, channel=ViewChannel.API)
    return _share_out(user, share)


@router.get("/{share_id}/export", response=ShareOut, operation_id="exchange_share_export")
def exchange_share_export(request, share_id: str):
    """The share as a document to keep (with its receipt), as a download. A recipient's
    export carries the selected items only and is logged as a view through export."""
    user = request.auth
    share = get_share_for(user, share_id, action=Action.SHARE_VIEW)
    services.share_view_record(actor=user, share=share, channel=ViewChannel.EXPORT)
    body = _share_out(user, share)
    response = HttpResponse(
        json.dumps(ShareOut(**body).model_dump(mode="json"), indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="share-{share.pk}.json"'
    return response


@router.post(
    "/{share_id}/acknowledge", response=ShareOut, operation_id="exchange_share_acknowledge"
)
def exchange_share_acknowledge(request, share_id: str):
    """Confirm your agency received the share."""
    user = request.auth
    share = get_share_for(user, share_id, action=Action.SHARE_ACKNOWLEDGE)
    services.share_acknowledge(actor=user, share=share)
    # The answer shows the items again, so it is a view like any other.
    services.share_view_record(actor=user, share=share, channel=ViewChannel.API)
    return _share_out(user, share)


@router.post("/{share_id}/revoke", response=ShareOut, operation_id="exchange_share_revoke")
def exchange_share_revoke(request, share_id: str, payload: RevokeIn):
    """End recipients' access now (the sender keeps the full record)."""
    user = request.auth
    share = get_share_for(user, share_id, action=Action.SHARE_REVOKE)
    services.share_revoke(actor=user, share=share, reason=payload.reason)
    return _share_out(user, get_share_for(user, share_id, action=Action.SHARE_VIEW))


@router.get("/{share_id}/receipt", response=ReceiptOut, operation_id="exchange_share_receipt")
def exchange_share_receipt(request, share_id: str):
    """The share's receipt (ledger sequence and hash of `share.sent`), checked against the
    intact ledger, for the sender and any recipient."""
    user = request.auth
    share = get_share_for(user, share_id, action=Action.SHARE_VIEW)
    receipt = receipts.share_receipt(share)
    if receipt is None:
        raise ValidationError({"share": [ValidationError("No receipt.", code="no_receipt")]})
    check = receipts.receipt_verify(seq=receipt.seq, hash=receipt.hash, share_id=str(share.pk))
    return {
        "share_id": share.pk,
        "seq": receipt.seq,
        "hash": receipt.hash,
        "verified": check.ok,
        "detail": check.reason,
    }


@router.post(
    "/{share_id}/onward", response={201: OnwardOut}, operation_id="exchange_onward_request"
)
def exchange_onward_request(request, share_id: str, payload: OnwardIn):
    """Ask the source agency before passing a share on (secondary disclosure)."""
    user = request.auth
    share = get_share_for(user, share_id, action=Action.ONWARD_REQUEST)
    proposed = _agency(payload.proposed_recipient_id, "proposed_recipient_id")
    onward = services.onward_request(
        actor=user, share=share, proposed_recipient=proposed, purpose=payload.purpose
    )
    return Status(
        201, _onward_out(get_onward_request_for(user, onward.pk, action=Action.ONWARD_VIEW))
    )


@router.post(
    "/onward/{onward_id}/answer", response=OnwardOut, operation_id="exchange_onward_answer"
)
def exchange_onward_answer(request, onward_id: str, payload: OnwardAnswerIn):
    """Answer an onward disclosure request with your agency's recorded decision."""
    user = request.auth
    onward = get_onward_request_for(user, onward_id, action=Action.ONWARD_ANSWER)
    decision = own_decision_or_error(
        user, payload.decision_id, field="decision_id", action=Action.DECISION_VIEW
    )
    services.onward_answer(actor=user, onward=onward, decision=decision)
    return _onward_out(get_onward_request_for(user, onward_id, action=Action.ONWARD_VIEW))
