"""Running a posted consent form through its service, and reading back a choice."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect


def chosen(options: list, key: str | None) -> Any:
    return next((o for o in options if str(o.pk) == key), None)


def submit_form(request: HttpRequest, form: Any, write: Callable[[dict], str]) -> tuple[Any, int]:
    """Run a posted form through its service: `write` takes the answers and returns where
    to go next. Gives the redirect, or None and the status to show the form with (the
    service's errors beside their fields)."""
    if request.method != "POST":
        return None, 200
    if form.is_valid():
        try:
            return redirect(write(form.cleaned_data)), 200
        except ValidationError as error:
            form.add_service_errors(error)
    return None, 422
