"""`safeshare keys generate`: write the key-encryption key and the ledger signing key.

Used by `make demo`; production keys come from the deployment's secret store.
"""

import base64
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


class Command(BaseCommand):
    help = "Generate the key-encryption key and the ledger signing key files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing", action="store_true", help="Leave existing key files untouched."
        )

    def handle(self, *args: Any, if_missing: bool, **options: Any) -> None:
        kek_file = settings.SAFESHARE_KEK_FILE
        signing_file = settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE
        if not kek_file or not signing_file:
            raise CommandError(
                "Set SAFESHARE_KEK_FILE and SAFESHARE_LEDGER_SIGNING_KEY_FILE "
                "to the paths to write."
            )
        targets: dict[Path, Callable[[], bytes]] = {
            Path(kek_file): lambda: base64.b64encode(os.urandom(32)) + b"\n",
            Path(signing_file): lambda: Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        }
        for path, make in targets.items():
            if path.exists():
                if if_missing:
                    continue
                raise CommandError(f"{path} exists; refusing to overwrite a key.")
            _write_private(path, make())
            self.stdout.write(f"Wrote {path}")
