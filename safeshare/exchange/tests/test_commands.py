"""`safeshare receipt verify`: a receipt holds against the ledger, a forged one does not."""

import io

import pytest
from django.core.management import call_command

from safeshare.access.tests.helpers import person_for
from safeshare.exchange.tests.helpers import pair, send

pytestmark = pytest.mark.django_db


def test_receipt_verify_command_accepts_a_true_receipt_and_refuses_a_forged_one():
    home, other, sender, _ = pair()
    share = send(sender, person_for(sender), other)
    out = io.StringIO()
    call_command(
        "receipt_verify",
        seq=share.sent_entry_seq,
        hash=share.sent_entry_hash,
        share=str(share.pk),
        stdout=out,
    )
    assert "receipt holds" in out.getvalue()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("receipt_verify", seq=share.sent_entry_seq, hash="f" * 64, stderr=err)
    assert exit_info.value.code == 1
    assert "different hash" in err.getvalue()
    with pytest.raises(SystemExit):
        call_command(
            "receipt_verify",
            seq=share.sent_entry_seq - 1,
            hash=share.sent_entry_hash,
            stderr=io.StringIO(),
        )
