"""Errors every layer shares. Validation failures are Django's ValidationError
with a message dict naming the field; these cover the rest."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError


class NotFound(Exception):
    """Missing, or outside the user's scope: callers cannot tell which (issue #3 item 6)."""

    def __init__(self, noun: str = "record") -> None:
        super().__init__(f"{noun} not found")
        self.noun = noun


class Forbidden(PermissionDenied):
    """The record is visible but the action is not allowed for this user."""


def is_database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or refused the work for now (lost connection,
    server restarting, SQLite busy): a 503 to try again, not a fault in the request."""
    return isinstance(error, OperationalError | InterfaceError)


UNAVAILABLE_RETRY_SECONDS = 5

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
