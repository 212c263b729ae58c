"""Every ledger API operation × role × relation, asserted by HTTP status.

The ledger holds no case content: reading and verifying it, and signing
checkpoints, are global actions of the auditor (access.rules.roles.GLOBAL_RULES).
Every other role, and an auditor whose membership is inactive, gets 403.
"""

import pytest

from safeshare.access.actions import Relation
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import two_factor_client
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import checkpoint_write, ledger_append

pytestmark = pytest.mark.django_db

MATRIX_OPERATIONS = {
    "ledger_head",
    "ledger_entries",
    "ledger_entry",
    "ledger_verify",
    "ledger_checkpoints_list",
    "ledger_checkpoint_write",
    "ledger_checkpoint_export",
}
# Own agency: an active member; none: the same roles on an inactive membership.
RELATIONS = (Relation.OWN_AGENCY, Relation.NONE)
SUBJECT = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"


def fill(count: int, *, kind=EntryKind.AGENCY_UPDATED, subject_ref=None) -> list:
    return [
        ledger_append(
            kind=kind,
            actor_ref="system:test",
            agency_ref=None,
            subject_ref=subject_ref,
            payload={"n": n},
        )
        for n in range(count)
    ]


@pytest.fixture
def ledger_world(signing_key_file):
    """A few entries and one signed checkpoint, in one agency's partnership."""
    fill(3)
    fill(1, kind=EntryKind.PERSON_CREATED, subject_ref=SUBJECT)
    checkpoint = checkpoint_write(actor_ref="system:ledger_checkpoint")
    return {"agency": AgencyFactory(), "checkpoint": checkpoint}


def _rows(world):
    checkpoint = world["checkpoint"]

    def get(path):
        return lambda client: client.get(f"/api/v1/ledger{path}")

    def post(path, body=None):
        return lambda client: client.post(
            f"/api/v1/ledger{path}", body, content_type="application/json"
        )

    return {
        "ledger_head": (get("/head"), 200),
        "ledger_entries": (get(f"/entries?kind=person.created&subject_ref={SUBJECT}"), 200),
        "ledger_entry": (get("/entries/1"), 200),
        "ledger_verify": (post("/verify", {}), 200),
        "ledger_checkpoints_list": (get("/checkpoints"), 200),
        "ledger_checkpoint_write": (post("/checkpoints"), 201),
        "ledger_checkpoint_export": (get(f"/checkpoints/{checkpoint.pk}/export"), 200),
    }


def expected(role, relation, success):
    return success if role == Role.AUDITOR and relation == Relation.OWN_AGENCY else 403


def test_every_ledger_operation_has_a_row(ledger_world):
    assert set(_rows(ledger_world)) == MATRIX_OPERATIONS


@pytest.mark.parametrize("operation", sorted(MATRIX_OPERATIONS))
@pytest.mark.parametrize("role", list(Role))
def test_ledger_operation_matrix(operation, role, ledger_world):
    call, success = _rows(ledger_world)[operation]
    failures = []
    for relation in RELATIONS:
        user = staff(role, agency=ledger_world["agency"], active=relation == Relation.OWN_AGENCY)
        response = call(two_factor_client(user))
        if response.status_code != expected(role, relation, success):
            failures.append((relation, response.status_code, expected(role, relation, success)))
        if response.status_code == 403:
            assert response["Content-Type"] == "application/problem+json"
    assert failures == []


def test_a_refused_checkpoint_write_writes_nothing(ledger_world):
    from safeshare.ledger.models import Checkpoint, Entry

    def written():
        return (
            Entry.objects.exclude(kind=EntryKind.ACCESS_REFUSED).count(),
            Checkpoint.objects.count(),
        )

    before = written()
    refused = [role for role in Role if role != Role.AUDITOR]
    for role in refused:
        client = two_factor_client(staff(role, agency=ledger_world["agency"]))
        assert client.post("/api/v1/ledger/checkpoints").status_code == 403
    assert written() == before
    # Each refusal is itself recorded (issue #11 item 2), and nothing else is.
    entries = Entry.objects.filter(kind=EntryKind.ACCESS_REFUSED)
    assert [e.payload["action"] for e in entries] == ["ledger.checkpoint"] * len(refused)
