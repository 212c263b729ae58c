"""Email notifications to staff: that something awaits in safeshare, and a link.

An email leaves the partnership's systems, so it carries no personal data: no
child's name, no NHS number, no purpose, no agency detail. Only one fixed
sentence per kind and a link whose path holds nothing but a UUID. Each
recipient gets their own message (no address sees another).

Services call `queue` (through their app's `notify_*` functions) inside their
transaction:
a `notification.sent` ledger entry (recipient user reference and kind, never an
address) is written with the write that triggers it, and `transaction.on_commit`
puts one `send_notifications` task on the django-tasks queue (database
backend), so a rolled-back write sends nothing. The task's arguments are the
kind, the UUID-only path, the agency's id and each recipient's user id and
`notification.sent` entry: never an address or a word of case data, since the
queue is a table others can read. The worker (`safeshare tasks work`) reads
the addresses when it sends, through Django's SMTP backend.

A failed send never loses the write: it is logged without personal data or
addresses and recorded as `notification.failed` (with its attempt number and
whether another follows) in a transaction of its own. django-tasks retries
nothing itself, so the task puts the failed recipients back on the queue with
a growing delay, up to `MAX_ATTEMPTS` attempts in all.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TypeGuard

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import Resolver404, resolve
from django_tasks import task

from safeshare.agencies.models import Agency, Role, User
from safeshare.core import clock
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.ledger.services import actor_ref_for, ledger_append, system_actor_ref

logger = logging.getLogger(__name__)

# Who at an agency hears that something awaits it (Protocol App. 1: practitioners
# decide; safeguarding leads act for the agency).
AGENCY_NOTIFIED_ROLES = (Role.PRACTITIONER, Role.SAFEGUARDING_LEAD)
SYSTEM_ACTOR = "notify"

# A failed send is tried again after 1, 5, 25 and 125 minutes: five attempts over
# about two and a half hours cover a mail server's restart or a short outage.
MAX_ATTEMPTS = 5
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
RETRY_BACKOFF = 5
# Recorded as the `error` of a recipient who lost their address or account before the send.
UNREACHABLE = "RecipientUnreachable"
# A task whose arguments the worker refused, and a first attempt the queue refused.
INVALID_TASK = "InvalidTaskArguments"
NOT_QUEUED = "NotQueued"


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
    """One message being sent: whom (by id and address) and its `notification.sent` entry."""

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
    """Record one `notification.sent` entry per recipient now; queue the send for the commit.

    Returns the number of messages queued. Users without an email address are
    skipped (they see the item when they next sign in). A path the task would
    refuse raises `ValueError` here, inside the caller's transaction, so the
    write that asked for it is rolled back rather than recorded as told.
    """
    _check_path(path)
    recipients: list[list[str | int]] = []
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
        recipients.append([str(user.pk), entry.seq])
    if recipients:
        transaction.on_commit(
            partial(
                _enqueue_after_commit,
                kind=kind,
                path=path,
                agency_ref=str(agency.pk),
                recipients=recipients,
            )
        )
    return len(recipients)


def _enqueue_after_commit(
    *, kind: NotificationKind, path: str, agency_ref: str, recipients: list[list[str | int]]
) -> None:
    """Queue the first attempt; if the queue refuses it, record each message as failed.

    The write has committed by now, so the failure must not reach its caller:
    it is logged and ledgered like a failed send, and nothing is tried again
    (there is no task to try it).
    """
    try:
        _enqueue(kind=kind, path=path, agency_ref=agency_ref, recipients=recipients, attempt=1)
    except Exception as error:  # noqa: BLE001 - any failure of the queue is recorded
        logger.error("Queueing email notification %s failed: %s", kind, type(error).__name__)
        pairs = [(str(user_id), int(seq)) for user_id, seq in recipients]
        _record_undeliverable(kind, pairs, error=NOT_QUEUED)


def _enqueue(
    *,
    kind: NotificationKind,
    path: str,
    agency_ref: str,
    recipients: list[list[str | int]],
    attempt: int,
    run_after: datetime.datetime | None = None,
) -> None:
    job = send_notifications if run_after is None else send_notifications.using(run_after=run_after)
    job.enqueue(
        kind=str(kind), path=path, agency_ref=agency_ref, recipients=recipients, attempt=attempt
    )


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long after failed attempt number `attempt` (from 1) the next one runs."""
    factor: int = RETRY_BACKOFF ** (attempt - 1)
    return FIRST_RETRY_DELAY * factor


@task()
def send_notifications(
    *,
    kind: str,
    path: str,
    agency_ref: str,
    recipients: list[list[str | int]],
    attempt: int = 1,
) -> int:
    """Send one kind of notification to each recipient, run by the queue's worker.

    `recipients` pairs each user's id with their `notification.sent` entry; the
    entries must say that user and this kind, so the task sends only what the
    ledger records. The addresses are read now. Recipients whose send failed
    are queued again after `retry_delay`, until attempt `MAX_ATTEMPTS`.
    Returns the number delivered to the SMTP server. Bad arguments raise
    `ValueError` with a fixed message and send nothing.
    """
    notification_kind = _checked_kind(kind)
    pairs = _checked_recipients(recipients, notification_kind)
    try:
        _check_path(path)
        _check_uuid(agency_ref, "agency")
        if not _is_whole(attempt, 1, MAX_ATTEMPTS):
            raise ValueError("The attempt number is out of range.")
    except ValueError:
        # The ledger says these messages were sent: say that they never went.
        known = attempt if _is_whole(attempt, 1, MAX_ATTEMPTS) else 1
        _record_undeliverable(notification_kind, pairs, error=INVALID_TASK, attempt=known)
        raise
    users = User.objects.in_bulk([user_id for user_id, _ in pairs])
    outgoing: list[_Outgoing] = []
    for user_id, seq in pairs:
        user = users.get(uuid.UUID(user_id))
        if _reachable(user):
            outgoing.append(_Outgoing(user_id=user_id, address=user.email, entry_seq=seq))
        else:
            # Nothing to send to: trying again would not change that.
            _failed(
                kind=notification_kind,
                agency_ref=agency_ref,
                message=_Outgoing(user_id=user_id, address="", entry_seq=seq),
                error=UNREACHABLE,
                attempt=attempt,
                retry=False,
            )
    delivered, failed = deliver(
        kind=notification_kind,
        path=path,
        agency_ref=agency_ref,
        outgoing=outgoing,
        attempt=attempt,
    )
    if failed and attempt < MAX_ATTEMPTS:
        _enqueue(
            kind=notification_kind,
            path=path,
            agency_ref=agency_ref,
            recipients=[[message.user_id, message.entry_seq] for message in failed],
            attempt=attempt + 1,
            run_after=clock.now() + retry_delay(attempt),
        )
    return delivered


def _is_whole(value: object, low: int, high: int | None = None) -> bool:
    """An int (not a bool, which JSON would not give but Python allows) from low to high."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return low <= value and (high is None or value <= high)


def _checked_kind(kind: object) -> NotificationKind:
    if not isinstance(kind, str) or kind not in {member.value for member in NotificationKind}:
        raise ValueError("Unknown notification kind.")
    return NotificationKind(kind)


def _is_uuid(value: object) -> bool:
    """A UUID, or a string in its canonical (hyphenated, lower-case) form."""
    if isinstance(value, uuid.UUID):
        return True
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _check_uuid(value: object, what: str) -> None:
    if not _is_uuid(value):
        raise ValueError(f"The {what} id is not a UUID.")


def _check_path(path: object) -> None:
    """The link's path must be one of the app's own pages, named by UUIDs alone.

    A page that takes no argument (a list such as the consent conflicts) holds
    nothing personal either, so it is accepted; every argument a page does
    take must be a UUID.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("The link's path is not a path of this site.")
    try:
        match = resolve(path)
    except Resolver404:
        raise ValueError("The link's path is not a path of this site.") from None
    if match.args or not all(_is_uuid(value) for value in match.kwargs.values()):
        raise ValueError("The link's path must name its page by UUIDs alone.")


def _checked_recipients(recipients: object, kind: NotificationKind) -> list[tuple[str, int]]:
    """(user id, entry seq) pairs, each matching its `notification.sent` entry."""
    if not isinstance(recipients, list) or not recipients:
        raise ValueError("The recipients must be a non-empty list.")
    pairs: list[tuple[str, int]] = []
    for pair in recipients:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ValueError("Each recipient must be a user id and a ledger entry number.")
        user_id, seq = pair
        _check_uuid(user_id, "user")
        if not _is_whole(seq, 1):
            raise ValueError("Each recipient must be a user id and a ledger entry number.")
        pairs.append((user_id, seq))
    entries = {
        entry.seq: entry
        for entry in Entry.objects.filter(
            seq__in=[seq for _, seq in pairs], kind=EntryKind.NOTIFICATION_SENT
        )
    }
    for user_id, seq in pairs:
        entry = entries.get(seq)
        if entry is None or entry.payload != {"recipient": f"user:{user_id}", "kind": str(kind)}:
            raise ValueError("A recipient does not match its notification.sent entry.")
    return pairs


def deliver(
    *,
    kind: NotificationKind,
    path: str,
    agency_ref: str,
    outgoing: list[_Outgoing],
    attempt: int = 1,
) -> tuple[int, list[_Outgoing]]:
    """Send the messages over one SMTP connection; record each failure.

    Runs in the queue's worker. Returns the number delivered to the SMTP
    server and the messages that failed.
    """
    if not outgoing:
        return 0, []
    subject, body = email_subject(kind), email_body(kind, path)
    record = partial(
        _failed, kind=kind, agency_ref=agency_ref, attempt=attempt, retry=attempt < MAX_ATTEMPTS
    )
    delivered, failed = 0, []
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded, never raised
        for message in outgoing:
            record(message=message, error=type(error).__name__)
        return 0, list(outgoing)
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
                failed.append(message)
                record(message=message, error=type(error).__name__)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - the messages are already handed over
            logger.warning("Closing the SMTP connection failed after sending notifications.")
    return delivered, failed


def _record_undeliverable(
    kind: NotificationKind, pairs: list[tuple[str, int]], *, error: str, attempt: int = 1
) -> None:
    """Record `notification.failed` for messages that will never be sent.

    Each entry names the agency of its `notification.sent` entry, so a task
    whose own agency argument is bad is still recorded against the right one.
    """
    sent = {
        entry.seq: entry.agency_ref
        for entry in Entry.objects.filter(seq__in=[seq for _, seq in pairs])
    }
    for user_id, seq in pairs:
        _failed(
            kind=kind,
            agency_ref=sent.get(seq) or "",
            message=_Outgoing(user_id=user_id, address="", entry_seq=seq),
            error=error,
            attempt=attempt,
            retry=False,
        )


def _failed(
    *,
    kind: NotificationKind,
    agency_ref: str,
    message: _Outgoing,
    error: str,
    attempt: int,
    retry: bool,
) -> None:
    # No address and no personal data in the log: the kind, the error's class and the entry.
    logger.error(
        "Email notification %s (ledger entry %s, attempt %s of %s) was not delivered: %s",
        kind,
        message.entry_seq,
        attempt,
        MAX_ATTEMPTS,
        error,
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
                    "error": error,
                    "attempt": attempt,
                    "retry": retry,
                },
            )
    except Exception:  # noqa: BLE001 - the write it follows has committed already
        logger.exception("Recording a failed email notification in the ledger failed.")
