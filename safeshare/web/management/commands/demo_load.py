"""`safeshare demo load`: load the fictional demo partnership and print the logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeshare.web.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the fictional demo partnership (only with SAFESHARE_DEMO=1)."

    def handle(self, *args, **options):
        if not settings.SAFESHARE_DEMO:
            raise CommandError("The demo partnership loads only with SAFESHARE_DEMO=1 (make demo).")
        logins = demo_load()
        self.stdout.write("Demo partnership loaded. Sign in at http://127.0.0.1:8000/sign-in/")
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<24} {', '.join(login.roles):<45} {login.agency}")
