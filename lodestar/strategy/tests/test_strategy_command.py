"""`lodestar strategy import|export|check` at the terminal."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

from lodestar.audit.models import AuditEntry
from lodestar.core.tests.commandline import run_lodestar, sqlite_url
from lodestar.strategy.check import Gap, StrategyCheck
from lodestar.strategy.exchange import Format, export_strategy
from lodestar.strategy.models import Strategy
from lodestar.strategy.tests.builders import make_strategy
from lodestar.strategy.tests.strategy_files import ExchangeTestCase, counts


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("strategy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class CommandTestCase(ExchangeTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)


class ExportCommandTests(CommandTestCase):
    def test_it_writes_the_strategy_in_force_to_a_file_in_the_format_its_name_says(self) -> None:
        for fmt in Format:
            with self.subTest(fmt=fmt):
                path = self.folder / f"rxm.{fmt}"
                out, _ = run("export", "rxm", "--output", str(path))
                self.assertEqual(path.read_bytes(), export_strategy(self.strategy, fmt))
                self.assertIn(f"Exported {self.strategy} to {path}", out)

    def test_it_writes_yaml_to_standard_output(self) -> None:
        out, _ = run("export", "RXM", "--output", "-")
        self.assertEqual(out, export_strategy(self.strategy, Format.YAML).decode("utf-8"))

    def test_a_chosen_strategy_and_format_are_used(self) -> None:
        draft = make_strategy(self.org, title="Draft strategy", start_year=2030, end_year=2031)
        path = self.folder / "chosen"
        run(
            "export",
            "RXM",
            "--strategy",
            str(draft.uuid),
            "--format",
            "xlsx",
            "--output",
            str(path),
        )
        self.assertEqual(path.read_bytes(), export_strategy(draft, Format.XLSX))

    def test_an_unknown_organisation_is_one_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "No organisation has the ODS code 'ZZZ'."):
            run("export", "ZZZ", "--output", "-")

    def test_a_strategy_of_another_organisation_is_not_exported(self) -> None:
        theirs = make_strategy(self.other_org)
        with self.assertRaisesMessage(
            CommandError, f"RXM has no strategy with UUID {theirs.uuid}"
        ):
            run("export", "RXM", "--strategy", str(theirs.uuid), "--output", "-")

    def test_a_malformed_uuid_is_one_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "'abc' is not a strategy's UUID."):
            run("export", "RXM", "--strategy", "abc", "--output", "-")

    def test_an_organisation_without_a_strategy_says_so(self) -> None:
        with self.assertRaisesMessage(CommandError, "RHA has no strategy yet."):
            run("export", "RHA", "--output", "-")

    def test_a_file_name_without_a_format_needs_one(self) -> None:
        with self.assertRaisesMessage(CommandError, "Say --format yaml or xlsx"):
            run("export", "RXM", "--output", str(self.folder / "plan.txt"))

    def test_an_unwritable_file_is_one_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "cannot be written"):
            run("export", "RXM", "--output", str(self.folder / "missing" / "plan.yaml"))


class ImportCommandTests(CommandTestCase):
    def _exported(self, fmt: Format) -> Path:
        path = self.folder / f"strategy.{fmt}"
        path.write_bytes(export_strategy(self.strategy, fmt))
        return path

    def test_it_imports_a_file_into_an_organisation_audited_as_the_system(self) -> None:
        path = self._exported(Format.XLSX)
        fresh = self.fresh_organisation()
        out, _ = run("import", str(path), "--org", "ry8", "--create-kinds")
        imported = Strategy.objects.get(organisation=fresh)
        self.assertIn(f"Imported {imported} into {fresh.name} ({imported.uuid}).", out)
        entry = AuditEntry.objects.get(object_uuid=imported.uuid)
        self.assertIsNone(entry.actor)
        self.assertEqual(export_strategy(imported, Format.XLSX), path.read_bytes())

    def test_a_file_with_problems_lists_them_and_changes_nothing(self) -> None:
        path = self._exported(Format.YAML)  # RXM has this very version already
        before = counts()
        with self.assertRaisesMessage(CommandError, "was not imported: 1 problem found"):
            run("import", str(path), "--org", "RXM")
        self.assertEqual(counts(), before)

    def test_each_problem_is_printed_on_its_own_line(self) -> None:
        path = self._exported(Format.YAML)
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("strategy", "import", str(path), "--org", "RXM", stderr=err)
        self.assertIn("strategy, title: version 2 of", err.getvalue())

    def test_kinds_the_organisation_lacks_are_refused_without_the_option(self) -> None:
        path = self._exported(Format.YAML)
        self.fresh_organisation()
        with self.assertRaisesMessage(CommandError, "was not imported"):
            run("import", str(path), "--org", "RY8")

    def test_a_file_of_another_type_is_refused(self) -> None:
        path = self.folder / "strategy.csv"
        path.write_text("title\n")
        with self.assertRaisesMessage(CommandError, "is not a .yaml, .yml or .xlsx file."):
            run("import", str(path), "--org", "RXM")

    def test_a_missing_file_is_one_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "cannot be read: No such file or directory."):
            run("import", str(self.folder / "gone.yaml"), "--org", "RXM")


def _check(gaps: list[Gap], strategy: Any) -> StrategyCheck:
    return StrategyCheck(strategy=strategy, passed=["The strategy addresses finances."], gaps=gaps)


class CheckCommandTests(CommandTestCase):
    def test_gaps_are_listed_with_their_remedies_and_exit_non_zero(self) -> None:
        out = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("strategy", "check", "RXM", stdout=out)
        self.assertEqual(caught.exception.returncode, 1)
        self.assertIn("gap", str(caught.exception))
        text = out.getvalue()
        self.assertIn(f"Strategy check: {self.strategy}", text)
        self.assertIn("✗", text)
        self.assertIn("To close it:", text)

    def test_what_passed_is_printed_too(self) -> None:
        gap = Gap("Workforce", "No element addresses workforce.", "Tag an element with it.")
        with mock.patch(
            "lodestar.strategy.management.commands.strategy.check_strategy",
            side_effect=lambda strategy: _check([gap], strategy),
        ):
            out = io.StringIO()
            with self.assertRaisesMessage(CommandError, "1 gap found."):
                call_command("strategy", "check", "RXM", stdout=out)
        self.assertIn("✓ The strategy addresses finances.", out.getvalue())
        self.assertIn(
            "✗ Workforce: No element addresses workforce.\n"
            "      To close it: Tag an element with it.",
            out.getvalue(),
        )

    def test_a_strategy_without_gaps_exits_cleanly(self) -> None:
        with mock.patch(
            "lodestar.strategy.management.commands.strategy.check_strategy",
            side_effect=lambda strategy: _check([], strategy),
        ):
            out, _ = run("check", "RXM", "--strategy", str(self.strategy.uuid))
        self.assertIn("No gaps found.", out)

    def test_the_check_reads_the_chosen_strategy(self) -> None:
        draft = make_strategy(self.org, title="Draft strategy", start_year=2030, end_year=2031)
        out = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("strategy", "check", "RXM", "--strategy", str(draft.uuid), stdout=out)
        self.assertIn("Draft strategy", out.getvalue())

    def test_an_unknown_organisation_is_one_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "No organisation has the ODS code 'ZZZ'."):
            run("check", "ZZZ")


class RealCommandLineTests(SimpleTestCase):
    """The real `lodestar` command: a problem is one line on stderr, never a traceback."""

    def test_each_subcommand_reports_a_problem_in_one_line_and_exits_non_zero(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            workdir = Path(folder)
            unmigrated = sqlite_url(workdir / "empty.sqlite3")
            (workdir / "plan.yaml").write_text("strategy: {}\n")
            cases = [
                ["strategy", "export", "RXM", "--output", "-"],
                ["strategy", "import", str(workdir / "plan.yaml"), "--org", "RXM"],
                ["strategy", "check", "RXM"],
            ]
            for args in cases:
                with self.subTest(" ".join(args)):
                    result = run_lodestar(unmigrated, workdir, *args, check=False)
                    self.assertNotEqual(result.returncode, 0)
                    self.assertIn("The database cannot be used", result.stderr)
                    self.assertNotIn("Traceback", result.stderr)
                    self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
