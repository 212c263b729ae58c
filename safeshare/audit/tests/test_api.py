"""The ledger API as an auditor uses it: read, page, filter, verify, checkpoint, export."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.tests.helpers import assert_problem, token_client, two_factor_client
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Checkpoint, Entry
from safeshare.ledger.services import checkpoint_export, checkpoint_write
from safeshare.ledger.testing import append_only_suspended

from .test_api_matrix import SUBJECT, fill

pytestmark = pytest.mark.django_db

ENTRY_KEYS = {
    "seq",
    "recorded_at",
    "actor_ref",
    "agency_ref",
    "kind",
    "subject_ref",
    "payload",
    "prev_hash",
    "hash",
}


@pytest.fixture
def auditor():
    return two_factor_client(staff(Role.AUDITOR))


def tamper_kind(seq: int) -> None:
    """Alter one entry the way someone with direct database access could."""
    with append_only_suspended(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_entry SET kind = %s WHERE seq = %s",
            [EntryKind.PERSON_SHREDDED.value, seq],
        )


def snapshot():
    return Entry.objects.count(), Checkpoint.objects.count()


def test_head_names_the_last_entry_and_counts_them(auditor):
    assert auditor.get("/api/v1/ledger/head").json() == {"seq": 0, "hash": "0" * 64, "count": 0}
    entries = fill(3)
    body = auditor.get("/api/v1/ledger/head").json()
    assert body == {"seq": 3, "hash": entries[-1].hash, "count": 3}


def test_entries_page_in_chain_order_with_every_field(auditor):
    entries = fill(5)
    first = auditor.get("/api/v1/ledger/entries?limit=2").json()
    assert [row["seq"] for row in first["entries"]] == [1, 2]
    assert first["next_after_seq"] == 2
    assert set(first["entries"][0]) == ENTRY_KEYS
    row = first["entries"][1]
    assert (row["hash"], row["prev_hash"], row["payload"]) == (
        entries[1].hash,
        entries[0].hash,
        {"n": 1},
    )
    last = auditor.get("/api/v1/ledger/entries?limit=2&after_seq=4").json()
    assert [row["seq"] for row in last["entries"]] == [5]
    assert last["next_after_seq"] is None


def test_entries_filter_by_kind_and_subject(auditor):
    fill(2)
    fill(2, kind=EntryKind.PERSON_CREATED, subject_ref=SUBJECT)
    fill(1, kind=EntryKind.PERSON_CREATED, subject_ref="0e1d2c3b-4a59-4867-8a9b-0c1d2e3f4a5b")
    by_kind = auditor.get("/api/v1/ledger/entries?kind=person.created").json()["entries"]
    assert [row["seq"] for row in by_kind] == [3, 4, 5]
    # The reference matches however its letters were cased.
    by_subject = auditor.get(f"/api/v1/ledger/entries?subject_ref={SUBJECT.upper()}").json()
    assert [row["seq"] for row in by_subject["entries"]] == [3, 4]
    assert {row["subject_ref"] for row in by_subject["entries"]} == {SUBJECT}


def test_entries_list_runs_in_constant_queries(auditor, django_assert_max_num_queries):
    fill(2)
    with django_assert_max_num_queries(20) as few:
        assert len(auditor.get("/api/v1/ledger/entries").json()["entries"]) == 2
    fill(150)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(auditor.get("/api/v1/ledger/entries?limit=120").json()["entries"]) == 120


def test_one_entry_or_a_not_found_problem(auditor):
    entry = fill(1)[0]
    assert auditor.get("/api/v1/ledger/entries/1").json()["hash"] == entry.hash
    assert_problem(auditor.get("/api/v1/ledger/entries/2"), 404)


def test_a_bearer_token_reads_the_ledger_too():
    client = token_client(staff(Role.AUDITOR))  # issuing it is the first entry
    fill(1)
    assert client.get("/api/v1/ledger/head").json()["seq"] == 2
    assert Entry.objects.get(seq=1).kind == EntryKind.TOKEN_ISSUED


BAD_INPUT = [
    # (operation, method, path, body, field)
    ("ledger_entries", "get", "/entries?limit=0", None, "limit"),
    ("ledger_entries", "get", "/entries?limit=501", None, "limit"),
    ("ledger_entries", "get", "/entries?limit=many", None, "limit"),
    ("ledger_entries", "get", "/entries?after_seq=-1", None, "after_seq"),
    ("ledger_entries", "get", "/entries?after_seq=1.5", None, "after_seq"),
    ("ledger_entries", "get", "/entries?kind=person.eaten", None, "kind"),
    ("ledger_entries", "get", "/entries?kind=" + "x" * 65, None, "kind"),
    ("ledger_entries", "get", "/entries?subject_ref=Rowan%20Smith", None, "subject_ref"),
    ("ledger_entries", "get", "/entries?subject_ref=1234", None, "subject_ref"),
    ("ledger_entry", "get", "/entries/first", None, "seq"),
    ("ledger_verify", "post", "/verify", {"checkpoint": "yesterday"}, "checkpoint.seq"),
    ("ledger_verify", "post", "/verify", {"checkpoint": {"seq": -1}}, "checkpoint.seq"),
    ("ledger_verify", "post", "/verify", "CHECKPOINT:format", "checkpoint.format"),
    ("ledger_verify", "post", "/verify", "CHECKPOINT:head_hash", "checkpoint.head_hash"),
    ("ledger_verify", "post", "/verify", "CHECKPOINT:public_key_id", "checkpoint.public_key_id"),
    ("ledger_checkpoints_list", "get", "/checkpoints?limit=0", None, "limit"),
    ("ledger_checkpoints_list", "get", "/checkpoints?limit=9999", None, "limit"),
    ("ledger_checkpoint_export", "get", "/checkpoints/latest/export", None, "checkpoint_id"),
]
BROKEN_CHECKPOINT = {
    "format": "safeshare-ledger-checkpoint/0",
    "head_hash": "not a hash",
    "public_key_id": "G" * 64,
}


@pytest.mark.parametrize("operation,method,path,body,field", BAD_INPUT)
def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(
    operation, method, path, body, field, auditor, signing_key_file
):
    fill(2)
    exported = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    if isinstance(body, str):
        key = body.partition(":")[2]
        body = {"checkpoint": {**exported, key: BROKEN_CHECKPOINT[key]}}
    before = snapshot()
    if method == "get":
        response = auditor.get(f"/api/v1/ledger{path}")
    else:
        response = auditor.post(f"/api/v1/ledger{path}", body, content_type="application/json")
    assert_problem(response, 422, field)
    assert snapshot() == before


def test_every_operation_with_input_has_a_bad_input_case():
    from .test_api_matrix import MATRIX_OPERATIONS

    without_input = {"ledger_head", "ledger_checkpoint_write"}
    assert {case[0] for case in BAD_INPUT} == MATRIX_OPERATIONS - without_input


def test_verify_reports_an_intact_ledger_and_writes_nothing(auditor):
    entries = fill(3)
    before = snapshot()
    body = auditor.post("/api/v1/ledger/verify", content_type="application/json").json()
    assert body == {
        "ok": True,
        "entries": 3,
        "head": {"seq": 3, "hash": entries[-1].hash},
        "bad_seq": None,
        "reason": None,
    }
    assert snapshot() == before


def test_verify_reports_a_tampered_entry(auditor):
    entries = fill(4)
    tamper_kind(3)
    before = snapshot()
    body = auditor.post("/api/v1/ledger/verify", {}, content_type="application/json").json()
    assert body["ok"] is False
    assert body["bad_seq"] == 3
    assert body["head"] == {"seq": 2, "hash": entries[1].hash}
    assert "altered" in body["reason"]
    assert snapshot() == before


def test_verify_holds_the_ledger_to_a_kept_checkpoint(auditor, signing_key_file):
    fill(3)
    kept = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    good = auditor.post("/api/v1/ledger/verify", {"checkpoint": kept}, "application/json")
    assert good.json()["ok"] is True
    forged = {**kept, "head_hash": "f" * 64}
    body = auditor.post("/api/v1/ledger/verify", {"checkpoint": forged}, "application/json").json()
    assert body["ok"] is False and "signature" in body["reason"]
    # The log truncated behind the kept checkpoint (and its stored copy removed).
    with append_only_suspended(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_checkpoint")
        cursor.execute("DELETE FROM ledger_entry WHERE seq > 2")
    body = auditor.post("/api/v1/ledger/verify", {"checkpoint": kept}, "application/json").json()
    assert (body["ok"], body["bad_seq"]) == (False, 3)
    assert "removed from the end" in body["reason"]


def test_checkpoint_write_appends_its_ledger_entry(signing_key_file):
    user = staff(Role.AUDITOR)
    client = two_factor_client(user)
    fill(2)
    response = client.post("/api/v1/ledger/checkpoints")
    assert response.status_code == 201
    body = response.json()
    entry = Entry.objects.get(seq=3)
    assert entry.kind == EntryKind.LEDGER_CHECKPOINT
    assert entry.actor_ref == f"user:{user.pk}"
    assert (body["seq"], body["head_hash"], body["actor_ref"]) == (3, entry.hash, entry.actor_ref)
    listed = client.get("/api/v1/ledger/checkpoints").json()
    assert [row["id"] for row in listed] == [body["id"]]


@pytest.mark.parametrize("key_file", ["", "/nonexistent/ledger-signing.pem"])
def test_checkpoint_write_without_a_signing_key_is_a_problem_not_a_crash(
    key_file, auditor, settings
):
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = key_file
    fill(1)
    before = snapshot()
    body = assert_problem(auditor.post("/api/v1/ledger/checkpoints"), 503)
    assert "SAFESHARE_LEDGER_SIGNING_KEY_FILE" in body["detail"]
    assert "/nonexistent" not in body["detail"]  # no server path is shown
    assert snapshot() == before


def test_export_round_trips_through_the_verify_command(auditor, signing_key_file, tmp_path):
    fill(2)
    written = auditor.post("/api/v1/ledger/checkpoints").json()
    response = auditor.get(f"/api/v1/ledger/checkpoints/{written['id']}/export")
    document = response.json()
    assert document["format"] == "safeshare-ledger-checkpoint/1"
    assert (document["seq"], document["head_hash"]) == (written["seq"], written["head_hash"])
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(document))
    out = io.StringIO()
    call_command("ledger_verify", "--checkpoint", str(path), "--no-progress", stdout=out)
    assert out.getvalue().startswith(f"ledger intact: 3 entries, head {written['head_hash']}")
    # And back through the API.
    again = auditor.post("/api/v1/ledger/verify", {"checkpoint": document}, "application/json")
    assert again.json()["ok"] is True


def test_export_of_a_missing_checkpoint_is_not_found(auditor):
    assert_problem(auditor.get("/api/v1/ledger/checkpoints/999/export"), 404)
