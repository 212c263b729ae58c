"""`safeshare demo load`: load the fictional demo partnership and print how to sign in."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeshare.demo.partnership import DEMO_PASSWORD, demo_load
from safeshare.demo.sign_in import demo_devices_ensure


class Command(BaseCommand):
    help = "Load the fictional demo partnership (only with SAFESHARE_DEMO=1)."

    def handle(self, *args, **options):
        if not settings.SAFESHARE_DEMO:
            raise CommandError("The demo partnership loads only with SAFESHARE_DEMO=1 (make demo).")
        logins = demo_load()
        secrets = demo_devices_ensure([login.username for login in logins])
        base_url = settings.SAFESHARE_BASE_URL.rstrip("/")
        write = self.stdout.write
        write("")
        write(f"Demo partnership loaded. Sign in at {base_url}/sign-in/")
        write(f"  1. Username: one of those below. Password (every demo user): {DEMO_PASSWORD}")
        write("  2. Code: add the user's secret to an authenticator app (for example")
        write("     FreeOTP, Aegis or Google Authenticator: 'enter a setup key', time-based)")
        write("     and type the 6-digit code it shows; or, in another terminal, run")
        write("       SAFESHARE_DEMO=1 .venv/bin/safeshare demo code USERNAME")
        write("     A code works once, for about 30 seconds.")
        write("")
        write(f"  {'username':<24} {'authenticator secret':<34} {'roles':<44} agency")
        for login in logins:
            write(
                f"  {login.username:<24} {secrets.get(login.username, '-'):<34} "
                f"{', '.join(login.roles):<44} {login.agency}"
            )
        write("")
