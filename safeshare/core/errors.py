"""Errors every layer shares. Validation failures are Django's ValidationError
with a message dict naming the field; these cover the rest."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError


@dataclass(frozen=True)
class AccessAttempt:
    """What a refused request asked for, set where access refuses it (issue #11 item 2).

    Only the ledger's `access.refused` entry reads it; the client is never shown
    it. `action` is an `access.actions.Action` value; `object_kind` the record's
    model label (`people.person`); `object_id` the id as requested when it is a
    well-formed UUID, else None with `object_id_malformed` set: the text a
    client sent is never kept.
    """

    action: str | None = None
    object_kind: str | None = None
    object_id: str | None = None
    object_id_malformed: bool = False


class NotFound(Exception):
    """Missing, or outside the user's scope: callers cannot tell which (issue #3 item 6).

    `attempt` is set by the access fetch helpers, so the refusal is recorded;
    a NotFound without it (a question id, a ledger entry number) is not a
    refused attempt on a case record.
    """

    def __init__(self, noun: str = "record", *, attempt: AccessAttempt | None = None) -> None:
        super().__init__(f"{noun} not found")
        self.noun = noun
        self.attempt = attempt


class Forbidden(PermissionDenied):
    """The record is visible but the action is not allowed for this user.

    `attempt` names the action and record when `access.policy.require` refuses.
    """

    def __init__(self, *args: object, attempt: AccessAttempt | None = None) -> None:
        super().__init__(*args)
        self.attempt = attempt


class VersionConflict(Exception):
    """An edit started from a version of a record that is no longer the current one.

    ``changed`` names the fields changed since that version (names only: the
    values may be personal data); ``current_version`` is the version to read
    again and edit from. The API answers 412 Precondition Failed.
    """

    def __init__(self, *, noun: str, changed: list[str], current_version: int) -> None:
        super().__init__(f"the {noun} changed since this edit's version was read")
        self.noun = noun
        self.changed = changed
        self.current_version = current_version

    @property
    def etag(self) -> str:
        return version_etag(self.noun, self.current_version)


class PreconditionRequired(Exception):
    """An edit that replaces a value came without the version it was made from (428)."""

    def __init__(self, header: str = "If-Match") -> None:
        super().__init__(f"{header} is required")
        self.header = header


def version_etag(noun: str, version: int) -> str:
    """The entity tag of a versioned record: ``"identity-v3"`` (a strong tag, RFC 9110 8.8.3)."""
    return f'"{noun}-v{version}"'


# SQLSTATEs that mean "try again": the connection failed (08), the transaction
# was rolled back for a conflict such as a deadlock (40), the server is short of
# resources (53) or is shutting down or restarting (57P). A cancelled statement
# (57014, a timeout) is not among them: the same statement would time out again.
_RETRY_SQLSTATES = ("08", "40", "53", "57P")
# SQLite's words for another writer holding the database.
_SQLITE_BUSY = ("database is locked", "database table is locked")


def is_database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or asked us to try again: a 503, not a fault.

    Only for what passes by itself: a lost or refused connection (PostgreSQL
    gives no SQLSTATE then), a deadlock or serialization failure, a server
    restarting, SQLite busy. A permanent fault that Django also reports as an
    OperationalError (a missing table, too many variables) stays a 500.
    """
    if isinstance(error, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if cause is None:
        return False
    if type(cause).__module__.startswith("sqlite3"):
        return str(cause).startswith(_SQLITE_BUSY)
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_RETRY_SQLSTATES)


UNAVAILABLE_RETRY_SECONDS = 5


class LedgerUnavailable(Exception):
    """The ledger refused an append, so the write it would have recorded was rolled back.

    Every write appends its ledger entry in its own transaction (STYLE §2), so a
    refused append means nothing was saved. ``retryable`` is True when the cause
    passes by itself (the database busy or out of reach, the ledger's lock not
    had in time, another append taking the head first) and False when the
    ledger or its table is not as the application left it: the client is told
    to try again either way (503), and the second case is logged as critical.
    """

    def __init__(self, *, retryable: bool) -> None:
        super().__init__("the ledger could not record this change")
        self.retryable = retryable


def is_unavailable(error: BaseException | None) -> bool:
    """A reason to answer 503 and ask the client to try again, rather than a 500."""
    return isinstance(error, LedgerUnavailable) or is_database_unavailable(error)


TIMEZONE_MESSAGE = "Give the time with its time zone, for example 2026-11-25T10:00:00Z."

# Services gather every field error before raising, so a form shows them all at once.
Errors = dict[str, list[ValidationError]]


def add_error(errors: Errors, field: str, message: str, code: str) -> None:
    """Note that `field` broke the rule `code` (shown to API clients as the rule)."""
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def raise_if(errors: Errors) -> None:
    """Raise one ValidationError naming every field noted, if any."""
    if errors:
        raise ValidationError(errors)
