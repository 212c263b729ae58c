"""`safeshare ledger checkpoint [--export FILE]`: sign the ledger's head.

Run on demand and periodically (cron or a timer); each agency keeps the exported
file, so a later rewrite or truncation of the log is detectable (issue #3 item 5).
"""

import json
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeshare.ledger.services import checkpoint_export, checkpoint_write, system_actor_ref


class Command(BaseCommand):
    help = "Write a signed checkpoint of the ledger's head; optionally export it as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--export", metavar="FILE", help="Write the checkpoint as JSON for agencies to keep."
        )

    def handle(self, *args: Any, export: str | None = None, **options: Any) -> None:
        try:
            checkpoint = checkpoint_write(actor_ref=system_actor_ref("ledger_checkpoint"))
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if export:
            document = json.dumps(checkpoint_export(checkpoint), indent=2, sort_keys=True)
            path = Path(export)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                tmp.write_text(document + "\n", encoding="utf-8")
                tmp.replace(path)
            except OSError as error:
                raise CommandError(
                    f"checkpoint at entry {checkpoint.seq} was written, but exporting it to "
                    f"{export} failed: {error.strerror}"
                ) from error
        self.stdout.write(
            f"checkpoint at entry {checkpoint.seq}, head {checkpoint.head_hash}"
            + (f", exported to {export}" if export else "")
        )
