"""Importing observations from CSV and Excel files: all or nothing, every problem named."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from openpyxl import Workbook

from lodestar.audit.models import AuditEntry
from lodestar.performance import import_cells, imports, services
from lodestar.performance.imports import ImportFileError, ImportResult, import_observations
from lodestar.performance.models import Frequency, Metric, Observation, Unit
from lodestar.performance.tests.builders import PerformanceTestCase, make_metric

FILES = Path(__file__).parent / "files"
D = datetime.date


def workbook(*sheets: tuple[str, list[list[Any]]]) -> bytes:
    """An .xlsx file with these sheets, each a list of rows, as Excel would save it."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class ImportTestCase(PerformanceTestCase):
    ae: Metric
    attendances: Metric
    falls: Metric
    cancer: Metric
    retired: Metric

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make = make_metric
        cls.ae = make(cls.org, cls.executive, code="ae-4hr")
        cls.attendances = make(
            cls.org, cls.executive, code="ae-attendances", name="A&E attendances", unit=Unit.COUNT
        )
        cls.falls = make(
            cls.org,
            cls.executive,
            code="falls",
            name="Inpatient falls",
            unit=Unit.COUNT,
            frequency=Frequency.WEEKLY,
        )
        cls.cancer = make(
            cls.org,
            cls.executive,
            code="cancer-62",
            name="Cancer 62-day",
            frequency=Frequency.QUARTERLY,
        )
        cls.retired = make(cls.org, cls.executive, code="retired", active=False)
        make_metric(cls.other_org, cls.outsider, code="their-metric")

    def state(self) -> tuple[Any, ...]:
        """Everything an import might change, to compare before and after."""
        return (
            list(Observation.objects.order_by("pk").values()),
            AuditEntry.objects.count(),
        )

    def run_import(self, name: str, content: bytes | None = None) -> ImportResult:
        data = (FILES / name).read_bytes() if content is None else content
        return import_observations(self.analyst, self.org, name, data)

    def refused(self, name: str, content: bytes | None = None) -> list[str]:
        """Import a file that must be refused; check nothing changed; return the problems."""
        before = self.state()
        with self.assertRaises(ImportFileError) as caught:
            self.run_import(name, content)
        self.assertEqual(self.state(), before)
        return [str(problem) for problem in caught.exception.problems]

    def values(self, metric: Metric) -> dict[datetime.date, float]:
        return dict(metric.observations.values_list("period", "value"))


class CleanFileTests(ImportTestCase):
    def test_an_analyst_imports_a_csv_and_each_metric_gets_one_audit_entry(self) -> None:
        entries = AuditEntry.objects.count()

        result = self.run_import("observations.csv")

        self.assertEqual((result.rows, result.created, result.changed), (9, 9, 0))
        self.assertEqual(
            [(m.metric.code, m.rows) for m in result.metrics],
            [("ae-4hr", 3), ("ae-attendances", 3), ("falls", 2), ("cancer-62", 1)],
        )
        self.assertEqual(
            self.values(self.ae),
            {D(2025, 1, 1): 76.5, D(2025, 2, 1): 7821 / 10000 * 100, D(2025, 3, 1): 78},
        )
        self.assertEqual(self.values(self.falls), {D(2025, 1, 6): 12, D(2025, 1, 13): 9})
        self.assertEqual(self.values(self.cancer), {D(2025, 4, 1): 71.2})
        february = self.ae.observations.get(period=D(2025, 2, 1))
        self.assertEqual((february.numerator, february.denominator), (7821, 10000))
        self.assertEqual(february.note, "Worked out from the counts")
        self.assertEqual(
            self.attendances.observations.get(period=D(2025, 2, 1)).note, "A note, with a comma"
        )
        new_entries = AuditEntry.objects.order_by("pk")[entries:]
        self.assertEqual(len(new_entries), 4)
        self.assertEqual({e.reason for e in new_entries}, {"Imported from observations.csv"})
        self.assertEqual({e.actor for e in new_entries}, {self.analyst})

    def test_importing_a_corrected_file_changes_only_the_values_that_differ(self) -> None:
        self.run_import("observations.csv")
        corrected = (FILES / "observations.csv").read_bytes().replace(b"9876", b"9877")

        result = self.run_import("corrected.csv", corrected)

        self.assertEqual((result.created, result.changed, result.unchanged), (0, 1, 8))
        self.assertEqual(self.values(self.attendances)[D(2025, 3, 1)], 9877)

    def test_importing_the_same_file_again_changes_nothing_and_audits_nothing(self) -> None:
        self.run_import("observations.csv")
        before = self.state()

        result = self.run_import("observations.csv")

        self.assertEqual((result.created, result.changed, result.unchanged), (0, 0, 9))
        self.assertEqual(self.state(), before)

    def test_a_csv_saved_by_excel_with_a_byte_order_mark_is_read(self) -> None:
        result = self.run_import("observations-bom.csv")
        self.assertEqual(result.created, 2)
        self.assertEqual(self.values(self.ae), {D(2025, 1, 1): 76.5})

    def test_an_excel_workbook_is_read_from_its_observations_sheet(self) -> None:
        content = workbook(
            ("Read me", [["This sheet explains the data."]]),
            (
                "Observations",
                [
                    ["Metric", "Period", "Value", "Note"],
                    ["ae-4hr", datetime.datetime(2025, 1, 1), 76.5, None],  # noqa: DTZ001
                    ["ae-4hr", "2025-02", 77, "Typed as text"],
                    [None, None, None, None],
                    ["falls", D(2025, 1, 6), 4, None],
                ],
            ),
        )
        result = self.run_import("data.xlsx", content)
        self.assertEqual(result.created, 3)
        self.assertEqual(self.values(self.ae), {D(2025, 1, 1): 76.5, D(2025, 2, 1): 77})
        self.assertEqual(self.ae.observations.get(period=D(2025, 2, 1)).note, "Typed as text")

    def test_without_an_observations_sheet_the_first_sheet_is_read(self) -> None:
        content = workbook(
            ("Sheet1", [["metric", "period", "value"], ["ae-4hr", "2025-01-01", 70]]),
            ("Sheet2", [["nothing", "here"]]),
        )
        self.assertEqual(self.run_import("data.xlsx", content).created, 1)

    def test_the_system_may_import_without_a_person(self) -> None:
        content = b"metric,period,value\nae-4hr,2025-01,70\n"
        result = import_observations(None, self.org, "demo.csv", content)
        self.assertEqual(result.created, 1)


class RefusedFileTests(ImportTestCase):
    def test_every_problem_in_a_file_is_named_by_row_and_field_and_nothing_changes(
        self,
    ) -> None:
        problems = self.refused("problems.csv")
        expected = [
            "problems.csv, row 2, field value: 'abc' is not a number.",
            "problems.csv, row 3, field metric: 'ae-4hour' is not a metric code here. "
            "Did you mean 'ae-4hr'?",
            "problems.csv, row 4, field period: 2025-01-15 is not the start of a month; "
            "give 2025-01-01 or 2025-01.",
            "problems.csv, row 5, field period: '01/02/2025' is not a date.",
            "problems.csv, row 6, field denominator: the cell is blank; give both",
            "problems.csv, row 7, field denominator: 0 is not allowed",
            "problems.csv, row 8, field value: 76 does not agree with 7000 / 10000, which "
            "gives 70 (as a percentage).",
            "problems.csv, row 9, field metric: 'retired' (Four-hour A&E performance) is no "
            "longer active",
            "problems.csv, row 11, field period: ae-attendances for 2025-01-01 is also in row "
            "10; keep one row for each metric and period.",
            "problems.csv, row 12, field period: 2025-01-07 is a Tuesday; weekly periods start "
            "on a Monday, so this week is 2025-01-06.",
            "problems.csv, row 13, field period: '2025-01' is a month; give a date "
            "(YYYY-MM-DD) for a weekly metric.",
            "problems.csv, row 14, field period: 2025-02-01 is not the start of a quarter",
            "problems.csv, row 15, field value: 'inf' is not a number.",
            "problems.csv, row 16, field value: '1,234' is not a number. Leave out thousands "
            "separators and % signs.",
            "problems.csv, row 17, field value: '1e999' is too large; numbers must be below "
            "1,000,000,000,000,000.",
        ]
        self.assertEqual(len(problems), len(expected), problems)
        for problem, start in zip(problems, expected, strict=True):
            self.assertTrue(problem.startswith(start), f"{problem!r} !~ {start!r}")

    def test_an_unknown_code_lists_this_organisations_codes_but_not_other_trusts(self) -> None:
        [problem] = self.refused("x.csv", b"metric,period,value\ntheir-metric,2025-01,1\n")
        self.assertIn("Codes here: ae-4hr, ae-attendances, cancer-62, falls.", problem)
        self.assertNotIn("retired", problem)

    def test_a_repeated_unknown_code_points_back_to_its_first_row(self) -> None:
        content = b"metric,period,value\nnope,2025-01,1\nnope,2025-02,1\n"
        problems = self.refused("x.csv", content)
        self.assertEqual(
            problems[1],
            "x.csv, row 3, field metric: 'nope' is not a metric code here (see row 2).",
        )

    def test_a_csv_that_is_not_utf8_is_refused_naming_the_row(self) -> None:
        [problem] = self.refused("observations-latin1.csv")
        self.assertEqual(
            problem,
            "observations-latin1.csv, row 2: the file is not UTF-8 text. In Excel, save it as "
            '"CSV UTF-8 (Comma delimited)" and upload it again.',
        )

    def test_a_damaged_workbook_is_refused(self) -> None:
        [problem] = self.refused("corrupt.xlsx")
        self.assertIn("corrupt.xlsx: the file is not an Excel workbook (.xlsx)", problem)

    def test_a_workbook_that_would_unpack_to_too_much_is_refused(self) -> None:
        with mock.patch.object(import_cells, "MAX_UNPACKED_BYTES", 1000):
            [problem] = self.refused("data.xlsx", VALID_WORKBOOK)
        self.assertIn("data.xlsx: the workbook would be larger than", problem)

    def test_a_csv_named_as_a_workbook_is_refused(self) -> None:
        [problem] = self.refused("data.xlsx", b"metric,period,value\nae-4hr,2025-01,1\n")
        self.assertIn("is not an Excel workbook", problem)

    def test_other_kinds_of_file_are_refused(self) -> None:
        for name in ("data.xls", "data.txt", "data"):
            with self.subTest(name=name):
                [problem] = self.refused(name, b"metric,period,value\n")
                self.assertEqual(problem, f"{name}: choose a .csv or .xlsx file.")

    def test_an_empty_file_and_a_file_of_headings_are_refused(self) -> None:
        self.assertEqual(
            self.refused("empty.csv", b""),
            ["empty.csv: the file is empty; the first row must name the columns."],
        )
        self.assertEqual(
            self.refused("headings.csv", b"metric,period,value\n\n"),
            ["headings.csv: the file has headings but no rows of data."],
        )

    def test_missing_unknown_and_repeated_columns_are_each_named(self) -> None:
        problems = self.refused("x.csv", b"metric,Colour,value,note,Note\nae-4hr,red,1,,\n")
        self.assertEqual(
            problems,
            [
                "x.csv, row 1, field colour: 'colour' is not a column we know; use metric, "
                "period, value, numerator, denominator, note.",
                "x.csv, row 1, field note: this column appears more than once; keep one.",
                "x.csv, row 1, field period: this column is missing.",
            ],
        )

    def test_a_file_separated_by_semicolons_gets_a_hint(self) -> None:
        problems = self.refused("x.csv", b"metric;period;value\nae-4hr;2025-01;1\n")
        self.assertEqual(problems[-1], "x.csv, row 1: the columns must be separated by commas.")

    def test_a_cell_too_long_for_the_csv_reader_is_named(self) -> None:
        content = (
            b"metric,period,value,note\nae-4hr,2025-01,1,\nae-4hr,2025-02,1," + b"x" * 200_000
        )
        [problem] = self.refused("x.csv", content)
        self.assertTrue(
            problem.startswith("x.csv, row 3: this row cannot be read as CSV"), problem
        )

    def test_a_value_under_no_heading_is_a_problem(self) -> None:
        [problem] = self.refused("x.csv", b"metric,period,value\nae-4hr,2025-01,1,stray\n")
        self.assertEqual(problem, "x.csv, row 2: 'stray' is in a column without a heading.")

    def test_blank_required_cells_and_long_notes_are_named(self) -> None:
        long_note = "x" * 301
        content = (
            f"metric,period,value,note\n,2025-01,1,\nae-4hr,,1,\nae-4hr,2025-02,,{long_note}\n"
        )
        self.assertEqual(
            self.refused("x.csv", content.encode()),
            [
                "x.csv, row 2, field metric: the cell is blank; give the metric's code.",
                "x.csv, row 3, field period: the cell is blank; give the period as YYYY-MM-DD, "
                "like 2025-04-01.",
                "x.csv, row 4, field value: the cell is blank; give a number.",
                "x.csv, row 4, field note: the note is 301 characters long; the limit is 300.",
            ],
        )

    def test_a_date_that_is_not_in_the_calendar_is_named(self) -> None:
        [problem] = self.refused("x.csv", b"metric,period,value\nae-4hr,2025-02-30,1\n")
        self.assertEqual(
            problem, "x.csv, row 2, field period: '2025-02-30' is not a date in the calendar."
        )

    def test_workbook_cells_of_the_wrong_kind_are_named(self) -> None:
        content = workbook(
            (
                "observations",
                [
                    ["metric", "period", "value"],
                    ["ae-4hr", datetime.datetime(2025, 1, 1, 9, 30), 70],  # noqa: DTZ001
                    ["ae-4hr", D(2025, 2, 1), True],
                ],
            )
        )
        self.assertEqual(
            self.refused("data.xlsx", content),
            [
                "data.xlsx, row 2, field period: 2025-01-01 09:30 has a time of day; "
                "give the date only.",
                "data.xlsx, row 3, field value: 'True' is not a number.",
            ],
        )

    def test_a_file_with_too_many_rows_is_refused(self) -> None:
        content = b"metric,period,value\n" + b"ae-4hr,2025-01,1\n" * 4
        with mock.patch.object(imports, "MAX_ROWS", 3):
            problems = self.refused("big.csv", content)
        self.assertEqual(
            problems, ["big.csv: the file has more than 3 rows of data; split it up."]
        )

    def test_checking_stops_after_fifty_problems(self) -> None:
        content = b"metric,period,value\n" + b"ae-4hr,2025-01,abc\n" * 80
        problems = self.refused("x.csv", content)
        self.assertEqual(len(problems), 51)
        self.assertEqual(problems[-1], "x.csv: checking stopped after 50 problems.")

    def test_a_service_refusal_undoes_the_whole_import_and_names_the_row(self) -> None:
        real = services.record_observations
        calls: list[str] = []

        def refuse_the_second(actor: Any, metric: Metric, rows: Any, reason: str = "") -> Any:
            calls.append(metric.code)
            if len(calls) == 2:
                raise ValidationError({"value": ["2025-02-01: The value is not allowed."]})
            return real(actor, metric, rows, reason)

        with mock.patch.object(services, "record_observations", refuse_the_second):
            problems = self.refused("observations.csv")
        self.assertEqual(calls, ["ae-4hr", "ae-attendances"])
        self.assertEqual(
            problems,
            ["observations.csv, row 6, field value: 2025-02-01: The value is not allowed."],
        )

    def test_a_member_who_may_not_submit_data_is_refused_before_the_file_is_read(self) -> None:
        before = self.state()
        for person in (self.staff, self.executive, self.governance, self.outsider):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                import_observations(person, self.org, "x.csv", b"")
        self.assertEqual(self.state(), before)


class FilenameTests(ImportTestCase):
    def test_folders_and_control_characters_are_dropped_from_the_name(self) -> None:
        self.assertEqual(imports.clean_filename("C:\\Users\\anil\\ae\x00.csv"), "ae.csv")
        self.assertEqual(imports.clean_filename("../../etc/ae.csv"), "ae.csv")
        self.assertEqual(imports.clean_filename(""), "The file")


VALID_WORKBOOK = workbook(
    ("observations", [["metric", "period", "value"], ["ae-4hr", "2025-01-01", 70]])
)
csv_cells = st.sampled_from(
    ["ae-4hr", "falls", "2025-01", "2025-01-06", "70", "-1", "nan", "", '"', "\r", "é", "\x00"]
) | st.text(max_size=8)
csv_files = st.lists(st.lists(csv_cells, max_size=7), max_size=6).map(
    lambda rows: "\n".join(",".join(row) for row in [["metric", "period", "value"], *rows])
)


@st.composite
def damaged_workbooks(draw: st.DrawFn) -> bytes:
    """A real workbook with a few bytes changed, or cut short."""
    data = bytearray(VALID_WORKBOOK)
    for _ in range(draw(st.integers(1, 4))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


class AnyFileTests(HypothesisTestCase, ImportTestCase):
    """Whatever the file holds, the import saves it whole or says what is wrong."""

    def attempt(self, name: str, content: bytes) -> None:
        before = self.state()
        try:
            self.run_import(name, content)
        except ImportFileError as e:
            self.assertTrue(e.problems)
            self.assertEqual(self.state(), before)

    @settings(max_examples=60, deadline=None, database=None)
    @given(text=csv_files, encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    def test_any_csv_is_imported_or_refused_with_reasons(self, text: str, encoding: str) -> None:
        self.attempt("any.csv", text.encode(encoding, "replace"))

    @settings(max_examples=60, deadline=None, database=None)
    @given(content=damaged_workbooks() | st.binary(max_size=200))
    def test_any_workbook_is_imported_or_refused_with_reasons(self, content: bytes) -> None:
        self.attempt("any.xlsx", content)
