"""Posting progress updates with evidence, and the configurable rule for blue."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from lodestar.audit import services as audit_services
from lodestar.audit.models import AuditEntry
from lodestar.delivery import services
from lodestar.delivery.models import DeliverySettings, Evidence, ProgressUpdate
from lodestar.delivery.plan import history_of
from lodestar.delivery.tests.builders import DeliveryTestCase, make_deliverable, make_milestone

D = datetime.date
PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(name: str = "board-paper.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@time_machine.travel(datetime.datetime(2025, 5, 15, 12, tzinfo=datetime.UTC), tick=False)
class PostProgressUpdateTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliverable = make_deliverable(self.element, self.executive)

    def post(self, actor: Any = None, **changes: Any) -> ProgressUpdate:
        values: dict[str, Any] = {
            "period": D(2025, 4, 1),
            "status": "green",
            "narrative": "Two localities live.",
            "confidence": "high",
        }
        values.update(changes)
        return services.post_progress_update(actor or self.executive, self.deliverable, **values)

    def refused(self, field: str, **changes: Any) -> str:
        before = (ProgressUpdate.objects.count(), Evidence.objects.count())
        audit_before = AuditEntry.objects.count()
        with self.assertRaises(ValidationError) as caught:
            self.post(**changes)
        self.assertEqual((ProgressUpdate.objects.count(), Evidence.objects.count()), before)
        self.assertEqual(AuditEntry.objects.count(), audit_before)
        self.assertEqual(self.stored_files(), [])
        self.assertIn(field, caught.exception.message_dict)
        return " ".join(caught.exception.message_dict[field])

    def test_an_update_with_a_file_and_a_link_is_saved_and_audited(self) -> None:
        update = self.post(files=[pdf()], links=[("Dashboard", "https://example.nhs.uk/d")])
        self.assertEqual(update.author, self.executive)
        evidence = list(update.evidence.order_by("id"))
        self.assertEqual([e.title for e in evidence], ["board-paper.pdf", "Dashboard"])
        self.assertEqual(evidence[0].file.read(), PDF)
        self.assertEqual(len(self.stored_files()), 1)
        self.assertIn(str(self.org.uuid), str(evidence[0].file.name))
        for item in (update, *evidence):
            self.assertTrue(AuditEntry.objects.for_record(item._meta.label_lower, item.uuid))

    def test_the_period_must_start_a_month(self) -> None:
        message = self.refused("period", period=D(2025, 4, 2))
        self.assertIn("first day of a month", message)

    def test_the_period_must_start_a_quarter_when_updates_are_quarterly(self) -> None:
        DeliverySettings.objects.create(
            organisation=self.org, update_frequency=DeliverySettings.Frequency.QUARTERLY
        )
        self.assertIn("first day of a quarter", self.refused("period", period=D(2025, 5, 1)))
        self.assertEqual(self.post(period=D(2025, 4, 1)).period, D(2025, 4, 1))

    def test_a_period_that_has_not_started_is_refused(self) -> None:
        self.assertIn(
            "June 2025 has not started yet", self.refused("period", period=D(2025, 6, 1))
        )

    def test_a_status_off_the_brag_scale_is_refused(self) -> None:
        self.assertIn("Choose blue, green, amber or red.", self.refused("status", status="purple"))

    def test_blue_without_evidence_is_refused_saying_what_is_missing(self) -> None:
        message = self.refused("status", status="blue")
        self.assertIn("attach a file or a link as evidence", message)

    def test_blue_with_milestones_open_is_refused_naming_them(self) -> None:
        make_milestone(self.deliverable, title="Pilot live")
        message = self.refused("status", status="blue", files=[pdf()])
        self.assertIn("1 milestone is not complete yet: Pilot live", message)

    def test_blue_with_evidence_and_every_milestone_done_is_accepted(self) -> None:
        make_milestone(self.deliverable, completed_on=D(2025, 4, 20))
        update = self.post(status="blue", links=[("Closure report", "https://example.nhs.uk/c")])
        self.assertEqual(update.status, "blue")

    def test_the_organisation_may_relax_the_rule_for_blue(self) -> None:
        DeliverySettings.objects.create(
            organisation=self.org, blue_needs_evidence=False, blue_needs_milestones_complete=False
        )
        make_milestone(self.deliverable, title="Pilot live")
        self.assertEqual(self.post(status="blue").status, "blue")

    @override_settings(EVIDENCE_MAX_BYTES=10)
    def test_a_file_over_the_limit_is_named_and_nothing_is_saved(self) -> None:
        message = self.refused("evidence_files", files=[pdf("huge.pdf")])
        self.assertIn("huge.pdf is 0.0 MB; the largest file allowed is 0.0 MB", message)

    def test_one_bad_file_among_good_ones_saves_nothing(self) -> None:
        program = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00program")
        message = self.refused("evidence_files", files=[pdf(), program])
        self.assertIn("minutes.pdf does not look like a PDF", message)
        self.assertNotIn("board-paper.pdf", message)

    def test_a_forbidden_kind_of_file_is_named(self) -> None:
        message = self.refused("evidence_files", files=[SimpleUploadedFile("run.exe", b"MZ")])
        self.assertIn("run.exe: .exe files cannot be attached", message)

    def test_a_link_that_is_not_a_web_address_is_named(self) -> None:
        message = self.refused("evidence_links", links=[("Paper", "javascript:alert(1)")])
        self.assertIn("javascript:alert(1) is not a web address", message)

    def test_files_already_stored_are_removed_when_saving_fails_part_way(self) -> None:
        real = audit_services.record_create

        def fail_on_second_file(actor: Any, org: Any, instance: Any, *a: Any, **k: Any) -> Any:
            if isinstance(instance, Evidence) and instance.title == "second.pdf":
                raise RuntimeError("disk full")
            return real(actor, org, instance, *a, **k)

        with (
            mock.patch("lodestar.delivery.services.record_create", fail_on_second_file),
            self.assertRaises(RuntimeError),
        ):
            self.post(files=[pdf("first.pdf"), pdf("second.pdf")])
        self.assertEqual(self.stored_files(), [])
        self.assertFalse(ProgressUpdate.objects.exists())
        self.assertFalse(Evidence.objects.exists())

    def test_updates_are_kept_not_overwritten(self) -> None:
        self.post(status="green")
        self.post(status="amber", narrative="Recruitment slipped.")
        history = history_of(self.deliverable)
        self.assertEqual([u.status for u in history], ["amber", "green"])

    def test_only_people_who_report_progress_may_post(self) -> None:
        for user in (self.governance, self.chair, self.staff, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.post(user)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_the_system_posts_in_the_accountable_executives_name(self) -> None:
        update = services.post_progress_update(
            None,
            self.deliverable,
            period=D(2025, 3, 1),
            status="green",
            narrative="Imported.",
            confidence="medium",
        )
        self.assertEqual(update.author, self.executive)
