"""Email notifications to staff: that something awaits in safeshare, and a link.

An email leaves the partnership's systems, so it carries no personal data: no
child's name, no NHS number, no purpose, no agency detail. Only one fixed
sentence per kind and a link whose path holds nothing but a UUID. Each
recipient gets their own message (no address sees another).

Services call `queue` (through their app's `notify_*` functions) inside their
transaction:
a `notification.sent` ledger entry (recipient user reference and kind, never an
address) is written with the write that triggers it, and the email is handed
to Django's SMTP backend by `transaction.on_commit`, so a rolled-back write
sends nothing. A failed send never loses the write: it is logged without
personal data or addresses and recorded as `notification.failed` in a
transaction of its own.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeGuard

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from safeshare.agencies.models import Agency, Role, User
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import actor_ref_for, ledger_append, system_actor_ref

logger = logging.getLogger(__name__)

# Who at an agency hears that something awaits it (Protocol App. 1: practitioners
# decide; safeguarding leads act for the agency).
AGENCY_NOTIFIED_ROLES = (Role.PRACTITIONER, Role.SAFEGUARDING_LEAD)
SYSTEM_ACTOR = "notify"


class NotificationKind(StrEnum):
    SHARE_RECEIVED = "share_received"
    REQUEST_RECEIVED = "request_received"
    REQUEST_ANSWERED = "request_answered"
    REFERRAL_RECEIVED = "referral_received"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_CONFLICT = "consent_conflict"


# The only words an email says: fixed text, never built from case data.
MESSAGES: dict[NotificationKind, str] = {
    NotificationKind.SHARE_RECEIVED: "New shared information awaits you in safeshare",
    NotificationKind.REQUEST_RECEIVED: "A new information request awaits you in safeshare",
    NotificationKind.REQUEST_ANSWERED: (
        "An answer to your information request awaits you in safeshare"
    ),
    NotificationKind.REFERRAL_RECEIVED: "A new referral awaits you in safeshare",
    NotificationKind.CONSENT_WITHDRAWN: (
        "Consent behind information shared with you has been withdrawn: see safeshare"
    ),
    NotificationKind.CONSENT_CONFLICT: "A disagreement about consent needs guidance in safeshare",
}

BODY = (
    "{message}.\n\n"
    "Sign in to safeshare to see it:\n{link}\n\n"
    "This email deliberately holds no details. If you were not expecting it, "
    "tell your safeguarding lead.\n"
)


@dataclass(frozen=True)
class _Outgoing:
    """One message waiting for the commit: whom (by id and address) and its ledger entry."""

    user_id: str
    address: str
    entry_seq: int


def email_subject(kind: NotificationKind) -> str:
    return MESSAGES[kind]


def email_body(kind: NotificationKind, path: str) -> str:
    return BODY.format(message=MESSAGES[kind], link=link(path))


def link(path: str) -> str:
    """The absolute link: the configured base URL and a path that holds only UUIDs."""
    return settings.SAFESHARE_BASE_URL.rstrip("/") + path


def agency_staff(agency: Agency, roles: tuple[str, ...] = AGENCY_NOTIFIED_ROLES) -> list[User]:
    """Active members of the agency holding any of the roles (by default practitioners and
    safeguarding leads)."""
    return list(
        User.objects.filter(
            is_active=True,
            membership__agency=agency,
            membership__active=True,
            membership__role_grants__role__in=roles,
        )
        .distinct()
        .order_by("username")
    )


def agency_leads(agency: Agency) -> list[User]:
    """Active safeguarding leads of the agency."""
    return agency_staff(agency, roles=(Role.SAFEGUARDING_LEAD,))


def _reachable(user: User | None) -> TypeGuard[User]:
    return bool(user is not None and user.is_active and user.email)


def queue(
    *, actor: User, agency: Agency, kind: NotificationKind, users: Iterable[User | None], path: str
) -> int:
    """Record one `notification.sent` entry per recipient now; send after the commit.

    Returns the number of messages queued. Users without an email address are
    skipped (they see the item when they next sign in).
    """
    outgoing: list[_Outgoing] = []
    seen: set[uuid.UUID] = set()
    for user in users:
        if not _reachable(user) or user.pk in seen or user.pk == actor.pk:
            continue
        seen.add(user.pk)
        entry = ledger_append(
            kind=EntryKind.NOTIFICATION_SENT,
            actor_ref=actor_ref_for(actor),
            agency_ref=str(agency.pk),
            subject_ref=None,
            payload={"recipient": f"user:{user.pk}", "kind": str(kind)},
        )
        outgoing.append(_Outgoing(user_id=str(user.pk), address=user.email, entry_seq=entry.seq))
    if outgoing:
        transaction.on_commit(
            lambda: deliver(kind=kind, path=path, agency_ref=str(agency.pk), outgoing=outgoing),
            robust=True,
        )
    return len(outgoing)


def deliver(
    *, kind: NotificationKind, path: str, agency_ref: str, outgoing: list[_Outgoing]
) -> int:
    """Send the queued messages over one SMTP connection; record each failure.

    Runs after the commit. Returns the number delivered to the SMTP server.
    """
    subject, body = email_subject(kind), email_body(kind, path)
    delivered = 0
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded, never raised
        for message in outgoing:
            _failed(kind=kind, agency_ref=agency_ref, message=message, error=error)
        return 0
    try:
        for message in outgoing:
            email = EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.address],
                connection=connection,
            )
            try:
                delivered += email.send(fail_silently=False)
            except Exception as error:  # noqa: BLE001
                _failed(kind=kind, agency_ref=agency_ref, message=message, error=error)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - the messages are already handed over
            logger.warning("Closing the SMTP connection failed after sending notifications.")
    return delivered


def _failed(
    *, kind: NotificationKind, agency_ref: str, message: _Outgoing, error: Exception
) -> None:
    # No address and no personal data in the log: the kind, the error's class and the entry.
    logger.error(
        "Email notification %s (ledger entry %s) was not delivered: %s",
        kind,
        message.entry_seq,
        type(error).__name__,
    )
    try:
        with transaction.atomic():
            ledger_append(
                kind=EntryKind.NOTIFICATION_FAILED,
                actor_ref=system_actor_ref(SYSTEM_ACTOR),
                agency_ref=agency_ref,
                subject_ref=None,
                payload={
                    "recipient": f"user:{message.user_id}",
                    "kind": str(kind),
                    "sent_entry": message.entry_seq,
                    "error": type(error).__name__,
                },
            )
    except Exception:  # noqa: BLE001 - the write it follows has committed already
        logger.exception("Recording a failed email notification in the ledger failed.")
