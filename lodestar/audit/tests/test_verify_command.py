"""`lodestar audit verify` finds rows changed or removed behind Lodestar's back."""

from __future__ import annotations

import io
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import ClassVar

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase, TestCase

from lodestar.audit.models import AuditEntry
from lodestar.core import services
from lodestar.core.roles import Role
from lodestar.core.testing import make_organisation, make_user
from lodestar.core.tests.commandline import run_lodestar, sqlite_url


class VerifyCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        organisation = make_organisation("RXM", "Derbyshire Healthcare NHS Foundation Trust")
        for name in ("ann", "bob", "cat"):
            services.add_member(None, organisation, make_user(name), Role.STAFF_MEMBER)

    def entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.order_by("id"))

    def verify(self) -> str:
        out = io.StringIO()
        call_command("audit", "verify", stdout=out)
        return out.getvalue()

    def refusal(self) -> CommandError:
        with self.assertRaises(CommandError) as caught:
            self.verify()
        self.assertEqual(caught.exception.returncode, 1)
        return caught.exception

    def tamper(self, statement: str, entry: AuditEntry) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])

    def test_an_untouched_trail_is_reported_intact_with_its_length_and_newest_hash(
        self,
    ) -> None:
        newest = self.entries()[-1]
        self.assertEqual(
            self.verify(),
            "Audit trail intact: 4 entries checked.\n"
            f"Newest entry #{newest.pk}, hash {newest.hash}\n",
        )

    def test_an_anchor_still_in_the_trail_passes(self) -> None:
        anchor = self.entries()[2].hash
        out = io.StringIO()
        call_command("audit", "verify", "--anchor", anchor.upper(), stdout=out)
        self.assertIn("Audit trail intact", out.getvalue())

    def test_removing_the_newest_entries_is_caught_by_an_earlier_anchor(self) -> None:
        *_, anchor, newest = self.entries()
        self.tamper("DELETE FROM audit_auditentry WHERE id = %s", newest)
        self.tamper("DELETE FROM audit_auditentry WHERE id = %s", anchor)
        # The chain alone cannot see this: what is left is intact.
        self.assertIn("Audit trail intact: 2 entries checked.", self.verify())
        with self.assertRaises(CommandError) as caught:
            call_command("audit", "verify", "--anchor", anchor.hash, stdout=io.StringIO())
        self.assertEqual(caught.exception.returncode, 1)
        self.assertIn(
            f"the entry with hash {anchor.hash} is no longer in it", str(caught.exception)
        )

    def test_an_anchor_that_is_not_a_hash_is_refused_by_name(self) -> None:
        with self.assertRaisesMessage(CommandError, "--anchor 'abc' is not a hash"):
            call_command("audit", "verify", "--anchor", "abc")

    def test_an_altered_row_is_named_by_number_and_uuid(self) -> None:
        altered = self.entries()[2]
        self.tamper("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", altered)
        message = str(self.refusal())
        self.assertIn(f"Audit entry #{altered.pk} ({altered.uuid})", message)
        self.assertIn("the row was altered", message)

    def test_a_deleted_row_is_found_at_the_entry_after_the_gap(self) -> None:
        removed, after_gap = self.entries()[1:3]
        self.tamper("DELETE FROM audit_auditentry WHERE id = %s", removed)
        message = str(self.refusal())
        self.assertIn(f"Audit entry #{after_gap.pk} ({after_gap.uuid})", message)
        self.assertIn("an earlier entry was removed or altered", message)
        self.assertNotIn(str(removed.uuid), message)

    def test_only_the_first_break_is_reported(self) -> None:
        first, *_, last = self.entries()
        self.tamper("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", last)
        self.tamper("UPDATE audit_auditentry SET reason = 'y' WHERE id = %s", first)
        message = str(self.refusal())
        self.assertIn(str(first.uuid), message)
        self.assertNotIn(str(last.uuid), message)

    def test_the_audit_command_needs_an_action_it_knows(self) -> None:
        with self.assertRaisesMessage(CommandError, "required: ACTION"):
            call_command("audit")
        with self.assertRaisesMessage(CommandError, "invalid choice: 'repair'"):
            call_command("audit", "repair")


class VerifyOnTheCommandLineTests(SimpleTestCase):
    """Exit codes and output streams, which only a real process shows."""

    workdir: ClassVar[Path]
    database: ClassVar[Path]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.workdir = Path(tempfile.mkdtemp(prefix="lodestar-verify-tests-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.database = cls.workdir / "lodestar.sqlite3"
        run_lodestar(sqlite_url(cls.database), cls.workdir, "migrate", "--no-input")
        run_lodestar(sqlite_url(cls.database), cls.workdir, "demo")

    def test_an_intact_trail_exits_0_and_a_broken_one_exits_1_naming_the_entry(self) -> None:
        copy = self.workdir / "copy.sqlite3"
        shutil.copyfile(self.database, copy)
        intact = run_lodestar(sqlite_url(copy), self.workdir, "audit", "verify")
        self.assertRegex(
            intact.stdout,
            r"^Audit trail intact: \d+ entries checked.\nNewest entry #\d+, hash [0-9a-f]{64}\n$",
        )
        with sqlite3.connect(copy) as db:
            db.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = 3")
            (uuid,) = db.execute("SELECT uuid FROM audit_auditentry WHERE id = 3").fetchone()
        broken = run_lodestar(sqlite_url(copy), self.workdir, "audit", "verify", check=False)
        self.assertEqual(broken.returncode, 1)
        self.assertEqual(broken.stdout, "")
        self.assertEqual(len(broken.stderr.strip().splitlines()), 1, broken.stderr)
        self.assertIn("Audit entry #3 (", broken.stderr)
        # SQLite keeps UUIDs as 32 hex digits without hyphens.
        self.assertIn(uuid, broken.stderr.replace("-", ""))
