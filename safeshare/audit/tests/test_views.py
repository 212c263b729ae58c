"""The ledger pages as an auditor uses them: read and filter, verify, sign, download."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.demo.testing import sign_in_verified
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Checkpoint, Entry
from safeshare.ledger.services import checkpoint_export, checkpoint_write, ledger_append

from .test_api import tamper_kind
from .test_api_matrix import SUBJECT, fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_user():
    return staff(Role.AUDITOR)


@pytest.fixture
def auditor(auditor_user):
    client = Client()
    sign_in_verified(client, auditor_user)
    return client


def snapshot():
    return Entry.objects.count(), Checkpoint.objects.count()


def seqs_shown(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'cell--numeric">(\d+)</td>', page)]


def test_home_page_links_auditors_to_the_ledger(auditor):
    assert 'href="/ledger/"' in auditor.get("/").content.decode()


def test_index_shows_the_head_checkpoints_and_entries(auditor, signing_key_file):
    entries = fill(2)
    checkpoint = checkpoint_write(actor_ref="system:ledger_checkpoint")
    page = auditor.get("/ledger/").content.decode()
    # The head is the checkpoint's entry; its hash is shown as code, not escaped markup.
    assert f'<code class="govuk-!-text-break-word">{checkpoint.head_hash}</code>' in page
    assert "&lt;code" not in page
    assert f"/ledger/checkpoints/{checkpoint.pk}/export/" in page
    assert entries[0].hash[:12] in page
    assert "govuk-table" in page
    assert "Verify the ledger now" in page and "Write a checkpoint" in page


def test_payload_values_are_escaped_and_may_wrap(auditor):
    ledger_append(
        kind=EntryKind.AGENCY_UPDATED,
        actor_ref="system:test",
        agency_ref=None,
        subject_ref=None,
        payload={"code": "<b>bold</b>", "key_id": "a" * 40},
    )
    page = auditor.get("/ledger/").content.decode()
    assert "<b>bold" not in page and "&lt;b&gt;bold" in page
    assert "a" * 16 + "<wbr>" + "a" * 16 + "<wbr>" + "a" * 8 in page


def test_index_filters_by_kind_and_subject_and_pages_on(auditor):
    fill(2)
    fill(3, kind=EntryKind.PERSON_CREATED, subject_ref=SUBJECT)
    by_kind = auditor.get("/ledger/?kind=person.created").content.decode()
    assert "matching the filters" in by_kind
    by_subject = auditor.get(f"/ledger/?subject_ref={SUBJECT}&after_seq=3").content.decode()
    assert 'cell--numeric">4</td>' in by_subject and 'cell--numeric">3</td>' not in by_subject
    assert "First entries" in by_subject


def test_index_pages_through_a_long_ledger_keeping_the_filter(auditor):
    fill(60, kind=EntryKind.PERSON_CREATED, subject_ref=SUBJECT)
    page = auditor.get("/ledger/?kind=person.created").content.decode()
    assert "Next entries" in page
    links = re.findall(r'href="(/ledger/\?[^"#]+)#entries"', page)
    assert [link.replace("&amp;", "&") for link in links] == [
        "/ledger/?kind=person.created&after_seq=50"
    ]
    second = auditor.get(links[0].replace("&amp;", "&")).content.decode()
    assert seqs_shown(second) == list(range(51, 61))
    assert "Next entries" not in second and "First entries" in second


def test_index_runs_in_constant_queries(auditor, signing_key_file, django_assert_max_num_queries):
    fill(2)
    checkpoint_write(actor_ref="system:test")
    with django_assert_max_num_queries(30) as few:
        auditor.get("/ledger/")
    fill(80)
    for _ in range(3):
        checkpoint_write(actor_ref="system:test")
    with django_assert_max_num_queries(len(few.captured_queries)):
        auditor.get("/ledger/")


@pytest.mark.parametrize(
    "query,field,message",
    [
        ("kind=person.eaten", "kind", "Select a kind of entry"),
        ("subject_ref=Rowan+Smith", "subject_ref", "Enter the subject reference"),
        ("after_seq=-3", "after_seq", "must be 0 or more"),
        ("after_seq=ten", "after_seq", "whole number"),
    ],
)
def test_bad_filters_show_beside_the_field_and_in_the_summary(auditor, query, field, message):
    fill(2)
    before = snapshot()
    response = auditor.get(f"/ledger/?{query}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and f'href="#id_{field}"' in page
    assert message in page and "govuk-error-message" in page
    assert "<title>Error: " in page
    assert seqs_shown(page) == []
    assert snapshot() == before


def test_verify_button_shows_an_intact_ledger_and_writes_nothing(auditor):
    fill(3)
    before = snapshot()
    response = auditor.post("/ledger/verify/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ledger intact" in page and "3 entries checked" in page
    assert "&lt;code" not in page
    assert snapshot() == before


def test_verify_page_reports_a_tampered_chain(auditor):
    fill(4)
    tamper_kind(2)
    before = snapshot()
    page = auditor.post("/ledger/verify/").content.decode()
    assert "Ledger broken" in page
    assert "ledger broken at entry 2" in page
    assert snapshot() == before


def test_verify_page_checks_an_uploaded_checkpoint(auditor, signing_key_file):
    fill(2)
    kept = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    upload = SimpleUploadedFile("kept.json", json.dumps(kept).encode(), "application/json")
    page = auditor.post("/ledger/verify/", {"checkpoint": upload}).content.decode()
    assert "Ledger intact" in page
    forged = {**kept, "seq": 1}
    upload = SimpleUploadedFile("forged.json", json.dumps(forged).encode(), "application/json")
    page = auditor.post("/ledger/verify/", {"checkpoint": upload}).content.decode()
    assert "Ledger broken" in page and "signature does not verify" in page


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not json at all", "it is not JSON"),
        (b"\xff\xfe", "it is not JSON"),
        (b"[1, 2]", "it has no format, seq"),
        (b'{"seq": 3}', "it has no format, head_hash"),
        (b" " * (64 * 1024 + 1), "smaller than 64 KB"),
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_refused_beside_the_field(auditor, content, message):
    fill(1)
    before = snapshot()
    upload = SimpleUploadedFile("kept.json", content, "application/json")
    response = auditor.post("/ledger/verify/", {"checkpoint": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_checkpoint"' in page
    assert message in page
    assert "Ledger intact" not in page and "Ledger broken" not in page
    assert snapshot() == before


def test_write_a_checkpoint_appends_its_entry_and_offers_the_download(
    auditor, auditor_user, signing_key_file, tmp_path
):
    fill(2)
    response = auditor.post("/ledger/checkpoints/")
    checkpoint = Checkpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ledger/checkpoints/{checkpoint.pk}/"
    entry = Entry.objects.get(seq=3)
    assert entry.kind == EntryKind.LEDGER_CHECKPOINT
    assert entry.actor_ref == f"user:{auditor_user.pk}"
    assert checkpoint.head_hash == entry.hash
    detail = auditor.get(response["Location"]).content.decode()
    assert "Checkpoint at entry 3" in detail and checkpoint.head_hash in detail
    assert "&lt;code" not in detail

    download = auditor.get(f"/ledger/checkpoints/{checkpoint.pk}/export/")
    assert download["Content-Type"] == "application/json"
    assert 'filename="safeshare-ledger-checkpoint-3.json"' in download["Content-Disposition"]
    path = tmp_path / "kept.json"
    path.write_bytes(download.content)
    out = io.StringIO()
    call_command("ledger_verify", "--checkpoint", str(path), "--no-progress", stdout=out)
    assert out.getvalue().startswith(f"ledger intact: 3 entries, head {checkpoint.head_hash}")


def test_write_a_checkpoint_without_a_signing_key_says_which_setting(auditor, settings):
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = ""
    fill(1)
    before = snapshot()
    response = auditor.post("/ledger/checkpoints/")
    page = response.content.decode()
    assert response.status_code == 503
    assert "govuk-error-summary" in page and "SAFESHARE_LEDGER_SIGNING_KEY_FILE" in page
    assert snapshot() == before


def test_a_missing_checkpoint_is_the_not_found_page(auditor):
    assert auditor.get("/ledger/checkpoints/999/").status_code == 404
    assert auditor.get("/ledger/checkpoints/999/export/").status_code == 404


def test_pages_refuse_other_methods(auditor):
    assert auditor.post("/ledger/").status_code == 405
    assert auditor.delete("/ledger/checkpoints/").status_code == 405
