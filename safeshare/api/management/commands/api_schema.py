"""`safeshare api schema [--check]`: write (or check) the committed OpenAPI file."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeshare.api.api import api

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def schema_text() -> str:
    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Export the OpenAPI document to docs/openapi.json, or check it has not drifted."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the file is stale.")

    def handle(self, *args, check: bool, **options):
        text = schema_text()
        if check:
            if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text() != text:
                raise CommandError(
                    f"{SCHEMA_PATH} is out of date: run `safeshare api schema` and commit it."
                )
            self.stdout.write("OpenAPI document is up to date.")
            return
        SCHEMA_PATH.write_text(text)
        self.stdout.write(f"Wrote {SCHEMA_PATH}")
