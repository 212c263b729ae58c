"""The two-step sign-in: TOTP required, failures recorded, lockout (issue #3 item 3)."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import PASSWORD, staff
from safeshare.demo.testing import code_for, totp_device
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.web.two_factor import current_code

from .conftest import entries

pytestmark = pytest.mark.django_db

HOME_HEADING = "Your work in safeshare"


def password_step(client: Client, user, password: str = PASSWORD, **extra):
    return client.post("/sign-in/", {"username": user.username, "password": password}, **extra)


def code_step(client: Client, code: str, **extra):
    return client.post("/sign-in/code/", {"code": code}, **extra)


def wrong_code(user) -> str:
    right = code_for(user)
    return f"{(int(right) + 1) % 1_000_000:06d}"


@pytest.fixture
def no_otp_throttle(settings):
    """django-otp's own back-off between wrong codes; axes' lockout is under test here."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_password_alone_never_reaches_home(client, practitioner):
    totp_device(practitioner)
    response = password_step(client, practitioner)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code/"
    for path in ["/", "/admin/", "/sign-in/code/../"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
    assert entries(EntryKind.USER_SIGNED_IN) == []


def test_right_code_reaches_home(client, practitioner):
    totp_device(practitioner)
    password_step(client, practitioner)
    response = code_step(client, code_for(practitioner))
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert HOME_HEADING in home.content.decode()
    [entry] = entries(EntryKind.USER_SIGNED_IN, practitioner)
    assert entry.actor_ref == f"user:{practitioner.pk}"
    assert entry.agency_ref == str(practitioner.agency.pk)
    assert practitioner.username not in str(entry.payload)


def test_wrong_code_is_refused_and_recorded(client, practitioner):
    totp_device(practitioner)
    password_step(client, practitioner)
    response = code_step(client, wrong_code(practitioner))
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get("/")["Location"].startswith("/sign-in/")
    assert AccessAttempt.objects.get(username=practitioner.username).failures_since_start == 1
    [entry] = entries(EntryKind.USER_SIGN_IN_FAILED, practitioner)
    assert entry.payload == {"step": "code", "failures": 1, "locked_out": False}
    assert entry.actor_ref == "system:sign_in"


def test_a_code_works_only_once(client, practitioner):
    totp_device(practitioner)
    password_step(client, practitioner)
    code = code_for(practitioner)
    assert code_step(client, code)["Location"] == "/"
    client.post("/sign-out/")
    password_step(client, practitioner)
    response = code_step(client, code)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_code_must_be_six_digits(client, practitioner):
    totp_device(practitioner)
    password_step(client, practitioner)
    response = code_step(client, "12ab")
    body = response.content.decode()
    assert "The code must be 6 numbers" in body
    assert 'href="#id_code"' in body
    # A malformed code is not an attempt at the second factor.
    assert not AccessAttempt.objects.exists()


def test_wrong_password_shows_error_beside_username(client, practitioner):
    response = password_step(client, practitioner, password="not-the-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – safeshare</title>" in body
    assert "Enter a correct username and password" in body
    assert 'href="#id_username"' in body
    [entry] = entries(EntryKind.USER_SIGN_IN_FAILED, practitioner)
    assert entry.payload["step"] == "password"


def test_empty_form_names_each_missing_field(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})
    body = response.content.decode()
    assert "There is a problem" in body
    assert re.search(r'<a href="#id_username">\s*Enter your username', body)
    assert re.search(r'<a href="#id_password">\s*Enter your password', body)
    assert 'class="govuk-error-message"' in body


def test_lockout_after_five_failures_refuses_the_right_password(client, practitioner):
    totp_device(practitioner)
    for attempt in range(1, 6):
        response = password_step(client, practitioner, password=f"wrong-{attempt}")
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in response.content.decode()

    response = password_step(client, practitioner)
    assert response.status_code == 429
    assert client.get("/sign-in/code/")["Location"] == "/sign-in/"

    assert AccessAttempt.objects.get(username=practitioner.username).failures_since_start == 6
    logs = AccessFailureLog.objects.filter(username=practitioner.username)
    assert logs.count() == 6
    assert logs.filter(locked_out=True).count() == 2
    failed = entries(EntryKind.USER_SIGN_IN_FAILED, practitioner)
    assert [e.payload["failures"] for e in failed] == [1, 2, 3, 4, 5, 6]
    [locked] = entries(EntryKind.USER_LOCKED_OUT, practitioner)
    assert locked.payload == {"failures": 5, "failure_limit": 5}


def test_wrong_codes_count_towards_lockout(client, practitioner, no_otp_throttle):
    totp_device(practitioner)
    password_step(client, practitioner)
    for _ in range(5):
        response = code_step(client, wrong_code(practitioner))
    assert response.status_code == 429
    response = code_step(client, code_for(practitioner))
    assert response.status_code == 429
    assert client.get("/").status_code == 302
    assert len(entries(EntryKind.USER_LOCKED_OUT, practitioner)) == 1
    assert entries(EntryKind.USER_SIGNED_IN) == []


def test_lockout_is_for_one_username_from_one_address(client, practitioner):
    colleague = staff(Role.PRACTITIONER, agency=practitioner.agency)
    for attempt in range(5):
        password_step(client, practitioner, password=f"wrong-{attempt}")
    assert password_step(Client(), colleague).status_code == 302
    other_address = Client(REMOTE_ADDR="192.0.2.10")
    assert password_step(other_address, practitioner).status_code == 302


def test_lockout_lifts_after_an_hour(client, practitioner):
    totp_device(practitioner)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for attempt in range(5):
            password_step(client, practitioner, password=f"wrong-{attempt}")
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        assert password_step(client, practitioner).status_code == 429
    # A failure during the lockout starts the hour again (each one is recorded).
    with time_machine.travel(start + datetime.timedelta(minutes=59 + 61), tick=False):
        assert password_step(client, practitioner).status_code == 302


def test_full_sign_in_clears_earlier_failures(client, practitioner):
    totp_device(practitioner)
    for attempt in range(3):
        password_step(client, practitioner, password=f"wrong-{attempt}")
    password_step(client, practitioner)
    assert AccessAttempt.objects.filter(username=practitioner.username).exists()
    code_step(client, code_for(practitioner))
    assert not AccessAttempt.objects.filter(username=practitioner.username).exists()


def test_unknown_username_is_counted_but_not_written_to_the_ledger(client):
    client.post("/sign-in/", {"username": "nobody.here", "password": "guess-guess-1"})
    assert AccessAttempt.objects.filter(username="nobody.here").exists()
    assert not Entry.objects.filter(kind=EntryKind.USER_SIGN_IN_FAILED).exists()
    assert not Entry.objects.filter(payload__icontains="nobody").exists()


def test_inactive_user_cannot_sign_in(client, practitioner):
    totp_device(practitioner)
    practitioner.is_active = False
    practitioner.save()
    response = password_step(client, practitioner)
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_user_without_an_authenticator_sets_one_up(client, practitioner, no_otp_throttle):
    response = password_step(client, practitioner)
    assert response["Location"] == "/sign-in/set-up/"
    page = client.get("/sign-in/set-up/")
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    secret = re.search(r'<code class="safeshare-secret" id="secret">([A-Z2-7 ]+)</code>', body)
    assert secret is not None
    from base64 import b32encode

    assert secret.group(1).replace(" ", "") == b32encode(device.bin_key).decode()
    assert '<svg role="img" aria-label="QR code of your sign-in secret"' in body
    assert "<script>" not in body.split("</header>", 1)[1]
    # The same unconfirmed device is offered until it is confirmed.
    client.get("/sign-in/set-up/")
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1

    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    assert client.post("/sign-in/set-up/", {"code": wrong}).status_code == 200
    assert client.get("/").status_code == 302

    device.refresh_from_db()
    response = client.post("/sign-in/set-up/", {"code": current_code(device)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert len(entries(EntryKind.USER_TWO_FACTOR_ENROLLED, practitioner)) == 1


def test_set_up_page_is_not_offered_to_a_user_with_an_authenticator(client, practitioner):
    totp_device(practitioner)
    password_step(client, practitioner)
    assert client.get("/sign-in/set-up/")["Location"] == "/sign-in/code/"


def test_set_up_needs_the_password_first(client, practitioner):
    assert client.get("/sign-in/set-up/")["Location"] == "/sign-in/"
    assert not TOTPDevice.objects.exists()


def test_password_step_expires_after_five_minutes(client, practitioner):
    totp_device(practitioner)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        password_step(client, practitioner)
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        response = code_step(client, code_for(practitioner))
        assert response["Location"] == "/sign-in/"
        assert client.get("/").status_code == 302


def test_next_page_is_followed_only_within_the_site(client, administrator):
    totp_device(administrator)
    client.post(
        "/sign-in/?next=/admin/",
        {"username": administrator.username, "password": PASSWORD},
    )
    assert code_step(client, code_for(administrator))["Location"] == "/admin/"

    other = Client()
    colleague = staff(Role.PRACTITIONER)
    totp_device(colleague)
    other.post(
        "/sign-in/?next=https://elsewhere.example/",
        {"username": colleague.username, "password": PASSWORD},
    )
    assert code_step(other, code_for(colleague))["Location"] == "/"


def test_signed_in_user_visiting_sign_in_goes_home(client, practitioner):
    totp_device(practitioner)
    password_step(client, practitioner)
    code_step(client, code_for(practitioner))
    assert client.get("/sign-in/")["Location"] == "/"


def test_sign_out_needs_post_and_ends_the_session(client, practitioner):
    totp_device(practitioner)
    password_step(client, practitioner)
    code_step(client, code_for(practitioner))
    assert client.get("/sign-out/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/sign-out/")
    assert response["Location"] == "/signed-out/"
    assert "You have signed out" in client.get("/signed-out/").content.decode()
    assert client.get("/").status_code == 302
