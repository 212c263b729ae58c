"""A request id for every request, and a ledger entry for every refused attempt.

`RequestIdMiddleware` gives each request a new UUID4 (`request.request_id`) and
sends it back as `X-Request-Id`. An id sent by the client is never used: the id
is written into the ledger as evidence, and a client-chosen one could tie a
request to another's entries or carry arbitrary text. A proxy in front keeps
its own id in its own log, beside the one it sees in our answer.

Where access refuses a request (issue #11 item 2), the adapter that renders the
403 or 404 calls `refusal_note`: the API's exception handlers and the error
pages. The middleware then records the refusal (`ledger.services.refusal_record`)
once the response is ready, outside any transaction of the request's own, so the
entry survives when the request's work rolled back. If that write fails the
client still gets its 403 or 404 and the failure is logged, without personal
data. Nothing is added to the response: a missing record and one out of scope
answer alike, and both are recorded alike.

What is recorded: a `core.errors.NotFound` that an access fetch helper raised (it
carries an `AccessAttempt`) and every 403 (`PermissionDenied`: `access.policy.
require`, a view's or a service's own refusal). Not recorded: a URL that matches
no page or operation, a NotFound for something that is not a case record (a
question of the aid, a ledger entry number), 401s and CSRF failures: they are
not decisions of the access policy, and noise would bury the evidence.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpRequest, HttpResponse

from safeshare.access.policy import active_agency
from safeshare.core.errors import AccessAttempt, NotFound
from safeshare.ledger.services import actor_ref_for, refusal_record

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
_PENDING = "_safeshare_refusal"


@dataclass(frozen=True)
class _Refusal:
    user: Any
    attempt: AccessAttempt
    status: int


def refusal_note(request: HttpRequest, error: BaseException | None, status: int) -> None:
    """Note that access refused this request with `status`, for the middleware to record.

    `error` is the exception being rendered: a 403 (`PermissionDenied`) or a
    NotFound from access (one with an attempt); anything else is not a refusal.
    The user is the API's (`request.auth`) or the page's (`request.user`); an
    anonymous request is never refused by access.
    """
    if isinstance(error, NotFound):
        if error.attempt is None:
            return
    elif not isinstance(error, PermissionDenied):
        return
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return
    attempt = getattr(error, "attempt", None) or AccessAttempt()
    setattr(request, _PENDING, _Refusal(user=user, attempt=attempt, status=status))


def _operation(request: HttpRequest) -> str:
    """The URL name of the page or operation, else its route: never the path as sent."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unknown"
    return match.view_name if match.url_name else match.route


def _record(request: HttpRequest, refusal: _Refusal) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block and connection.needs_rollback:
        # A transaction still open and already doomed cannot hold the entry, and a
        # savepoint rolled back inside it would clear the doom.
        raise RuntimeError("the request's transaction is still open and rolling back")
    agency = active_agency(refusal.user)
    # A savepoint when a transaction is open (tests), else a transaction of its own.
    with transaction.atomic():
        refusal_record(
            actor_ref=actor_ref_for(refusal.user),
            agency_ref=str(agency.pk) if agency is not None else None,
            attempt=refusal.attempt,
            operation=_operation(request),
            method=request.method or "",
            status=refusal.status,
            request_id=request.request_id,  # type: ignore[attr-defined]
        )


class RequestIdMiddleware:
    """Give every request an id, send it back, and record a refused attempt.

    Place first in MIDDLEWARE: every response carries the id, and the record is
    written after every other middleware and the view are done.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = str(uuid.uuid4())  # type: ignore[attr-defined]
        response = self.get_response(request)
        refusal = getattr(request, _PENDING, None)
        if refusal is not None:
            try:
                _record(request, refusal)
            except Exception as error:
                # The client keeps its 403/404; the gap in the evidence is logged.
                logger.error(
                    "Refused request %s (%s) could not be recorded: %s",
                    request.request_id,  # type: ignore[attr-defined]
                    refusal.status,
                    type(error).__name__,
                )
        response.headers[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        return response
