"""``Idempotency-Key`` on the API's creating operations (issue #11 item 8).

Follows the IETF httpapi draft "The Idempotency-Key HTTP Header Field". The
rules, also stated in the OpenAPI document:

* Every creating operation (a POST whose success is ``201 Created``) accepts
  an optional ``Idempotency-Key`` header: 16 to 128 characters from
  ``A-Z a-z 0-9 - _ . :`` (a UUID fits), bare or as a quoted structured-field
  string. Anything else is a 400 problem naming the header.
* Keys are scoped per user and kept for ``KEY_LIFETIME`` (24 hours) after the
  first request; an expired key is forgotten on its next use, and
  ``safeshare api purge`` deletes every expired one.
* A replay (same user, key, operation, path and body bytes) answers the first
  result again, with the same status and body and ``Idempotent-Replayed:
  true``, and creates nothing: no rows, no ledger entries.
* The same key with another body or for another operation is a 409 problem
  naming the header (``idempotency-key-reused``); the draft's 422 is not used,
  so that 422 keeps meaning "a field broke a rule".
* Only successes are kept. An error changes nothing (the whole request rolls
  back), so the same key may be sent again: after a 503 that is the point.
* Two concurrent requests with one key cannot both create: the key's row is
  inserted, under a unique constraint, before the operation runs and in its
  transaction. The second waits for the first and, if that one committed, is
  refused with a 409 (``idempotency-key-in-use``, Retry-After: 1); sent again,
  it gets the first result.

The first result may hold personal data (a created person's name), so it is
stored encrypted (AES-256-GCM under a key derived from the key-encryption key,
bound to the row), never in plaintext; the key itself is stored as a digest.

Applied once, to every creating operation, by ``idempotent`` registered on
the NinjaAPI (``api.add_decorator(idempotent, mode="view")``).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from safeshare.api.models import IdempotencyKey
from safeshare.core import clock, crypto
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import ledger_append
from safeshare.ui.problems import problem_response

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = datetime.timedelta(hours=24)
KEY_MIN_LENGTH, KEY_MAX_LENGTH = 16, 128
KEY_PATTERN = re.compile(rf"[A-Za-z0-9_.:\-]{{{KEY_MIN_LENGTH},{KEY_MAX_LENGTH}}}")
IN_USE_RETRY_SECONDS = 1
# Response headers a replay repeats besides the content type.
_KEPT_HEADERS = ("ETag", "Location")
_KEY_PURPOSE = "idempotent_result"
_CLAIM = "_safeshare_idempotency_claim"


def is_creating(method: str, success_statuses) -> bool:
    """The operations that take the header: POSTs that answer 201 Created."""
    return method.upper() == "POST" and 201 in success_statuses


# --- the decorator --------------------------------------------------------------------


def idempotent(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a django-ninja operation's ``run`` so that it honours ``Idempotency-Key``.

    Registered in "view" mode, so it receives each bound operation's ``run``
    and leaves other operations as they are. Two steps share the request:
    after authentication and input validation (the operation's view function)
    the key is looked up and claimed; around the whole operation, one
    transaction holds the claim, the operation's writes and the stored result,
    so either all commit or none.
    """
    operation = getattr(run, "__self__", None)
    if operation is None:
        raise ImproperlyConfigured("Register `idempotent` before any other view decorator.")
    if not any(is_creating(method, operation.response_models) for method in operation.methods):
        return run
    operation.view_func = _claiming(operation.view_func, operation_id=operation.operation_id)

    @functools.wraps(run)
    def run_idempotently(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if HEADER not in request.headers:
            return run(request, *args, **kwargs)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            claim = getattr(request, _CLAIM, None)
            if claim is not None and 200 <= response.status_code < 300:
                _keep_result(claim, response)
            else:
                # An error keeps nothing: not the claim, nor any write before it.
                transaction.set_rollback(True)
        return response

    return run_idempotently


def _claiming(view_func: Callable[..., Any], *, operation_id: str) -> Callable[..., Any]:
    @functools.wraps(view_func)
    def claim_then_run(request: HttpRequest, **values: Any) -> Any:
        if HEADER not in request.headers:
            return view_func(request, **values)
        key = parse_key(request.headers[HEADER])
        if key is None:
            return _problem(
                400,
                f"{HEADER} must be {KEY_MIN_LENGTH} to {KEY_MAX_LENGTH} characters from "
                "A-Z, a-z, 0-9, '-', '_', '.' and ':' (a UUID will do).",
                "idempotency_key_format",
                "Send a random key of the allowed characters and length",
            )
        user, now = request.auth, clock.now()
        key_digest = _digest(key.encode())
        request_digest = _request_digest(request)
        found = IdempotencyKey.objects.filter(user=user, key_digest=key_digest).first()
        if found is not None and found.expires_at <= now:
            found.delete()  # forgotten on use once expired
            found = None
        if found is not None:
            if found.operation_id != operation_id or found.request_digest != request_digest:
                return _problem(
                    409,
                    f"This {HEADER} was already used for another request. Send a new key "
                    "for a new request; send the same key only to repeat the same request.",
                    "idempotency_key_reused",
                    "This key belongs to a different request",
                    kind="idempotency-key-reused",
                )
            return _replay(found)
        claim = IdempotencyKey(
            user=user,
            key_digest=key_digest,
            operation_id=operation_id,
            request_digest=request_digest,
            expires_at=now + KEY_LIFETIME,
        )
        try:
            with transaction.atomic():
                claim.save(force_insert=True)
        except IntegrityError:
            response = _problem(
                409,
                f"Another request with this {HEADER} is being processed. Send it again "
                "shortly to get its result.",
                "idempotency_key_in_use",
                "A request with this key has not finished",
                kind="idempotency-key-in-use",
            )
            response.headers["Retry-After"] = str(IN_USE_RETRY_SECONDS)
            return response
        setattr(request, _CLAIM, claim)
        return view_func(request, **values)

    return claim_then_run


def parse_key(value: str) -> str | None:
    """The key, bare or as a structured-field string (``"..."``); None if it breaks the rules."""
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text if KEY_PATTERN.fullmatch(text) else None


# --- keeping and replaying a result --------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _request_digest(request: HttpRequest) -> str:
    """The request as sent: method, path and body bytes (a changed byte is another request)."""
    head = f"{request.method}\n{request.path}\n".encode()
    return _digest(head + request.body)


def _aad(record: IdempotencyKey) -> bytes:
    """Bind the stored result to its row, user and key: a blob moved elsewhere fails."""
    return f"safeshare:idempotency:{record.pk}:{record.user_id}:{record.key_digest}".encode()


def _keep_result(claim: IdempotencyKey, response: HttpResponse) -> None:
    stored = {
        "content_type": response.get("Content-Type", "application/json"),
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
        "body": response.content.decode("utf-8"),
    }
    claim.status = response.status_code
    claim.response_enc = crypto.encrypt_field(
        crypto.derived_key(_KEY_PURPOSE), json.dumps(stored), aad=_aad(claim)
    )
    claim.save(update_fields=["status", "response_enc", "updated_at"])


def _replay(record: IdempotencyKey) -> HttpResponse:
    stored = json.loads(
        crypto.decrypt_field(
            crypto.derived_key(_KEY_PURPOSE), bytes(record.response_enc), aad=_aad(record)
        )
    )
    response = HttpResponse(
        stored["body"], status=record.status, content_type=stored["content_type"]
    )
    for name, value in stored["headers"].items():
        response.headers[name] = value
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _problem(status: int, detail: str, rule: str, message: str, *, kind: str = "") -> HttpResponse:
    return problem_response(
        status, detail, [{"field": HEADER, "rule": rule, "message": message}], kind=kind
    )


# --- purging -------------------------------------------------------------------------


@transaction.atomic
def idempotency_keys_purge(*, actor_ref: str) -> int:
    """Delete every key past its lifetime, with the results kept for it; return how many.

    Storage limitation (UK GDPR Art 5(1)(e)): a kept result may hold personal
    data and is needed only while a client may still retry. The ledger records
    how many were deleted.
    """
    count, _ = IdempotencyKey.objects.filter(expires_at__lte=clock.now()).delete()
    if count:
        ledger_append(
            kind=EntryKind.IDEMPOTENCY_KEYS_PURGED,
            actor_ref=actor_ref,
            agency_ref=None,
            subject_ref=None,
            payload={"deleted": count},
        )
    return count


# --- the OpenAPI document ------------------------------------------------------------

_PROBLEM_CONTENT = {
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
}


def document(schema: dict) -> None:
    """State the header, the replay header and the 409 on every creating operation."""
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "description": (
            f"Optional. A key of your choosing, {KEY_MIN_LENGTH}-{KEY_MAX_LENGTH} characters "
            "of A-Z a-z 0-9 - _ . : (a UUID will do), unique per request, kept for 24 hours "
            "per user. Sending the same request again with the same key returns the first "
            f"result (marked {REPLAYED_HEADER}: true) and creates nothing; the same key with "
            "another body or operation is refused with 409. Errors are not kept, so a "
            "request that failed may be sent again with its key."
        ),
        "schema": {
            "type": "string",
            "minLength": KEY_MIN_LENGTH,
            "maxLength": KEY_MAX_LENGTH + 2,
        },
    }
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            responses = operation["responses"]
            if not is_creating(method, responses):
                continue
            parameters = operation.setdefault("parameters", [])
            if all(p.get("name") != HEADER for p in parameters):
                parameters.append(parameter)
            responses[201].setdefault("headers", {})[REPLAYED_HEADER] = {
                "description": "Present, as true, when this is the kept result of a replay.",
                "schema": {"type": "string", "enum": ["true"]},
            }
            responses.setdefault(
                409,
                {
                    "description": (
                        f"The {HEADER} was used for another request, or a request with it "
                        "has not finished (then Retry-After)"
                    ),
                    "content": _PROBLEM_CONTENT,
                },
            )
