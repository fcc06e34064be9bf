"""Writing and checking the audit trail.

Domain services call `record_create`, `record_update` or `record_delete` inside their
own transaction, so a change and its audit entry are saved together or not at all.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from lodestar.audit.chain import GENESIS_HASH, Break, first_break
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Organisation

if TYPE_CHECKING:
    from lodestar.accounts.models import User

# Any fixed number will do: it names the lock that serialises writers of the chain.
_CHAIN_LOCK_ID = 7_240_001
# Fields that change on every save and say nothing a reader needs.
_SKIPPED_FIELDS = {"id", "updated_at", "created_at", "password"}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        # A stored file is recorded by its name in storage, not its contents.
        return value.name or ""
    return value


def _describe(related: models.Model | None) -> str | None:
    """A linked record as people read it, with its identity: "Name (uuid)"."""
    if related is None:
        return None
    identity = getattr(related, "uuid", related.pk)
    return f"{related} ({identity})"


def snapshot(instance: models.Model, fields: Collection[str] | None = None) -> dict[str, Any]:
    """The instance's own field values as JSON-safe data; links by name and identity.

    `fields` limits it to the fields named, for records that hold secrets (a token's hash).
    """
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED_FIELDS or (fields is not None and field.name not in fields):
            continue
        if field.is_relation:
            value = _describe(getattr(instance, field.name))
        else:
            value = field.value_from_object(instance)
        data[field.name] = _json_value(value)
    return data


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = sorted(set(before) | set(after))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def _lock_chain() -> None:
    # PostgreSQL: an advisory lock held to the end of the transaction stops two writers
    # both reading the same "previous hash". SQLite needs nothing: its transactions are
    # IMMEDIATE (see lodestar.env), so writers already queue one at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def _append(
    *,
    actor: User | None,
    action: AuditEntry.Action,
    organisation: Organisation | None,
    instance: models.Model,
    changes: dict[str, list[Any]],
    reason: str,
) -> AuditEntry:
    # Entries name their record by uuid: every BaseModel has one, and so do users and tokens.
    object_uuid = getattr(instance, "uuid", None)
    if not isinstance(object_uuid, uuid.UUID):
        raise TypeError(f"{instance._meta.label} has no uuid, so the audit trail cannot name it.")
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        entry = AuditEntry(
            created_at=timezone.now(),
            organisation=organisation,
            actor=actor,
            actor_label=actor.username if actor else "system",
            action=action,
            model_label=instance._meta.label_lower,
            object_uuid=object_uuid,
            object_repr=str(instance)[:300],
            changes=changes,
            reason=reason,
            prev_hash=last or GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        return entry


def record_create(
    actor: User | None,
    organisation: Organisation | None,
    instance: models.Model,
    reason: str = "",
    *,
    extra: dict[str, Any] | None = None,
    fields: Collection[str] | None = None,
) -> AuditEntry:
    """`extra` holds what a snapshot cannot see, such as many-to-many links.

    `organisation` is None for an account event, which belongs to no organisation;
    `fields` limits what is recorded (see `snapshot`).
    """
    changes = _diff({}, snapshot(instance, fields) | (extra or {}))
    return _append(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        organisation=organisation,
        instance=instance,
        changes=changes,
        reason=reason,
    )


def record_update(
    actor: User | None,
    organisation: Organisation | None,
    instance: models.Model,
    before: dict[str, Any],
    reason: str = "",
    *,
    extra: dict[str, Any] | None = None,
    fields: Collection[str] | None = None,
) -> AuditEntry | None:
    """Record what changed since `before` (a `snapshot`); nothing if nothing changed.

    `extra` adds what a snapshot cannot see, such as many-to-many links; put the same
    keys in `before`. `fields` limits the snapshot as it limited `before`.
    """
    changes = _diff(before, snapshot(instance, fields) | (extra or {}))
    if not changes:
        return None
    return _append(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        organisation=organisation,
        instance=instance,
        changes=changes,
        reason=reason,
    )


def record_delete(
    actor: User | None,
    organisation: Organisation | None,
    instance: models.Model,
    before: dict[str, Any],
    reason: str = "",
) -> AuditEntry:
    return _append(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        organisation=organisation,
        instance=instance,
        changes=_diff(before, {}),
        reason=reason,
    )


def verify_chain() -> tuple[int, Break | None]:
    """Check the whole trail from the first entry; return the count read and the first break."""
    entries = AuditEntry.objects.select_related("organisation").order_by("id")
    return first_break(entry.as_link() for entry in entries.iterator(2000))
