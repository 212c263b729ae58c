"""API authentication: a two-factor session (with CSRF) or a personal bearer token."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from safeshare.api import services
from safeshare.api.models import ApiToken, token_digest
from safeshare.core import clock

logger = logging.getLogger(__name__)

TOKEN_LIFETIME_MAX = services.TOKEN_LIFETIME_MAX
# `last_used_at` is written only when it would move by more than this, so a
# burst of reads costs one write, and reads inside the step write nothing
# (issue #11 item 13). Lists show it to the same precision.
LAST_USED_STEP = timedelta(minutes=1)


class TwoFactorSession(APIKeyCookie):
    """Django's session, only once the user has passed the second factor.

    The cookie's name follows SESSION_COOKIE_NAME (`__Host-sessionid` in
    production) on every request.
    """

    @property  # type: ignore[override]
    def param_name(self) -> str:
        return settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active and _is_verified(user):
            return user
        return None


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens expire and can be revoked.

    Looked up in the database on every request, never cached: a revoked or
    rotated token answers 401 on the very next request.
    """

    def __call__(self, request: HttpRequest) -> Any:
        # Read the header here rather than in the base class, which logs the
        # whole header value in debug mode.
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = clock.now()
        record = (
            ApiToken.objects.select_related("user__membership__agency")
            .prefetch_related("user__membership__role_grants")
            .filter(digest=token_digest(token), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if record is None or not record.user.is_active:
            return None
        _note_use(record, now)
        request.user = record.user
        request.api_token = record
        return record.user


def _note_use(record: ApiToken, now) -> None:
    """Move `last_used_at` on, at most once a step, and never at the cost of the read.

    A database that refuses writes (full, read-only, write-locked) must not
    stop a read: the time is bookkeeping, so a failed write is logged (without
    the token) and the request goes on.
    """
    if record.last_used_at is not None and now - record.last_used_at <= LAST_USED_STEP:
        return
    try:
        # A savepoint inside a request's transaction, so a refused write leaves it usable.
        with transaction.atomic():
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    except DatabaseError:
        logger.warning("Could not record when token %s was last used", record.pk)


def issue_token(
    *, user: Any, label: str, lifetime: timedelta, session_key: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for the user; the plain token is returned once and never stored."""
    return services.token_issue(actor=user, label=label, lifetime=lifetime, session_key=session_key)


API_AUTH = [PersonalToken(), TwoFactorSession()]
