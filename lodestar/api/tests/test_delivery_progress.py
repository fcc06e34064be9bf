"""Reporting progress through the API: milestones done, updates with evidence, exceptions."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase, last_month
from lodestar.audit.models import AuditEntry
from lodestar.delivery.models import Evidence, Milestone, ProgressUpdate


class CompleteMilestoneTests(Issue3ApiTestCase):
    def test_a_milestone_is_completed_on_a_date_and_reopened(self) -> None:
        url = self.url(f"/milestones/{self.milestone.uuid}/complete")
        done = self.call("POST", url, self.executive, {"completed_on": "2025-06-20"})
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(
            (done.json()["completed_on"], done.json()["overdue"]), ("2025-06-20", False)
        )
        reopened = self.call("DELETE", url + "?reason=Not+really", self.executive)
        self.assertIsNone(reopened.json()["completed_on"])
        self.assertEqual(AuditEntry.objects.order_by("-pk")[0].reason, "Not really")

    def test_without_a_date_it_is_completed_today(self) -> None:
        url = self.url(f"/milestones/{self.milestone.uuid}/complete")
        data = self.call("POST", url, self.executive, {}).json()
        self.assertEqual(data["completed_on"], timezone.localdate().isoformat())

    def test_a_completion_in_the_future_is_refused(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        before = self.state()
        url = self.url(f"/milestones/{self.milestone.uuid}/complete")
        response = self.call("POST", url, self.executive, {"completed_on": tomorrow.isoformat()})
        self.assert_error(
            response, 400, field="completed_on", says="cannot be completed in the future"
        )
        self.assertEqual(self.state(), before)

    def test_the_governance_team_plans_delivery_but_does_not_report_it(self) -> None:
        before = self.state()
        url = self.url(f"/milestones/{self.milestone.uuid}/complete")
        response = self.call("POST", url, self.governance, {})
        self.assert_error(response, 403, says="post progress updates")
        self.assertEqual(self.state(), before)


class ProgressUpdateTests(Issue3ApiTestCase):
    def new(self, **changes: object) -> dict[str, object]:
        body = {
            "period": last_month().isoformat(),
            "status": "amber",
            "narrative": "Recruitment is behind plan.",
            "confidence": "medium",
            "evidence_links": [
                {"title": "Board paper", "url": "https://www.example.nhs.uk/paper.pdf"}
            ],
        }
        return {**body, **changes}

    def url_of(self, suffix: str = "") -> str:
        return self.url(f"/deliverables/{self.deliverable.uuid}/updates{suffix}")

    def test_an_update_is_posted_with_links_as_evidence_and_audited(self) -> None:
        since = self.last_audit_id()
        response = self.call("POST", self.url_of(), self.executive, self.new())
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual((data["status"], data["author"]["username"]), ("amber", "erin"))
        [evidence] = data["evidence"]
        self.assertEqual((evidence["title"], evidence["file"]), ("Board paper", None))
        self.assertEqual(
            self.audit_entries(since),
            [("create", "delivery.progressupdate"), ("create", "delivery.evidence")],
        )
        history = self.call("GET", self.url_of(), self.staff).json()
        self.assertEqual([u["status"] for u in history], ["amber", "green"])

    def test_bad_updates_are_refused_naming_the_field_and_nothing_changes(self) -> None:
        next_month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        )
        cases: list[tuple[dict[str, object], str, str]] = [
            (
                {"period": last_month().replace(day=2).isoformat()},
                "period",
                "first day of a month",
            ),
            ({"period": next_month.isoformat()}, "period", "has not started yet"),
            ({"status": "purple"}, "status", "'blue'"),
            (
                {"evidence_links": [{"url": "javascript:alert(1)"}]},
                "evidence_links",
                "web address",
            ),
            ({"evidence_links": "https://example.nhs.uk"}, "evidence_links", "Give a list"),
            ({"status": "blue", "evidence_links": []}, "status", "attach a file or a link"),
            ({"status": "blue"}, "status", "1 milestone is not complete"),
            ({"narrative": " "}, "narrative", "cannot be blank"),
        ]
        before = self.state()
        for changes, field, says in cases:
            with self.subTest(field=field, changes=changes):
                response = self.call("POST", self.url_of(), self.executive, self.new(**changes))
                self.assert_error(response, 400, field=field, says=says)
        self.assertEqual(self.state(), before)

    def test_files_are_attached_as_evidence_and_can_be_downloaded(self) -> None:
        form = {
            **{k: v for k, v in self.new().items() if k != "evidence_links"},
            "evidence_links": "Board paper https://www.example.nhs.uk/paper.pdf",
            "evidence_files": [
                SimpleUploadedFile("minutes.txt", b"Minutes of the meeting.", "text/plain"),
                SimpleUploadedFile("figures.csv", b"month,count\nApril,3\n", "text/csv"),
            ],
        }
        response = self.upload(self.url_of("/with-files"), self.executive, form)
        self.assertEqual(response.status_code, 201, response.content)
        names = sorted((e["file"] or e["url"]) for e in response.json()["evidence"])
        self.assertEqual(
            names, ["figures.csv", "https://www.example.nhs.uk/paper.pdf", "minutes.txt"]
        )
        stored = Evidence.objects.get(update__uuid=response.json()["uuid"], title="minutes.txt")
        download = self.call("GET", self.url(f"/evidence/{stored.uuid}/file"), self.staff)
        self.assertEqual(download.getvalue(), b"Minutes of the meeting.")
        self.assertIn("attachment", download["Content-Disposition"])
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")

    def test_a_disguised_file_is_refused_and_nothing_is_stored(self) -> None:
        before = self.state()
        form = {
            **{k: v for k, v in self.new().items() if k != "evidence_links"},
            "evidence_files": [SimpleUploadedFile("paper.pdf", b"<script>", "application/pdf")],
        }
        response = self.upload(self.url_of("/with-files"), self.executive, form)
        self.assert_error(response, 400, field="evidence_files", says="does not look like a PDF")
        self.assertEqual(self.state(), before)

    def test_evidence_that_is_a_link_has_no_file_to_download(self) -> None:
        link = Evidence.objects.create(
            organisation=self.org, update=self.update, title="Site", url="https://example.nhs.uk"
        )
        response = self.call("GET", self.url(f"/evidence/{link.uuid}/file"), self.staff)
        self.assert_error(response, 404, says="a link, not a file")


class ExceptionTests(Issue3ApiTestCase):
    def test_overdue_milestones_and_missing_updates_are_listed(self) -> None:
        data = self.call("GET", self.url("/delivery/exceptions"), self.staff).json()
        self.assertEqual(data["expected_period"], last_month().isoformat())
        [overdue] = data["overdue_milestones"]
        self.assertEqual(
            (overdue["title"], overdue["deliverable_title"], overdue["strategy"]["title"]),
            (
                "New model live in two localities",
                "Community mental health transformation",
                "Our strategy",
            ),
        )
        missing = {d["title"] for d in data["missing_updates"]}
        self.assertEqual(
            missing, {"Community mental health transformation", "Inpatient quality programme"}
        )

    def test_a_completed_milestone_and_a_fresh_update_clear_the_exceptions(self) -> None:
        Milestone.objects.filter(pk=self.milestone.pk).update(
            completed_on=datetime.date(2025, 6, 1)
        )
        for deliverable in (self.deliverable, self.spare_deliverable):
            ProgressUpdate.objects.create(
                organisation=self.org,
                deliverable=deliverable,
                period=last_month(),
                status="green",
                narrative="Fine.",
                confidence="high",
                author=self.executive,
            )
        data = self.call("GET", self.url("/delivery/exceptions"), self.staff).json()
        self.assertEqual((data["overdue_milestones"], data["missing_updates"]), ([], []))
