"""Reads and helpers for two-factor authentication with time-based codes (TOTP).

Changes (setting up, confirming, turning off) live in services.py; this module only
answers questions and draws the QR code.
"""

from __future__ import annotations

import base64
import math
import xml.etree.ElementTree as ET

import qrcode
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from lodestar.accounts.models import User
from lodestar.core.models import Membership
from lodestar.core.roles import Role

# Set at sign-in for a user who has a confirmed device, cleared once they enter a code.
# Keeping it in the session means the middleware makes no query on ordinary requests.
SECOND_FACTOR_DUE = "lodestar_second_factor_due"


def confirmed_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    return device


def unconfirmed_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-id").first()
    )
    return device


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.devices_for_user(user, confirmed=True).exists())


def is_administrator(user: User) -> bool:
    """Administrators of any organisation, and site superusers, hold the keys to others' data."""
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for people who cannot scan the QR code."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    svg = image.get_image()
    # A fixed pixel size keeps the code scannable, and the role and label let screen
    # readers say what it is rather than skipping it or reading path data.
    svg.set("width", "200")
    svg.set("height", "200")
    svg.set("role", "img")
    svg.set("aria-labelledby", "qr-code-title")
    svg.set("class", "lodestar-qr-code")
    title = ET.Element("title", id="qr-code-title")
    title.text = "QR code to add Lodestar to your authenticator app"
    svg.insert(0, title)
    # The markup is generated here from the device's own key, never from user input.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def code_problem(device: TOTPDevice, code: str) -> str:
    """Check `code` against `device`; return what is wrong with it, or "" if it is right.

    The device counts failures and makes people wait longer after each one, so codes
    cannot be guessed. Call inside a transaction that is allowed to commit: the count
    must be saved even though the code was wrong.
    """
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until")
        seconds = 1
        if locked_until is not None:
            seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        return (
            f"You have entered too many wrong codes. Wait {seconds} seconds, "
            "then enter the newest code from your authenticator app."
        )
    if not device.verify_token(code):
        return (
            "That code is not right. Enter the code your authenticator app shows now "
            "(each code works only once)."
        )
    return ""
