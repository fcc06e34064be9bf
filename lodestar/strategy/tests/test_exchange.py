"""Strategy files: export, import and the lossless round trip, in YAML and in Excel."""

from __future__ import annotations

import io

import yaml
from openpyxl import load_workbook

from lodestar.audit.models import AuditEntry
from lodestar.delivery.models import Deliverable, Evidence, ProgressUpdate
from lodestar.strategy.exchange import Format, export_filename, export_strategy, import_strategy
from lodestar.strategy.models import Element, ElementKind, Strategy
from lodestar.strategy.tests.strategy_files import IMPORTED_MODELS, ExchangeTestCase, counts


class RoundTripTests(ExchangeTestCase):
    def _round_trip_into_a_fresh_organisation(self, fmt: Format) -> None:
        exported = export_strategy(self.strategy, fmt)
        fresh = self.fresh_organisation()
        imported = import_strategy(None, fresh, exported, fmt, create_kinds=True)
        self.assertEqual(imported.organisation, fresh)
        self.assertEqual(export_strategy(imported, fmt), exported)

    def test_a_yaml_file_imported_into_a_fresh_organisation_exports_the_same_file(self) -> None:
        self._round_trip_into_a_fresh_organisation(Format.YAML)

    def test_an_excel_file_imported_into_a_fresh_organisation_exports_the_same_file(self) -> None:
        self._round_trip_into_a_fresh_organisation(Format.XLSX)

    def test_a_strategy_deleted_and_imported_again_exports_the_same_files(self) -> None:
        exported = {fmt: export_strategy(self.strategy, fmt) for fmt in Format}
        self.strategy.delete()
        for fmt in Format:
            with self.subTest(fmt=fmt):
                imported = import_strategy(None, self.org, exported[fmt], fmt)
                self.assertEqual(export_strategy(imported, fmt), exported[fmt])
                imported.delete()

    def test_a_file_can_be_carried_from_yaml_to_excel_and_back(self) -> None:
        as_yaml = export_strategy(self.strategy, Format.YAML)
        self.strategy.delete()
        via_yaml = import_strategy(None, self.org, as_yaml, Format.YAML)
        as_excel = export_strategy(via_yaml, Format.XLSX)
        via_yaml.delete()
        via_excel = import_strategy(None, self.org, as_excel, Format.XLSX)
        self.assertEqual(export_strategy(via_excel, Format.YAML), as_yaml)

    def test_exporting_twice_gives_the_same_bytes(self) -> None:
        for fmt in Format:
            with self.subTest(fmt=fmt):
                first = export_strategy(self.strategy, fmt)
                self.assertEqual(export_strategy(self.strategy, fmt), first)

    def test_the_imported_strategy_keeps_what_the_original_said(self) -> None:
        exported = export_strategy(self.strategy, Format.XLSX)
        imported = import_strategy(
            None, self.fresh_organisation(), exported, Format.XLSX, create_kinds=True
        )
        self.assertEqual(imported.vision, self.strategy.vision)
        self.assertEqual(imported.status, Strategy.Status.APPROVED)
        self.assertEqual(imported.approved_by.name, "Trust Board")  # type: ignore[union-attr]
        self.assertEqual(list(imported.joint_owners.all()), [self.icb])
        care = imported.elements.get(title="Great care – für alle")
        self.assertEqual(
            care.statements, ["Compassionate, person-centred care", "Choice is the norm – ✓"]
        )
        self.assertEqual(care.executive_lead, self.executive)
        self.assertEqual(care.alignments.get().partner_element, self.partner)
        self.assertEqual(imported.engagements.get().elements.count(), 2)
        self.assertTrue(
            Deliverable.objects.filter(element__strategy=imported, illustrative=True).exists()
        )


class ImportAuditTests(ExchangeTestCase):
    def test_every_record_an_import_creates_has_its_own_audit_entry(self) -> None:
        exported = export_strategy(self.strategy, Format.YAML)
        self.strategy.delete()
        before = counts()
        imported = import_strategy(self.admin, self.org, exported, Format.YAML)
        after = counts()
        created = sum(
            after[m.__name__] - before[m.__name__] for m in IMPORTED_MODELS if m is not AuditEntry
        )
        self.assertEqual(created, 15)  # 1 strategy, 2 values, 3 elements, 9 plan records
        entries = AuditEntry.objects.filter(organisation=self.org).order_by("-id")[:created]
        self.assertEqual(after["AuditEntry"] - before["AuditEntry"], created)
        self.assertEqual({e.actor for e in entries}, {self.admin})
        self.assertEqual({e.action for e in entries}, {AuditEntry.Action.CREATE})
        self.assertIn(str(imported.uuid), {str(e.object_uuid) for e in entries})

    def test_missing_kinds_are_created_with_their_usual_plural_when_allowed(self) -> None:
        exported = export_strategy(self.strategy, Format.YAML)
        fresh = self.fresh_organisation()
        import_strategy(None, fresh, exported, Format.YAML, create_kinds=True)
        kinds = ElementKind.objects.filter(organisation=fresh)
        self.assertEqual(
            [(k.name, k.plural) for k in kinds],
            [
                ("Strategic objective", "Strategic objectives"),
                ("Clinical priority", "Clinical priorities"),
            ],
        )


class FileContentTests(ExchangeTestCase):
    def test_yaml_keeps_non_ascii_and_multi_line_text_readable(self) -> None:
        text = export_strategy(self.strategy, Format.YAML).decode("utf-8")
        self.assertIn("title: Great care – für alle", text)
        self.assertIn("vision: |-\n    To make a positive difference\n    in people’s lives", text)
        self.assertIn("approved_on: 2024-03-28", text)
        self.assertIn("title: '2025'", text)

    def test_yaml_has_one_section_per_level(self) -> None:
        data = yaml.safe_load(export_strategy(self.strategy, Format.YAML))
        self.assertEqual(
            list(data),
            [
                "strategy",
                "values",
                "elements",
                "engagement",
                "deliverables",
                "milestones",
                "updates",
                "alignment",
            ],
        )

    def test_the_workbook_has_one_sheet_per_level(self) -> None:
        workbook = load_workbook(io.BytesIO(export_strategy(self.strategy, Format.XLSX)))
        self.assertEqual(
            workbook.sheetnames,
            [
                "Strategy",
                "Values",
                "Elements",
                "Engagement",
                "Deliverables",
                "Milestones",
                "Updates",
                "Alignment",
            ],
        )
        self.assertEqual(workbook["Deliverables"].max_row, 3)

    def test_text_that_looks_like_a_formula_stays_text_in_excel(self) -> None:
        workbook = load_workbook(io.BytesIO(export_strategy(self.strategy, Format.XLSX)))
        titles = [cell for (cell,) in workbook["Elements"].iter_rows(min_col=3, max_col=3)]
        formula_like = next(cell for cell in titles if cell.value == "=SUM(A1:A2)")
        self.assertEqual(formula_like.data_type, "s")

    def test_evidence_links_travel_and_files_stay_behind(self) -> None:
        self.assertTrue(Evidence.objects.exclude(file="").exists())
        data = yaml.safe_load(export_strategy(self.strategy, Format.YAML))
        links = [link for update in data["updates"] for link in update["evidence_links"]]
        self.assertEqual(links, [{"title": "Board paper | March", "url": "https://example.org/p"}])
        workbook = load_workbook(io.BytesIO(export_strategy(self.strategy, Format.XLSX)))
        cells = [c.value for (c,) in workbook["Updates"].iter_rows(min_col=7, max_col=7)]
        self.assertIn("Board paper | March | https://example.org/p", cells)

    def test_updates_keep_their_history_in_period_order(self) -> None:
        data = yaml.safe_load(export_strategy(self.strategy, Format.YAML))
        self.assertEqual([u["status"] for u in data["updates"]], ["amber", "green"])
        self.assertEqual(ProgressUpdate.objects.filter(organisation=self.org).count(), 2)

    def test_the_file_name_says_whose_strategy_and_which_version(self) -> None:
        name = export_filename(self.strategy, Format.XLSX)
        self.assertEqual(name, "rxm-strategy-our-future-2024-v2.xlsx")

    def test_element_refs_follow_the_order_people_read(self) -> None:
        data = yaml.safe_load(export_strategy(self.strategy, Format.YAML))
        kinds = [(e["ref"], e["kind"]) for e in data["elements"]]
        self.assertEqual(
            kinds,
            [
                ("E1", "Strategic objective"),
                ("E2", "Strategic objective"),
                ("E3", "Clinical priority"),
            ],
        )
        self.assertEqual(Element.objects.filter(strategy=self.strategy).count(), 3)
