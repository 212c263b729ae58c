"""Sessions, CSRF, headers and password hashing (issue #3 item 3)."""

import datetime
import importlib
import re
from pathlib import Path

import govuk_frontend_jinja
import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client

from safeshare.agencies.tests.factories import PASSWORD
from safeshare.demo.testing import STAFF_BACKEND, code_for, sign_in_verified, totp_device

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


def test_base_settings_hash_passwords_with_argon2_first():
    base = importlib.import_module("safeshare.config.settings.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    validators = [v["NAME"].rsplit(".", 1)[1] for v in base.AUTH_PASSWORD_VALIDATORS]
    assert "MinimumLengthValidator" in validators
    assert "CommonPasswordValidator" in validators


def test_argon2_is_available_to_hash_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert make_password("a-long-enough-passphrase").startswith("argon2$argon2id$")


@pytest.mark.parametrize("path", ["/", "/admin/", "/admin/agencies/agency/", "/no-such-page/"])
def test_every_page_needs_a_verified_session(client, practitioner, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")
    # Signed in with a password only (no second factor): still refused.
    client.force_login(practitioner, backend=STAFF_BACKEND)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize(
    "path,status",
    [("/sign-in/", 200), ("/healthz", 200), ("/signed-out/", 200), ("/static/safeshare.css", 200)],
)
def test_sign_in_health_check_and_static_files_are_public(client, path, status):
    response = client.get(path)
    assert response.status_code == status


def test_inactive_user_loses_the_session(client, practitioner):
    sign_in_verified(client, practitioner)
    assert client.get("/").status_code == 200
    practitioner.is_active = False
    practitioner.save()
    assert client.get("/").status_code == 302


def test_session_ends_after_thirty_minutes_without_a_request(client, practitioner):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sign_in_verified(client, practitioner)
        assert client.get("/").status_code == 200
    # Each request starts the 30 minutes again.
    with time_machine.travel(start + datetime.timedelta(minutes=25), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=50), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=81), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_session_cookie_is_http_only_same_site_and_ends_with_the_browser(client, practitioner):
    totp_device(practitioner)
    client.post("/sign-in/", {"username": practitioner.username, "password": PASSWORD})
    response = client.post("/sign-in/code/", {"code": code_for(practitioner)})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]


def test_csrf_token_is_required_on_sign_in():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "we could not accept that form" in response.content.decode()


def test_sign_in_with_csrf_token_is_accepted(practitioner):
    client = Client(enforce_csrf_checks=True)
    totp_device(practitioner)
    page = client.get("/sign-in/")
    token = page.context["csrf_token"] if page.context else None
    token = token or client.cookies["csrftoken"].value
    response = client.post(
        "/sign-in/",
        {"username": practitioner.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_sign_out_needs_the_csrf_token(practitioner):
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, practitioner)
    assert client.post("/sign-out/").status_code == 403
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/sign-in/", "/", "/no-such-page/", "/healthz"])
def test_security_headers_on_responses(client, practitioner, path):
    sign_in_verified(client, practitioner)
    response = client.get(path)
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_hsts_is_sent_only_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 63072000
    assert "Strict-Transport-Security" not in client.get("/sign-in/")
    secure = client.get("/sign-in/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=63072000")


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/signed-out/"])
def test_pages_load_scripts_only_from_files(client, practitioner, path):
    if path != "/sign-in/":
        sign_in_verified(client, practitioner)
    body = client.get(path).content.decode()
    assert re.findall(r"<script[^>]*>", body) == ['<script type="module" src="/static/init.js">']
    assert 'style="' not in body
    assert " onclick=" not in body


def test_page_template_is_govuk_frontends_without_the_inline_script():
    """Our copy must follow the installed govuk-frontend-jinja, line for line."""
    upstream = (
        Path(govuk_frontend_jinja.__file__).parent / "templates" / "template.html"
    ).read_text()
    ours = (Path(__file__).parents[1] / "jinja2" / "layouts" / "govuk_template.html").read_text()
    upstream_lines = [line for line in upstream.splitlines() if "js-enabled" not in line]
    assert len(upstream_lines) == len(upstream.splitlines()) - 1
    assert ours.split("-#}\n", 1)[1].splitlines() == upstream_lines
