"""The two-step sign-in: password, then a TOTP code (issue #3 item 3).

After a correct password the session holds only a *pending* sign-in (the
user's id and when the first step passed); nobody is signed in until the
code is right. So `django.contrib.auth.login` — and with it django-axes'
reset of the failure count — happens only after both factors, and a
password alone can never reach a page. Wrong codes are failures for
django-axes exactly like wrong passwords: five for one username from one
address lock that pair out for an hour. See
docs/adr/0003-sign-in-and-two-factor.md.
"""

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies import services
from safeshare.agencies.models import User
from safeshare.api import services as token_services
from safeshare.core import clock

PENDING_KEY = "safeshare_sign_in"
# When the second factor was passed: the session ends a fixed time after it,
# however active (SAFESHARE_SESSION_LIFETIME, issue #11 item 6).
VERIFIED_AT_KEY = "safeshare_verified_at"
STAFF_BACKEND = "safeshare.agencies.backends.StaffBackend"


def credentials(username: str) -> dict[str, str]:
    return {"username": username}


def is_locked_out(request: HttpRequest, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, credentials(username))


def check_password(request: HttpRequest, *, username: str, password: str) -> User | None:
    """Step 1. Returns the user, or None (the failure is recorded by axes and the ledger)."""
    user = auth.authenticate(request, username=username, password=password)
    if user is None:
        _record_failure(request, username=username, step="password")
        return None
    return user


def check_code(request: HttpRequest, *, user: User, code: str, confirmed: bool = True) -> Any:
    """Step 2. The device that accepted the code, or None (recorded as a failure).

    `confirmed=False` checks the code against the device being set up.
    """
    username = user.get_username()
    device = None
    if not is_locked_out(request, username):
        for candidate in TOTPDevice.objects.devices_for_user(user, confirmed=confirmed):
            device = verify_token(user, candidate.persistent_id, code)
            if device is not None:
                break
    if device is None:
        user_login_failed.send(sender=__name__, credentials=credentials(username), request=request)
        _record_failure(request, username=username, step="code")
    return device


def _record_failure(request: HttpRequest, *, username: str, step: str) -> None:
    """Append the failure to the ledger, when the username names a user.

    Axes has already counted it (from `user_login_failed`) and set
    `request.axes_failures_since_start`. Attempted usernames that match no
    user never reach the ledger.
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    failures = getattr(request, "axes_failures_since_start", None) or 0
    services.user_sign_in_failure_record(
        user=user,
        step=step,
        failures=failures,
        failure_limit=settings.AXES_FAILURE_LIMIT,
    )


def pending_start(request: HttpRequest, *, user: User, next_url: str) -> None:
    """Remember that the password step passed, in a fresh session."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": str(user.pk),
        "at": clock.now().timestamp(),
        "next": next_url,
    }


def pending_user(request: HttpRequest) -> User | None:
    """The user whose password step passed recently in this session, if any."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    age = clock.now().timestamp() - float(pending.get("at", 0))
    if age < 0 or age > settings.SAFESHARE_SIGN_IN_STEP_SECONDS:
        pending_clear(request)
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        pending_clear(request)
    return user


def pending_next(request: HttpRequest) -> str:
    pending = request.session.get(PENDING_KEY) or {}
    return safe_next(request, pending.get("next", ""))


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def complete(request: HttpRequest, *, user: User, device: Any) -> str:
    """Both factors passed: sign the user in and say where to go next."""
    next_url = pending_next(request)
    pending_clear(request)
    auth.login(request, user, backend=STAFF_BACKEND)
    otp_login(request, device)
    lifetime_start(request.session)
    services.user_sign_in_record(user=user)
    return next_url


def lifetime_start(session: Any) -> None:
    """Start the session's absolute lifetime now (both factors have just passed)."""
    session[VERIFIED_AT_KEY] = clock.now().timestamp()


def lifetime_over(session: Any) -> bool:
    """Whether a verified session has outlived SAFESHARE_SESSION_LIFETIME.

    A verified session without a start (or with one in the future) counts as
    over: the rule fails closed.
    """
    started = session.get(VERIFIED_AT_KEY)
    if not isinstance(started, int | float):
        return True
    age = clock.now().timestamp() - started
    return age < 0 or age > settings.SAFESHARE_SESSION_LIFETIME.total_seconds()


def session_end(request: HttpRequest, *, reason: str) -> None:
    """Sign out: revoke the API tokens issued from this session, then flush it (item 5)."""
    user = request.user
    if user.is_authenticated:
        token_services.tokens_revoke_for_session(
            user=user, session_key=request.session.session_key, reason=reason
        )
    pending_clear(request)
    auth.logout(request)


def safe_next(request: HttpRequest, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""
