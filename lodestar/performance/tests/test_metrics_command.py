"""`lodestar metrics import` and `summary`: scheduled data loads and a readable position."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from lodestar.audit.models import AuditEntry
from lodestar.performance.models import Observation
from lodestar.performance.tests.builders import PerformanceTestCase, add_observations, make_metric

STEADY = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70]


class MetricsCommandTests(PerformanceTestCase):
    def run_command(self, *args: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command("metrics", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def write(self, text: str, name: str = "june.csv") -> Path:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def test_a_scheduled_job_loads_a_months_figures_as_the_system(self) -> None:
        metric = make_metric(self.org, self.executive, code="ae-4hr")
        path = self.write("metric,period,value\nae-4hr,2024-06,71.5\n")
        out, _ = self.run_command("import", str(path), "--org", "rxm")
        self.assertIn("ae-4hr: 1 new, 0 corrected, 0 unchanged", out)
        self.assertEqual(metric.observations.get().value, 71.5)
        entry = AuditEntry.objects.filter(object_uuid=metric.uuid).latest("id")
        self.assertIsNone(entry.actor)
        self.assertEqual(entry.reason, "Imported from june.csv")

    def test_a_bad_file_lists_every_problem_by_row_and_changes_nothing(self) -> None:
        make_metric(self.org, self.executive, code="ae-4hr")
        path = self.write("metric,period,value\nae-4hr,2024-06,71.5\nae-4hr,2024-07,lots\n")
        err = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("metrics", "import", str(path), "--org", "RXM", stderr=err)
        self.assertIn("was not imported", str(caught.exception))
        self.assertIn("june.csv, row 3, field value: 'lots' is not a number", err.getvalue())
        self.assertEqual(Observation.objects.count(), 0)

    def test_an_unknown_organisation_or_missing_file_is_named(self) -> None:
        with self.assertRaisesMessage(CommandError, "No organisation has the ODS code 'ZZZ'"):
            self.run_command("summary", "ZZZ")
        with self.assertRaisesMessage(CommandError, "cannot be read"):
            self.run_command("import", "/nonexistent/data.csv", "--org", "RXM")

    def test_the_summary_gives_each_metrics_latest_position_as_csv(self) -> None:
        metric = make_metric(self.org, self.executive, code="ae-4hr", target=95.0)
        add_observations(metric, [*STEADY, 55.0], start=datetime.date(2023, 4, 1))
        out, _ = self.run_command("summary", "RXM")
        header, row = out.strip().splitlines()
        self.assertEqual(header, "metric,period,value,variation,assurance,exception,data_late")
        self.assertEqual(row, "ae-4hr,2024-06-01,55,special_cause_concern,consistent_fail,yes,no")
        earlier, _ = self.run_command("summary", "RXM", "--period", "2024-05")
        self.assertIn("ae-4hr,2024-05-01,70,", earlier)
        with self.assertRaisesMessage(CommandError, "is not a month"):
            self.run_command("summary", "RXM", "--period", "May")

    def test_the_summary_says_last_whether_each_metrics_data_are_late(self) -> None:
        current = make_metric(self.org, self.executive, code="ae-4hr")
        add_observations(current, [*STEADY, 71.0])  # April 2023 to June 2024
        late = make_metric(self.org, self.executive, code="turnover", target=None)
        add_observations(late, STEADY)  # to May 2024
        make_metric(self.org, self.executive, code="new", target=None)
        for args, expected in (
            # Without a month, as the report: late for the latest month with any data.
            ((), {"ae-4hr": "no", "new": "no", "turnover": "yes"}),
            (("--period", "2024-06"), {"ae-4hr": "no", "new": "no", "turnover": "yes"}),
            (("--period", "2024-05"), {"ae-4hr": "no", "new": "no", "turnover": "no"}),
        ):
            with self.subTest(args=args):
                out, _ = self.run_command("summary", "RXM", *args)
                rows = list(csv.DictReader(io.StringIO(out)))
                self.assertEqual({r["metric"]: r["data_late"] for r in rows}, expected)
                self.assertEqual(list(rows[0])[-1], "data_late")
        out, _ = self.run_command("summary", "RXM")
        self.assertIn("\nnew,,,,,no,no\n", out)  # no data at all: not late, and empty
