"""`safeshare demo code USERNAME`: the sign-in code a demo user's app would show now.

Only for the fictional demo (SAFESHARE_DEMO=1, set by `make demo`); it refuses
anywhere else. It reads the demo user's fixed secret, so it is no bypass:
the web sign-in still checks the code like any other.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeshare.demo.sign_in import demo_code


class Command(BaseCommand):
    help = "Print a demo user's current 6-digit sign-in code (only with SAFESHARE_DEMO=1)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if not settings.SAFESHARE_DEMO:
            raise CommandError("Demo sign-in codes exist only in the demo (SAFESHARE_DEMO=1).")
        try:
            code = demo_code(options["username"])
        except LookupError as error:
            raise CommandError(str(error)) from None
        seconds = 30 - int(time.time()) % 30
        self.stdout.write(code)
        self.stderr.write(f"(valid for about {seconds} more seconds, and once only)")
