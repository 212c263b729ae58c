"""Errors every layer shares. Validation failures are Django's ValidationError
with a message dict naming the field; these cover the rest."""

from django.core.exceptions import PermissionDenied


class NotFound(Exception):
    """Missing, or outside the user's scope: callers cannot tell which (issue #3 item 6)."""

    def __init__(self, noun: str = "record") -> None:
        super().__init__(f"{noun} not found")
        self.noun = noun


class Forbidden(PermissionDenied):
    """The record is visible but the action is not allowed for this user."""
