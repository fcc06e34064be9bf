"""The import page and the export links: who may use them and what they say."""

from __future__ import annotations

import io
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.strategy.exchange import Format, export_strategy
from lodestar.strategy.models import Strategy
from lodestar.strategy.tests.builders import make_strategy
from lodestar.strategy.tests.strategy_files import ExchangeTestCase, counts


class ImportPageTests(ExchangeTestCase):
    def setUp(self) -> None:
        self.url = reverse("public_strategy:import", args=[self.org.uuid])

    def _yaml(self, **strategy: Any) -> bytes:
        data = yaml.safe_load(export_strategy(self.strategy, Format.YAML))
        data["strategy"].update(version=3, **strategy)
        return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")

    def _upload(self, content: bytes, name: str = "strategy.yaml", **extra: Any) -> Any:
        upload = SimpleUploadedFile(name, content)
        return self.client.post(self.url, {"file": upload, **extra})

    def test_someone_who_may_change_the_strategy_sees_the_form(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.get(self.url)
        self.assertContains(response, "<h1>Import a strategy</h1>", html=True)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, '<label class="nhsuk-label" for="id_file">')

    def test_a_member_who_cannot_change_the_strategy_is_forbidden(self) -> None:
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self._upload(self._yaml()).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"/account/sign-in/?next={self.url}", target_status_code=200
        )

    def test_a_good_file_is_imported_and_opens_the_strategy(self) -> None:
        self.client.force_login(self.governance)
        response = self._upload(self._yaml(title="Imported strategy"))
        imported = Strategy.objects.get(organisation=self.org, title="Imported strategy")
        self.assertRedirects(
            response,
            reverse("strategy:detail", args=[self.org.uuid, imported.uuid]),
            fetch_redirect_response=False,
        )
        entry = AuditEntry.objects.get(object_uuid=imported.uuid)
        self.assertEqual(entry.actor, self.governance)

    def test_an_excel_file_is_imported_too(self) -> None:
        self.client.force_login(self.admin)
        content = export_strategy(self.strategy, Format.XLSX)
        self.strategy.delete()
        response = self._upload(content, "plan.xlsx")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Strategy.objects.filter(organisation=self.org, version=2).exists())

    def test_a_malformed_file_lists_its_problems_and_changes_nothing(self) -> None:
        self.client.force_login(self.governance)
        content = self._yaml(joint_owners=["ZZZ"], approved_by="Finance Club")
        before = counts()
        response = self._upload(content, "broken.yaml")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(counts(), before)
        self.assertContains(
            response, "broken.yaml was not imported and nothing has changed", status_code=400
        )
        self.assertContains(
            response,
            '<caption class="nhsuk-table__caption">Problems found in broken.yaml</caption>',
            html=True,
            status_code=400,
        )
        self.assertContains(
            response, '<td class="nhsuk-table__cell">joint_owners</td>', html=True, status_code=400
        )
        self.assertContains(
            response, "No organisation has the ODS code &#x27;ZZZ&#x27;", status_code=400
        )
        self.assertContains(
            response, "has no committee called &#x27;Finance Club&#x27;", status_code=400
        )

    def test_a_file_of_another_type_is_refused_by_name(self) -> None:
        self.client.force_login(self.governance)
        before = counts()
        response = self._upload(b"title,vision\n", "strategy.csv")
        self.assertContains(response, "Choose a .yaml, .yml or .xlsx file.", status_code=400)
        self.assertEqual(counts(), before)

    def test_no_file_is_a_clear_error(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(self.url, {})
        self.assertContains(response, "This field is required.", status_code=400)

    def test_new_kinds_are_added_only_when_ticked(self) -> None:
        self.client.force_login(self.governance)
        data = yaml.safe_load(self._yaml())
        data["elements"][0]["kind"] = "Big bold ambition"
        content = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
        refused = self._upload(content)
        self.assertContains(refused, "Big bold ambition", status_code=400)
        accepted = self._upload(content, create_kinds="on")
        self.assertEqual(accepted.status_code, 302)


class ExportTests(ExchangeTestCase):
    def _url(self, fmt: Format, strategy: Strategy | None = None) -> str:
        chosen = strategy or self.strategy
        return reverse(f"public_strategy:export_{fmt}", args=[self.org.uuid, chosen.uuid])

    def test_every_member_can_download_both_formats(self) -> None:
        self.client.force_login(self.staff)
        for fmt in Format:
            with self.subTest(fmt=fmt):
                response = self.client.get(self._url(fmt))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], fmt.content_type)
                self.assertEqual(
                    response["Content-Disposition"],
                    f'attachment; filename="rxm-strategy-our-future-2024-v2.{fmt}"',
                )
                self.assertEqual(response.content, export_strategy(self.strategy, fmt))

    def test_the_workbook_opens_in_a_spreadsheet_reader(self) -> None:
        from openpyxl import load_workbook

        self.client.force_login(self.staff)
        response = self.client.get(self._url(Format.XLSX))
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook["Strategy"]["A2"].value, self.strategy.title)

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        for fmt in Format:
            self.assertEqual(self.client.get(self._url(fmt)).status_code, 404)

    def test_a_strategy_of_another_organisation_is_not_found_under_this_one(self) -> None:
        theirs = make_strategy(self.other_org, title="Nottinghamshire strategy")
        self.client.force_login(self.outsider)
        url = reverse(
            "public_strategy:export_yaml", args=[self.other_org.uuid, self.strategy.uuid]
        )
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self._url(Format.YAML, theirs)).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self._url(Format.YAML))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/sign-in/", response["Location"])

    def test_only_get_is_allowed(self) -> None:
        self.client.force_login(self.admin)
        self.assertEqual(self.client.post(self._url(Format.XLSX)).status_code, 405)

    def test_drafts_can_be_exported_by_members(self) -> None:
        draft = make_strategy(self.org, title="Draft strategy")
        self.client.force_login(self.analyst)
        response = self.client.get(self._url(Format.YAML, draft))
        self.assertContains(response, "title: Draft strategy")
