"""Whole-database backups in one JSON file, and restoring one into an empty database.

A backup is Django's serialized form of every row of every installed app, under a header
that names the migrations that made the schema and counts the rows of each model. The
header lets a restore refuse a file that does not fit before it changes anything, and
check afterwards that every row arrived. Content types, permissions and sessions are left
out: `migrate` recreates the first two (rows refer to them by natural key, so their ids
may differ) and sessions only sign everyone in again.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import os
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "lodestar-backup"
VERSION = 1
EXCLUDED_MODELS = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
# Rows serialized at a time: bounds memory however large a table is.
_CHUNK = 1000
_GZIP_MAGIC = b"\x1f\x8b"


class BackupError(Exception):
    """A backup cannot be written or restored. The message says why in one sentence."""


@dataclass(frozen=True)
class Backup:
    source: str
    migrations: dict[str, list[str]]
    counts: dict[str, int]
    objects: list[dict[str, Any]]


class _Encoder(DjangoJSONEncoder):
    # Django's encoder cuts times to milliseconds; audit hashes cover the microseconds.
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[models.Model]]:
    """Every model whose rows a backup holds, in an order that can be loaded."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.managed
        and not model._meta.proxy
    ]


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    installed = {config.label for config in apps.get_app_configs()}
    by_app: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        if app_label in installed:
            by_app.setdefault(app_label, []).append(name)
    return by_app


# Writing a backup.


def backup_to(path: str, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Write a backup to `path` (`-` for standard output); return the rows per model."""
    try:
        with _destination(path) as out:
            return write_backup(out, using)
    except OSError as e:
        raise BackupError(f"{path} cannot be written: {e.strerror or e}.") from None
    except DatabaseError as e:
        raise BackupError(_database_problem(e, " Has `lodestar migrate` been run?")) from None


def write_backup(out: TextIO, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    connection = connections[using]
    # PostgreSQL takes the isolation level only as a transaction's first statement, so
    # inside an outer transaction (a TestCase's) the outer one decides what is seen.
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                # Every table read from one snapshot, however long the backup takes.
                # (SQLite's transactions are IMMEDIATE, see lodestar.env, so it already is.)
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        model_list = backed_up_models()
        counts = {m._meta.label_lower: m._base_manager.using(using).count() for m in model_list}
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": applied_migrations(using),
            "counts": counts,
        }
        # The header as JSON, reopened so the objects can follow one at a time.
        out.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "objects": [')
        written = _write_objects(out, model_list, using)
        out.write("\n]}\n")
    if written != Counter({label: n for label, n in counts.items() if n}):
        raise BackupError("The database changed while it was being read; nothing was kept.")
    return counts


def _write_objects(out: TextIO, model_list: list[type[models.Model]], using: str) -> Counter[str]:
    written: Counter[str] = Counter()
    serializer = serializers.get_serializer("python")()
    separator = "\n"
    for model in model_list:
        for chunk in _chunks(_rows(model, using)):
            for data in serializer.serialize(
                chunk, use_natural_foreign_keys=True, use_natural_primary_keys=False
            ):
                out.write(separator + json.dumps(data, cls=_Encoder, ensure_ascii=False))
                separator = ",\n"
                written[data["model"]] += 1
    return written


def _rows(model: type[models.Model], using: str) -> Iterator[models.Model]:
    # Links to models with natural keys are written as those keys, which means reading
    # the linked row: join it here rather than once a row.
    natural = [
        field.name
        for field in model._meta.fields
        if field.is_relation and hasattr(field.related_model, "natural_key")
    ]
    many = [
        field.name
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created  # type: ignore[union-attr]
    ]
    queryset = model._base_manager.using(using).order_by("pk")
    return queryset.select_related(*natural).prefetch_related(*many).iterator(_CHUNK)


def _chunks(rows: Iterable[models.Model]) -> Iterator[list[models.Model]]:
    chunk: list[models.Model] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _destination(path: str) -> Iterator[TextIO]:
    """Standard output for `-`; otherwise a private file that appears only when complete."""
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    # mkstemp makes the file readable by its owner only: a backup holds password hashes.
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as raw:
            binary: IO[bytes] | gzip.GzipFile = raw
            if target.name.endswith(".gz"):
                binary = gzip.GzipFile(filename="", mode="wb", fileobj=raw)
            with io.TextIOWrapper(binary, encoding="utf-8") as text:
                yield text
        Path(partial).replace(target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


# Reading a backup.


def read_backup(path: str) -> Backup:
    """Read and check a backup file (`-` for standard input), gzipped or not."""
    try:
        with _source(path) as stream:
            data = json.load(stream)
    except OSError as e:
        if isinstance(e, gzip.BadGzipFile):
            raise BackupError(f"{path} is a damaged gzip file ({e}).") from None
        raise BackupError(f"{path} cannot be read: {e.strerror or e}.") from None
    except (EOFError, zlib.error) as e:
        raise BackupError(f"{path} is a damaged or truncated gzip file ({e}).") from None
    except UnicodeDecodeError:
        raise BackupError(f"{path} is not a Lodestar backup: it is not UTF-8 text.") from None
    except json.JSONDecodeError as e:
        if e.pos == 0:
            raise BackupError(f"{path} is not a Lodestar backup: it is not JSON.") from None
        raise BackupError(
            f"{path} is not a complete Lodestar backup: its JSON is broken at line "
            f"{e.lineno}, column {e.colno} ({e.msg}), so it is truncated or damaged."
        ) from None
    return parse_backup(data, path)


@contextmanager
def _source(path: str) -> Iterator[TextIO]:
    with open(sys.stdin.fileno(), "rb", closefd=False) if path == "-" else open(path, "rb") as raw:
        binary: IO[bytes] | gzip.GzipFile = raw
        if raw.peek(2)[:2] == _GZIP_MAGIC:
            binary = gzip.GzipFile(mode="rb", fileobj=raw)
        yield io.TextIOWrapper(binary, encoding="utf-8")


def parse_backup(data: Any, source: str) -> Backup:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{source} is not a Lodestar backup.")
    if data.get("version") != VERSION:
        raise BackupError(
            f"{source} is a version {data.get('version')} Lodestar backup; "
            f"this Lodestar restores version {VERSION} only."
        )
    migrations: Any = data.get("migrations")
    counts: Any = data.get("counts")
    objects: Any = data.get("objects")
    if not (
        _is_map_of(migrations, list)
        and all(isinstance(name, str) for names in migrations.values() for name in names)
        and _is_map_of(counts, int)
        and isinstance(objects, list)
        and all(
            isinstance(o, dict) and isinstance(o.get("model"), str) and "fields" in o
            for o in objects
        )
    ):
        raise BackupError(f"{source} is damaged: its header or records are not as written.")
    found = Counter(str(o["model"]) for o in objects)
    for label in sorted(set(found) | set(counts)):
        if found[label] != counts.get(label, 0):
            raise BackupError(
                f"{source} is damaged: its header counts {counts.get(label, 0)} {label} "
                f"records but it holds {found[label]}."
            )
    return Backup(source, migrations, counts, objects)


def _is_map_of(value: Any, kind: type) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(item, kind) and not isinstance(item, bool)
        for key, item in value.items()
    )


def check_compatible(backup: Backup) -> None:
    """Refuse a backup whose tables or migrations differ from this Lodestar's."""
    ours = {model._meta.label_lower for model in backed_up_models()}
    if set(backup.counts) != ours:
        extra = sorted(set(backup.counts) ^ ours)[0]
        raise BackupError(
            f"{backup.source} was made with different apps installed ({extra} is only in "
            "one of them); restore it with the Lodestar and settings that made it."
        )
    theirs = {(app, name) for app, names in backup.migrations.items() for name in names}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    if unknown := sorted(theirs - known):
        raise BackupError(
            f"{backup.source} was made by a newer or different Lodestar: this one does not "
            f"know its migration {'.'.join(unknown[0])}. Restore it with the version "
            "that made it."
        )
    if missing := sorted(known - theirs):
        raise BackupError(
            f"{backup.source} was made by an older Lodestar, before migration "
            f"{'.'.join(missing[0])}. Restore it with the version that made it, then upgrade."
        )


# Restoring a backup.


def restore_from(path: str, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Check a backup, migrate the empty database, and load every row in one transaction."""
    backup = read_backup(path)
    check_compatible(backup)
    try:
        check_database_is_empty(using)
        call_command("migrate", database=using, interactive=False, verbosity=0)
        if applied_migrations(using) != {a: sorted(n) for a, n in backup.migrations.items()}:
            raise BackupError(
                f"After migrating, this database's migrations differ from {path}'s; "
                "nothing was restored."
            )
        with transaction.atomic(using=using):
            # Checked again inside the transaction, in case something wrote meanwhile.
            check_database_is_empty(using)
            _load(backup, using)
    except DatabaseError as e:
        raise BackupError(_database_problem(e, "")) from None
    return backup.counts


def check_database_is_empty(using: str = DEFAULT_DB_ALIAS) -> None:
    tables = set(connections[using].introspection.table_names())
    for model in backed_up_models():
        if model._meta.db_table in tables and model._base_manager.using(using).exists():
            raise BackupError(
                f"The database already holds Lodestar data ({model._meta.label} records). "
                "Restore only into an empty database; nothing was changed."
            )


def _load(backup: Backup, using: str) -> None:
    connection = connections[using]
    waiting = []
    try:
        for item in serializers.deserialize(
            "python", backup.objects, using=using, handle_forward_references=True
        ):
            # The database was empty, so every row is new: skip the UPDATE Django tries first.
            item.save(using=using, force_insert=True)
            if item.deferred_fields:
                waiting.append(item)
        for item in waiting:
            item.save_deferred_fields(using=using)
        connection.check_constraints()
    except DeserializationError as e:
        raise BackupError(
            f"{backup.source} holds a record that cannot be read, so nothing was restored: "
            f"{_one_line(e)}"
        ) from None
    except DatabaseError as e:
        raise BackupError(
            f"{backup.source} could not be loaded, so nothing was restored: {_one_line(e)}"
        ) from None
    with connection.cursor() as cursor:
        # Rows kept their ids; PostgreSQL's sequences must move past them.
        for sql in connection.ops.sequence_reset_sql(no_style(), backed_up_models()):
            cursor.execute(sql)
    for label, expected in backup.counts.items():
        found = apps.get_model(label)._base_manager.using(using).count()
        if found != expected:
            raise BackupError(
                f"{backup.source} lists {expected} {label} records but {found} were "
                "loaded; nothing was restored."
            )


def _one_line(error: Exception) -> str:
    # A command's error is one line; PostgreSQL's messages carry DETAIL on the next.
    return " ".join(str(error).split()) or type(error).__name__


def _database_problem(error: DatabaseError, hint: str) -> str:
    return f"The database cannot be used ({_one_line(error)}). Check DATABASE_URL.{hint}"
