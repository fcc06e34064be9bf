"""The integrated performance report page: who may see it, what it shows, what it costs."""

from __future__ import annotations

import datetime
import re
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.core.roles import Capability
from lodestar.performance.models import (
    Domain,
    ImprovementDirection,
    Metric,
    Narrative,
    Observation,
    Rebase,
)
from lodestar.performance.tests.builders import (
    PerformanceTestCase,
    add_observations,
    make_metric,
)

D = datetime.date
STEADY = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70]
# Steady, then a fall far below the lower limit: special cause concern, and with a 95%
# target far above the limits, consistently failing too (spc-method.md 1.5-1.6).
FALLING = [*STEADY, 55.0]


class ReportPageTests(PerformanceTestCase):
    concern: Metric
    falls: Metric

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.concern = make_metric(cls.org, cls.executive, name="Four-hour A&E performance")
        add_observations(cls.concern, FALLING)
        cls.falls = make_metric(
            cls.org,
            cls.executive,
            name="Inpatient falls",
            unit="count",
            improvement_direction=ImprovementDirection.DECREASE,
            target=None,
            domain=Domain.QUALITY_AND_SAFETY,
            elements=[cls.element],
        )
        add_observations(cls.falls, [12.0, 14, 11, 13, 12, 15, 13, 12, 14, 13, 12, 13, 14, 12, 13])

    def assertShows(self, body: str, text: str) -> None:  # noqa: N802 - unittest style
        self.assertTrue(text in body, f"{text!r} is not on the page")

    def assertHides(self, body: str, text: str) -> None:  # noqa: N802 - unittest style
        self.assertFalse(text in body, f"{text!r} is on the page")

    def url(self, query: str = "") -> str:
        return reverse("performance:report", args=[self.org.uuid]) + query

    def get(self, query: str = "", user: object = None) -> str:
        self.client.force_login(user or self.staff)  # type: ignore[arg-type]
        response = self.client.get(self.url(query))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    # Access.

    def test_every_member_may_read_the_report(self) -> None:
        for user in (self.admin, self.chair, self.executive, self.analyst, self.governance):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 200)

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

    # What it shows.

    def test_it_shows_the_latest_month_by_default(self) -> None:
        body = self.get()
        self.assertShows(body, "Integrated performance report: June 2024")
        self.assertShows(body, '<option value="2024-06" selected>')

    def test_the_concern_metric_is_an_exception_with_its_icons(self) -> None:
        body = self.get()
        exceptions = body[body.index('id="exceptions"') : body.index("Summary matrix")]
        self.assertShows(exceptions, "Four-hour A&amp;E performance")
        self.assertHides(exceptions, "Inpatient falls")
        self.assertShows(exceptions, 'aria-label="Special cause concern (low)"')
        self.assertShows(exceptions, 'aria-label="Consistently fails the target"')

    def test_exceptions_come_before_the_matrix_and_the_sections(self) -> None:
        body = self.get()
        order = [
            body.index(t) for t in ('id="exceptions"', "Summary matrix", "Quality and safety")
        ]
        self.assertEqual(order, sorted(order))

    def test_the_matrix_counts_each_metric_in_its_cell(self) -> None:
        body = self.get()
        matrix = body[
            body.index("lodestar-mdc-matrix") : body.index(
                "</table>", body.index("lodestar-mdc-matrix")
            )
        ]
        concern_row = matrix[matrix.index("Special cause concern (low)</span>") :]
        concern_row = concern_row[: concern_row.index("</tr>")]
        self.assertShows(concern_row, f"#metric-{self.concern.uuid}")
        self.assertEqual(len(re.findall(r"<strong>1</strong>", matrix)), 2)

    def test_each_metric_has_a_card_with_chart_facts_and_data_table(self) -> None:
        body = self.get()
        self.assertShows(body, f'id="metric-{self.concern.uuid}"')
        self.assertShows(
            body, 'role="img" aria-label="SPC chart of Four-hour A&amp;E performance"'
        )
        self.assertShows(body, "55.0%")
        self.assertShows(body, "NHS constitutional standard")
        self.assertShows(body, "Erin Exec")
        self.assertShows(body, "Not yet assessed")
        self.assertShows(body, 'stroke="#de1b1b"')  # the target line
        self.assertShows(body, 'fill="#e46c0a"')  # the concern point
        self.assertShows(body, '<th scope="row">June 2024</th><td>55.0%</td>')

    def test_sections_follow_the_domains_or_the_strategic_objectives(self) -> None:
        body = self.get()
        self.assertShows(body, ">Quality and safety</h2>")
        self.assertShows(body, ">Access and operational performance</h2>")
        body = self.get("?by=objective")
        self.assertShows(body, ">Great care, every time</h2>")
        self.assertShows(body, ">Not linked to a strategic objective</h2>")

    def test_the_narrative_for_the_month_is_shown(self) -> None:
        Narrative.objects.create(
            organisation=self.org,
            metric=self.concern,
            period=D(2024, 6, 1),
            what_the_chart_shows="A sharp fall in June.",
            root_cause="Two wards closed.",
            actions="Open the escalation ward.",
            risks="Winter pressures.",
            author=self.executive,
        )
        body = self.get()
        for text in ("A sharp fall in June.", "Two wards closed.", "Winter pressures."):
            self.assertShows(body, text)
        self.assertHides(self.get("?period=2024-05"), "A sharp fall in June.")

    def test_an_earlier_month_shows_the_data_up_to_that_month(self) -> None:
        body = self.get("?period=2024-05")
        self.assertShows(body, "Integrated performance report: May 2024")
        self.assertHides(body, "55.0%")
        # Still failing the target in May, but not yet a special cause concern.
        self.assertEqual(body.count('aria-label="Special cause concern (low)"'), 0)
        self.assertShows(body, 'aria-label="Consistently fails the target"')

    def test_a_month_without_data_shows_the_latest_and_says_why(self) -> None:
        body = self.get("?period=2019-01")
        self.assertShows(body, "There is no data for “2019-01”")
        self.assertShows(body, "June 2024")
        body = self.get("?period=June")
        self.assertShows(body, "“June” is not a month")

    def test_a_rebase_shows_as_a_marker_on_the_chart(self) -> None:
        Rebase.objects.create(
            organisation=self.org, metric=self.falls, period=D(2024, 1, 1), reason="New policy"
        )
        self.assertShows(self.get(), "lodestar-spc__rebase")

    def test_the_pdf_link_keeps_the_month_and_grouping(self) -> None:
        pdf = reverse("performance:report_pdf", args=[self.org.uuid])
        body = self.get("?period=2024-05&by=objective")
        self.assertShows(body, f"{pdf}?period=2024-05&amp;by=objective")

    def test_an_organisation_without_metrics_is_told_so(self) -> None:
        self.client.force_login(self.outsider)
        url = reverse("performance:report", args=[self.other_org.uuid])
        self.assertContains(self.client.get(url), "has no metrics yet")

    def test_metrics_with_made_up_data_are_marked_illustrative(self) -> None:
        self.assertHides(self.get(), "Illustrative data")
        self.falls.illustrative = True
        self.falls.save()
        body = self.get()
        self.assertShows(body, "1 of these metrics uses illustrative data")
        card = body[body.index(f'id="metric-{self.falls.uuid}"') :]
        self.assertShows(card[: card.index("</section>")], "Illustrative data")

    def test_a_late_metrics_card_says_so_and_the_report_lists_it_to_chase(self) -> None:
        late = make_metric(self.org, self.governance, name="Staff turnover", target=None)
        add_observations(late, STEADY)  # to May 2024, in the report for June
        body = self.get()
        self.assertShows(
            body,
            '<dt class="nhsuk-summary-list__key">Data late</dt>'
            '<dd class="nhsuk-summary-list__value">1: data not yet received for June 2024',
        )
        card = body[body.index(f'id="metric-{late.uuid}"') :]
        card = card[: card.index("</section>")]
        self.assertShows(card, '<strong class="nhsuk-tag nhsuk-tag--orange">Data late</strong>')
        self.assertShows(card, "No data for June 2024: the latest is for May 2024.")
        listed = body[body.index('id="late-data"') : body.index("Summary matrix")]
        self.assertShows(listed, f'<a href="#metric-{late.uuid}">Staff turnover</a>')
        self.assertShows(listed, "<td>May 2024</td>")
        self.assertShows(listed, "Gwen Governance")
        self.assertHides(listed, "Four-hour A&amp;E performance")
        # Late, but not an exception: the exceptions come first and leave it out.
        exceptions = body[body.index('id="exceptions"') : body.index('id="late-data"')]
        self.assertHides(exceptions, "Staff turnover")

    def test_no_late_data_is_said_too_and_no_card_is_flagged(self) -> None:
        body = self.get()
        self.assertShows(body, "No metric's data are late for June 2024.")
        self.assertHides(body, "nhsuk-tag--orange")

    def test_a_metric_without_any_data_says_so(self) -> None:
        empty = make_metric(self.org, self.executive, name="New metric")
        body = self.get()
        card = body[body.index(f'id="metric-{empty.uuid}"') :]
        card = card[: card.index("</section>")]
        self.assertShows(card, '<strong class="nhsuk-tag nhsuk-tag--grey">No data</strong>')
        self.assertShows(card, "No data has been received for this metric yet.")

    def test_inactive_metrics_are_left_out(self) -> None:
        self.falls.active = False
        self.falls.save()
        self.assertHides(self.get(), "Inpatient falls")


class ReportQueryCountTests(PerformanceTestCase):
    """The page reads in a fixed number of queries, however many metrics it shows."""

    def add_metrics(self, first: int, last: int) -> None:
        for i in range(first, last):
            metric = make_metric(
                self.org, self.executive, name=f"Metric {i}", elements=[self.element]
            )
            # Every third a month behind: late data are worked out without a query.
            add_observations(metric, STEADY[:-1] if i % 3 == 1 else STEADY)
            Narrative.objects.create(
                organisation=self.org, metric=metric, period=D(2024, 5, 1), author=self.executive
            )
            Rebase.objects.create(
                organisation=self.org, metric=metric, period=D(2024, 1, 1), reason="A change"
            )

    def queries(self, by: str, last_name: str) -> int:
        self.client.force_login(self.staff)
        url = reverse("performance:report", args=[self.org.uuid]) + f"?by={by}"
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertContains(response, last_name)
        return len(queries)

    def test_twenty_metrics_cost_the_same_queries_as_five(self) -> None:
        for by in ("domain", "objective"):
            with self.subTest(by=by):
                Narrative.objects.all().delete()
                Rebase.objects.all().delete()
                Observation.objects.all().delete()
                Metric.objects.all().delete()
                self.add_metrics(0, 5)
                five = self.queries(by, "Metric 4")
                self.add_metrics(5, 20)
                twenty = self.queries(by, "Metric 19")
                self.assertEqual(five, twenty)
                self.assertLessEqual(twenty, 15)
