"""The one test of a signed-in session: password and TOTP code both passed.

Pages (`web.middleware.RequireTwoFactorMiddleware`), the admin site and the API
(`safeshare.api.auth`) all ask it.
"""

from typing import Any


def is_two_factor_verified(user: Any) -> bool:
    """Signed in with password and TOTP code, and still allowed in."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
