"""Demo sign-in: fixed TOTP secrets for the fictional demo staff.

`make demo` must print a way a person can really sign in (issue #3 item 3).
Each demo user gets a confirmed authenticator whose secret is derived from
their username, so the printed secrets stay the same from run to run. There
is no bypass of the code step: the person adds the secret to an
authenticator app, or asks `safeshare demo code USERNAME` for the current
code. Both refuse unless SAFESHARE_DEMO is set.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies import services
from safeshare.agencies.models import User
from safeshare.ledger.services import system_actor_ref
from safeshare.web.two_factor import current_code, secret_base32


def require_demo() -> None:
    if not settings.SAFESHARE_DEMO:
        raise ImproperlyConfigured("Demo sign-in helpers work only with SAFESHARE_DEMO=1.")


def demo_totp_key(username: str) -> str:
    """A fixed, public 20-byte key (hex) for a demo user. Never for real accounts."""
    return hashlib.sha1(f"safeshare demo authenticator {username}".encode()).hexdigest()


@transaction.atomic
def demo_devices_ensure(usernames: list[str]) -> dict[str, str]:
    """Give each demo user a confirmed authenticator with their fixed secret.

    Returns the base32 secret per username, for printing.
    """
    require_demo()
    secrets: dict[str, str] = {}
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = services.totp_device_start(user=user, key=demo_totp_key(user.username))
            services.totp_device_confirm(
                user=user, device=device, actor_ref=system_actor_ref("demo_load")
            )
        secrets[user.username] = secret_base32(device)
    return secrets


def demo_code(username: str) -> str:
    """The code a demo user's authenticator shows now."""
    require_demo()
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise LookupError(f"{username} is not a demo user with an authenticator.")
    return current_code(device)
