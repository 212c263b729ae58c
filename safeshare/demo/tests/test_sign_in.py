"""`make demo` prints a sign-in a person can really use; the helpers exist only in the demo."""

import io
import re
from base64 import b32encode

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from safeshare.agencies.tests.factories import staff
from safeshare.demo.partnership import DEMO_PASSWORD
from safeshare.demo.sign_in import demo_code, demo_devices_ensure, demo_totp_key

pytestmark = pytest.mark.django_db


def test_demo_code_refuses_outside_the_demo(settings):
    settings.SAFESHARE_DEMO = False
    user = staff()
    with pytest.raises(CommandError, match="only in the demo"):
        call_command("demo_code", user.username)
    with pytest.raises(ImproperlyConfigured):
        demo_code(user.username)
    with pytest.raises(ImproperlyConfigured):
        demo_devices_ensure([user.username])


def test_demo_load_refuses_outside_the_demo(settings):
    settings.SAFESHARE_DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_load")


def test_printed_demo_sign_in_really_signs_in(settings, client):
    settings.SAFESHARE_DEMO = True
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    assert "safeshare demo code USERNAME" in printed
    row = re.search(r"^\s+council\.practitioner\s+([A-Z2-7]{32})\s", printed, re.MULTILINE)
    assert row is not None, printed
    expected = b32encode(bytes.fromhex(demo_totp_key("council.practitioner"))).decode()
    assert row.group(1) == expected

    # Loading again keeps the same secrets (nothing new to add to the app).
    again = io.StringIO()
    call_command("demo_load", stdout=again)
    assert row.group(1) in again.getvalue()

    code_out = io.StringIO()
    call_command("demo_code", "council.practitioner", stdout=code_out, stderr=io.StringIO())
    code = code_out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)

    client.post("/sign-in/", {"username": "council.practitioner", "password": DEMO_PASSWORD})
    assert client.post("/sign-in/code/", {"code": code})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_demo_code_names_an_unknown_user(settings):
    settings.SAFESHARE_DEMO = True
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo_code", "nobody.here")
