"""`lodestar backup` and `lodestar restore`, run for real as an operator or a cron job would."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import stat
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader
from django.test import SimpleTestCase, TransactionTestCase

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core import services
from lodestar.core.backup import (
    BackupError,
    backed_up_models,
    check_compatible,
    parse_backup,
    read_backup,
)
from lodestar.core.models import IntegratedCareSystem, Membership, Organisation
from lodestar.core.roles import Role
from lodestar.core.testing import make_organisation, make_user
from lodestar.core.tests.commandline import (
    create_postgres_database,
    drop_postgres_database,
    load_json,
    postgres_unavailable,
    run_lodestar,
    sqlite_tables,
    sqlite_url,
)
from tests.grantable.models import Note

# Changes beyond the demo, made through the services so the audit trail records them:
# a removed membership (a delete in the chain), an edit with non-ASCII text, a partner
# grant (a link to a content type) and a group and permission (links by natural key).
EXTRA_CHANGES = """
from django.contrib.auth.models import Group, Permission
from lodestar.accounts.models import User
from lodestar.core import services
from lodestar.core.models import IntegratedCareSystem, Membership, Organisation
admin = User.objects.get(username="admin")
rxm = Organisation.objects.get(ods_code="RXM")
services.remove_member(admin, Membership.objects.get(user__username="staff"), "Left the trust")
services.update_organisation(admin, rxm, "Plain English", summary="Mental health – für alle")
chair = Membership.objects.get(user__username="chair")
services.grant_partner_access(admin, rxm, Organisation.objects.get(ods_code="RHA"), chair)
admin.groups.add(Group.objects.create(name="Board"))
admin.user_permissions.add(Permission.objects.get(codename="view_organisation"))
"""

# A new member after a restore: PostgreSQL must hand out ids past the restored ones.
ADD_A_MEMBER = """
from lodestar.accounts.models import User
from lodestar.core import services
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
user = User.objects.create(username="newcomer")
rxm = Organisation.objects.get(ods_code="RXM")
services.add_member(User.objects.get(username="admin"), rxm, user, Role.ANALYST)
"""


class BackupAndRestoreTests(SimpleTestCase):
    """One source database, made once from the demo and a few changes, for every test."""

    workdir: ClassVar[Path]
    source: ClassVar[str]
    backup: ClassVar[Path]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.workdir = Path(tempfile.mkdtemp(prefix="lodestar-backup-tests-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.source = sqlite_url(cls.workdir / "source.sqlite3")
        cls.backup = cls.workdir / "source.json"
        for args in (
            ["migrate", "--no-input"],
            ["demo"],
            ["shell", "-c", EXTRA_CHANGES],
            ["backup", str(cls.backup)],
        ):
            run_lodestar(cls.source, cls.workdir, *args)

    def lodestar(self, database_url: str, *args: str, check: bool = True) -> Any:
        return run_lodestar(database_url, self.workdir, *args, check=check)

    def new_sqlite(self, name: str) -> tuple[Path, str]:
        path = self.workdir / f"{name}.sqlite3"
        self.addCleanup(path.unlink, missing_ok=True)
        return path, sqlite_url(path)

    def new_postgres(self) -> str:
        if (reason := postgres_unavailable()) is not None:
            self.skipTest(reason)
        name, url = create_postgres_database()
        self.addCleanup(drop_postgres_database, name)
        return url

    def backup_of(self, database_url: str, name: str) -> dict[str, Any]:
        path = self.workdir / f"{name}.json"
        self.addCleanup(path.unlink, missing_ok=True)
        self.lodestar(database_url, "backup", str(path))
        data: dict[str, Any] = load_json(path)
        return data

    def assertSameRecords(self, first: dict[str, Any], second: dict[str, Any]) -> None:  # noqa: N802
        self.assertEqual(first["counts"], second["counts"])
        self.assertEqual(first["migrations"], second["migrations"])
        self.assertEqual(len(first["objects"]), len(second["objects"]))
        for mine, theirs in zip(first["objects"], second["objects"], strict=True):
            self.assertEqual(mine, theirs)

    def assertRefused(self, result: Any, message: str) -> None:  # noqa: N802
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(message, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def restore_and_compare(self, target: str) -> None:
        """Restore the source backup into `target`, check it, and add a record after it."""
        restored = self.lodestar(target, "restore", str(self.backup))
        original = load_json(self.backup)
        total = sum(original["counts"].values())
        self.assertIn(f"Restored {total} records", restored.stdout)
        self.assertSameRecords(original, self.backup_of(target, "restored"))
        entries = original["counts"]["audit.auditentry"]
        verified = self.lodestar(target, "audit", "verify")
        intact, newest = verified.stdout.splitlines()
        self.assertEqual(intact, f"Audit trail intact: {entries} entries checked.")
        # The restored trail ends where the backed-up one did: a kept anchor still holds.
        self.assertEqual(newest.split()[-1], _newest_hash(original))
        self.lodestar(target, "shell", "-c", ADD_A_MEMBER)
        verified = self.lodestar(target, "audit", "verify")
        self.assertIn(f"{entries + 1} entries checked", verified.stdout)

    def test_a_backup_holds_every_record_once_under_its_header(self) -> None:
        data = load_json(self.backup)
        self.assertEqual((data["format"], data["version"]), ("lodestar-backup", 1))
        self.assertEqual(data["database_vendor"], "sqlite")
        self.assertIn("0001_initial", data["migrations"]["core"])
        found = Counter(o["model"] for o in data["objects"])
        self.assertEqual(found, Counter({k: n for k, n in data["counts"].items() if n}))
        # The four seed organisations and the four acute trusts of the A&E demo data.
        self.assertEqual(data["counts"]["core.organisation"], 8)
        self.assertGreater(data["counts"]["audit.auditentry"], 20)
        for left_out in ("contenttypes.contenttype", "auth.permission", "sessions.session"):
            self.assertNotIn(left_out, found)
        actions = {
            o["fields"]["action"] for o in data["objects"] if o["model"] == "audit.auditentry"
        }
        self.assertEqual(actions, {"create", "update", "delete"})

    def test_a_backup_file_is_readable_by_its_owner_only(self) -> None:
        mode = stat.S_IMODE(self.backup.stat().st_mode)
        self.assertEqual(mode, 0o600)

    def test_restoring_into_an_empty_sqlite_database_gives_identical_records(self) -> None:
        _, target = self.new_sqlite("restored")
        self.restore_and_compare(target)

    def test_a_sqlite_backup_restores_into_postgresql_and_back(self) -> None:
        postgres = self.new_postgres()
        self.restore_and_compare(postgres)
        from_postgres = self.backup_of(postgres, "from-postgres")
        self.assertEqual(from_postgres["database_vendor"], "postgresql")
        _, back = self.new_sqlite("back")
        self.lodestar(back, "restore", str(self.workdir / "from-postgres.json"))
        self.assertSameRecords(from_postgres, self.backup_of(back, "back"))

    def test_a_gzipped_backup_restores_from_standard_input(self) -> None:
        on_stdout = self.lodestar(self.source, "backup", "-")
        self.assertSameRecords(load_json(self.backup), json.loads(on_stdout.stdout))
        gzipped = self.workdir / "source.json.gz"
        self.addCleanup(gzipped.unlink)
        self.lodestar(self.source, "backup", str(gzipped))
        with gzip.open(gzipped, "rt", encoding="utf-8") as f:
            self.assertSameRecords(load_json(self.backup), json.load(f))
        _, target = self.new_sqlite("from-stdin")
        with gzipped.open("rb") as stdin:
            run_lodestar(target, self.workdir, "restore", "-", stdin=stdin)
        self.assertSameRecords(load_json(self.backup), self.backup_of(target, "from-stdin"))

    def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(self) -> None:
        result = self.lodestar(self.source, "restore", str(self.backup), check=False)
        self.assertRefused(result, "already holds Lodestar data")
        self.assertSameRecords(load_json(self.backup), self.backup_of(self.source, "after"))

    def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(self) -> None:
        cases = [
            ("notes.txt", "Board meeting notes\n", "is not a Lodestar backup: it is not JSON"),
            ("other.json", '{"model": "core.organisation"}', "is not a Lodestar backup."),
        ]
        for name, content, message in cases:
            with self.subTest(name):
                path = self.workdir / name
                path.write_text(content, encoding="utf-8")
                database, target = self.new_sqlite(f"refused-{name}")
                result = self.lodestar(target, "restore", str(path), check=False)
                self.assertRefused(result, message)
                self.assertEqual(sqlite_tables(database), [])

    def test_restore_refuses_a_truncated_backup_and_changes_nothing(self) -> None:
        whole = self.backup.read_bytes()
        truncated = self.workdir / "truncated.json"
        truncated.write_bytes(whole[: len(whole) // 2])
        database, target = self.new_sqlite("refused-truncated")
        result = self.lodestar(target, "restore", str(truncated), check=False)
        self.assertRefused(result, "truncated or damaged")
        self.assertEqual(sqlite_tables(database), [])
        result = self.lodestar(self.source, "restore", str(truncated), check=False)
        self.assertRefused(result, "truncated or damaged")
        self.assertSameRecords(load_json(self.backup), self.backup_of(self.source, "after"))

    def test_a_failed_backup_leaves_no_file_behind(self) -> None:
        _, unmigrated = self.new_sqlite("unmigrated")
        target = self.workdir / "never.json"
        result = self.lodestar(unmigrated, "backup", str(target), check=False)
        self.assertRefused(result, "Has `lodestar migrate` been run?")
        self.assertEqual(list(self.workdir.glob("*never.json*")), [])


def this_lodestars_header() -> dict[str, Any]:
    """A valid, empty backup for the apps and migrations of this test run."""
    migrations: dict[str, list[str]] = {}
    for app, name in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations):
        migrations.setdefault(app, []).append(name)
    counts = {model._meta.label_lower: 0 for model in backed_up_models()}
    return {
        "format": "lodestar-backup",
        "version": 1,
        "migrations": migrations,
        "counts": counts,
        "objects": [],
    }


class BackupFileCheckTests(SimpleTestCase):
    """What restore refuses before it touches the database (SimpleTestCase forbids it)."""

    def refusal(self, data: dict[str, Any]) -> str:
        with self.assertRaises(BackupError) as caught:
            check_compatible(parse_backup(data, "old.json"))
        return str(caught.exception)

    def test_a_backup_made_by_this_lodestar_passes(self) -> None:
        check_compatible(parse_backup(this_lodestars_header(), "ours.json"))

    def test_another_format_version_is_refused(self) -> None:
        data = this_lodestars_header() | {"version": 2}
        self.assertEqual(
            self.refusal(data),
            "old.json is a version 2 Lodestar backup; this Lodestar restores version 1 only.",
        )

    def test_a_migration_unknown_here_is_refused_by_name(self) -> None:
        data = this_lodestars_header()
        data["migrations"]["core"].append("9999_from_the_future")
        self.assertIn("does not know its migration core.9999_from_the_future", self.refusal(data))

    def test_a_backup_missing_a_migration_of_ours_is_refused_by_name(self) -> None:
        data = this_lodestars_header()
        data["migrations"]["core"].remove("0001_initial")
        self.assertIn("older Lodestar, before migration core.0001_initial", self.refusal(data))

    def test_a_backup_of_other_apps_is_refused(self) -> None:
        data = this_lodestars_header()
        del data["counts"]["grantable.note"]
        self.assertIn("different apps installed (grantable.note", self.refusal(data))

    def test_counts_that_do_not_match_the_records_are_refused(self) -> None:
        data = this_lodestars_header()
        data["counts"]["core.organisation"] = 2
        data["objects"] = [{"model": "core.organisation", "pk": 1, "fields": {}}]
        self.assertIn(
            "header counts 2 core.organisation records but it holds 1", self.refusal(data)
        )

    def test_a_damaged_header_is_refused(self) -> None:
        data = this_lodestars_header() | {"objects": {"not": "a list"}}
        self.assertIn("old.json is damaged", self.refusal(data))

    def test_a_damaged_gzip_file_is_refused(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "cut.json.gz"
            path.write_bytes(gzip.compress(json.dumps(this_lodestars_header()).encode())[:40])
            with self.assertRaisesMessage(BackupError, "damaged or truncated gzip file"):
                read_backup(str(path))

    def test_a_binary_file_is_refused(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "photo.jpg"
            path.write_bytes(b"\xff\xd8\xff\xe0 not text")
            with self.assertRaisesMessage(BackupError, "not a Lodestar backup: it is not UTF-8"):
                read_backup(str(path))


class InProcessRoundTripTests(TransactionTestCase):
    """The same round trip on the suite's own database (PostgreSQL too, when it is used)."""

    def test_a_flushed_database_gets_back_every_record_from_its_backup(self) -> None:
        org = make_organisation("RXM", "Derbyshire Healthcare NHS Foundation Trust")
        partner = make_organisation("RHA", "Nottinghamshire Healthcare NHS Foundation Trust")
        admin = make_user("alice", "Alice", "Admin")
        services.add_member(None, org, admin, Role.ADMINISTRATOR)
        note = Note.objects.create(organisation=org, title="Winter plan")
        services.grant_partner_access(admin, org, partner, note)
        with tempfile.TemporaryDirectory() as folder:
            first, second = Path(folder) / "first.json.gz", Path(folder) / "second.json"
            call_command("backup", str(first), stdout=io.StringIO())
            call_command("flush", interactive=False, verbosity=0)
            self.assertFalse(User.objects.exists())
            call_command("restore", str(first), stdout=io.StringIO())
            call_command("backup", str(second), stdout=io.StringIO())
            with gzip.open(first, "rt", encoding="utf-8") as f:
                before = json.load(f)
            after = load_json(second)
        self.assertEqual(before["objects"], after["objects"])
        verified = io.StringIO()
        call_command("audit", "verify", stdout=verified)
        newest = AuditEntry.objects.order_by("-id").first()
        assert newest is not None
        self.assertEqual(
            verified.getvalue(),
            f"Audit trail intact: 4 entries checked.\nNewest entry #{newest.pk}, hash "
            f"{newest.hash}\n",
        )
        self.assertEqual(newest.hash, _newest_hash(before))
        self.assertEqual(Membership.objects.get().user.username, "alice")
        self.assertEqual(Organisation.objects.count(), 2)
        self.assertEqual(AuditEntry.objects.count(), 4)


class InProcessRefusalTests(TransactionTestCase):
    """A backup that fails while loading leaves the database as empty as it found it."""

    def restore(self, objects: list[dict[str, Any]]) -> str:
        data = this_lodestars_header()
        data["objects"] = objects
        data["counts"].update(Counter(o["model"] for o in objects))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bad.json"
            path.write_text(json.dumps(data), encoding="utf-8")
            with self.assertRaises(CommandError) as caught:
                call_command("restore", str(path), stdout=io.StringIO())
        return str(caught.exception)

    def organisation(self, pk: int, ods_code: str) -> dict[str, Any]:
        fields = {
            "uuid": str(uuid.uuid4()),
            "created_at": "2026-01-05T09:30:00.123456+00:00",
            "updated_at": "2026-01-05T09:30:00.123456+00:00",
            "name": f"Trust {ods_code}",
            "ods_code": ods_code,
            "kind": "nhs_trust",
            "ics": 1,
            "summary": "",
            "website": "",
        }
        return {"model": "core.organisation", "pk": pk, "fields": fields}

    def ics(self) -> dict[str, Any]:
        fields = {
            "uuid": str(uuid.uuid4()),
            "created_at": "2026-01-05T09:30:00+00:00",
            "updated_at": "2026-01-05T09:30:00+00:00",
            "name": "Test ICS",
        }
        return {"model": "core.integratedcaresystem", "pk": 1, "fields": fields}

    def test_records_that_clash_are_refused_and_nothing_is_kept(self) -> None:
        message = self.restore(
            [self.ics(), self.organisation(1, "RXM"), self.organisation(1, "RHA")]
        )
        self.assertIn("bad.json could not be loaded, so nothing was restored", message)
        self.assertFalse(IntegratedCareSystem.objects.exists())
        self.assertFalse(Organisation.objects.exists())

    def test_a_record_that_cannot_be_read_is_refused_and_nothing_is_kept(self) -> None:
        broken = self.organisation(1, "RXM")
        broken["fields"]["created_at"] = "last Tuesday"
        message = self.restore([self.ics(), broken])
        self.assertIn("holds a record that cannot be read, so nothing was restored", message)
        self.assertIn("core.organisation:pk=1", message)
        self.assertFalse(Organisation.objects.exists())


def _newest_hash(backup: dict[str, Any]) -> str:
    """The hash of the newest audit entry in a backup's objects."""
    entries = [o for o in backup["objects"] if o["model"] == "audit.auditentry"]
    return str(max(entries, key=lambda o: int(o["pk"]))["fields"]["hash"])
