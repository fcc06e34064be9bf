"""Changes to user accounts and API tokens."""

from __future__ import annotations

import datetime
import logging
import re
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lodestar.accounts.models import ApiToken, User
from lodestar.accounts.otp import (
    code_problem,
    confirmed_device,
    is_administrator,
    unconfirmed_device,
)
from lodestar.audit.services import record_create, record_update, snapshot

# Account changes belong to no one organisation: their audit entries have none (see
# AuditEntry.organisation), and they are also logged for whoever watches the server.
log = logging.getLogger("lodestar.accounts")
# What the trail keeps of a token: enough to tell it apart, never its secret or hash.
TOKEN_AUDIT_FIELDS = ("uuid", "name", "hint")
# What the trail keeps of an account made through single sign-on.
USER_AUDIT_FIELDS = ("uuid", "username", "email", "first_name", "last_name")
# The key under which two-factor changes are recorded on the user's entry.
TWO_FACTOR_KEY = "two_factor_devices"


@transaction.atomic
def find_or_create_user(
    actor: User, username_or_email: str, full_name: str = "", email: str = ""
) -> tuple[User, str]:
    """Find an account by username or email, or make one with a temporary password.

    Returns the user and the temporary password ("" for an existing account). The
    password is shown once to the administrator who made the account and never stored.
    """
    key = username_or_email.strip()
    existing = User.objects.filter(Q(username__iexact=key) | Q(email__iexact=key)).first()
    if existing is not None:
        return existing, ""
    if "@" in key:
        email, key = key, key.split("@", 1)[0]
    if not full_name.strip():
        # Named by field, so the form can point the person at the box to fill in.
        raise ValidationError(
            {
                "full_name": f"There is no account called {username_or_email!r}. "
                "Give a full name to make a new account."
            }
        )
    first, _, last = full_name.strip().partition(" ")
    password = secrets.token_urlsafe(12)
    user = User(username=key, first_name=first, last_name=last, email=email)
    user.full_clean(exclude=["password"])
    user.set_password(password)
    user.save()
    record_create(actor, None, user, "Made with a temporary password", fields=USER_AUDIT_FIELDS)
    log.info("%s made account %s", actor.username, user.username)
    return user, password


# What a person may choose when making a token; None means it never expires.
TOKEN_LIFETIMES_DAYS: tuple[int | None, ...] = (30, 90, 365, None)
_TOKEN_NAME_MAX = ApiToken._meta.get_field("name").max_length or 100


@transaction.atomic
def create_api_token(
    user: User, name: str, expires_in_days: int | None = 90
) -> tuple[ApiToken, str]:
    """Make a token and return it with its secret, which is shown once and never kept."""
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the token, so you can tell it apart later.")
    if len(name) > _TOKEN_NAME_MAX:
        raise ValidationError(f"Token names must be {_TOKEN_NAME_MAX} characters or fewer.")
    if expires_in_days is not None and expires_in_days < 1:
        raise ValidationError("A token must last at least one day.")
    key = ApiToken.new_key()
    expires_at = None
    if expires_in_days is not None:
        expires_at = timezone.now() + datetime.timedelta(days=expires_in_days)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=ApiToken.hash_key(key),
        hint=key[:10],
        expires_at=expires_at,
    )
    record_create(user, None, token, fields=TOKEN_AUDIT_FIELDS)
    log.info("%s made API token %s (%s)", user.username, token.uuid, token.hint)
    return token, key


@transaction.atomic
def revoke_api_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ValidationError("You can only revoke your own tokens.")
    if token.revoked_at is not None:
        raise ValidationError(f"The token {token.name!r} was already revoked.")
    fields = (*TOKEN_AUDIT_FIELDS, "revoked_at")
    before = snapshot(token, fields)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_update(user, None, token, before, fields=fields)
    log.info("%s revoked API token %s (%s)", user.username, token.uuid, token.hint)


def authenticate_api_token(key: str) -> User | None:
    token = (
        ApiToken.objects.live()
        .select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # Recording every use would write on every request; once a minute is enough to
    # show people which tokens are in use.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    """Set a new password; the caller has already checked the current one."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Only the fact of the change: no hash, old or new, goes in the trail.
    record_update(user, None, user, {"password": None}, extra={"password": "changed"}, fields=())
    log.info("%s changed their password", user.username)


# Characters Django's username validator allows; anything else in an email address
# (an apostrophe, say) is dropped when the address becomes a username.
_NOT_USERNAME_CHARS = re.compile(r"[^\w.@+-]")


@transaction.atomic
def create_single_sign_on_user(email: str, first_name: str = "", last_name: str = "") -> User:
    """Make an account for someone their organisation's identity provider vouches for.

    They sign in only through the provider, so the account has no usable password.
    """
    email = email.strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"There is already an account with the email address {email}.")
    user = User(
        username=_free_username(email),
        email=email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record_create(None, None, user, "Made through single sign-on", fields=USER_AUDIT_FIELDS)
    log.info("Made account %s for %s through single sign-on", user.username, email)
    return user


def _free_username(email: str) -> str:
    base = _NOT_USERNAME_CHARS.sub("", email.lower())[:140] or "user"
    username = base
    while User.objects.filter(username__iexact=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    return username


def update_names_from_single_sign_on(user: User, first_name: str, last_name: str) -> User:
    """Keep a person's name as their organisation records it; blank claims change nothing."""
    changed = []
    for field, claimed in (("first_name", first_name), ("last_name", last_name)):
        value = claimed.strip()[:150]
        if value and getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user


def start_two_factor_setup(user: User) -> TOTPDevice:
    """Give the user an unconfirmed device to add to their app, reusing one already made.

    Reusing it means reloading the page does not change the QR code they may have
    just scanned.
    """
    if confirmed_device(user) is not None:
        raise ValidationError("Two-factor authentication is already on for your account.")
    device = unconfirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm_two_factor(user: User, device: TOTPDevice, code: str) -> None:
    """Turn two-factor authentication on once the user proves their app makes good codes."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError("This set-up has expired. Start setting up again.")
    with transaction.atomic():
        problem = code_problem(device, code)
        if not problem:
            before = _two_factor_devices(user)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            _record_two_factor(user, user, before)
    if problem:
        raise ValidationError(problem)
    log.info("%s turned on two-factor authentication", user.username)


def verify_second_factor(user: User, code: str) -> TOTPDevice:
    """Return the user's device if `code` is right; raise a ValidationError saying why not."""
    # The problem is raised only after the transaction commits, so that a wrong code is
    # still counted towards the device's throttling.
    with transaction.atomic():
        device: TOTPDevice | None = (
            TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update().first()
        )
        if device is None:
            problem = "Two-factor authentication is not on for your account."
        else:
            problem = code_problem(device, code)
    if problem or device is None:
        raise ValidationError(problem)
    return device


def turn_off_two_factor(user: User, code: str) -> None:
    if settings.REQUIRE_ADMIN_2FA and is_administrator(user):
        raise ValidationError(
            "Administrators must keep two-factor authentication on. If you have a new "
            "phone, ask the people who run Lodestar to reset it for you."
        )
    verify_second_factor(user, code)
    with transaction.atomic():
        before = _two_factor_devices(user)
        TOTPDevice.objects.filter(user=user).delete()
        _record_two_factor(user, user, before)
    log.info("%s turned off two-factor authentication", user.username)


def reset_two_factor(user: User) -> int:
    """Remove a person's devices when they have lost their phone; run from the console.

    Returns how many devices were removed. They can sign in with their password and
    set up a new device (administrators are asked to at once).
    """
    with transaction.atomic():
        before = _two_factor_devices(user)
        removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
        _record_two_factor(None, user, before, "Reset from the console")
    log.warning("Two-factor authentication reset for %s from the console", user.username)
    return removed


def _two_factor_devices(user: User) -> list[dict[str, object]]:
    """A person's confirmed devices as the trail records them: name and flag, no secret."""
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id")
    return [{"name": d.name, "confirmed": d.confirmed} for d in devices]


def _record_two_factor(
    actor: User | None, user: User, before: list[dict[str, object]], reason: str = ""
) -> None:
    """Record a change to the user's confirmed devices; nothing if there was none."""
    after = _two_factor_devices(user)
    record_update(
        actor,
        None,
        user,
        {TWO_FACTOR_KEY: before},
        reason,
        extra={TWO_FACTOR_KEY: after},
        fields=(),
    )
