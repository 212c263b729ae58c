"""`safeshare ledger verify [--checkpoint FILE] [--records]`: re-compute the hash chain.

Exit status 0 and ``ledger intact: N entries, head <hash>`` when every entry and
checkpoint checks out; exit status 1 and ``ledger broken at entry N: <reason>``
at the first bad entry (issue #3 item 5). With ``--records`` it also compares
the records that hold a receipt (shares) with their ledger entries and names
each one that disagrees (issue #6 item 6). Auditors run it; it writes nothing.

The command is casework's because the record checks it runs are other apps'
(the list in ``casework.integrity``); the chain check is the ledger's own.
"""

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from safeshare.casework.integrity import RECORD_CHECKS
from safeshare.ledger import signing
from safeshare.ledger.records import verify_records
from safeshare.ledger.verify import verify_chain


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper, label: str = "verifying") -> None:
        self.stream = stream
        self.label = label
        self.last_draw = 0.0
        self.drawn = False

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        fraction = done / total if total else 1.0
        filled = int(self.WIDTH * fraction)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {fraction:4.0%} {done}/{total} entries", ending=""
        )
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("")


class Command(BaseCommand):
    help = "Re-compute the ledger's hash chain and check it against signed checkpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="A checkpoint exported by `safeshare ledger checkpoint --export`.",
        )
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            help="PEM public key that must have signed the checkpoint "
            "(default: the configured signing key).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Draw no progress bar.")
        parser.add_argument(
            "--records",
            action="store_true",
            help="Also compare each record holding a receipt (a share) with its ledger entry.",
        )

    def handle(
        self,
        *args: Any,
        checkpoint: str | None = None,
        public_key: str | None = None,
        no_progress: bool = False,
        records: bool = False,
        **options: Any,
    ) -> None:
        document = _read_json(checkpoint) if checkpoint else None
        trusted = None
        if public_key:
            try:
                key = signing.load_public_key(Path(public_key).read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read the public key {public_key}: {error}") from error
            trusted = {signing.public_key_id(key)}
        bar = None if no_progress else ProgressBar(self.stderr)
        result = verify_chain(
            checkpoint=document,
            trusted_key_ids=trusted,
            progress=bar.update if bar else None,
        )
        if bar:
            bar.finish()
        failed = not result.ok
        if failed:
            self.stderr.write(str(result))
        else:
            self.stdout.write(str(result))
        if records:
            failed = self._check_records() or failed
        if failed:
            raise SystemExit(1)

    def _check_records(self) -> bool:
        """Report each record check; True when any record disagrees with the ledger."""
        failed = False
        for report in verify_records(RECORD_CHECKS):
            if not report.bad:
                self.stdout.write(f"{report.name} agree with the ledger: {report.checked} checked")
                continue
            failed = True
            self.stderr.write(
                f"{report.name} disagree with the ledger: {report.bad} of {report.checked}"
            )
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            if report.bad > len(report.problems):
                self.stderr.write(f"  ... and {report.bad - len(report.problems)} more")
        return failed


def _read_json(path: str) -> Any:
    """The file's JSON, whatever it holds: verify_chain judges its shape."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"cannot read the checkpoint file {path}: {error.strerror}") from error
    except ValueError as error:
        raise CommandError(f"the checkpoint file {path} is not JSON: {error}") from error
