"""Changes to user accounts and API tokens."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lodestar.accounts.models import ApiToken, User


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
        raise ValidationError(
            f"There is no account called {username_or_email!r}. "
            "Give a full name to make a new account."
        )
    first, _, last = full_name.strip().partition(" ")
    password = secrets.token_urlsafe(12)
    user = User(username=key, first_name=first, last_name=last, email=email)
    user.full_clean(exclude=["password"])
    user.set_password(password)
    user.save()
    return user, password


@transaction.atomic
def create_api_token(
    user: User, name: str, expires_in_days: int | None = 90
) -> tuple[ApiToken, str]:
    """Make a token and return it with its secret, which is shown once and never kept."""
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
    return token, key


def revoke_api_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ValidationError("You can only revoke your own tokens.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


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
