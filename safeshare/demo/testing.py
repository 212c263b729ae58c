"""Test support: a client signed in with both factors, without typing a code.

Never used by the application. Tests of pages other than sign-in itself call
`sign_in_verified(client, user)`; `Client.force_login` alone gives a session
without a second factor, which every page refuses.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies.models import User
from safeshare.web.sign_in import STAFF_BACKEND, lifetime_start
from safeshare.web.two_factor import current_code

__all__ = ["STAFF_BACKEND", "code_for", "sign_in_verified", "totp_device"]


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, created if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return device


def sign_in_verified(client: Client, user: User) -> TOTPDevice:
    """Sign the client in as `user` with a verified second factor."""
    device = totp_device(user)
    client.force_login(user, backend=STAFF_BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    lifetime_start(session)
    session.save()
    return device


def code_for(user: User) -> str:
    """The code the user's authenticator app shows now."""
    return current_code(totp_device(user))
