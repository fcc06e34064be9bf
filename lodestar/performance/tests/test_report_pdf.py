"""The integrated performance report as a PDF: a real file, with every metric, made offline."""

from __future__ import annotations

import datetime
from unittest import mock

from django.core.cache import cache
from django.urls import reverse

from lodestar.core.roles import Capability
from lodestar.performance import services, target_services
from lodestar.performance.models import Domain, Metric, Narrative, TargetChange
from lodestar.performance.services import ObservationRow
from lodestar.performance.tests.builders import (
    PerformanceTestCase,
    add_observations,
    make_metric,
    next_period,
)
from lodestar.strategy.pdf import render_pdf
from lodestar.strategy.tests.test_pdf import page_count, pdf_text

STEADY = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70]


class ReportPdfTests(PerformanceTestCase):
    ae: Metric
    falls: Metric

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ae = make_metric(cls.org, cls.executive, name="Four-hour A&E performance")
        add_observations(cls.ae, [*STEADY, 55.0])
        cls.falls = make_metric(
            cls.org,
            cls.executive,
            name="Inpatient falls per thousand bed days",
            unit="rate",
            improvement_direction="decrease",
            target=None,
            domain=Domain.QUALITY_AND_SAFETY,
        )
        add_observations(cls.falls, [5.1, 5.3, 4.9, 5.0, 5.2, 5.1, 4.8, 5.0, 5.3, 5.1, 5.0])
        Narrative.objects.create(
            organisation=cls.org,
            metric=cls.ae,
            period=cls.ae.observations.order_by("-period")[0].period,
            what_the_chart_shows="Performance fell sharply in the latest month.",
            actions="Open the escalation ward.",
            author=cls.executive,
        )

    def url(self, query: str = "") -> str:
        return reverse("performance:report_pdf", args=[self.org.uuid]) + query

    def fetch(self, query: str = "") -> bytes:
        self.client.force_login(self.staff)
        response = self.client.get(self.url(query))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        return response.content

    def test_every_member_gets_a_real_pdf_named_after_the_trust_and_month(self) -> None:
        for user in (self.admin, self.chair, self.executive, self.analyst, self.staff):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url())
                self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertIn("rxm-performance-report-2024-06.pdf", response["Content-Disposition"])
        self.assertIn("attachment", response["Content-Disposition"])

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.assertRedirects(self.client.get(self.url()), f"/account/sign-in/?next={self.url()}")

    def test_a_member_whose_role_lacks_the_capability_is_forbidden(self) -> None:
        # Every role reads performance today; this guards the check should that change.
        self.client.force_login(self.staff)
        only = frozenset({Capability.VIEW_ORGANISATION})
        with mock.patch("lodestar.core.decorators.capabilities", return_value=only):
            self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_it_holds_the_cover_exceptions_matrix_metrics_and_narrative(self) -> None:
        text = pdf_text(self.fetch())
        for words in (
            "Integrated performance report",
            "June 2024",
            "Exceptions",
            "Summary matrix",
            "Four-hour A&E performance",
            "Inpatient falls per thousand bed days",
            "Performance fell sharply in the latest month.",
            "Open the escalation ward.",
            "Consistently fails the target",
        ):
            with self.subTest(words=words):
                self.assertIn(words, text)

    def test_late_data_are_listed_and_noted_on_the_metrics_card(self) -> None:
        # The falls data stop in February 2024; the report is for June.
        text = pdf_text(self.fetch())
        self.assertIn("Data late 1", text)  # on the cover
        listed = text[text.index("Data not yet received") : text.index("Summary matrix")]
        self.assertIn(
            "Inpatient falls per thousand bed days June 2024 February 2024 Erin Exec", listed
        )
        self.assertNotIn("Four-hour A&E performance", listed)
        card = text[text.index("Inpatient falls", text.index("Quality and safety")) :]
        self.assertIn("Data late. No data for June 2024: the latest is for February 2024.", card)

    def test_a_month_without_late_data_says_so(self) -> None:
        text = pdf_text(self.fetch("?period=2024-02"))
        self.assertIn("No metric's data are late for February 2024.", text)
        self.assertNotIn("Data late.", text)

    def test_the_cover_is_a_page_of_its_own(self) -> None:
        self.assertGreaterEqual(page_count(self.fetch()), 4)

    def test_an_earlier_month_and_grouping_by_objective_are_kept(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.url("?period=2024-05&by=objective"))
        self.assertIn("2024-05.pdf", response["Content-Disposition"])
        text = pdf_text(response.content)
        self.assertIn("May 2024", text)
        self.assertIn("Not linked to a strategic objective", text)

    def test_nothing_is_fetched_from_outside(self) -> None:
        with mock.patch("urllib.request.urlopen") as urlopen:
            self.fetch()
        urlopen.assert_not_called()

    def test_a_pdf_is_made_once_and_made_again_when_anything_it_shows_changes(self) -> None:
        cache.clear()
        with mock.patch("lodestar.performance.pdf.render_pdf", wraps=render_pdf) as made:
            first = self.fetch()
            self.assertEqual(self.fetch(), first)
            self.assertEqual(made.call_count, 1)
            latest = self.ae.observations.order_by("-period")[0]
            row = ObservationRow(next_period(latest.period, self.ae.frequency), 71.0)
            services.record_observations(self.analyst, self.ae, [row])
            self.fetch()
            self.assertEqual(made.call_count, 2)
            self.fetch("?by=objective")
            self.assertEqual(made.call_count, 3)

    def test_the_target_in_force_is_printed_with_its_source(self) -> None:
        target_services.change_target(
            self.governance,
            self.ae,
            period=datetime.date(2024, 5, 1),
            target=60.0,
            source="Board decision, May 2024",
            reason="An interim ambition",
        )
        text = pdf_text(self.fetch())
        self.assertIn("60.0% from May 2024 (Board decision, May 2024)", text)
        self.assertIn("Target 95.0%, then 60.0% from May 2024.", " ".join(text.split()))

    def test_a_target_change_makes_the_pdf_again_however_it_was_written(self) -> None:
        cache.clear()
        with mock.patch("lodestar.performance.pdf.render_pdf", wraps=render_pdf) as made:
            before = self.fetch()
            # Written directly, as a bulk load might: no audit entry, but a new row.
            change = TargetChange.objects.create(
                organisation=self.org,
                metric=self.ae,
                period=datetime.date(2024, 5, 1),
                target=60.0,
                reason="Interim ambition",
            )
            changed = self.fetch()
            self.assertEqual(made.call_count, 2)
            self.assertNotEqual(changed, before)
            # Removed again, the report is what it was, and so is its PDF: not the changed one.
            TargetChange.objects.filter(pk=change.pk).delete()
            self.assertEqual(self.fetch(), before)
