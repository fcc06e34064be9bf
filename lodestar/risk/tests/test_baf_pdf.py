"""The BAF as a PDF for board papers: A4 landscape, the overview and the heat map."""

from __future__ import annotations

import re
from unittest import mock

from django.urls import reverse

from lodestar.risk.tests.test_exchange import ExchangeTestCase
from lodestar.strategy.tests.test_pdf import expanded, pdf_text


class BafPdfAccessTests(ExchangeTestCase):
    def setUp(self) -> None:
        self.url = reverse("risk:baf_pdf", args=[self.org.uuid])

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/sign-in/", response["Location"])

    def test_a_user_of_another_trust_finds_nothing(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_analysts_managers_and_staff_are_refused(self) -> None:
        for user in (self.analyst, self.manager, self.staff):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_board_members_may_download_it(self) -> None:
        # Rendering is checked once below; here only who may ask.
        with mock.patch("lodestar.risk.report_views.render_baf_pdf", return_value=b"%PDF-1.7"):
            for user in (self.admin, self.chair, self.ned, self.executive, self.governance):
                with self.subTest(user=user.username):
                    self.client.force_login(user)
                    self.assertEqual(self.client.get(self.url).status_code, 200)


class BafPdfTests(ExchangeTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.chair)
        self.response = self.client.get(reverse("risk:baf_pdf", args=[self.org.uuid]))
        self.pdf = self.response.content

    def test_it_is_a_real_pdf_named_for_the_trust(self) -> None:
        self.assertEqual(self.response.status_code, 200)
        self.assertEqual(self.response["Content-Type"], "application/pdf")
        self.assertIn("rxm-board-assurance-framework.pdf", self.response["Content-Disposition"])
        self.assertTrue(self.pdf.startswith(b"%PDF-"))

    def test_its_pages_are_a4_landscape(self) -> None:
        boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", expanded(self.pdf))
        self.assertTrue(boxes)
        for width, height in boxes:
            self.assertAlmostEqual(float(width), 841.89, delta=1)
            self.assertAlmostEqual(float(height), 595.28, delta=1)

    def test_it_carries_the_overview_and_the_heat_map(self) -> None:
        text = pdf_text(self.pdf)
        for words in (
            "Board Assurance Framework",
            "SR1",
            "Not enough registered nurses",
            "16 Extreme",
            "Above tolerance",
            "Heat map",
            "Almost certain",
            "SR1: 16 → 8",
        ):
            self.assertIn(words, text)

    def test_the_committee_filter_narrows_it(self) -> None:
        url = reverse("risk:baf_pdf", args=[self.org.uuid])
        response = self.client.get(url, {"committee": str(self.people.uuid)})
        text = pdf_text(response.content)
        self.assertIn("People Committee", text)
        self.assertNotIn("Not enough registered nurses", text)
