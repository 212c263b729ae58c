"""Clients for API tests: a bearer-token client, or a two-factor session."""

from datetime import timedelta

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.api.auth import issue_token
from safeshare.web.sign_in import lifetime_start

PROBLEM = "application/problem+json"


def token_client(user) -> Client:
    _, plain = issue_token(user=user, label="test", lifetime=timedelta(days=1))
    return Client(headers={"Authorization": f"Bearer {plain}"})


def two_factor_client(user, *, enforce_csrf: bool = False) -> Client:
    """A client whose session has passed both sign-in steps."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    lifetime_start(session)
    session.save()
    return client


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"].startswith("urn:safeshare:problem:")
    if field is not None:
        fields = [error["field"] for error in body["errors"]]
        assert field in fields, body
        assert all(error["rule"] and error["message"] for error in body["errors"])
    return body
