"""The audit trail: an append-only, hash-chained record of every change.

Each entry carries a SHA-256 hash over its own content and the previous entry's hash,
so altering or deleting a row directly in the database breaks the chain at that row and
`lodestar audit verify` can name it. The app itself never updates or deletes an entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from lodestar.audit.chain import GENESIS_HASH, Link, entry_hash
from lodestar.core.models import Organisation

__all__ = ["GENESIS_HASH", "AuditEntry", "AuditEntryImmutableError"]


class AuditEntryImmutableError(Exception):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_record(self, model_label: str, object_uuid: uuid.UUID) -> AuditEntryQuerySet:
        """Every entry about one record, newest first, for its history page."""
        return self.filter(model_label=model_label, object_uuid=object_uuid).order_by("-id")

    def in_organisation(self, organisation: Organisation) -> AuditEntryQuerySet:
        return self.filter(organisation=organisation).order_by("-id")

    def about_account(self, object_uuids: Iterable[uuid.UUID]) -> AuditEntryQuerySet:
        """Account events (no organisation) about these records, newest first.

        Pass a person's own uuid and their tokens' uuids to get their account's history.
        """
        return self.filter(organisation__isnull=True, object_uuid__in=list(object_uuids)).order_by(
            "-id"
        )

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditEntryImmutableError("Audit entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditEntryImmutableError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField()
    # No organisation: an account event (a token, a password, two-factor), which belongs
    # to the person rather than to any one organisation they work in.
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    # The user is kept as a link and as text: the text is what the hash covers, so the
    # entry still reads true if the account is later renamed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    model_label = models.CharField(max_length=100)
    object_uuid = models.UUIDField()
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["model_label", "object_uuid"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEntryImmutableError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEntryImmutableError("Audit entries cannot be deleted.")

    @property
    def model_verbose_name(self) -> str:
        return self.model_label.split(".")[-1].replace("_", " ")

    def hashed_content(self) -> dict[str, Any]:
        """What the hash covers: everything that says what happened, and the chain link."""
        # An account event hashes its organisation as null. Entries with an organisation
        # hash exactly as they did before account events existed, so older chains verify.
        organisation = self.organisation
        return {
            "uuid": str(self.uuid),
            "created_at": self.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "organisation": str(organisation.uuid) if organisation is not None else None,
            "actor": self.actor_label,
            "action": self.action,
            "model": self.model_label,
            "object": str(self.object_uuid),
            "object_repr": self.object_repr,
            "changes": self.changes,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return entry_hash(self.hashed_content())

    def as_link(self) -> Link:
        return Link(self.pk, str(self.uuid), self.prev_hash, self.hash, self.hashed_content())
