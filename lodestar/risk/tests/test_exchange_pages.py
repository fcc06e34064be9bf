"""The import page: only the governance team may import, and a bad file is explained."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lodestar.risk.models import StrategicRisk
from lodestar.risk.tests.test_exchange import ExchangeTestCase, edited, record_counts


def upload(content: bytes, name: str = "baf.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/octet-stream")


class ImportAccessTests(ExchangeTestCase):
    def setUp(self) -> None:
        self.url = reverse("risk:baf_import", args=[self.org.uuid])

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/sign-in/", response["Location"])

    def test_a_user_of_another_trust_finds_nothing(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url).status_code, 404)

    def test_board_members_who_only_read_the_baf_are_refused(self) -> None:
        for user in (self.chair, self.ned, self.executive, self.analyst, self.staff):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"file": upload(self.export())})
                self.assertEqual(response.status_code, 403)

    def test_governance_officers_and_administrators_may_import(self) -> None:
        for user in (self.governance, self.admin):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertContains(self.client.get(self.url), "Import the BAF from Excel")


class ImportPageTests(ExchangeTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.governance)
        self.url = reverse("risk:baf_import", args=[self.org.uuid])

    def test_a_good_workbook_is_imported_and_the_board_sees_the_baf(self) -> None:
        content = self.export()
        StrategicRisk.objects.filter(organisation=self.org).delete()
        response = self.client.post(self.url, {"file": upload(content)}, follow=True)
        self.assertRedirects(response, reverse("risk:baf", args=[self.org.uuid]))
        self.assertContains(response, "BAF imported: 2 risks added, 0 updated, 0 unchanged.")
        self.assertContains(response, "Not enough registered nurses")

    def test_a_bad_workbook_lists_each_problem_and_changes_nothing(self) -> None:
        content = edited(self.export(), "BAF", "Current likelihood", 2, 6)
        counts = record_counts()
        response = self.client.post(self.url, {"file": upload(content, "board-baf.xlsx")})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(record_counts(), counts)
        page = response.content.decode()
        self.assertIn("board-baf.xlsx was not imported and nothing has changed.", page)
        self.assertIn("Sheet BAF, row 2", page)
        self.assertIn("Current likelihood", page)
        self.assertIn("6 is not a rating from 1 to 5", page)

    def test_a_file_that_is_not_xlsx_is_refused_by_name(self) -> None:
        response = self.client.post(self.url, {"file": upload(b"a,b", "baf.csv")})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Choose an Excel workbook (.xlsx).", status_code=400)

    def test_posting_no_file_asks_for_one(self) -> None:
        response = self.client.post(self.url, {})
        self.assertContains(response, "This field is required", status_code=400)
