"""Strategy files through the API, and the public strategy."""

from __future__ import annotations

import io
from unittest import mock

import openpyxl

from lodestar.api.tests.helpers import API
from lodestar.api.tests.issue3_helpers import STRATEGY_YAML, Issue3ApiTestCase, yaml_upload
from lodestar.strategy.models import Strategy, Value
from lodestar.strategy.tests.builders import make_element, make_strategy

BROKEN_YAML = b"""\
strategy:
  title: Broken strategy
  kind: masterplan
  start_year: 2025
  end_year: 2030
  status: draft
  version: 1
  vision: Care.
values:
- name: Kindness
- description: A value with no name
"""


class ExportTests(Issue3ApiTestCase):
    def test_a_strategy_downloads_as_yaml_by_default(self) -> None:
        response = self.call("GET", self.strategy_url("/export"), self.staff)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/yaml; charset=utf-8")
        self.assertIn('filename="rxm-our-strategy-v1.yaml"', response["Content-Disposition"])
        self.assertIn(b"title: Our strategy", response.content)
        self.assertIn(b"Great care, every time", response.content)

    def test_a_strategy_downloads_as_excel_with_a_sheet_a_level(self) -> None:
        response = self.call("GET", self.strategy_url("/export?format=xlsx"), self.staff)
        self.assertIn(".xlsx", response["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertIn("Elements", book.sheetnames)
        self.assertIn("Deliverables", book.sheetnames)

    def test_an_export_imports_again_as_a_copy(self) -> None:
        exported = self.call("GET", self.strategy_url("/export"), self.admin).content
        copy = exported.replace(b"title: Our strategy\n", b"title: Our strategy copy\n", 1)
        response = self.upload(
            self.url("/strategies/import"), self.admin, {"file": yaml_upload(copy)}
        )
        self.assertEqual(response.status_code, 201, response.content)
        imported = Strategy.objects.get(uuid=response.json()["uuid"])
        self.assertEqual(imported.elements.count(), 2)
        first = imported.elements.get(title="Great care, every time")
        self.assertEqual(first.deliverables.count(), 2)


class ImportTests(Issue3ApiTestCase):
    def test_a_file_is_imported_and_every_record_audited(self) -> None:
        since = self.last_audit_id()
        response = self.upload(
            self.url("/strategies/import"), self.executive, {"file": yaml_upload()}
        )
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual((data["title"], data["status"]), ("Imported strategy", "draft"))
        self.assertEqual(Value.objects.get(strategy__uuid=data["uuid"]).behaviours, ["We listen"])
        self.assertEqual(
            self.audit_entries(since),
            [("create", "strategy.strategy"), ("create", "strategy.value")],
        )

    def test_a_malformed_file_changes_nothing_and_every_problem_is_listed(self) -> None:
        before = self.state()
        response = self.upload(
            self.url("/strategies/import"), self.admin, {"file": yaml_upload(BROKEN_YAML)}
        )
        data = self.assert_error(response, 400, says="nothing was imported")
        self.assertEqual(set(data["problems"][0]), {"where", "field", "problem"})
        places = {(p["where"], p["field"]) for p in data["problems"]}
        self.assertIn(("strategy", "kind"), places)
        self.assertIn(("values, item 2", "name"), places)
        self.assertEqual(self.state(), before)

    def test_a_file_of_the_wrong_kind_or_size_is_refused_naming_the_file(self) -> None:
        before = self.state()
        url = self.url("/strategies/import")
        pdf = self.upload(url, self.admin, {"file": yaml_upload(name="strategy.pdf")})
        self.assert_error(pdf, 400, field="file", says=".yaml, .yml or .xlsx")
        with mock.patch("lodestar.api.strategy_files.MAX_BYTES", 10):
            big = self.upload(url, self.admin, {"file": yaml_upload()})
        self.assert_error(big, 400, field="file", says="larger than")
        self.assert_error(self.upload(url, self.admin, {}), 400, field="file", says=".yaml")
        self.assertEqual(self.state(), before)

    def test_a_nul_character_spelt_as_an_escape_is_refused(self) -> None:
        before = self.state()
        content = STRATEGY_YAML.replace(b"title: Imported strategy", b'title: "Imported\\0"')
        response = self.upload(
            self.url("/strategies/import"), self.admin, {"file": yaml_upload(content)}
        )
        data = self.assert_error(response, 400)
        self.assertIn("NUL character", data["problems"][0]["problem"])
        self.assertEqual(self.state(), before)

    def test_an_approved_strategy_needs_the_right_to_record_approval(self) -> None:
        content = STRATEGY_YAML.replace(b"status: draft", b"status: approved")
        content += b"approved_by: Trust Board\n"
        before = self.state()
        response = self.upload(
            self.url("/strategies/import"), self.executive, {"file": yaml_upload(content)}
        )
        data = self.assert_error(response, 400)
        self.assertIn(("strategy", "status"), {(p["where"], p["field"]) for p in data["problems"]})
        self.assertEqual(self.state(), before)

    def test_an_unknown_kind_of_element_is_added_only_when_asked(self) -> None:
        content = STRATEGY_YAML + b"elements:\n- ref: E1\n  kind: Pledge\n  title: Be kind\n"
        url = self.url("/strategies/import")
        refused = self.upload(url, self.admin, {"file": yaml_upload(content)})
        self.assert_error(refused, 400, says="nothing was imported")
        accepted = self.upload(
            url, self.admin, {"file": yaml_upload(content), "create_kinds": "true"}
        )
        self.assertEqual(accepted.status_code, 201, accepted.content)


class PublicStrategyTests(Issue3ApiTestCase):
    def test_the_approved_strategy_in_force_is_public_with_public_fields_only(self) -> None:
        response = self.client.get(f"{API}/public/organisations/rxm/strategy")
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual(
            (data["title"], data["approved_by"]), ("Our earlier strategy", "Trust Board")
        )
        self.assertEqual(data["ods_code"], "RXM")
        self.assertNotIn("uuid", data)
        # No one's name, and nothing of the delivery plan.
        self.assertNotIn(b"erin", response.content)
        self.assertNotIn(b"Community mental health", response.content)

    def test_elements_are_grouped_by_kind_in_reading_order(self) -> None:
        make_element(self.approved, title="Prevention")
        make_element(self.approved, "Clinical priority", title="Crisis care")
        make_element(self.approved, title="Workforce")
        data = self.client.get(f"{API}/public/organisations/RXM/strategy").json()
        self.assertEqual(
            [(s["plural"], [e["title"] for e in s["elements"]]) for s in data["sections"]],
            [
                ("Strategic objectives", ["Prevention", "Workforce"]),
                ("Clinical priorities", ["Crisis care"]),
            ],
        )

    def test_a_draft_is_never_public(self) -> None:
        response = self.client.get(f"{API}/public/organisations/RHA/strategy")
        self.assert_error(response, 404, says="has no approved strategy")
        make_strategy(self.other_org, title="Draft only")
        response = self.client.get(f"{API}/public/organisations/RHA/strategy")
        self.assert_error(response, 404, says="has no approved strategy")

    def test_an_unknown_organisation_is_not_found(self) -> None:
        response = self.client.get(f"{API}/public/organisations/ZZZ/strategy")
        self.assert_error(response, 404, says="no organisation with the ODS code ZZZ")
