"""Showing a TOTP secret to the person setting up their authenticator app.

The QR code is drawn on the server as inline SVG (no script, no image
request); the same secret is shown as text for people who cannot scan it.
"""

import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup

from safeshare.agencies import services
from safeshare.agencies.models import User


def device_for_set_up(*, user: User) -> TOTPDevice:
    return services.totp_device_start(user=user)


def device_confirm(*, user: User, device: TOTPDevice) -> TOTPDevice:
    return services.totp_device_confirm(user=user, device=device)


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii")


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps accept it."""
    secret = secret_base32(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (demo helper and tests only)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def qr_code_svg(device: TOTPDevice) -> Markup:
    """An inline SVG QR code of the device's otpauth:// address."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # A fixed width in CSS pixels; role and label for assistive technology.
    svg = re.sub(r' width="[^"]*" height="[^"]*"', ' width="200" height="200"', svg, count=1)
    svg = svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code of your sign-in secret" '
        'class="safeshare-qr-code" focusable="false" ',
        1,
    )
    return Markup(svg)
