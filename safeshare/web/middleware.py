"""Request rules every page shares: security headers and the two-factor requirement.

`RequireTwoFactorMiddleware` is the single rule "no page without a verified
session": a user counts as signed in only once they have passed both the
password and the TOTP code (issue #3 item 3). The API authenticates itself
(`safeshare.api.auth`) with the same test, `is_two_factor_verified`.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from safeshare.core import clock
from safeshare.ui.query import accepted_query
from safeshare.ui.verified import is_two_factor_verified

logger = logging.getLogger(__name__)

# When the session was last saved; its idle expiry is that moment plus SESSION_COOKIE_AGE.
REFRESHED_AT_KEY = "safeshare_refreshed_at"

# Pages that must work before sign-in is complete (named URLs, exact paths).
PUBLIC_URL_NAMES = (
    "web:sign_in",
    "web:sign_in_code",
    "web:sign_in_set_up",
    "web:sign_out",
    "web:signed_out",
    "web:healthz",
)


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


class SessionLifetimeMiddleware:
    """End sessions when they should, and save them only when that moves (issue #11 items 6, 13).

    A verified session ends SAFESHARE_SESSION_LIFETIME after the second
    factor passed, however active it is; its API tokens are revoked and the
    request goes on signed out (pages send the user to sign in, the API
    answers 401). The idle expiry (SESSION_COOKIE_AGE) moves on only when it
    would move by more than SAFESHARE_SESSION_REFRESH_SECONDS, so reads
    inside that step write nothing, and a refresh the database refuses is
    logged and skipped: a database that cannot take writes still serves
    reads. Place after OTPMiddleware and before RequireTwoFactorMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from safeshare.api.services import RevokeReason
        from safeshare.web import sign_in

        if is_two_factor_verified(request.user) and sign_in.lifetime_over(request.session):
            sign_in.session_end(request, reason=RevokeReason.SESSION_LIFETIME)
        response = self.get_response(request)
        self._refresh_idle_expiry(request)
        return response

    @staticmethod
    def _refresh_idle_expiry(request: HttpRequest) -> None:
        session = request.session
        if not session.keys():
            return  # no session, or an empty one: nothing to keep alive
        now = clock.now().timestamp()
        if session.modified:
            session[REFRESHED_AT_KEY] = now  # saved by SessionMiddleware anyway
            return
        last = session.get(REFRESHED_AT_KEY)
        step = settings.SAFESHARE_SESSION_REFRESH_SECONDS
        if isinstance(last, int | float) and 0 <= now - last <= step:
            return
        session[REFRESHED_AT_KEY] = now
        try:
            session.save()
        except (DatabaseError, UpdateError):
            # The db engine reports a refused UPDATE as UpdateError, as it does a
            # session deleted meanwhile (signed out elsewhere): either way the
            # read goes on, and the next request finds what is left.
            logger.warning("Could not move a session's idle expiry on; the read goes on")
        session.modified = False


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


BAD_QUERY_TEMPLATE = "web/errors/bad_query.html"
# URL namespaces that check their own query parameters.
OWN_RULES_NAMESPACES = frozenset({"api", "admin"})
# Parameter names are shown on the error page; a hostile one is cut short.
NAME_SHOWN_MAX = 40


class QueryParametersMiddleware:
    """Refuse a page request carrying a query parameter its view does not declare.

    Runs once the URL is resolved (``process_view``), after the sign-in check:
    someone not signed in is sent to sign in first, with the address kept.
    The parameters a page accepts are kept on the request (``accepted_query``)
    so ``core.paging.paginate`` can check its own parameter is among them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and OWN_RULES_NAMESPACES.intersection(match.namespaces):
            return None
        accepted = accepted_query(view)
        request.accepted_query = accepted  # type: ignore[attr-defined]
        unknown = sorted(name for name in request.GET if name not in accepted)
        if not unknown:
            return None
        shown = [name[:NAME_SHOWN_MAX] for name in unknown]
        return render(
            request,
            BAD_QUERY_TEMPLATE,
            {
                "error_list": [
                    {"text": f"This page does not take the parameter {name} in its web address"}
                    for name in shown
                ],
                "accepted": sorted(accepted),
                "path": request.path,
            },
            status=400,
        )
