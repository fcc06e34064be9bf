"""Helpers for tests of two-factor authentication and single sign-on."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lodestar.accounts.models import User

OIDC_SETTINGS: dict[str, object] = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": "lodestar-test",
    "OIDC_RP_CLIENT_SECRET": "test-client-secret",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.test/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.test/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.test/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.test/keys",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_CREATE_USER": False,
    "LOGIN_REDIRECT_URL_FAILURE": "accounts:login",
    "ROOT_URLCONF": "lodestar.accounts.tests.oidc_urls",
}


def make_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=confirmed
    )
    return device


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app would show for `device` now."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    right = int(code_for(device))
    return f"{(right + 500_000) % 1_000_000:06d}"
