import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Checkpoint, Entry
from safeshare.ledger.services import ledger_append

from . import tamper
from .test_concurrency import _database_url

SAFESHARE = Path(sys.executable).with_name("safeshare")


def fill(count):
    for n in range(count):
        ledger_append(
            kind=EntryKind.AGENCY_UPDATED,
            actor_ref="system:test",
            agency_ref=None,
            subject_ref=None,
            payload={"n": n},
        )


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ledger_verify", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_verify_intact_ledger_exits_zero_with_a_progress_bar():
    fill(3)
    head = Entry.objects.get(seq=3).hash

    code, out, err = verify()

    assert code == 0
    assert out.strip() == f"ledger intact: 3 entries, head {head}"
    assert "100% 3/3 entries" in err


@pytest.mark.django_db
def test_verify_broken_ledger_exits_one_naming_the_entry():
    fill(4)
    tamper.set_column(2, "kind", EntryKind.PERSON_SHREDDED.value)

    code, out, err = verify("--no-progress")

    assert code == 1
    assert out == ""
    assert err.startswith("ledger broken at entry 2: ")


@pytest.mark.django_db
def test_checkpoint_command_exports_a_file_that_verify_accepts(signing_key_file, tmp_path):
    fill(2)
    export = tmp_path / "agency" / "checkpoint.json"
    out = io.StringIO()

    call_command("ledger_checkpoint", "--export", str(export), stdout=out)

    checkpoint = Checkpoint.objects.get()
    assert out.getvalue().startswith(f"checkpoint at entry 3, head {checkpoint.head_hash}")
    document = json.loads(export.read_text())
    assert (document["seq"], document["head_hash"]) == (3, checkpoint.head_hash)
    assert Entry.objects.get(seq=3).actor_ref == "system:ledger_checkpoint"
    assert verify("--checkpoint", str(export))[0] == 0


@pytest.mark.django_db
def test_verify_with_checkpoint_detects_truncation(signing_key_file, tmp_path):
    fill(3)
    export = tmp_path / "checkpoint.json"
    call_command("ledger_checkpoint", "--export", str(export), stdout=io.StringIO())
    tamper.delete_after(2)

    code, _, err = verify("--checkpoint", str(export), "--no-progress")

    assert code == 1
    assert "ledger broken at entry 3:" in err
    assert "removed from the end" in err


@pytest.mark.django_db
def test_verify_with_a_forged_checkpoint_exits_one(signing_key_file, tmp_path):
    fill(3)
    export = tmp_path / "checkpoint.json"
    call_command("ledger_checkpoint", "--export", str(export), stdout=io.StringIO())
    document = json.loads(export.read_text())
    document["seq"] = 2
    export.write_text(json.dumps(document))

    code, _, err = verify("--checkpoint", str(export), "--no-progress")

    assert code == 1
    assert "signature does not verify" in err


@pytest.mark.django_db
def test_verify_trusts_a_named_public_key(signing_key_file, settings, tmp_path):
    fill(1)
    export = tmp_path / "checkpoint.json"
    call_command("ledger_checkpoint", "--export", str(export), stdout=io.StringIO())
    public_key = tmp_path / "public.pem"
    public_key.write_text(json.loads(export.read_text())["public_key"])
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = ""

    assert verify("--checkpoint", str(export))[0] == 1
    assert verify("--checkpoint", str(export), "--public-key", str(public_key))[0] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("content", [None, "not json"])
def test_verify_with_an_unreadable_checkpoint_file_is_a_command_error(tmp_path, content):
    path = tmp_path / "checkpoint.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(CommandError, match="checkpoint file"):
        call_command("ledger_verify", "--checkpoint", str(path))


@pytest.mark.django_db
def test_checkpoint_command_without_a_key_is_a_command_error(settings):
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = ""

    with pytest.raises(CommandError, match="SAFESHARE_LEDGER_SIGNING_KEY_FILE"):
        call_command("ledger_checkpoint")

    assert not Entry.objects.exists()


def run_safeshare(*args, env_extra=None):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE")
        or "safeshare.config.settings.test",
        **(env_extra or {}),
    }
    return subprocess.run(
        [str(SAFESHARE), *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db(transaction=True)
def test_safeshare_ledger_verify_exit_codes_from_the_console(signing_key_file, tmp_path):
    fill(5)
    export = tmp_path / "checkpoint.json"
    key_env = {"SAFESHARE_LEDGER_SIGNING_KEY_FILE": str(signing_key_file)}

    made = run_safeshare("ledger", "checkpoint", "--export", str(export), env_extra=key_env)
    assert made.returncode == 0, made.stderr
    intact = run_safeshare("ledger", "verify", "--checkpoint", str(export), env_extra=key_env)
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("ledger intact: 6 entries, head ")
    assert "100%" in intact.stderr

    tamper.delete(3)
    broken = run_safeshare("ledger", "verify", env_extra=key_env)

    assert broken.returncode == 1
    assert "ledger broken at entry 3: the entry is missing" in broken.stderr
