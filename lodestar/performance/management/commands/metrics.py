"""`lodestar metrics import|summary`: metric data at the terminal, for scheduled loads.

An informatics team's nightly or monthly job can load the month's figures with
`lodestar metrics import FILE --org ODS` (the same long-format CSV or Excel file the upload
page takes, all or nothing) and read back where each metric stands with `summary`. Run by
whoever runs the server, so no person's permissions are checked; the audit trail records
the data as loaded by the system, with the file's name as the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from lodestar.core.commands import database_problem, organisation_by_ods
from lodestar.performance.analysis import analyse_metrics, latest_month
from lodestar.performance.imports import ImportFileError, import_observations
from lodestar.performance.models import Metric
from lodestar.performance.report import month_end, parse_month


class Command(BaseCommand):
    help = (
        "Metric data. `import FILE --org ODS` loads a long-format CSV or Excel file of "
        "observations (all or nothing; every problem is listed with its row); "
        "`summary ODS [--period YYYY-MM]` prints each active metric's latest value, its "
        "Making Data Count variation and assurance, and whether its data are late for the "
        "month (default: the latest month with data), as CSV."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        load = actions.add_parser("import", help="load observations from a .csv or .xlsx file")
        load.add_argument("file", help="the file (.csv or .xlsx), columns metric,period,value")
        load.add_argument("--org", required=True, help="ODS code of the organisation")
        summary = actions.add_parser("summary", help="each active metric's latest position")
        summary.add_argument("ods_code", metavar="ODS", help="ODS code of the organisation")
        summary.add_argument("--period", help="the report month, YYYY-MM (default: all data)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "import":
                self._import(options["file"], options["org"])
            else:
                self._summary(options["ods_code"], options["period"])
        except DatabaseError as e:
            raise CommandError(f"The database cannot be used ({database_problem(e)}).") from None

    def _import(self, file: str, ods_code: str) -> None:
        organisation = organisation_by_ods(ods_code)
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as e:
            raise CommandError(f"{file} cannot be read: {e.strerror or e}.") from None
        try:
            result = import_observations(None, organisation, path.name, content)
        except ImportFileError as e:
            for problem in e.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file} was not imported: {e}") from None
        for done in result.metrics:
            r = done.recorded
            self.stdout.write(
                f"{done.metric.code}: {r.created} new, {r.changed} corrected, "
                f"{r.unchanged} unchanged"
            )
        self.stdout.write(f"Imported {result.rows} rows into {organisation.name}.")

    def _summary(self, ods_code: str, period: str | None) -> None:
        organisation = organisation_by_ods(ods_code)
        month = parse_month(period) if period else None
        if period and month is None:
            raise CommandError(f"{period!r} is not a month: give it as YYYY-MM, like 2025-03.")
        metrics = Metric.objects.active().filter(organisation=organisation)
        found = analyse_metrics(metrics.order_by("code"), month_end(month) if month else None)
        # Late as the report would show it: without a month, for the latest month with any
        # data. `data_late` comes last so that tools reading the other columns still work.
        month = month or latest_month(found)
        self.stdout.write("metric,period,value,variation,assurance,exception,data_late")
        for analysis in found:
            latest = analysis.latest
            when = latest.period.isoformat() if latest else ""
            value = f"{latest.value:g}" if latest else ""
            self.stdout.write(
                f"{analysis.metric.code},{when},{value},{analysis.variation},"
                f"{analysis.assurance},{'yes' if analysis.is_exception else 'no'},"
                f"{'yes' if analysis.is_late(month) else 'no'}"
            )
