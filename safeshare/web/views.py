"""Pages: the two-step sign-in, home per role, health check and error pages.

Views are adapters (STYLE §2): parse the form, call the sign-in flow
(`web/sign_in.py`) or a service, render. Every page but the sign-in steps,
sign-out, the health check and static files needs a verified session
(`web/middleware.py`).
"""

import sys
from typing import Any

from django import forms
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeshare.agencies.models import Role
from safeshare.api.services import RevokeReason
from safeshare.core.errors import UNAVAILABLE_RETRY_SECONDS, is_unavailable
from safeshare.ui.forms import GovukForm
from safeshare.ui.problems import unexpected_problem
from safeshare.ui.query import accepts_query
from safeshare.ui.verified import is_two_factor_verified
from safeshare.web import sign_in as flow
from safeshare.web import two_factor
from safeshare.web.refusals import refusal_note


class SignInForm(GovukForm):
    username = forms.CharField(
        max_length=150,
        strip=True,
        error_messages={"required": "Enter your username"},
    )
    password = forms.CharField(
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )


class CodeForm(GovukForm):
    code = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\d{6}$",
        strip=True,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "The code must be 6 numbers, like 123456",
        },
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "")


WRONG_PASSWORD = "Enter a correct username and password"
WRONG_CODE = "The code is not right. Enter the code your app shows now"


@accepts_query("next")
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password."""
    if is_two_factor_verified(request.user):
        return redirect("web:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = flow.check_password(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            flow.pending_start(
                request, user=user, next_url=flow.safe_next(request, request.GET.get("next", ""))
            )
            if flow.has_confirmed_device(user):
                return redirect("web:sign_in_code")
            return redirect("web:sign_in_set_up")
        form.add_error("username", WRONG_PASSWORD)
    return render(request, "web/sign_in.html", {"form": form})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the 6-digit code from the user's authenticator app."""
    user = flow.pending_user(request)
    if user is None:
        return redirect("web:sign_in")
    if not flow.has_confirmed_device(user):
        return redirect("web:sign_in_set_up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = flow.check_code(request, user=user, code=form.cleaned_data["code"])
        if device is not None:
            return redirect(flow.complete(request, user=user, device=device) or "web:home")
        form.add_error("code", WRONG_CODE)
    return render(request, "web/sign_in_code.html", {"form": form})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in_set_up(request: HttpRequest) -> HttpResponse:
    """Set up two-factor sign-in: add the secret to an app, then confirm with a code.

    Reached only after a correct password, by a user without a confirmed device.
    """
    user = flow.pending_user(request)
    if user is None:
        return redirect("web:sign_in")
    if flow.has_confirmed_device(user):
        return redirect("web:sign_in_code")
    device = two_factor.device_for_set_up(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted = flow.check_code(
            request, user=user, code=form.cleaned_data["code"], confirmed=False
        )
        if accepted is not None:
            two_factor.device_confirm(user=user, device=accepted)
            return redirect(flow.complete(request, user=user, device=accepted) or "web:home")
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "secret": two_factor.secret_for_display(device),
        "qr_svg": two_factor.qr_code_svg(device),
    }
    return render(request, "web/sign_in_set_up.html", context)


@require_POST
@csrf_protect
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session, and with it the API tokens issued from it (issue #11 item 5)."""
    flow.session_end(request, reason=RevokeReason.SIGNED_OUT)
    return redirect("web:signed_out")


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "web/signed_out.html", {})


# The home page has a section for each role the user holds, in this order.
HOME_SECTIONS = [
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
    Role.PARTNERSHIP_OFFICER,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    roles = request.user.roles
    sections = [role for role in HOME_SECTIONS if role in roles]
    return render(request, "web/home.html", {"sections": sections})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers; no data in the answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers once a username and address are locked out."""
    hours = settings.AXES_COOLOFF_TIME.total_seconds() / 3600
    return render(
        request,
        "web/locked_out.html",
        {"hours": int(hours) if hours == int(hours) else hours},
        status=429,
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refused action; the refusal is recorded (`web.refusals`), nothing of it is shown."""
    refusal_note(request, exception, 403)
    return render(request, "web/errors/403.html", {}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The same page whether the record is missing or not the user's to see (issue #3 item 6).

    Nothing from the exception is shown. A NotFound from access is recorded as a
    refusal (`web.refusals`); a URL that matches no page is not.
    """
    refusal_note(request, exception, 404)
    return render(request, "web/errors/404.html", {}, status=404)


API_PREFIX = "/api/"


def error_500(request: HttpRequest) -> HttpResponse:
    """An error nobody handled, in a view or a middleware (the session, sign-in checks).

    Django calls this while handling the exception, so `sys.exc_info()` names it.
    The API answers in problem+json; a database out of reach is a 503 to try
    again (the crash tests kill it). Rendered `plain`: nothing that needs the database.
    """
    error = sys.exc_info()[1]
    if request.path.startswith(API_PREFIX):
        return unexpected_problem(request, error)
    if is_unavailable(error):
        response = render(request, "web/errors/503.html", {"plain": True}, status=503)
        response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
        return response
    return render(request, "web/errors/500.html", {"plain": True}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "web/errors/403_csrf.html",
        {"sign_in_url": reverse("web:sign_in")},
        status=403,
    )
