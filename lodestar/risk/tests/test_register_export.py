"""The corporate risk register as an Excel workbook: its columns, the page's filters, who
may download it, and the same bytes every time."""

from __future__ import annotations

import datetime
import io

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from lodestar.risk.models import OperationalRisk, RiskStatus, StrategicRisk
from lodestar.risk.register_export import REGISTER
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_operational_risk,
    make_strategic_risk,
)
from lodestar.risk.tests.test_exchange import column, sheet_values

D = datetime.date
NOW = datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC)
SHEET = "Risk register"


@time_machine.travel(NOW, tick=False)
class RegisterExportTestCase(RiskTestCase):
    """Three risks in RXM: an escalated one feeding a BAF risk, with controls, gaps and
    actions and an overdue review; a moderate one; and a closed one."""

    baf: StrategicRisk
    escalated: OperationalRisk
    moderate: OperationalRisk
    closed: OperationalRisk

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.baf = make_strategic_risk(cls.org, cls.executive, title="Safe staffing")
        cls.escalated = make_operational_risk(
            cls.org,
            cls.executive,
            title="Agency spend above the cap",
            current_likelihood=4,
            current_consequence=4,
            strategic_risk=cls.baf,
            controls="Weekly agency spend report\nExecutive sign-off above the cap",
            gaps="No bank for allied health professionals",
            actions="Open a staff bank (Director of Finance, 31 March 2026)",
            target_date=D(2026, 3, 31),
            last_reviewed_on=D(2025, 6, 30),
            next_review_on=D(2025, 9, 30),
        )
        cls.moderate = make_operational_risk(
            cls.org,
            cls.governance,
            title="Estates backlog",
            service="Estates",
            current_likelihood=2,
        )
        cls.closed = make_operational_risk(
            cls.org, cls.executive, title="Closed one", status=RiskStatus.CLOSED
        )

    def url(self, query: str = "") -> str:
        return reverse("risk:register_export", args=[self.org.uuid]) + query

    def download(self, query: str = "") -> bytes:
        self.client.force_login(self.chair)
        response = self.client.get(self.url(query))
        self.assertEqual(response.status_code, 200)
        return bytes(response.content)


class RegisterWorkbookTests(RegisterExportTestCase):
    def test_it_has_one_sheet_with_a_row_per_risk_highest_current_score_first(self) -> None:
        cells = sheet_values(self.download())
        self.assertEqual(list(cells), [SHEET])
        self.assertEqual(list(cells[SHEET][0]), REGISTER.headings)
        self.assertEqual(column(cells, SHEET, "Reference"), ["CR1", "CR2"])
        self.assertEqual(
            column(cells, SHEET, "Title"), ["Agency spend above the cap", "Estates backlog"]
        )

    def test_each_row_holds_what_a_trusts_register_holds(self) -> None:
        cells = sheet_values(self.download())

        def first(heading: str) -> object:
            return column(cells, SHEET, heading)[0]

        expected: dict[str, object] = {
            "Service": "Acute inpatient services",
            "Owner": "Erin Exec (erin)",
            "Feeds BAF risk": f"{self.baf.reference} Safe staffing",
            "Inherent likelihood": 4,
            "Inherent consequence": 5,
            "Inherent score": 20,
            "Inherent band": "Extreme",
            "Current score": 16,
            "Current band": "Extreme",
            "Target score": 8,
            "Target band": "High",
            "Controls in place": "Weekly agency spend report\nExecutive sign-off above the cap",
            "Gaps in control": "No bank for allied health professionals",
            "Further actions": "Open a staff bank (Director of Finance, 31 March 2026)",
            "Status": "Open",
            "Flags": "Escalated to the BAF\nReview overdue",
            "Illustrative": "No",
        }
        for heading, value in expected.items():
            with self.subTest(heading=heading):
                self.assertEqual(first(heading), value)
        self.assertEqual(column(cells, SHEET, "Feeds BAF risk")[1], None)
        self.assertEqual(column(cells, SHEET, "Flags")[1], None)

    def test_dates_are_real_excel_dates(self) -> None:
        cells = sheet_values(self.download())
        for heading, day in (
            ("Target date", D(2026, 3, 31)),
            ("Last reviewed", D(2025, 6, 30)),
            ("Next review", D(2025, 9, 30)),
        ):
            with self.subTest(heading=heading):
                value = column(cells, SHEET, heading)[0]
                self.assertIsInstance(value, datetime.datetime)  # a date cell, not text
                assert isinstance(value, datetime.datetime)
                self.assertEqual(value.date(), day)

    def test_the_heading_row_is_bold_and_frozen_and_bands_are_coloured(self) -> None:
        sheet = load_workbook(io.BytesIO(self.download()))[SHEET]
        self.assertTrue(all(cell.font.bold for cell in sheet[1]))
        self.assertEqual(sheet.freeze_panes, "C2")
        self.assertGreater(sheet.column_dimensions["C"].width, 30)
        current = REGISTER.headings.index("Current band") + 1
        target = REGISTER.headings.index("Target band") + 1
        self.assertEqual(sheet.cell(2, current).fill.fgColor.rgb, "00DA291C")  # Extreme
        self.assertEqual(sheet.cell(2, target).fill.fgColor.rgb, "00FFB81C")  # High
        self.assertEqual(sheet.cell(3, current).fill.fgColor.rgb, "00FFEB3B")  # Moderate
        controls = REGISTER.headings.index("Controls in place") + 1
        self.assertTrue(sheet.cell(2, controls).alignment.wrap_text)

    def test_downloading_twice_gives_the_same_bytes_with_fixed_times(self) -> None:
        first = self.download()
        with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
            self.assertEqual(self.download(), first)
        book = load_workbook(io.BytesIO(first))
        self.assertEqual(f"{book.properties.created:%Y-%m-%d %H:%M}", "2000-01-01 00:00")
        self.assertEqual(book.properties.title, f"Corporate risk register: {self.org.name}")

    def test_it_is_named_as_an_attachment_for_the_trust(self) -> None:
        self.client.force_login(self.chair)
        response = self.client.get(self.url())
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="rxm-corporate-risk-register.xlsx"',
        )

    def test_characters_excel_cannot_hold_are_left_out_rather_than_failing(self) -> None:
        OperationalRisk.objects.filter(pk=self.moderate.pk).update(
            controls="Roof survey\x0bpasted from a document"
        )
        cells = sheet_values(self.download())
        self.assertEqual(
            column(cells, SHEET, "Controls in place")[1], "Roof surveypasted from a document"
        )

    def test_the_number_of_queries_does_not_grow_with_the_number_of_risks(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.download()
            return len(queries)

        count()  # the first request also signs in
        before = count()
        for _ in range(4):
            make_operational_risk(self.org, self.ned, strategic_risk=self.baf)
        self.assertEqual(count(), before)


class RegisterExportFilterTests(RegisterExportTestCase):
    def test_the_export_keeps_the_pages_filters(self) -> None:
        cases = [
            ("", ["CR1", "CR2"]),
            ("?status=all", ["CR1", "CR3", "CR2"]),
            ("?status=closed", ["CR3"]),
            ("?escalated=on", ["CR1"]),
            ("?band=Moderate", ["CR2"]),
            ("?service=Estates", ["CR2"]),
            ("?service=Nowhere&band=Nothing", ["CR1", "CR2"]),
        ]
        for query, references in cases:
            with self.subTest(query=query):
                cells = sheet_values(self.download(query))
                self.assertEqual(column(cells, SHEET, "Reference"), references)

    def test_a_register_with_nothing_to_show_gives_just_the_headings(self) -> None:
        cells = sheet_values(self.download("?band=Low"))
        self.assertEqual(cells[SHEET], [tuple(REGISTER.headings)])

    def test_the_register_page_links_to_the_export_with_its_filters(self) -> None:
        self.client.force_login(self.chair)
        page = reverse("risk:register", args=[self.org.uuid])
        self.assertContains(self.client.get(page), f'href="{self.url()}"')
        table = self.client.get(page + "?status=all&service=Estates", HTTP_HX_REQUEST="true")
        self.assertContains(table, f'href="{self.url()}?status=all&amp;service=Estates"')
        self.assertContains(table, "Download the risks shown as Excel")

    def test_another_trusts_risks_are_never_in_the_export(self) -> None:
        make_operational_risk(self.other_org, self.outsider, title="Nottinghamshire risk")
        cells = sheet_values(self.download("?status=all"))
        self.assertNotIn("Nottinghamshire risk", column(cells, SHEET, "Title"))
