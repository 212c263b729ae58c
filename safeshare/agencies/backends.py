"""Signing staff in and loading them on each request."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from safeshare.agencies.models import User
from safeshare.agencies.selectors import staff_with_roles


class StaffBackend(ModelBackend):
    """Django's password backend, loading the user with their agency and roles in two
    queries, so every access check in the request reads roles from memory. Roles are
    still read fresh on each request (a revoked role takes effect at the next one)."""

    def get_user(self, user_id: Any) -> Any:
        user = staff_with_roles().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def signed_in_user(request: HttpRequest) -> User:
    """The member of staff a page serves.

    `RequireTwoFactorMiddleware` lets no request without a verified sign-in reach
    a page, so an anonymous user here is a wiring fault: refuse it as a 403
    rather than act for nobody.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class AuthenticatedRequest(HttpRequest):
    """The request an operation behind ``API_AUTH`` receives: ninja sets ``auth``
    to what the authenticator returned, the signed-in user."""

    auth: User
