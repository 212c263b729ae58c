"""Ledger pages × role × relation: the auditor reads, verifies and signs; everyone
else, and an auditor whose membership is inactive, gets 403 (no case records here)."""

import pytest
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.demo.testing import sign_in_verified
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Checkpoint, Entry

from .test_api_matrix import RELATIONS, ledger_world  # noqa: F401

pytestmark = pytest.mark.django_db

MATRIX_PAGES = {
    "ledger:index",
    "ledger:verify",
    "ledger:checkpoints",
    "ledger:checkpoint",
    "ledger:checkpoint_export",
}


def client_for(role, relation, world) -> Client:
    user = staff(role, agency=world["agency"], active=relation == Relation.OWN_AGENCY)
    client = Client()
    sign_in_verified(client, user)
    return client


def _checks(client, world):
    checkpoint = world["checkpoint"].pk
    return [
        ("index", client.get("/ledger/"), 200),
        ("index filtered", client.get("/ledger/?kind=person.created&after_seq=1"), 200),
        ("verify form", client.get("/ledger/verify/"), 200),
        ("verify", client.post("/ledger/verify/"), 200),
        ("checkpoints", client.get("/ledger/checkpoints/"), 200),
        ("checkpoint write", client.post("/ledger/checkpoints/"), 302),
        ("checkpoint", client.get(f"/ledger/checkpoints/{checkpoint}/"), 200),
        ("export", client.get(f"/ledger/checkpoints/{checkpoint}/export/"), 200),
    ]


@pytest.mark.parametrize("role", list(Role))
def test_ledger_pages_matrix(role, ledger_world):  # noqa: F811
    failures = []
    for relation in RELATIONS:
        client = client_for(role, relation, ledger_world)
        allowed = role == Role.AUDITOR and relation == Relation.OWN_AGENCY
        for name, response, success in _checks(client, ledger_world):
            expected = success if allowed else 403
            if response.status_code != expected:
                failures.append((relation, name, response.status_code, expected))
    assert failures == []


def test_refused_pages_show_the_403_page_and_write_nothing(ledger_world):  # noqa: F811
    def written():
        return (
            Entry.objects.exclude(kind=EntryKind.ACCESS_REFUSED).count(),
            Checkpoint.objects.count(),
        )

    before = written()
    client = client_for(Role.ADMINISTRATOR, Relation.OWN_AGENCY, ledger_world)
    response = client.post("/ledger/checkpoints/")
    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()
    assert written() == before
    # Only the refusal itself is recorded (issue #11 item 2).
    [refused] = Entry.objects.filter(kind=EntryKind.ACCESS_REFUSED)
    assert refused.payload["status"] == 403


def test_every_page_name_resolves():
    from django.urls import reverse

    for name in MATRIX_PAGES:
        one = name in {"ledger:checkpoint", "ledger:checkpoint_export"}
        kwargs = {"checkpoint_id": 1} if one else {}
        assert reverse(name, kwargs=kwargs).startswith("/ledger/")
