from __future__ import annotations

import hashlib
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A person who signs in. What they may do depends on their organisation memberships."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_user(self, user: User) -> ApiTokenQuerySet:
        """A person's own tokens: tokens are personal, so nobody else ever sees them."""
        return self.filter(user=user)

    def unrevoked(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def live(self) -> ApiTokenQuerySet:
        """Tokens that may still be used: not revoked and not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal token for the JSON API. Only a hash of the secret is kept."""

    PREFIX = "lst_"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, shown so a person can tell their tokens apart.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @staticmethod
    def hash_key(key: str) -> str:
        # Tokens are long random strings, so a fast hash is enough: there is nothing to
        # brute-force that a slow password hash would protect.
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
