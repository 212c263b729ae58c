"""Request rules every page shares: security headers and the two-factor requirement.

`RequireTwoFactorMiddleware` is the single rule "no page without a verified
session": a user counts as signed in only once they have passed both the
password and the TOTP code (issue #3 item 3). The API authenticates itself
(`safeshare.api.auth`) with the same test, `is_two_factor_verified`.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

# Pages that must work before sign-in is complete (named URLs, exact paths).
PUBLIC_URL_NAMES = (
    "web:sign_in",
    "web:sign_in_code",
    "web:sign_in_set_up",
    "web:sign_out",
    "web:signed_out",
    "web:healthz",
)


def is_two_factor_verified(user: Any) -> bool:
    """Signed in with password and TOTP code, and still allowed in."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class RequireTwoFactorMiddleware:
    """Send every request without a verified session to the sign-in page.

    Exempt: the sign-in steps, sign-out, the health check, static files and
    the API (which answers 401 itself, as JSON, through the same test).
    Place after django_otp's OTPMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._public_paths: frozenset[str] | None = None

    def public_paths(self) -> frozenset[str]:
        if self._public_paths is None:
            self._public_paths = frozenset(reverse(name) for name in PUBLIC_URL_NAMES)
        return self._public_paths

    def is_exempt(self, path: str) -> bool:
        if path in self.public_paths():
            return True
        prefixes = (settings.STATIC_URL, *settings.SAFESHARE_TWO_FACTOR_EXEMPT_PREFIXES)
        return any(path.startswith(prefix) for prefix in prefixes)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.is_exempt(request.path_info) and not is_two_factor_verified(request.user):
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and friends on every response Django renders.

    Django 5.2 has no CSP support of its own. The policy allows no inline
    script and no inline style: GOV.UK Frontend starts from an external file
    (`static/init.js`). Pages are never cached, as they may carry special
    category data. Place after WhiteNoise, so static files keep their caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.SAFESHARE_CSP)
        response.headers.setdefault("Permissions-Policy", settings.SAFESHARE_PERMISSIONS_POLICY)
        patch_cache_control(response, no_store=True, private=True)
        return response


class NotFoundPageMiddleware:
    """Render `core.errors.NotFound` as the 404 page, like a missing URL.

    Fetch helpers in `access` raise NotFound whether a record is missing or
    outside the user's scope; both must answer the same (issue #3 item 6).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from safeshare.core.errors import NotFound
        from safeshare.web.views import error_404

        if isinstance(exception, NotFound):
            return error_404(request, exception)
        return None
