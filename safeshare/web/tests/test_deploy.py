"""Production and demo settings (issue #11 item 7): `check --deploy` is clean, cookies carry
the `__Host-` prefix, and the demo runs with DEBUG off unless a developer asks for it."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from safeshare.api.auth import API_AUTH, TwoFactorSession
from safeshare.demo.testing import code_for, totp_device

from .test_sign_in import password_step

ROOT = Path(settings.BASE_DIR)
PROD = "safeshare.config.settings.prod"
DEV = "safeshare.config.settings.dev"


def _run(args: list[str], env: dict[str, str], settings_module: str | None = None):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFESHARE_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(env)
    if settings_module:
        environment["DJANGO_SETTINGS_MODULE"] = settings_module
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _production_env(tmp_path) -> dict[str, str]:
    """What a production run has: a long random secret, its host name, its own var folder."""
    return {
        "SAFESHARE_SECRET_KEY": secrets.token_urlsafe(64),
        "SAFESHARE_ALLOWED_HOSTS": "safeshare.example.org",
        "SAFESHARE_VAR_DIR": str(tmp_path),
    }


def test_check_deploy_passes_with_production_settings_without_a_warning(tmp_path):
    result = _run(
        ["-m", "safeshare", "check", "--deploy", "--fail-level", "WARNING", f"--settings={PROD}"],
        _production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_production_cookies_carry_the_host_prefix_and_the_api_follows(tmp_path):
    script = (
        "import django, json; django.setup();"
        "from django.conf import settings as s;"
        "from safeshare.api.auth import API_AUTH;"
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_PATH', 'CSRF_COOKIE_PATH', "
        "'SESSION_COOKIE_DOMAIN', 'CSRF_COOKIE_DOMAIN', 'DEBUG')} | "
        "{'api_cookie': API_AUTH[1].param_name}))"
    )
    result = _run(["-c", script], _production_env(tmp_path), PROD)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
        "DEBUG": False,
        "api_cookie": "__Host-sessionid",
    }


HOST_COOKIES = {
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@pytest.mark.django_db
@override_settings(**HOST_COOKIES)
def test_host_prefixed_cookies_are_sent_as_the_prefix_requires_and_the_api_reads_them(
    practitioner,
):
    client = Client()
    totp_device(practitioner)
    form = client.get("/sign-in/", secure=True)
    csrf = form.cookies["__Host-csrftoken"]
    password_step(client, practitioner, secure=True)
    response = client.post("/sign-in/code/", {"code": code_for(practitioner)}, secure=True)
    session = response.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
    assert "sessionid" not in response.cookies
    assert API_AUTH[1].param_name == TwoFactorSession().param_name == "__Host-sessionid"
    assert client.get("/api/v1/agencies/me", secure=True).status_code == 200


@pytest.mark.parametrize("asked,debug", [(None, False), ("1", True), ("0", False)])
def test_the_demo_runs_with_debug_off_unless_a_developer_asks(tmp_path, asked, debug):
    env = {"SAFESHARE_VAR_DIR": str(tmp_path), "SAFESHARE_DEMO": "1"}
    if asked is not None:
        env["SAFESHARE_DEBUG"] = asked
    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    )
    result = _run(["-c", script], env, DEV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(debug)


def test_the_demo_without_debug_serves_static_files_and_its_own_404_page(tmp_path):
    env = {"SAFESHARE_VAR_DIR": str(tmp_path), "SAFESHARE_DEMO": "1"}
    collected = _run(["-m", "safeshare", "collectstatic", "--no-input", "-v", "0"], env, DEV)
    assert collected.returncode == 0, collected.stderr
    script = (
        "import django, json; django.setup();"
        "from django.test import Client; c = Client(HTTP_HOST='127.0.0.1');"
        "css = c.get('/static/safeshare.css'); missing = c.get('/static/no-such-file.css');"
        "print(json.dumps({'css': css.status_code, 'missing': missing.status_code,"
        " 'page': missing.content.decode()}))"
    )
    result = _run(["-c", script], env, DEV)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["css"] == 200
    assert answer["missing"] == 404
    assert "Page not found" in answer["page"] and "govuk-heading-l" in answer["page"]
    for debug_marker in ("Traceback", "URLconf", "DEBUG = True", "Django tried"):
        assert debug_marker not in answer["page"]
