"""Errors as RFC 9457 problem documents (`application/problem+json`).

Every error the API returns has this shape; validation errors list each field
with the rule it broke, so a client can show the message beside the field.
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Schema

from safeshare.core.errors import (
    UNAVAILABLE_RETRY_SECONDS,
    LedgerUnavailable,
    is_database_unavailable,
)

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldError(Schema):
    field: str
    rule: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


TITLES = {
    400: "Bad request",
    401: "Sign in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "The record changed since you read it",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "There is a problem with your request",
    428: "Say which version you are editing",
    429: "Too many requests",
    503: "Not available",
    500: "Something went wrong",
}


def problem_body(
    status: int, detail: str, errors: list[dict[str, str]] | None = None, kind: str = ""
) -> dict[str, Any]:
    slug = kind or TITLES.get(status, "error").lower().replace(" ", "-")
    return {
        "type": f"urn:safeshare:problem:{slug}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }


def problem_response(
    status: int, detail: str, errors: list[dict[str, str]] | None = None, kind: str = ""
) -> HttpResponse:
    import json

    return HttpResponse(
        json.dumps(problem_body(status, detail, errors, kind)),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def unexpected_problem(request: HttpRequest, error: BaseException | None) -> HttpResponse:
    """The answer to an error nobody handled: 503 while the database is out of reach, else 500.

    Logged with the method and path only, never the body: it may hold personal
    data. On a 503 the transaction was rolled back, unless the connection was lost
    while committing; so the client is told to check before sending a write again.
    A refused ledger append is a 503 too: the change it would have recorded was
    rolled back with it (the ledger logged why).
    """
    if isinstance(error, LedgerUnavailable):
        return ledger_unavailable_problem()
    if is_database_unavailable(error):
        logger.error(
            "Database unavailable on %s %s: %s", request.method, request.path, type(error).__name__
        )
        response = problem_response(
            503,
            "The database cannot be reached just now. Try again shortly; if you were "
            "saving, check whether it was saved before you send it again.",
            kind="database-unavailable",
        )
        response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
        return response
    logger.error("Unhandled API error on %s %s", request.method, request.path, exc_info=error)
    return problem_response(500, "The error was logged. Nothing was changed.")


def ledger_unavailable_problem() -> HttpResponse:
    """503: the audit ledger refused the entry, so nothing was saved; try again shortly."""
    response = problem_response(
        503,
        "The change could not be recorded in the audit ledger, so nothing was saved. "
        "Try again shortly.",
        kind="ledger-unavailable",
    )
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
    return response


def field_errors_from_django(error: DjangoValidationError) -> list[dict[str, str]]:
    """Each message of a Django ValidationError, with its field and rule (the error code)."""
    if hasattr(error, "error_dict"):
        items = error.error_dict.items()
    else:
        items = [("__all__", error.error_list)]
    result = []
    for field, errors in items:
        for item in errors:
            for message in item.messages:
                result.append(
                    {
                        "field": "" if field == "__all__" else field,
                        "rule": item.code or "invalid",
                        "message": message,
                    }
                )
    return result


# Pydantic error types, in the words a practitioner's client can show.
_RULE_MESSAGES = {
    "missing": "This field is required",
    "string_too_short": "This field must not be empty",
    "string_too_long": "This value is too long",
    "uuid_parsing": "Enter a valid identifier",
    "date_from_datetime_parsing": "Enter a real date in the format YYYY-MM-DD",
    "date_parsing": "Enter a real date in the format YYYY-MM-DD",
    "enum": "Choose one of the allowed values",
    "literal_error": "Choose one of the allowed values",
    "json_invalid": "The request body is not valid JSON",
    "extra_forbidden": "This field is not accepted here",
}

_LOCATION_WORDS = {"body", "query", "path", "form", "header", "cookie", "payload", "data"}


def field_errors_from_schema(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Ninja/pydantic input errors, with the schema wrapper names dropped from the field path."""
    result = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        while location and location[0] in _LOCATION_WORDS:
            location.pop(0)
        if location and location[0].endswith("In") and len(location) > 1:
            location.pop(0)
        rule = str(error.get("type", "invalid"))
        message = _RULE_MESSAGES.get(rule) or str(error.get("msg", "Invalid value"))
        result.append({"field": ".".join(location), "rule": rule, "message": message})
    return result


def not_found(request: HttpRequest, noun: str = "record") -> HttpResponse:
    # The same body for missing and out-of-scope records: the noun comes from the
    # route, never from what was found.
    return problem_response(404, f"No {noun} was found at this address.")
