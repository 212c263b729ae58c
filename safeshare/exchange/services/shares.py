"""Shares built for need-to-know (issue #4 item 5; Protocol 5.2, App. 2 Q6)."""

import datetime
import uuid

from django.db import transaction

from safeshare.agencies.models import Agency, AgencyType, User
from safeshare.consent import validity as consent_validity
from safeshare.core import clock
from safeshare.core.errors import TIMEZONE_MESSAGE
from safeshare.core.validation import validate_new
from safeshare.decisions.models import ConsentState, Decision, DecisionOutcome
from safeshare.exchange import notify
from safeshare.exchange.dates import FILE_TRANSFER_SCHOOL_DAYS, add_working_days
from safeshare.exchange.models import (
    RevocationReason,
    Share,
    ShareItem,
    ShareKind,
    ShareOrigin,
    ShareRecipient,
    ShareRevocation,
)
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import IdentityField, Person

from ._common import (
    Errors,
    actor_agency,
    add_error,
    append,
    check_decision,
    check_subject,
    clean_choice,
    clean_text,
    decision_state,
    raise_if,
    seal,
)
from .share_drafts import (
    DEFAULT_IDENTITY_FIELDS,
    MAX_ITEMS,
    MAX_WINDOW,
    ItemDraft,
    RecipientDraft,
    _clean_identity_fields,
    _clean_item,
    _clean_recipients,
)


def _check_consent(
    decision: Decision | None,
    subject: Person | None,
    agency: Agency | None,
    now: datetime.datetime,
    items: list[dict],
    recipients: list[RecipientDraft],
    errors: Errors,
) -> None:
    """A share from a decision relying on consent is sent only while the consent covers
    each category and recipient and is still in force (issue #5 item 3)."""
    if decision is None or decision.consent_id is None or subject is None or agency is None:
        return
    if decision.consent_state != ConsentState.GIVEN:
        return
    to = [(i, r.agency) for i, r in enumerate(recipients) if r.agency is not None]
    what = [(i, item["category"]) for i, item in enumerate(items) if item["category"]]
    need = consent_validity.Need(
        child=subject,
        agency=agency,
        at=now,
        purpose=decision.purpose_code or None,
        recipients=[a for _, a in to],
        categories=[c for _, c in what],
    )
    for problem in consent_validity.problems(decision.consent, need):
        if problem.part == "recipient":
            field = f"recipients.{to[problem.index][0]}.agency_id"
        elif problem.part == "category":
            field = f"items.{what[problem.index][0]}.category"
        else:
            field = "decision_id"
        add_error(errors, field, problem.message, problem.code)


@transaction.atomic
def share_send(
    *,
    actor: User,
    decision: Decision,
    kind: str,
    items: list[ItemDraft],
    recipients: list[RecipientDraft],
    access_until: datetime.datetime,
    onward_sharing_permitted: bool = False,
    consent_limits: str = "",
    is_file_transfer: bool = False,
    identity_fields: frozenset[str] = DEFAULT_IDENTITY_FIELDS,
) -> Share:
    """Send only the selected items to only the chosen recipients, for a set window.

    Protocol App. 2 Q6 (share what is necessary with those who need to know,
    accurate and up to date, establish onward sharing, state the limits of
    consent), 5.2 (Accurate: fact or opinion; Record: what and with whom) and
    1.8 (the kind). Needs a decision to share, the sender agency's own, not
    superseded. A school's transfer of a child-protection file to the child's
    new school is an exchange due within five school days. Protected persons'
    identities are withheld from recipients unless disclosed with a reason. The
    recipients see the child through the identity fields the share carries and no
    others (name and date of birth unless the sender chooses otherwise).
    """
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    subject = decision.subject if decision is not None else None
    if decision is not None and subject is None:
        add_error(
            errors,
            "decision_id",
            "An anonymised decision names no child to share about.",
            "decision_anonymised",
        )
    superseded, named_for = decision_state(decision) if decision is not None else (False, set())
    check_decision(
        decision,
        agency=agency,
        subject=None,
        field="decision_id",
        errors=errors,
        outcome=DecisionOutcome.SHARE,
        superseded=superseded,
    )
    if subject is not None:
        check_subject(subject, field="decision_id", errors=errors)
    kind = clean_choice(kind, ShareKind, field="kind", label="the kind of sharing", errors=errors)
    carried = _clean_identity_fields(identity_fields, errors)
    now = clock.now()
    today = clock.today()
    if not isinstance(access_until, datetime.datetime):
        add_error(errors, "access_until", "Enter when access ends.", "required")
    elif not clock.is_aware(access_until):
        add_error(errors, "access_until", TIMEZONE_MESSAGE, "timezone_required")
    elif access_until <= now:
        add_error(errors, "access_until", "Access must end in the future.", "window_in_past")
    elif access_until > now + MAX_WINDOW:
        add_error(errors, "access_until", "Access may last at most a year.", "window_too_long")
    limits = clean_text(
        consent_limits,
        field="consent_limits",
        label="the limits of consent",
        errors=errors,
        required=False,
    )
    if not items:
        add_error(errors, "items", "Select at least one item to share.", "required")
    elif len(items) > MAX_ITEMS:
        add_error(errors, "items", f"Select at most {MAX_ITEMS} items.", "too_many")
    cleaned = [_clean_item(i, item, today, errors) for i, item in enumerate(items[:MAX_ITEMS])]
    _clean_recipients(recipients, agency, named_for, errors)
    _check_consent(decision, subject, agency, now, cleaned, recipients, errors)
    receipt_due_on = None
    if is_file_transfer:
        if kind and kind != ShareKind.EXCHANGE:
            add_error(
                errors,
                "kind",
                "A file transfer is an exchange (Protocol 1.8).",
                "file_transfer_is_exchange",
            )
        if agency is not None and agency.agency_type != AgencyType.SCHOOL:
            add_error(
                errors,
                "is_file_transfer",
                "Only a school transfers a child-protection file.",
                "file_transfer_from_school",
            )
        if any(
            r.agency is not None and r.agency.agency_type != AgencyType.SCHOOL for r in recipients
        ):
            add_error(
                errors,
                "recipients",
                "A child-protection file goes to the new school.",
                "file_transfer_to_school",
            )
        receipt_due_on = add_working_days(today, FILE_TRANSFER_SCHOOL_DAYS)
    raise_if(errors)
    assert agency is not None and subject is not None
    share, written = _write_share(
        actor=actor,
        agency=agency,
        decision=decision,
        subject=subject,
        kind=kind,
        now=now,
        access_until=access_until,
        onward=onward_sharing_permitted,
        limits=limits,
        is_file_transfer=is_file_transfer,
        receipt_due_on=receipt_due_on,
        items=cleaned,
        recipients=recipients,
        identity_fields=carried,
    )
    # Emails leave on commit (item 9).
    notify.notify_share_sent(actor=actor, share=share, recipients=written)
    return share


def carries(identity_fields: frozenset[str]) -> dict[str, bool]:
    """A share's `carries_*` flags for a set of IdentityField values."""
    return {
        "carries_name": IdentityField.NAME in identity_fields,
        "carries_date_of_birth": IdentityField.DATE_OF_BIRTH in identity_fields,
        "carries_nhs_number": IdentityField.NHS_NUMBER in identity_fields,
    }


def _write_share(
    *,
    actor: User,
    agency: Agency,
    decision: Decision,
    subject: Person,
    kind: str,
    now: datetime.datetime,
    access_until: datetime.datetime,
    onward: bool,
    limits: str,
    is_file_transfer: bool,
    receipt_due_on: datetime.date | None,
    items: list[dict],
    recipients: list[RecipientDraft],
    identity_fields: frozenset[str],
) -> tuple[Share, list[ShareRecipient]]:
    """Write a validated share: its receipt entry, the share, its items and recipients."""
    share_id = uuid.uuid4()
    share = Share(
        id=share_id,
        sender_agency=agency,
        subject=subject,
        decision=decision,
        kind=kind,
        origin=ShareOrigin.DECISION,
        sent_by=actor,
        sent_at=now,
        access_until=access_until,
        onward_sharing_permitted=bool(onward),
        consent_limits_enc=seal(subject, share_id, "consent_limits", limits) if limits else None,
        is_file_transfer=is_file_transfer,
        receipt_due_on=receipt_due_on,
        **carries(identity_fields),
    )
    validate_new(share)
    rows = []
    for position, item in enumerate(items, start=1):
        item_id = uuid.uuid4()
        rows.append(
            ShareItem(
                id=item_id,
                share=share,
                position=position,
                category=item["category"],
                content_enc=seal(subject, item_id, "content", item["content"]),
                nature=item["nature"],
                source_enc=seal(subject, item_id, "source", item["source"]),
                dated_on=item["dated_on"],
                checked_accurate=True,
                protected_role=item["protected_role"],
                protected_identity_enc=(
                    seal(subject, item_id, "protected_identity", item["protected_identity"])
                    if item["protected_identity"]
                    else None
                ),
                protected_identity_disclosed=item["disclosed"],
                disclosure_reason_enc=(
                    seal(subject, item_id, "disclosure_reason", item["disclosure_reason"])
                    if item["disclosed"]
                    else None
                ),
            )
        )
    recipient_rows = [
        ShareRecipient(share=share, agency=r.agency, named_user=r.named_user) for r in recipients
    ]
    for row in [*rows, *recipient_rows]:
        validate_new(row, exclude=["share"])  # the share is written below
    # Everything is valid: the receipt (the ledger entry) first, so the share is written
    # once, with it, then its items and recipients.
    entry = append(
        kind=EntryKind.SHARE_SENT,
        actor=actor,
        agency=agency,
        subject=subject,
        payload={
            "share": str(share.pk),
            "decision": str(decision.pk),
            "kind": kind,
            "recipients": [str(r.agency.pk) for r in recipients],
            "named_recipients": [str(r.named_user.pk) for r in recipients if r.named_user],
            "items": [{"category": i["category"], "nature": i["nature"]} for i in items],
            "protected_identities_disclosed": sum(1 for i in items if i["disclosed"]),
            "access_until": access_until.isoformat(),
            "onward_sharing_permitted": bool(onward),
            "file_transfer": is_file_transfer,
            "identity_fields": sorted(identity_fields),
        },
    )
    share.sent_entry_seq, share.sent_entry_hash = entry.seq, entry.hash
    share.save(force_insert=True)
    ShareItem.objects.bulk_create(rows)
    ShareRecipient.objects.bulk_create(recipient_rows)
    return share, recipient_rows


@transaction.atomic
def share_revoke(*, actor: User, share: Share, reason: str) -> ShareRevocation:
    """The sender ends recipients' access early; a new row, and `revoked_at` on the share."""
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    locked = Share.objects.select_for_update().get(pk=share.pk)
    if agency is not None and locked.sender_agency_id != agency.id:
        add_error(errors, "share", "Only the sending agency can revoke.", "not_sender")
    elif locked.revoked_at is not None:
        add_error(errors, "share", "This share has already been revoked.", "already_revoked")
    reason = clean_choice(reason, RevocationReason, field="reason", label="a reason", errors=errors)
    raise_if(errors)
    assert agency is not None
    now = clock.now()
    revocation = ShareRevocation(share=locked, revoked_by=actor, revoked_at=now, reason=reason)
    revocation.full_clean()
    revocation.save()
    Share.objects.filter(pk=share.pk).update(revoked_at=now)
    share.revoked_at = now
    append(
        kind=EntryKind.SHARE_REVOKED,
        actor=actor,
        agency=agency,
        subject=share.subject,
        payload={"share": str(share.pk), "revocation": str(revocation.pk), "reason": reason},
    )
    return revocation
