"""A malformed BAF workbook changes nothing and names the sheet, row and field at fault."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from lodestar.risk.exchange import MAX_BYTES, BafFileError
from lodestar.risk.exchange_import import import_baf
from lodestar.risk.models import RiskStatus, StrategicRisk
from lodestar.risk.tests.test_exchange import (
    ExchangeTestCase,
    _saved,
    edited,
    record_counts,
)

FILES = Path(__file__).parent / "files"


class RejectedImportTests(ExchangeTestCase):
    def setUp(self) -> None:
        self.workbook = self.export()

    def refused(self, content: bytes) -> list[str]:
        """The problems an import of `content` reports, having checked it changed nothing."""
        counts = record_counts()
        with self.assertRaises(BafFileError) as caught:
            import_baf(self.governance, self.org, content)
        self.assertEqual(record_counts(), counts)
        return [str(problem) for problem in caught.exception.problems]

    def assert_refused_with(self, content: bytes, message: str) -> None:
        self.assertIn(message, self.refused(content))

    def test_a_rating_of_six(self) -> None:
        content = edited(self.workbook, "BAF", "Current likelihood", 7 - 5, 6)
        self.assert_refused_with(
            content, "sheet BAF, row 2, field current likelihood: 6 is not a rating from 1 to 5"
        )

    def test_a_rating_that_is_not_a_number(self) -> None:
        content = edited(self.workbook, "Reviews", "Consequence", 3, "high")
        self.assert_refused_with(
            content, "sheet Reviews, row 3, field consequence: high is not a rating from 1 to 5"
        )

    def test_an_unknown_executive_lead(self) -> None:
        content = edited(self.workbook, "BAF", "Executive lead", 3, "Nobody (nobody)")
        self.assert_refused_with(
            content,
            "sheet BAF, row 3, field executive lead: Nobody (nobody) is not a member of "
            "Derbyshire Healthcare NHS Foundation Trust; give a username or email address",
        )

    def test_a_lead_who_is_not_an_executive_director(self) -> None:
        content = edited(self.workbook, "BAF", "Executive lead", 2, "charles")
        problems = self.refused(content)
        self.assertTrue(
            any(
                p.startswith("sheet BAF, row 2, field executive lead: Charles Chair is not")
                for p in problems
            ),
            problems,
        )

    def test_an_unknown_action_owner(self) -> None:
        content = edited(self.workbook, "Actions", "Owner", 2, "olly")
        self.assert_refused_with(
            content,
            "sheet Actions, row 2, field owner: olly is not a member of "
            "Derbyshire Healthcare NHS Foundation Trust; give a username or email address",
        )

    def test_an_unknown_reviewer(self) -> None:
        content = edited(self.workbook, "Reviews", "Reviewer", 3, "Olly Outsider (olly)")
        self.assert_refused_with(
            content,
            "sheet Reviews, row 3, field reviewer: Olly Outsider (olly) is not a member of "
            "Derbyshire Healthcare NHS Foundation Trust; give a username or email address",
        )

    def test_an_unknown_committee(self) -> None:
        content = edited(self.workbook, "BAF", "Committee", 2, "Finance Committee")
        self.assert_refused_with(
            content,
            "sheet BAF, row 2, field committee: Finance Committee is not a committee of "
            "Derbyshire Healthcare NHS Foundation Trust",
        )

    def test_an_unknown_appetite_category(self) -> None:
        content = edited(self.workbook, "BAF", "Appetite category", 2, "Reputation")
        self.assert_refused_with(
            content,
            "sheet BAF, row 2, field appetite category: Reputation is not an appetite "
            "category of Derbyshire Healthcare NHS Foundation Trust",
        )

    def test_an_unknown_objective(self) -> None:
        content = edited(self.workbook, "BAF", "Linked objectives", 2, "Deliver great care\nWin")
        self.assert_refused_with(
            content,
            f"sheet BAF, row 2, field linked objectives: Win is not an objective of "
            f"{self.element.strategy}",
        )

    def test_an_unknown_metric(self) -> None:
        content = edited(self.workbook, "BAF", "Linked metrics", 2, "ae-4hr")
        self.assert_refused_with(
            content,
            "sheet BAF, row 2, field linked metrics: ae-4hr is not a metric of "
            "Derbyshire Healthcare NHS Foundation Trust",
        )

    def test_a_date_that_is_not_a_date(self) -> None:
        content = edited(self.workbook, "BAF", "Target date", 2, "31/02/2027")
        self.assert_refused_with(
            content,
            "sheet BAF, row 2, field target date: 31/02/2027 is not a date; "
            "write it like 2026-03-31 or 31/03/2026",
        )

    def test_a_review_dated_in_the_future(self) -> None:
        later = datetime.date.today() + datetime.timedelta(days=30)  # noqa: DTZ011
        content = edited(self.workbook, "Reviews", "Reviewed on", 3, later)
        self.assert_refused_with(
            content,
            "sheet Reviews, row 3, field reviewed on: A review cannot be dated in the future",
        )

    def test_a_choice_that_is_not_offered(self) -> None:
        content = edited(self.workbook, "Assurances", "Level", 2, "Great")
        self.assert_refused_with(
            content,
            "sheet Assurances, row 2, field level: Great is not one of "
            "Substantial, Reasonable, Limited or None",
        )

    def test_an_empty_required_cell(self) -> None:
        content = edited(self.workbook, "BAF", "Title", 3, None)
        self.assert_refused_with(content, "sheet BAF, row 3, field title: is empty")

    def test_a_missing_required_column(self) -> None:
        book = load_workbook(io.BytesIO(self.workbook))
        book["BAF"].delete_cols(4)  # Cause
        self.assert_refused_with(
            _saved(book), "sheet BAF, row 1, field cause: this column is missing"
        )

    def test_a_column_the_layout_does_not_have(self) -> None:
        book = load_workbook(io.BytesIO(self.workbook))
        book["Controls"].cell(1, 4).value = "Comments"
        self.assert_refused_with(
            _saved(book), "sheet Controls, row 1, field comments: is not a column of this sheet"
        )

    def test_a_missing_sheet(self) -> None:
        book = load_workbook(io.BytesIO(self.workbook))
        book.remove(book["Actions"])
        self.assert_refused_with(
            _saved(book),
            "The file: the workbook has no Actions sheet; it needs BAF, Controls, "
            "Assurances, Assurance gaps, Actions, Reviews",
        )

    def test_a_part_of_a_risk_that_is_not_on_the_baf_sheet(self) -> None:
        content = edited(self.workbook, "Controls", "Risk reference", 3, "SR9")
        self.assert_refused_with(
            content,
            "sheet Controls, row 3, field risk reference: SR9 is not a risk on the BAF sheet",
        )

    def test_a_reference_used_twice(self) -> None:
        content = edited(self.workbook, "BAF", "Reference", 3, "sr1")
        self.assert_refused_with(
            content,
            "sheet BAF, row 3, field reference: sr1 is also on row 2; give each risk one row",
        )

    def test_a_merge_into_a_risk_that_does_not_exist(self) -> None:
        content = edited(self.workbook, "BAF", "Status", 3, "Merged")
        content = edited(content, "BAF", "Merged into", 3, "SR99")
        self.assert_refused_with(
            content,
            "sheet BAF, row 3, field merged into: "
            "SR99 is not a risk on the BAF sheet or in Lodestar",
        )

    def test_reopening_a_closed_risk(self) -> None:
        StrategicRisk.objects.filter(pk=self.sr2.pk).update(status=RiskStatus.CLOSED)
        self.assert_refused_with(
            self.workbook,
            "sheet BAF, row 3, field status: SR2 is closed in Lodestar; "
            "an import cannot reopen a risk",
        )

    def test_a_refusal_late_in_the_file_undoes_the_risks_made_before_it(self) -> None:
        StrategicRisk.objects.filter(organisation=self.org).delete()
        # SR2's current score (4 x 4 = 16) is above its inherent score (3 x 4 = 12).
        content = edited(self.workbook, "BAF", "Current likelihood", 3, 4)
        content = edited(content, "BAF", "Current consequence", 3, 4)
        problems = self.refused(content)
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(
            problems[0].startswith(
                "sheet BAF, row 3, field current likelihood: The current score (16) cannot be "
                "above the inherent score (12)"
            ),
            problems,
        )
        self.assertFalse(StrategicRisk.objects.filter(organisation=self.org).exists())

    def test_every_problem_is_reported_at_once_in_sheet_order(self) -> None:
        content = edited(self.workbook, "Reviews", "Likelihood", 2, 0)
        content = edited(content, "BAF", "Committee", 3, "Nowhere")
        content = edited(content, "BAF", "Inherent likelihood", 2, 9)
        problems = self.refused(content)
        self.assertEqual(
            [p.split(":")[0] for p in problems],
            [
                "sheet BAF, row 2, field inherent likelihood",
                "sheet BAF, row 3, field committee",
                "sheet Reviews, row 2, field likelihood",
            ],
        )

    def test_a_file_that_is_not_a_workbook(self) -> None:
        for name in ("not-a-workbook.xlsx", "damaged.xlsx"):
            with self.subTest(file=name):
                self.assertEqual(
                    self.refused((FILES / name).read_bytes()),
                    ["The file: it is not an Excel workbook (.xlsx), or it is damaged"],
                )

    def test_a_zip_whose_parts_are_not_a_workbook(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types")
            archive.writestr("xl/workbook.xml", "not xml")
        self.assertEqual(
            self.refused(buffer.getvalue()),
            ["The file: it is not an Excel workbook (.xlsx), or it is damaged"],
        )

    def test_a_file_too_large_to_read(self) -> None:
        self.assertEqual(
            self.refused(b"x" * (MAX_BYTES + 1)), ["The file: the file is larger than 5 MB"]
        )

    def test_a_workbook_with_no_risks(self) -> None:
        book = load_workbook(io.BytesIO(self.workbook))
        for name in book.sheetnames:
            book[name].delete_rows(2, 50)
        self.assertEqual(self.refused(_saved(book)), ["sheet BAF: has no risks to import"])

    def test_only_those_who_manage_risks_may_import(self) -> None:
        for user in (self.chair, self.executive, self.analyst):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                import_baf(user, self.org, self.workbook)
