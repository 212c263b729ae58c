"""`safeshare admin bootstrap`: create the first administrator of a new installation.

The password is read from standard input (never an argument, which would sit
in the shell history and the process list).
"""

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeshare.agencies.selectors import agency_get_by_code
from safeshare.agencies.services import administrator_bootstrap


class Command(BaseCommand):
    help = "Create the first administrator (refused once one exists). Password on stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--agency", required=True, help="The agency's code.")

    def handle(self, *args: Any, username: str, email: str, agency: str, **options: Any) -> None:
        found = agency_get_by_code(agency)
        if found is None:
            raise CommandError(f"agency: no agency has the code {agency!r}.")
        password = sys.stdin.readline().rstrip("\n")
        try:
            user = administrator_bootstrap(
                username=username, email=email, password=password, agency=found
            )
        except ValidationError as error:
            lines = [
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            ]
            raise CommandError("\n".join(lines)) from error
        self.stdout.write(
            f"Administrator {user.username} created. Sign in to set up two-factor authentication."
        )
