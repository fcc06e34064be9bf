"""`lodestar strategy import|export|check`: strategy files and the CQC check at the terminal.

Run by whoever runs the server, so no person's permissions are checked; the audit trail
records the changes as made by the system.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from lodestar.core.commands import database_problem, organisation_by_ods
from lodestar.core.models import Organisation
from lodestar.strategy.check import check_strategy
from lodestar.strategy.exchange import (
    Format,
    StrategyFileError,
    export_strategy,
    format_for,
    import_strategy,
)
from lodestar.strategy.models import Strategy


def _strategy(organisation: Organisation, chosen: str | None) -> Strategy:
    """The strategy named by UUID, else the one in force, else the newest."""
    strategies = Strategy.objects.in_organisation(organisation)
    if chosen:
        try:
            found = strategies.filter(uuid=uuid.UUID(chosen)).first()
        except ValueError:
            raise CommandError(f"{chosen!r} is not a strategy's UUID.") from None
        if found is None:
            raise CommandError(f"{organisation.ods_code} has no strategy with UUID {chosen}.")
        return found
    found = Strategy.objects.current_for(organisation, timezone.localdate())
    found = found or strategies.order_by("-start_year", "-version", "-created_at").first()
    if found is None:
        raise CommandError(f"{organisation.ods_code} has no strategy yet.")
    return found


class Command(BaseCommand):
    help = (
        "Work with strategies. `import FILE --org ODS` loads a YAML or Excel strategy file "
        "with its delivery plan (all or nothing); `export ODS --output FILE` writes one; "
        "`check ODS` reads the strategy against CQC's well-led standard and exits 1 when "
        "there are gaps."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        load = actions.add_parser("import", help="create a strategy from a .yaml or .xlsx file")
        load.add_argument("file", help="the strategy file (.yaml, .yml or .xlsx)")
        load.add_argument("--org", required=True, help="ODS code of the organisation")
        load.add_argument(
            "--create-kinds",
            action="store_true",
            help="add kinds of element the organisation does not have yet",
        )
        save = actions.add_parser("export", help="write a strategy and its plan to a file")
        save.add_argument("ods_code", metavar="ODS", help="ODS code of the organisation")
        save.add_argument("--strategy", help="UUID of the strategy (default: the one in force)")
        save.add_argument("--format", choices=[f.value for f in Format], help="default: by name")
        save.add_argument("--output", required=True, help="file to write, or - for stdout")
        check = actions.add_parser("check", help="check a strategy against the CQC standard")
        check.add_argument("ods_code", metavar="ODS", help="ODS code of the organisation")
        check.add_argument("--strategy", help="UUID of the strategy (default: the one in force)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "import":
                self._import(options["file"], options["org"], options["create_kinds"])
            elif action == "export":
                self._export(options)
            else:
                self._check(options["ods_code"], options["strategy"])
        except DatabaseError as e:
            raise CommandError(f"The database cannot be used ({database_problem(e)}).") from None

    def _import(self, file: str, ods_code: str, create_kinds: bool) -> None:
        organisation = organisation_by_ods(ods_code)
        path = Path(file)
        fmt = format_for(path.name)
        if fmt is None:
            raise CommandError(f"{file} is not a .yaml, .yml or .xlsx file.")
        try:
            content = path.read_bytes()
        except OSError as e:
            raise CommandError(f"{file} cannot be read: {e.strerror or e}.") from None
        try:
            strategy = import_strategy(None, organisation, content, fmt, create_kinds=create_kinds)
        except StrategyFileError as e:
            for problem in e.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file} was not imported: {e}") from None
        self.stdout.write(f"Imported {strategy} into {organisation.name} ({strategy.uuid}).")

    def _export(self, options: dict[str, Any]) -> None:
        strategy = _strategy(organisation_by_ods(options["ods_code"]), options["strategy"])
        output: str = options["output"]
        chosen = options["format"]
        fmt = Format(chosen) if chosen else format_for(output)
        if fmt is None:
            fmt = Format.YAML if output == "-" else None
        if fmt is None:
            raise CommandError(f"Say --format yaml or xlsx: {output} does not end in either.")
        content = export_strategy(strategy, fmt)
        if output == "-":
            if fmt == Format.XLSX and sys.stdout.isatty():
                raise CommandError("An Excel workbook would garble the terminal; use --output.")
            self._write_stdout(content, fmt)
            return
        try:
            Path(output).write_bytes(content)
        except OSError as e:
            raise CommandError(f"{output} cannot be written: {e.strerror or e}.") from None
        self.stdout.write(f"Exported {strategy} to {output}.")

    def _write_stdout(self, content: bytes, fmt: Format) -> None:
        if fmt == Format.YAML:
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()

    def _check(self, ods_code: str, chosen: str | None) -> None:
        strategy = _strategy(organisation_by_ods(ods_code), chosen)
        result = check_strategy(strategy)
        self.stdout.write(f"Strategy check: {strategy}")
        for sentence in result.passed:
            self.stdout.write(f"  ✓ {sentence}")
        for gap in result.gaps:
            self.stdout.write(f"  ✗ {gap.area}: {gap.problem}\n      To close it: {gap.remedy}")
        if not result.ok:
            count = len(result.gaps)
            raise CommandError(f"{count} gap{'s' if count != 1 else ''} found.", returncode=1)
        self.stdout.write("No gaps found.")
