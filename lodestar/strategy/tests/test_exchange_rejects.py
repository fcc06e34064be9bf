"""Malformed strategy files are refused whole, naming the sheet or section, row and field."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from lodestar.strategy.exchange import Format, StrategyFileError, export_strategy, import_strategy
from lodestar.strategy.models import ElementKind
from lodestar.strategy.tests.strategy_files import ExchangeTestCase, counts


class RejectionTestCase(ExchangeTestCase):
    def setUp(self) -> None:
        # The file's own strategy is already here, so each file is given a new version.
        self.yaml_data: dict[str, Any] = yaml.safe_load(
            export_strategy(self.strategy, Format.YAML)
        )
        self.yaml_data["strategy"]["version"] = 3

    def yaml_file(self, change: Callable[[dict[str, Any]], None] | None = None) -> bytes:
        data = yaml.safe_load(yaml.safe_dump(self.yaml_data, allow_unicode=True))
        if change is not None:
            change(data)
        return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")

    def workbook_file(self, sheet: str, cell: str, value: str | int) -> bytes:
        workbook = load_workbook(io.BytesIO(export_strategy(self.strategy, Format.XLSX)))
        workbook["Strategy"]["F2"] = 3  # the version
        workbook[sheet][cell] = value
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def assert_rejected(
        self, content: bytes, fmt: Format, *expected: tuple[str, str, str], **kw: Any
    ) -> list[str]:
        """Import must fail, change nothing, and name each (where, field, words) expected."""
        before = counts()
        with self.assertRaises(StrategyFileError) as caught:
            import_strategy(kw.pop("actor", None), self.org, content, fmt, **kw)
        self.assertEqual(counts(), before, "a refused import changed something")
        problems = caught.exception.problems
        for where, field, words in expected:
            matching = [
                p for p in problems if p.where == where and p.field == field and words in p.message
            ]
            self.assertTrue(matching, f"no problem {where}/{field}/{words!r} in {problems}")
        return [str(p) for p in problems]


class ExcelRejectionTests(RejectionTestCase):
    def test_an_unknown_column_is_named_with_the_columns_expected(self) -> None:
        content = self.workbook_file("Elements", "C1", "titel")
        self.assert_rejected(
            content,
            Format.XLSX,
            ("Elements sheet, row 1", "titel", "is not a column here; expected ref, kind, title"),
            ("Elements sheet, row 1", "title", "this column is missing"),
        )

    def test_a_bad_date_names_the_sheet_row_and_field(self) -> None:
        content = self.workbook_file("Deliverables", "G3", "31/03/2025")
        self.assert_rejected(
            content,
            Format.XLSX,
            (
                "Deliverables sheet, row 3",
                "due_date",
                "'31/03/2025' is not a date; write it as YYYY-MM-DD",
            ),
        )

    def test_an_unknown_username_is_named(self) -> None:
        content = self.workbook_file("Milestones", "G2", "nobody")
        self.assert_rejected(
            content,
            Format.XLSX,
            (
                "Milestones sheet, row 2",
                "accountable_executive",
                "no one has the username 'nobody'",
            ),
        )

    def test_a_second_strategy_row_is_refused(self) -> None:
        content = self.workbook_file("Strategy", "A3", "Another strategy")
        self.assert_rejected(
            content, Format.XLSX, ("Strategy sheet, row 3", "", "a file holds one strategy")
        )

    def test_an_unknown_sheet_is_refused(self) -> None:
        workbook = load_workbook(io.BytesIO(export_strategy(self.strategy, Format.XLSX)))
        workbook.create_sheet("Risks")
        buffer = io.BytesIO()
        workbook.save(buffer)
        self.assert_rejected(buffer.getvalue(), Format.XLSX, ("Risks sheet", "", "is not a level"))

    def test_a_file_that_is_not_a_workbook_is_refused(self) -> None:
        self.assert_rejected(
            b"not a zip", Format.XLSX, ("The file", "", "is not an Excel workbook")
        )

    def test_a_value_under_no_heading_is_refused(self) -> None:
        content = self.workbook_file("Values", "F2", "stray")
        self.assert_rejected(
            content, Format.XLSX, ("Values sheet, row 2", "", "without a heading")
        )


class YamlRejectionTests(RejectionTestCase):
    def test_an_unknown_committee_is_named(self) -> None:
        content = self.yaml_file(lambda d: d["deliverables"][1].update(committee="Finance Club"))
        self.assert_rejected(
            content,
            Format.YAML,
            ("deliverables, item 2", "committee", "has no committee called 'Finance Club'"),
        )

    def test_a_missing_accountable_executive_is_refused(self) -> None:
        content = self.yaml_file(lambda d: d["milestones"][0].pop("accountable_executive"))
        self.assert_rejected(
            content, Format.YAML, ("milestones, item 1", "accountable_executive", "is required")
        )

    def test_an_accountable_executive_must_be_an_executive_director_here(self) -> None:
        content = self.yaml_file(
            lambda d: d["deliverables"][0].update(accountable_executive="sam")
        )
        self.assert_rejected(
            content,
            Format.YAML,
            (
                "deliverables, item 1",
                "accountable_executive",
                "'sam' is not an executive director",
            ),
        )

    def test_a_person_from_another_trust_is_refused(self) -> None:
        content = self.yaml_file(lambda d: d["deliverables"][1].update(responsible_manager="olly"))
        self.assert_rejected(
            content,
            Format.YAML,
            (
                "deliverables, item 2",
                "responsible_manager",
                "'olly' is not a member of Derbyshire",
            ),
        )

    def test_an_unknown_element_kind_is_refused_without_permission_to_create_kinds(self) -> None:
        content = self.yaml_file(lambda d: d["elements"][0].update(kind="Big bold ambition"))
        self.assert_rejected(
            content,
            Format.YAML,
            ("elements, item 1", "kind", "no kind of element called 'Big bold ambition'"),
        )

    def test_an_unknown_element_kind_is_created_when_allowed(self) -> None:
        content = self.yaml_file(lambda d: d["elements"][0].update(kind="Big bold ambition"))
        import_strategy(None, self.org, content, Format.YAML, create_kinds=True)
        kind = ElementKind.objects.get(organisation=self.org, name="Big bold ambition")
        self.assertEqual(kind.plural, "Big bold ambitions")

    def test_unknown_choices_list_what_is_allowed(self) -> None:
        def change(data: dict[str, Any]) -> None:
            data["strategy"]["status"] = "signed off"
            data["elements"][0]["domains"] = ["quality", "vibes"]

        self.assert_rejected(
            self.yaml_file(change),
            Format.YAML,
            ("strategy", "status", "'signed off' is not one of: draft, consultation"),
            ("elements, item 1", "domains", "'vibes' is not one of"),
        )

    def test_refs_must_be_unique_and_known(self) -> None:
        def change(data: dict[str, Any]) -> None:
            data["elements"][1]["ref"] = "E1"
            data["milestones"][0]["deliverable"] = "D9"

        self.assert_rejected(
            self.yaml_file(change),
            Format.YAML,
            ("elements, item 2", "ref", "'E1' is the ref of an earlier row"),
            ("milestones, item 1", "deliverable", "no row of deliverables has the ref 'D9'"),
        )

    def test_an_unknown_field_is_refused(self) -> None:
        content = self.yaml_file(lambda d: d["values"][0].update(colour="blue"))
        self.assert_rejected(
            content, Format.YAML, ("values, item 1", "colour", "is not a field here")
        )

    def test_an_unknown_partner_strategy_is_named(self) -> None:
        content = self.yaml_file(lambda d: d["alignment"][0].update(partner_strategy="Old plan"))
        self.assert_rejected(
            content,
            Format.YAML,
            (
                "alignment, item 1",
                "partner_strategy",
                "has no approved strategy called 'Old plan'",
            ),
        )

    def test_a_problem_in_the_last_row_undoes_every_earlier_row(self) -> None:
        # Everything before the alignment row is saved before the problem is found.
        content = self.yaml_file(lambda d: d["alignment"][0].update(partner_ods_code="ZZZ"))
        self.assert_rejected(
            content,
            Format.YAML,
            ("alignment, item 1", "partner_ods_code", "no organisation has the ODS code 'ZZZ'"),
        )

    def test_every_problem_in_a_file_is_listed_at_once(self) -> None:
        def change(data: dict[str, Any]) -> None:
            data["deliverables"][0]["kind"] = "initiative"
            data["engagement"][0]["held_on"] = "2023-02-30"
            data["updates"][0]["author"] = "ghost"

        problems = self.assert_rejected(
            self.yaml_file(change),
            Format.YAML,
            ("deliverables, item 1", "kind", "'initiative' is not one of: programme"),
            ("engagement, item 1", "held_on", "'2023-02-30' is not a date"),
            ("updates, item 1", "author", "no one has the username 'ghost'"),
        )
        self.assertEqual(len(problems), 3)

    def test_cells_are_still_checked_when_the_strategy_itself_is_wrong(self) -> None:
        def change(data: dict[str, Any]) -> None:
            data["strategy"]["start_year"] = "soon"
            data["engagement"][0]["held_on"] = "next week"

        self.assert_rejected(
            self.yaml_file(change),
            Format.YAML,
            ("strategy", "start_year", "'soon' is not a whole number"),
            ("engagement, item 1", "held_on", "'next week' is not a date"),
        )

    def test_rows_are_still_looked_up_when_the_strategys_board_is_unknown(self) -> None:
        def change(data: dict[str, Any]) -> None:
            data["strategy"]["approved_by"] = "Finance Club"
            data["elements"][0]["executive_lead"] = "ghost"

        self.assert_rejected(
            self.yaml_file(change),
            Format.YAML,
            ("strategy", "approved_by", "has no committee called 'Finance Club'"),
            ("elements, item 1", "executive_lead", "no one has the username 'ghost'"),
        )

    def test_broken_yaml_names_the_line(self) -> None:
        self.assert_rejected(
            b"strategy:\n  title: [unclosed\n", Format.YAML, ("YAML line 3, column 1", "", "")
        )

    def test_yaml_aliases_are_refused(self) -> None:
        content = b"strategy: &a {title: x}\nvalues: [*a]\n"
        self.assert_rejected(content, Format.YAML, ("The file", "", "aliases"))

    def test_a_file_without_a_strategy_is_refused(self) -> None:
        self.assert_rejected(b"values: []\n", Format.YAML, ("The file", "", "no 'strategy'"))

    def test_an_unknown_section_is_refused(self) -> None:
        content = self.yaml_file(lambda d: d.update(risks=[]))
        self.assert_rejected(content, Format.YAML, ("risks", "", "is not a section"))

    def test_the_same_version_of_a_strategy_cannot_be_imported_twice(self) -> None:
        content = self.yaml_file(lambda d: d["strategy"].update(version=2))
        self.assert_rejected(
            content,
            Format.YAML,
            ("strategy", "title", "version 2 of 'Strategy “Our future” – 2024'"),
        )

    def test_an_approved_strategy_needs_its_board_and_date(self) -> None:
        content = self.yaml_file(lambda d: d["strategy"].update(approved_by="", approved_on=None))
        self.assert_rejected(
            content,
            Format.YAML,
            ("strategy", "approved_by", "is required for an approved strategy"),
            ("strategy", "approved_on", "is required for an approved strategy"),
        )


class WhoMayImportTests(RejectionTestCase):
    def test_someone_who_cannot_record_approvals_cannot_import_an_approved_strategy(self) -> None:
        self.assert_rejected(
            self.yaml_file(),
            Format.YAML,
            ("strategy", "status", "only someone who may record the board's approval"),
            actor=self.executive,
        )

    def test_an_executive_may_import_a_draft(self) -> None:
        content = self.yaml_file(
            lambda d: d["strategy"].update(status="draft", approved_by="", approved_on=None)
        )
        strategy = import_strategy(self.executive, self.org, content, Format.YAML)
        self.assertEqual(strategy.status, "draft")

    def test_a_member_who_cannot_change_the_strategy_is_refused_and_nothing_changes(self) -> None:
        before = counts()
        with self.assertRaises(PermissionDenied):
            import_strategy(self.staff, self.org, self.yaml_file(), Format.YAML)
        self.assertEqual(counts(), before)

    def test_an_outsider_is_refused(self) -> None:
        with self.assertRaises(PermissionDenied):
            import_strategy(self.outsider, self.org, self.yaml_file(), Format.YAML)
