"""The import page and the template download: who may use them, and what they show."""

from __future__ import annotations

import csv
import datetime
import io
from typing import TYPE_CHECKING

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lodestar.performance.models import Observation
from lodestar.performance.tests.builders import add_observations
from lodestar.performance.tests.test_imports import FILES, ImportTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

D = datetime.date


class ImportPageAccessTests(ImportTestCase):
    def urls(self) -> list[str]:
        return [
            reverse("performance:import", args=[self.org.uuid]),
            reverse("performance:import_template", args=[self.org.uuid]),
        ]

    def test_the_public_are_sent_to_sign_in(self) -> None:
        for url in self.urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/account/sign-in/", response["Location"])

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        upload = SimpleUploadedFile("observations.csv", (FILES / "observations.csv").read_bytes())
        before = self.state()
        response = self.client.post(self.urls()[0], {"file": upload})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.state(), before)

    def test_members_who_may_not_submit_data_are_forbidden(self) -> None:
        upload = (FILES / "observations.csv").read_bytes()
        before = self.state()
        for person in (self.staff, self.chair, self.executive, self.governance):
            self.client.force_login(person)
            for url in self.urls():
                with self.subTest(person=person.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
            with self.subTest(person=person.username, method="post"):
                response = self.client.post(
                    self.urls()[0], {"file": SimpleUploadedFile("o.csv", upload)}
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.state(), before)

    def test_analysts_and_administrators_may_use_both(self) -> None:
        for person in (self.analyst, self.admin):
            self.client.force_login(person)
            for url in self.urls():
                with self.subTest(person=person.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)


class ImportPageTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("performance:import", args=[self.org.uuid])
        self.client.force_login(self.analyst)

    def post(self, name: str, content: bytes | None = None) -> Response:
        data = (FILES / name).read_bytes() if content is None else content
        response: Response = self.client.post(self.url, {"file": SimpleUploadedFile(name, data)})
        return response

    def test_the_page_offers_the_nhs_file_upload_and_the_template(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "<h1>Import observations</h1>", html=True)
        self.assertContains(response, 'data-module="nhsuk-file-upload"')
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, 'accept=".csv,.xlsx"')
        self.assertContains(response, reverse("performance:import_template", args=[self.org.uuid]))
        self.assertContains(response, "<code>ae-attendances</code>", html=True)
        self.assertNotContains(response, "<code>retired</code>", html=True)

    def test_a_clean_file_is_imported_and_the_summary_shown_once(self) -> None:
        response = self.post("observations.csv")
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertEqual(Observation.objects.filter(organisation=self.org).count(), 9)

        page = self.client.get(self.url)
        self.assertContains(page, "nhsuk-notification-banner--success")
        self.assertContains(page, "Imported observations.csv: 9 rows for 4 metrics.")
        self.assertContains(page, "9 new values, 0 corrected, 0 already recorded and unchanged.")
        self.assertContains(page, "What observations.csv changed")
        self.assertContains(page, "A&amp;E attendances")
        self.assertNotContains(self.client.get(self.url), "nhsuk-notification-banner--success")

    def test_a_file_with_problems_lists_each_in_the_error_summary_and_changes_nothing(
        self,
    ) -> None:
        before = self.state()
        response = self.post("problems.csv")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "nhsuk-error-summary", status_code=400)
        self.assertContains(
            response,
            "problems.csv was not imported and nothing has changed. Fix these 15 problems",
            status_code=400,
        )
        self.assertContains(
            response,
            '<li><a href="#id_file">problems.csv, row 2, field value: '
            "&#x27;abc&#x27; is not a number.</a></li>",
            html=True,
            status_code=400,
        )
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertContains(response, "<title>Error: Import observations", status_code=400)
        self.assertEqual(self.state(), before)

    def test_no_file_or_the_wrong_kind_of_file_is_refused_on_the_form(self) -> None:
        response = self.client.post(self.url, {})
        self.assertContains(response, "Choose a .csv or .xlsx file to import.", status_code=400)
        response = self.post("notes.pdf", b"%PDF-1.4")
        self.assertContains(response, "Choose a .csv or .xlsx file.", status_code=400)

    def test_only_get_and_post_are_allowed(self) -> None:
        self.assertEqual(self.client.put(self.url).status_code, 405)


@time_machine.travel(datetime.datetime(2025, 5, 15, 12, tzinfo=datetime.UTC), tick=False)
class TemplateTests(ImportTestCase):
    def test_the_template_has_the_columns_and_each_active_metrics_next_period(self) -> None:
        add_observations(self.ae, [70.0, 71.0], start=D(2025, 1, 1))
        self.client.force_login(self.analyst)

        response = self.client.get(reverse("performance:import_template", args=[self.org.uuid]))

        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("rxm-observations-template.csv", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(
            rows,
            [
                ["metric", "period", "value", "numerator", "denominator", "note"],
                ["ae-4hr", "2025-03-01", "", "", "", ""],
                ["ae-attendances", "2025-04-01", "", "", "", ""],
                ["cancer-62", "2025-01-01", "", "", "", ""],
                ["falls", "2025-05-05", "", "", "", ""],
            ],
        )

    def test_a_filled_in_template_imports_cleanly(self) -> None:
        self.client.force_login(self.analyst)
        template = self.client.get(
            reverse("performance:import_template", args=[self.org.uuid])
        ).content
        filled = template.replace(b",,,,\r\n", b",42,,,\r\n")
        response = self.client.post(
            reverse("performance:import", args=[self.org.uuid]),
            {"file": SimpleUploadedFile("filled.csv", filled)},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Observation.objects.filter(organisation=self.org, value=42).count(), 4)
