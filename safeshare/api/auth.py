"""API authentication: a two-factor session (with CSRF) or a personal bearer token."""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from safeshare.api.models import ApiToken, token_digest
from safeshare.core import clock

TOKEN_LIFETIME_MAX = timedelta(days=30)


class TwoFactorSession(APIKeyCookie):
    """Django's session, only once the user has passed the second factor."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active and _is_verified(user):
            return user
        return None


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens expire and can be revoked."""

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
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


def issue_token(*, user: Any, label: str, lifetime: timedelta) -> tuple[ApiToken, str]:
    """A new token for the user; the plain token is returned once and never stored."""
    plain = secrets.token_urlsafe(32)
    now = clock.now()
    record = ApiToken.objects.create(
        user=user,
        label=label,
        digest=token_digest(plain),
        expires_at=now + min(lifetime, TOKEN_LIFETIME_MAX),
    )
    return record, plain


API_AUTH = [PersonalToken(), TwoFactorSession()]
