"""Administrators list and revoke anyone's API tokens in the admin (issue #11 item 5)."""

import datetime

import pytest
from django.test import Client

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.models import ApiToken
from safeshare.api.services import token_issue
from safeshare.demo.testing import sign_in_verified
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/api/apitoken/"


def _client(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def test_an_administrator_sees_tokens_but_never_the_token_or_its_digest():
    owner = staff(Role.PRACTITIONER)
    record, plain = token_issue(
        actor=owner, label="laptop", lifetime=datetime.timedelta(days=1), session_key="k" * 32
    )
    page = _client(staff(Role.ADMINISTRATOR)).get(CHANGELIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert "laptop" in body
    for secret in (plain, record.digest, record.session_digest):
        assert secret not in body
    detail = _client(staff(Role.ADMINISTRATOR)).get(f"{CHANGELIST}{record.pk}/change/")
    assert detail.status_code == 200
    assert record.digest not in detail.content.decode()


def test_an_administrator_revokes_tokens_with_the_admin_action():
    owner = staff(Role.PRACTITIONER)
    record, plain = token_issue(actor=owner, label="laptop", lifetime=datetime.timedelta(days=1))
    administrator = staff(Role.ADMINISTRATOR)
    response = _client(administrator).post(
        CHANGELIST, {"action": "revoke", "_selected_action": [str(record.pk)]}
    )
    assert response.status_code == 302
    bearer = Client(headers={"Authorization": f"Bearer {plain}"})
    assert bearer.get("/api/v1/agencies/me").status_code == 401
    [entry] = Entry.objects.filter(kind=EntryKind.TOKEN_REVOKED)
    assert entry.payload == {"token": str(record.pk), "reason": "administrator"}
    assert entry.actor_ref == f"user:{administrator.pk}"


def test_other_roles_cannot_reach_the_token_admin():
    record, _ = token_issue(
        actor=staff(Role.PRACTITIONER), label="laptop", lifetime=datetime.timedelta(days=1)
    )
    client = _client(staff(Role.SAFEGUARDING_LEAD))
    assert client.get(CHANGELIST).status_code == 403
    response = client.post(CHANGELIST, {"action": "revoke", "_selected_action": [str(record.pk)]})
    assert response.status_code == 403
    assert ApiToken.objects.get().revoked_at is None


def test_tokens_cannot_be_added_edited_or_deleted_in_the_admin():
    record, _ = token_issue(
        actor=staff(Role.PRACTITIONER), label="laptop", lifetime=datetime.timedelta(days=1)
    )
    client = _client(staff(Role.ADMINISTRATOR))
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
