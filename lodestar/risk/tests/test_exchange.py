"""The BAF as an Excel workbook: the board's layout, the long sheets, and the round trip."""

from __future__ import annotations

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from lodestar.audit.models import AuditEntry
from lodestar.delivery.models import Brag
from lodestar.governance.models import Committee
from lodestar.performance.models import Metric
from lodestar.performance.tests.builders import make_metric
from lodestar.risk import control_services as parts
from lodestar.risk import services
from lodestar.risk.exchange import BAF, SHEETS, export_baf
from lodestar.risk.exchange_import import import_baf
from lodestar.risk.models import (
    AppetiteCategory,
    Assurance,
    AssuranceGap,
    Control,
    RiskAction,
    RiskReview,
    StrategicRisk,
)
from lodestar.risk.overview import StatusFilter, baf_overview
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_appetite_category,
    make_element,
    make_risk_committee,
    make_strategic_risk,
)
from lodestar.strategy.models import Element

Cells = dict[str, list[tuple[object, ...]]]


def sheet_values(content: bytes) -> Cells:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)] for sheet in book}


def column(cells: Cells, sheet: str, heading: str) -> list[object]:
    """The values under a heading, below the heading row."""
    rows = cells[sheet]
    number = list(rows[0]).index(heading)
    return [row[number] for row in rows[1:]]


CellValue = str | int | datetime.date | None


def edited(content: bytes, sheet: str, heading: str, row: int, value: CellValue) -> bytes:
    """The workbook with one cell changed; `row` counts as Excel does (headings are row 1)."""
    book = load_workbook(io.BytesIO(content))
    worksheet = book[sheet]
    headings = [c.value for c in worksheet[1]]
    # cell(row, column, None) would leave the value alone, so set it on the cell.
    worksheet.cell(row, headings.index(heading) + 1).value = value
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def record_counts() -> dict[str, int]:
    """How many of each kind of record there are, to show an import changed nothing."""
    kinds = (StrategicRisk, Control, Assurance, AssuranceGap, RiskAction, RiskReview, AuditEntry)
    return {kind.__name__: kind.objects.count() for kind in kinds}


class ExchangeTestCase(RiskTestCase):
    """A BAF of two risks made through the services, with every kind of part."""

    people: Committee
    quality: AppetiteCategory
    second: Element
    metric: Metric
    sr1: StrategicRisk
    sr2: StrategicRisk

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = make_risk_committee(cls.org, "People Committee")
        cls.quality = make_appetite_category(cls.org, name="Quality", level=2, tolerance=9)
        cls.second = make_element(cls.element.strategy, title="Be a great place to work")
        cls.metric = make_metric(cls.org, cls.executive, code="vacancy-rate")
        cls.sr1 = services.create_strategic_risk(
            cls.governance,
            cls.org,
            reference="SR1",
            title="Not enough registered nurses",
            cause="If we cannot recruit and keep enough registered nurses",
            event="there is a risk that wards run below safe staffing levels",
            effect="resulting in harm to patients.",
            executive_lead=cls.executive,
            committee=cls.committee,
            appetite_category=cls.category,
            elements=[cls.element, cls.second],
            metrics=[cls.metric],
            inherent_likelihood=4,
            inherent_consequence=5,
            current_likelihood=4,
            current_consequence=4,
            target_likelihood=2,
            target_consequence=4,
            target_date=datetime.date(2027, 3, 31),
        )
        cls._add_parts(cls.sr1)
        cls.sr2 = services.create_strategic_risk(
            cls.governance,
            cls.org,
            reference="SR2",
            title="A culture where staff do not speak up",
            cause="If staff do not feel safe to speak up",
            event="there is a risk that concerns go unheard",
            effect="resulting in avoidable harm.",
            executive_lead=cls.executive,
            committee=cls.people,
            appetite_category=cls.quality,
            elements=[cls.second],
            inherent_likelihood=3,
            inherent_consequence=4,
            current_likelihood=2,
            current_consequence=3,
            target_likelihood=1,
            target_consequence=3,
            illustrative=True,
        )

    @classmethod
    def _add_parts(cls, risk: StrategicRisk) -> None:
        g = cls.governance
        parts.add_control(g, risk, kind="control", description="Monthly safe staffing review")
        parts.add_control(g, risk, kind="control", description="=International recruitment")
        parts.add_control(g, risk, kind="gap", description="No workforce plan for 2027")
        parts.add_assurance(
            g,
            risk,
            line="first",
            source="Safer staffing report",
            positive=True,
            level="reasonable",
            dated=datetime.date(2025, 5, 1),
        )
        parts.add_assurance(
            g,
            risk,
            line="third",
            source="Internal audit",
            positive=False,
            level="limited",
            dated=datetime.date(2025, 4, 1),
            description="Rostering controls not followed on two wards.",
            document="IA 2025/07",
            document_url="https://example.org/ia-2025-07",
        )
        parts.add_assurance_gap(g, risk, description="No external review of the rostering")
        parts.add_action(
            g,
            risk,
            description="Agree the 2027 workforce plan",
            owner=cls.executive,
            due_date=datetime.date(2026, 3, 31),
            status=Brag.AMBER,
        )
        done = parts.add_action(
            g,
            risk,
            description="Recruit 40 nurses from abroad",
            owner=cls.governance,
            due_date=datetime.date(2025, 3, 31),
            status=Brag.BLUE,
        )
        parts.complete_action(g, done, datetime.date(2025, 3, 20))
        for on, likelihood in ((datetime.date(2025, 3, 1), 3), (datetime.date(2025, 6, 1), 4)):
            services.record_review(
                g,
                risk,
                reviewed_on=on,
                likelihood=likelihood,
                consequence=4,
                rationale="Vacancies still high.",
                committee=cls.committee,
            )
        services.update_strategic_risk(g, risk, next_review_on=datetime.date(2099, 1, 31))

    def export(self, status: StatusFilter = StatusFilter.OPEN) -> bytes:
        return export_baf(baf_overview(self.org, timezone.localdate(), status=status))


class ExportTests(ExchangeTestCase):
    def test_the_workbook_has_the_baf_sheet_and_the_long_sheets(self) -> None:
        cells = sheet_values(self.export())
        self.assertEqual(list(cells), [sheet.name for sheet in SHEETS])
        for sheet in SHEETS:
            self.assertEqual(list(cells[sheet.name][0]), sheet.headings)

    def test_the_baf_sheet_has_a_row_per_risk_in_the_boards_layout(self) -> None:
        cells = sheet_values(self.export())
        self.assertEqual(column(cells, "BAF", "Reference"), ["SR1", "SR2"])
        self.assertEqual(
            column(cells, "BAF", "Linked objectives")[0],
            "Deliver great care\nBe a great place to work",
        )
        self.assertEqual(column(cells, "BAF", "Executive lead")[0], "Erin Exec (erin)")
        self.assertEqual(
            column(cells, "BAF", "Committee"), ["Audit and Risk Committee", "People Committee"]
        )
        self.assertEqual(column(cells, "BAF", "Appetite level"), ["Cautious", "Minimal"])
        self.assertEqual(column(cells, "BAF", "Tolerance"), [12, 9])
        self.assertEqual(column(cells, "BAF", "Current score"), [16, 6])
        self.assertEqual(column(cells, "BAF", "Current band"), ["Extreme", "Moderate"])
        self.assertEqual(column(cells, "BAF", "Target band"), ["High", "Low"])
        self.assertEqual(column(cells, "BAF", "Trend"), ["↑ Up", "New"])
        self.assertEqual(column(cells, "BAF", "Overall assurance"), ["Limited", "None recorded"])
        self.assertEqual(column(cells, "BAF", "Linked metrics"), ["vacancy-rate", None])
        self.assertEqual(column(cells, "BAF", "Illustrative"), ["No", "Yes"])
        target_date = column(cells, "BAF", "Target date")[0]
        self.assertIsInstance(target_date, datetime.datetime)  # a real date cell, not text
        self.assertEqual(str(target_date), "2027-03-31 00:00:00")

    def test_summary_columns_list_controls_assurances_gaps_and_actions(self) -> None:
        cells = sheet_values(self.export())
        self.assertEqual(
            column(cells, "BAF", "Key controls")[0],
            "• Monthly safe staffing review\n• =International recruitment",
        )
        self.assertEqual(
            column(cells, "BAF", "Gaps in control")[0], "• No workforce plan for 2027"
        )
        assurances = str(column(cells, "BAF", "Assurances")[0])
        self.assertIn("First line: Safer staffing report, +, Reasonable, 2025-05-01", assurances)
        self.assertIn("Third line: Internal audit, -, Limited, 2025-04-01", assurances)
        actions = str(column(cells, "BAF", "Actions")[0])
        self.assertIn(
            "Agree the 2027 workforce plan (Erin Exec (erin), due 2026-03-31, Amber)", actions
        )
        self.assertIn("(Gwen Governance (gwen), due 2025-03-31, Complete)", actions)
        self.assertIn("Above tolerance", str(column(cells, "BAF", "Flags")[0]))

    def test_text_that_looks_like_a_formula_stays_text(self) -> None:
        cells = sheet_values(self.export())
        self.assertIn("=International recruitment", column(cells, "Controls", "Description"))

    def test_the_long_sheets_hold_one_record_a_row(self) -> None:
        cells = sheet_values(self.export())
        self.assertEqual(
            column(cells, "Controls", "Kind"), ["Key control", "Key control", "Gap in control"]
        )
        self.assertEqual(column(cells, "Assurances", "Line"), ["First line", "Third line"])
        self.assertEqual(
            column(cells, "Assurances", "Positive or negative"), ["Positive", "Negative"]
        )
        self.assertEqual(column(cells, "Assurance gaps", "Risk reference"), ["SR1"])
        self.assertEqual(column(cells, "Actions", "Status"), ["Blue", "Amber"])
        self.assertEqual(column(cells, "Reviews", "Score"), [12, 16])
        self.assertEqual(column(cells, "Reviews", "Reviewer"), ["Gwen Governance (gwen)"] * 2)

    def test_bands_are_filled_with_their_colour_and_headings_are_styled(self) -> None:
        book = load_workbook(io.BytesIO(self.export()))
        sheet = book["BAF"]
        band = BAF.headings.index("Current band") + 1
        self.assertEqual(sheet.cell(2, band).fill.fgColor.rgb, "00DA291C")
        self.assertEqual(sheet.cell(3, band).fill.fgColor.rgb, "00FFEB3B")
        self.assertTrue(sheet.cell(1, 1).font.bold)
        self.assertTrue(sheet.cell(2, BAF.headings.index("Cause") + 1).alignment.wrap_text)
        self.assertEqual(sheet.freeze_panes, "C2")

    def test_the_number_of_queries_does_not_grow_with_the_number_of_risks(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.export()
            return len(queries)

        two = count()
        for reference in ("SR3", "SR4", "SR5"):
            risk = make_strategic_risk(
                self.org, self.executive, element=self.element, reference=reference
            )
            self._add_parts(risk)
        self.assertEqual(count(), two)

    def test_exporting_twice_gives_the_same_bytes(self) -> None:
        self.assertEqual(self.export(), self.export())

    def test_the_committee_filter_narrows_the_export(self) -> None:
        baf = baf_overview(self.org, timezone.localdate(), committee=self.people)
        cells = sheet_values(export_baf(baf))
        self.assertEqual(column(cells, "BAF", "Reference"), ["SR2"])
        self.assertEqual(column(cells, "Controls", "Description"), [])


class RoundTripTests(ExchangeTestCase):
    def test_importing_an_export_into_an_empty_baf_reproduces_it(self) -> None:
        before = self.export()
        StrategicRisk.objects.filter(organisation=self.org).delete()
        result = import_baf(self.governance, self.org, before)
        self.assertEqual(result.created, ["SR1", "SR2"])
        self.assertEqual(self.export(), before)

    def test_closed_and_merged_risks_make_the_round_trip_too(self) -> None:
        third = services.create_strategic_risk(
            self.governance,
            self.org,
            reference="SR3",
            title="Estates backlog",
            cause="If we cannot fund repairs",
            event="there is a risk that wards close",
            effect="resulting in lost beds.",
            executive_lead=self.executive,
            committee=self.committee,
            appetite_category=self.category,
            elements=[self.element],
            inherent_likelihood=3,
            inherent_consequence=3,
            current_likelihood=2,
            current_consequence=3,
            target_likelihood=1,
            target_consequence=3,
        )
        services.close_strategic_risk(self.governance, third, "Funding agreed.")
        services.merge_strategic_risk(self.governance, self.sr2, self.sr1, "One people risk.")
        before = self.export(StatusFilter.ALL)
        self.sr2.delete()  # the merged risk first: it protects the one it went into
        StrategicRisk.objects.filter(organisation=self.org).delete()
        import_baf(self.governance, self.org, before)
        self.assertEqual(self.export(StatusFilter.ALL), before)
        merged = StrategicRisk.objects.get(organisation=self.org, reference="SR2")
        self.assertEqual(merged.status, "merged")
        self.assertEqual(merged.merged_into, StrategicRisk.objects.get(reference="SR1"))

    def test_the_import_is_audited_as_the_person_who_imported(self) -> None:
        before = self.export()
        StrategicRisk.objects.filter(organisation=self.org).delete()
        since = AuditEntry.objects.count()
        import_baf(self.governance, self.org, before)
        entries = AuditEntry.objects.order_by("id")[since:]
        self.assertGreater(len(entries), 10)
        self.assertEqual({e.actor for e in entries}, {self.governance})

    def test_importing_the_same_workbook_again_changes_nothing(self) -> None:
        workbook = self.export()
        counts = record_counts()
        result = import_baf(self.governance, self.org, workbook)
        self.assertEqual((result.updated, result.unchanged), ([], ["SR1", "SR2"]))
        self.assertEqual(record_counts(), counts)

    def test_an_edited_workbook_updates_the_risk_and_its_parts(self) -> None:
        workbook = edited(self.export(), "BAF", "Title", 2, "Too few nurses")
        workbook = edited(workbook, "Controls", "Description", 4, "Workforce plan agreed")
        workbook = edited(workbook, "Controls", "Kind", 4, "Key control")
        workbook = edited(workbook, "Actions", "Status", 3, "Red")
        result = import_baf(self.governance, self.org, workbook)
        self.assertEqual((result.updated, result.unchanged), (["SR1"], ["SR2"]))
        self.assertEqual(result.summary(), "BAF imported: 0 risks added, 1 updated, 1 unchanged.")
        self.sr1.refresh_from_db()
        self.assertEqual(self.sr1.title, "Too few nurses")
        self.assertEqual(
            sorted(self.sr1.controls.values_list("description", flat=True)),
            [
                "=International recruitment",
                "Monthly safe staffing review",
                "Workforce plan agreed",
            ],
        )
        self.assertFalse(self.sr1.controls.filter(kind="gap").exists())
        action = self.sr1.actions.get(description="Agree the 2027 workforce plan")
        self.assertEqual(action.status, Brag.RED)

    def test_reviews_are_added_but_never_removed(self) -> None:
        workbook = self.export()
        book = load_workbook(io.BytesIO(workbook))
        book["Reviews"].delete_rows(2)
        import_baf(self.governance, self.org, _saved(book))
        self.assertEqual(self.sr1.reviews.count(), 2)

    def test_reviews_keep_their_reviewer_as_a_person(self) -> None:
        workbook = edited(self.export(), "Reviews", "Reviewer", 2, "Charles Chair (charles)")
        StrategicRisk.objects.filter(organisation=self.org).delete()
        import_baf(self.governance, self.org, workbook)
        reviews = RiskReview.objects.filter(risk__reference="SR1").order_by("reviewed_on")
        self.assertEqual([r.reviewer for r in reviews], [self.chair, self.governance])
        # The import itself is still the importer's doing.
        entry = AuditEntry.objects.get(object_uuid=reviews[0].uuid)
        self.assertEqual(entry.actor, self.governance)

    def test_a_review_with_no_reviewer_is_recorded_in_the_importers_name(self) -> None:
        workbook = edited(self.export(), "Reviews", "Reviewer", 2, None)
        StrategicRisk.objects.filter(organisation=self.org).delete()
        import_baf(self.admin, self.org, workbook)
        reviews = RiskReview.objects.filter(risk__reference="SR1").order_by("reviewed_on")
        self.assertEqual([r.reviewer for r in reviews], [self.admin, self.governance])

    def test_a_risk_marked_closed_is_closed(self) -> None:
        workbook = edited(self.export(), "BAF", "Status", 3, "Closed")
        import_baf(self.governance, self.org, workbook)
        self.sr2.refresh_from_db()
        self.assertEqual(self.sr2.status, "closed")

    def test_a_risk_marked_merged_is_merged_into_the_one_named(self) -> None:
        workbook = edited(self.export(), "BAF", "Status", 3, "Merged")
        workbook = edited(workbook, "BAF", "Merged into", 3, "SR1")
        import_baf(self.governance, self.org, workbook)
        self.sr2.refresh_from_db()
        self.assertEqual((self.sr2.status, self.sr2.merged_into), ("merged", self.sr1))

    def test_risks_missing_from_the_workbook_are_left_alone(self) -> None:
        book = load_workbook(io.BytesIO(self.export()))
        book["BAF"].delete_rows(3)
        import_baf(self.governance, self.org, _saved(book))
        self.assertTrue(StrategicRisk.objects.filter(pk=self.sr2.pk, status="open").exists())

    def test_people_may_be_named_by_username_or_email(self) -> None:
        self.executive.email = "erin.exec@nhs.net"
        self.executive.save()
        workbook = edited(self.export(), "BAF", "Executive lead", 2, "ERIN.EXEC@nhs.net")
        workbook = edited(workbook, "Actions", "Owner", 2, "gwen")
        import_baf(self.governance, self.org, workbook)
        self.sr1.refresh_from_db()
        self.assertEqual(self.sr1.executive_lead, self.executive)


class ExportPageTests(ExchangeTestCase):
    def setUp(self) -> None:
        self.url = reverse("risk:baf_xlsx", args=[self.org.uuid])

    def test_board_members_download_the_workbook(self) -> None:
        for user in (self.chair, self.ned, self.executive, self.governance, self.admin):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    response["Content-Type"],
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                disposition = 'attachment; filename="rxm-board-assurance-framework.xlsx"'
                self.assertEqual(response["Content-Disposition"], disposition)
                self.assertEqual(response.content, self.export())

    def test_other_roles_are_refused_and_other_trusts_find_nothing(self) -> None:
        for user in (self.analyst, self.manager, self.staff):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_the_download_follows_the_committee_filter(self) -> None:
        self.client.force_login(self.chair)
        response = self.client.get(self.url, {"committee": str(self.people.uuid)})
        self.assertIn("people-committee", response["Content-Disposition"])
        cells = sheet_values(response.content)
        self.assertEqual(column(cells, "BAF", "Reference"), ["SR2"])
