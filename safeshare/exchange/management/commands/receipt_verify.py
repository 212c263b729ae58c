"""`safeshare receipt verify --seq N --hash H [--share ID]`: check a share's receipt.

A receipt is the sequence number and hash of the ledger entry that recorded
the share's sending (issue #4 item 10). The receipt holds when the entry at
that position has that hash, records a share (this one, with --share), and the
whole chain verifies as `safeshare ledger verify` does. Exit status 0 when it
holds, 1 when it does not. Writes nothing.
"""

from django.core.management.base import BaseCommand

from safeshare.exchange.receipts import receipt_verify


class Command(BaseCommand):
    help = "Check a share receipt (ledger sequence number and hash) against the ledger."

    def add_arguments(self, parser):
        parser.add_argument("--seq", type=int, required=True, help="The receipt's entry number.")
        parser.add_argument("--hash", required=True, help="The receipt's entry hash (hex).")
        parser.add_argument("--share", default=None, help="The share's id, to check it too.")

    def handle(self, *args, seq: int, hash: str, share: str | None = None, **options):
        check = receipt_verify(seq=seq, hash=hash.strip().lower(), share_id=share, full=True)
        if not check.ok:
            self.stderr.write(f"receipt does not hold: {check.reason}")
            raise SystemExit(1)
        self.stdout.write(check.reason)
