"""Posting an update through the page, downloading evidence, and marking milestones done."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.delivery import services
from lodestar.delivery.models import Evidence, ProgressUpdate
from lodestar.delivery.tests.builders import DeliveryTestCase, make_deliverable, make_milestone

D = datetime.date
PDF = b"%PDF-1.4\n%%EOF\n"


@time_machine.travel(datetime.datetime(2025, 5, 15, 12, tzinfo=datetime.UTC), tick=False)
class UpdatePageTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliverable = make_deliverable(self.element, self.executive)
        self.url = reverse("delivery:new_update", args=[self.org.uuid, self.deliverable.uuid])

    def form(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "period": "2025-04-01",
            "status": "green",
            "narrative": "Two localities live.",
            "confidence": "high",
            "evidence_links": "",
        }
        data.update(changes)
        return data

    def test_the_form_offers_recent_months_and_expects_the_last_complete_one(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.get(self.url)
        self.assertContains(response, '<option value="2025-05-01">May 2025</option>', html=True)
        self.assertContains(
            response, '<option value="2025-04-01" selected>April 2025</option>', html=True
        )
        self.assertContains(response, 'enctype="multipart/form-data"')

    def test_an_update_with_files_and_links_is_posted_and_shown(self) -> None:
        self.client.force_login(self.executive)
        files = [
            SimpleUploadedFile("paper.pdf", PDF),
            SimpleUploadedFile("notes.txt", b"Notes"),
        ]
        links = "Dashboard https://example.nhs.uk/dash\nhttps://example.nhs.uk/plain"
        response = self.client.post(
            self.url, self.form(evidence_files=files, evidence_links=links)
        )
        page = reverse("delivery:deliverable", args=[self.org.uuid, self.deliverable.uuid])
        self.assertRedirects(response, page)
        titles = sorted(Evidence.objects.values_list("title", flat=True))
        self.assertEqual(
            titles, ["Dashboard", "https://example.nhs.uk/plain", "notes.txt", "paper.pdf"]
        )
        response = self.client.get(page)
        self.assertContains(response, "Two localities live.")
        paper = Evidence.objects.get(title="paper.pdf")
        self.assertContains(
            response, reverse("delivery:evidence", args=[self.org.uuid, paper.uuid])
        )

    def test_a_bad_file_is_named_on_the_form_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.executive)
        files = [SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("fake.png", b"GIF89a")]
        response = self.client.post(self.url, self.form(evidence_files=files))
        self.assertContains(
            response, "Evidence files: fake.png does not look like a PNG image", status_code=400
        )
        self.assertFalse(ProgressUpdate.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_blue_without_evidence_is_refused_on_the_status_field(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url, self.form(status="blue"))
        self.assertContains(response, "Status: Blue means complete and evidenced", status_code=400)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_missing_answers_are_named(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url, self.form(status="", narrative="", confidence=""))
        for text in ("Choose a BRAG status.", "Write a narrative", "Choose how confident"):
            self.assertContains(response, text, status_code=400)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_a_period_not_offered_is_refused(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url, self.form(period="2025-04-15"))
        self.assertContains(response, "Select a valid choice", status_code=400)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_people_who_do_not_report_progress_are_forbidden_and_outsiders_not_found(
        self,
    ) -> None:
        for user, status in [(self.governance, 403), (self.staff, 403), (self.outsider, 404)]:
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.url).status_code, status)
                self.assertEqual(self.client.post(self.url, self.form()).status_code, status)
        self.assertFalse(ProgressUpdate.objects.exists())


class EvidenceDownloadTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        deliverable = make_deliverable(self.element, self.executive)
        update = services.post_progress_update(
            self.executive,
            deliverable,
            period=D(2025, 1, 1),
            status="green",
            narrative="Fine.",
            confidence="high",
            files=[SimpleUploadedFile("paper.pdf", PDF)],
            links=[("Site", "https://example.nhs.uk/")],
        )
        self.file = update.evidence.get(title="paper.pdf")
        self.link = update.evidence.get(title="Site")

    def url(self, evidence: Evidence) -> str:
        return reverse("delivery:evidence", args=[self.org.uuid, evidence.uuid])

    def test_any_member_downloads_the_file_as_an_attachment(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.url(self.file))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url(self.file)).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.assertEqual(self.client.get(self.url(self.file)).status_code, 302)

    def test_the_file_is_not_reachable_at_a_media_url(self) -> None:
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(f"/media/{self.file.file.name}").status_code, 404)
        self.assertEqual(self.client.get(f"/{self.file.file.name}").status_code, 404)

    def test_a_link_has_no_file_to_download(self) -> None:
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self.url(self.link)).status_code, 404)


@time_machine.travel(datetime.datetime(2025, 5, 15, 12, tzinfo=datetime.UTC), tick=False)
class CompleteMilestonePageTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliverable = make_deliverable(self.element, self.executive)
        self.milestone = make_milestone(self.deliverable, title="Pilot live")
        self.url = reverse(
            "delivery:complete_milestone", args=[self.org.uuid, self.milestone.uuid]
        )

    def test_marking_complete_with_htmx_answers_with_the_milestones_table(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url, {"completed_on": "2025-05-02"}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, 'id="milestones"')
        self.assertContains(response, "Completed 2 May 2025")
        self.assertNotContains(response, "<html")
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.completed_on, D(2025, 5, 2))

    def test_without_a_date_the_milestone_is_done_today_and_can_be_reopened(self) -> None:
        self.client.force_login(self.executive)
        page = reverse("delivery:deliverable", args=[self.org.uuid, self.deliverable.uuid])
        self.assertRedirects(self.client.post(self.url, {"completed_on": ""}), page)
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.completed_on, D(2025, 5, 15))
        self.client.post(self.url, {"reopen": "1"})
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)

    def test_a_future_date_is_refused_with_a_message(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url, {"completed_on": "2025-06-01"}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, "cannot be completed in the future", status_code=400)
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)
        self.assertFalse(AuditEntry.objects.filter(model_label="delivery.milestone").exists())

    def test_a_malformed_date_is_refused(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url, {"completed_on": "next week"}, headers={"HX-Request": "true"}
        )
        self.assertContains(
            response, "Enter the date the milestone was completed", status_code=400
        )
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)

    def test_readers_are_forbidden_outsiders_not_found_and_get_not_allowed(self) -> None:
        for user, status in [(self.staff, 403), (self.governance, 403), (self.outsider, 404)]:
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.post(self.url).status_code, status)
        self.client.force_login(self.executive)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)
