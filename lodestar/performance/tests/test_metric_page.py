"""The page of one metric: its bigger chart, full data, target changes, rebases, commentary
and links."""

from __future__ import annotations

import datetime
from unittest import mock

from django.urls import NoReverseMatch, reverse

from lodestar.accounts.models import User
from lodestar.core.roles import Capability
from lodestar.performance import views
from lodestar.performance.models import Metric, Narrative, Rebase, TargetChange
from lodestar.performance.tests.builders import PerformanceTestCase, add_observations, make_metric

D = datetime.date
VALUES = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70, 55]


class MetricCase(PerformanceTestCase):
    """A metric that fell in June 2024, rebased in January, with two months' commentary."""

    metric: Metric

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.metric = make_metric(
            cls.org, cls.executive, committee=cls.committee, elements=[cls.element]
        )
        add_observations(cls.metric, VALUES)
        Rebase.objects.create(
            organisation=cls.org,
            metric=cls.metric,
            period=D(2024, 1, 1),
            reason="A new streaming service at the front door.",
        )
        for month, words in ((D(2024, 5, 1), "May was steady."), (D(2024, 6, 1), "June fell.")):
            Narrative.objects.create(
                organisation=cls.org,
                metric=cls.metric,
                period=month,
                what_the_chart_shows=words,
                author=cls.executive,
            )

    def url(self, metric: Metric | None = None, query: str = "") -> str:
        target = metric or self.metric
        return reverse("performance:metric", args=[self.org.uuid, target.uuid]) + query

    def page(self, user: User | None = None, query: str = "") -> str:
        self.client.force_login(user or self.staff)
        response = self.client.get(self.url(query=query))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assertShows(self, body: str, text: str) -> None:  # noqa: N802 - unittest style
        self.assertTrue(text in body, f"{text!r} is not on the page")

    def assertHides(self, body: str, text: str) -> None:  # noqa: N802 - unittest style
        self.assertFalse(text in body, f"{text!r} is on the page")


class MetricPageTests(MetricCase):
    # Access.

    def test_every_member_may_read_it(self) -> None:
        for user in (self.admin, self.chair, self.executive, self.analyst, self.governance):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_another_trusts_metric_is_not_found_under_our_organisation(self) -> None:
        theirs = make_metric(self.other_org, self.outsider)
        self.client.force_login(self.admin)
        url = reverse("performance:metric", args=[self.org.uuid, theirs.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.assertRedirects(self.client.get(self.url()), f"/account/sign-in/?next={self.url()}")

    def test_a_member_whose_role_lacks_the_capability_is_forbidden(self) -> None:
        # Every role reads performance today; this guards the check should that change.
        self.client.force_login(self.staff)
        only = frozenset({Capability.VIEW_ORGANISATION})
        with mock.patch("lodestar.core.decorators.capabilities", return_value=only):
            self.assertEqual(self.client.get(self.url()).status_code, 403)

    # What it shows.

    def test_it_shows_the_definition_chart_and_icons(self) -> None:
        body = self.page()
        for text in (
            "<h1>Four-hour A&amp;E performance</h1>",
            "Quality and Safety Committee",
            "Emergency Care Data Set",
            "Great care, every time",
            "95.0% (NHS constitutional standard)",
            'viewBox="0 0 960 360"',
            'aria-label="Special cause concern (low)"',
            'aria-label="Consistently fails the target"',
        ):
            self.assertShows(body, text)

    def test_the_full_data_table_is_shown_with_point_types(self) -> None:
        body = self.page()
        self.assertShows(body, '<th scope="row">April 2023</th><td>70.0%</td>')
        self.assertShows(body, "Special cause concern: outside the process limits")
        self.assertEqual(body.count('<th scope="row">'), len(VALUES))

    def test_rebases_are_listed_with_their_reasons(self) -> None:
        body = self.page()
        self.assertShows(body, "1 January 2024")
        self.assertShows(body, "A new streaming service at the front door.")
        self.assertShows(body, "lodestar-spc__rebase")

    def test_commentary_is_listed_newest_first(self) -> None:
        body = self.page()
        self.assertLess(body.index("June fell."), body.index("May was steady."))

    def test_a_period_cuts_the_chart_at_that_month(self) -> None:
        body = self.page(query="?period=2024-05")
        self.assertHides(body, "55.0%")
        self.assertShows(body, "Latest: <strong>70.0%</strong> in May 2024")

    def test_a_metric_without_data_says_so(self) -> None:
        empty = make_metric(self.org, self.executive, name="Not yet measured")
        self.client.force_login(self.staff)
        response = self.client.get(self.url(empty))
        self.assertContains(response, "No data")
        self.assertNotContains(response, '<svg class="lodestar-spc__chart"')


class MetricPageTargetTests(MetricCase):
    """Two changes of target: to 60% from January 2024, then to none from June 2024."""

    def setUp(self) -> None:
        super().setUp()
        for month, target, source in (
            (D(2024, 1, 1), 60.0, "Board decision, December 2023"),
            (D(2024, 6, 1), None, ""),
        ):
            TargetChange.objects.create(
                organisation=self.org,
                metric=self.metric,
                period=month,
                target=target,
                source=source,
                reason=f"Reason for {month:%B}",
            )

    def test_the_changes_are_listed_with_their_period_target_source_and_reason(self) -> None:
        body = self.page()
        section = body[body.index("<h2>Target changes</h2>") : body.index("<h2>Rebases</h2>")]
        for text in (
            "1 January 2024",
            "60.0%",
            "Board decision, December 2023",
            "Reason for January",
            "1 June 2024",
            "No target",
            "Not given",
            "Reason for June",
        ):
            self.assertShows(section, text)
        self.assertLess(section.index("January 2024"), section.index("June 2024"))

    def test_the_target_shown_is_the_one_in_force_at_the_latest_point(self) -> None:
        self.assertShows(self.page(), "No target from June 2024</dd>")
        may = self.page(query="?period=2024-05")
        self.assertShows(may, "60.0% from January 2024 (Board decision, December 2023)")
        self.assertShows(may, 'aria-label="Consistently passes the target"')

    def test_only_people_who_manage_metrics_see_the_links_to_remove_a_change(self) -> None:
        first = TargetChange.objects.get(period=D(2024, 1, 1))
        removal = reverse(
            "performance:delete_target_change", args=[self.org.uuid, self.metric.uuid, first.uuid]
        )
        self.assertShows(self.page(self.governance), removal)
        self.assertShows(self.page(self.governance), "Change the target")
        self.assertHides(self.page(self.executive), removal)
        self.assertHides(self.page(self.staff), "Change the target")

    def test_a_metric_whose_target_never_changed_says_so(self) -> None:
        TargetChange.objects.all().delete()
        self.assertShows(self.page(), "The target has not changed since the first period.")


def _pretend_pages_exist(name: str, *args: object, **kwargs: object) -> str:
    """Stand-ins for the metric editing pages, so the links can be tested on their own."""
    if name.startswith("performance:") and name.split(":")[1] in {
        "edit_metric",
        "new_observation",
        "new_rebase",
        "delete_rebase",
        "new_target_change",
        "delete_target_change",
        "narrative",
        "metrics",
        "import",
    }:
        return f"/pretend/{name.split(':')[1]}/"
    return reverse(name, *args, **kwargs)  # type: ignore[arg-type]


class MetricPageLinkTests(MetricCase):
    """Links to the editing pages appear only for people with the capability."""

    def links(self, user: User) -> str:
        with mock.patch.object(views, "reverse", side_effect=_pretend_pages_exist):
            return self.page(user)

    def test_analysts_may_change_the_metric_submit_data_rebase_and_comment(self) -> None:
        body = self.links(self.analyst)
        for page in ("edit_metric", "new_observation", "new_rebase", "delete_rebase"):
            self.assertShows(body, f"/pretend/{page}/")
        self.assertShows(body, "/pretend/new_target_change/")
        self.assertShows(body, "/pretend/narrative/?period=2024-06")

    def test_executives_may_only_write_the_commentary(self) -> None:
        body = self.links(self.executive)
        self.assertShows(body, "/pretend/narrative/?period=2024-06")
        for page in ("edit_metric", "new_observation", "new_rebase", "new_target_change"):
            self.assertHides(body, f"/pretend/{page}/")
        self.assertHides(body, "/pretend/delete_rebase/")

    def test_staff_see_no_editing_links(self) -> None:
        self.assertHides(self.links(self.staff), "/pretend/")

    def test_links_to_pages_that_do_not_exist_are_left_out(self) -> None:
        def nothing(name: str, *args: object, **kwargs: object) -> str:
            if name.startswith("performance:") and name.split(":")[1] != "metric":
                raise NoReverseMatch(name)
            return reverse(name, *args, **kwargs)  # type: ignore[arg-type]

        self.client.force_login(self.admin)
        with mock.patch.object(views, "reverse", side_effect=nothing):
            body = self.client.get(self.url()).content.decode()
        self.assertHides(body, "Change the definition")
        self.assertHides(body, "Write the commentary")
