"""Signing staff in and loading them on each request."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from safeshare.agencies.selectors import staff_with_roles


class StaffBackend(ModelBackend):
    """Django's password backend, loading the user with their agency and roles in two
    queries, so every access check in the request reads roles from memory. Roles are
    still read fresh on each request (a revoked role takes effect at the next one)."""

    def get_user(self, user_id: Any) -> Any:
        user = staff_with_roles().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
