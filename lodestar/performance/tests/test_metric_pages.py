"""The pages that keep metric definitions, rebases, target changes, narratives and single
values."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.performance.metric_views import metric_url
from lodestar.performance.models import (
    Domain,
    Metric,
    Narrative,
    Observation,
    Rebase,
    TargetChange,
)
from lodestar.performance.tests.builders import PerformanceTestCase, add_observations, make_metric
from lodestar.strategy.models import Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy

D = datetime.date


class PagesTestCase(PerformanceTestCase):
    metric: Metric
    rebase: Rebase
    change: TargetChange

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.metric = make_metric(cls.org, cls.executive, code="ae-4hr", elements=[cls.element])
        cls.rebase = Rebase.objects.create(
            organisation=cls.org, metric=cls.metric, period=D(2023, 10, 1), reason="New triage"
        )
        cls.change = TargetChange.objects.create(
            organisation=cls.org,
            metric=cls.metric,
            period=D(2024, 4, 1),
            target=76.0,
            source="2024/25 operational planning guidance",
            reason="The interim standard for the year",
        )

    def url(self, name: str, *args: Any, **query: str) -> str:
        path = reverse(f"performance:{name}", args=[self.org.uuid, *args])
        return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def login(self, user: User) -> None:
        self.client.force_login(user)


class AccessTests(PagesTestCase):
    """Who may open each page: members with the capability; others 403; outsiders 404."""

    def pages(self) -> list[tuple[str, list[Any], set[User]]]:
        m = self.metric.uuid
        managers = {self.analyst, self.governance, self.admin}
        writers = {self.executive, self.analyst, self.governance, self.admin}
        everyone = {self.admin, self.chair, self.executive, self.analyst, self.governance}
        return [
            ("metrics", [], everyone | {self.staff}),
            ("new_metric", [], managers),
            ("edit_metric", [m], managers),
            ("delete_metric", [m], managers),
            ("new_rebase", [m], managers),
            ("delete_rebase", [m, self.rebase.uuid], managers),
            ("new_target_change", [m], managers),
            ("delete_target_change", [m, self.change.uuid], managers),
            ("narrative", [m], writers),
            ("new_observation", [m], {self.analyst, self.admin}),
        ]

    def test_members_with_the_capability_may_open_each_page_and_others_may_not(self) -> None:
        people = [self.admin, self.chair, self.executive, self.analyst, self.governance]
        for name, args, allowed in self.pages():
            for person in [*people, self.staff]:
                with self.subTest(page=name, person=person.username):
                    self.login(person)
                    status = self.client.get(self.url(name, *args)).status_code
                    self.assertEqual(status, 200 if person in allowed else 403)

    def test_a_user_of_another_trust_finds_nothing(self) -> None:
        self.login(self.outsider)
        for name, args, _ in self.pages():
            with self.subTest(page=name):
                self.assertEqual(self.client.get(self.url(name, *args)).status_code, 404)
                self.assertEqual(self.client.post(self.url(name, *args)).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        for name, args, _ in self.pages():
            with self.subTest(page=name):
                response = self.client.get(self.url(name, *args))
                self.assertEqual(response.status_code, 302)
                self.assertIn("/account/sign-in/", response["Location"])

    def test_staff_cannot_change_anything_by_posting(self) -> None:
        self.login(self.staff)
        for name, args, _ in self.pages()[1:]:
            with self.subTest(page=name):
                self.assertEqual(self.client.post(self.url(name, *args)).status_code, 403)
        self.assertTrue(Rebase.objects.filter(pk=self.rebase.pk).exists())
        self.assertTrue(TargetChange.objects.filter(pk=self.change.pk).exists())

    def test_another_trusts_metric_is_not_found_from_this_trusts_pages(self) -> None:
        theirs = make_metric(self.other_org, self.outsider, code="theirs")
        self.login(self.admin)
        pages = ("edit_metric", "delete_metric", "new_rebase", "new_target_change")
        for name in (*pages, "narrative", "new_observation"):
            with self.subTest(page=name):
                self.assertEqual(self.client.get(self.url(name, theirs.uuid)).status_code, 404)

    def test_a_rebase_of_another_metric_is_not_found_under_this_one(self) -> None:
        other = make_metric(self.org, self.executive, code="other")
        self.login(self.analyst)
        url = self.url("delete_rebase", other.uuid, self.rebase.uuid)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_target_change_of_another_metric_is_not_found_under_this_one(self) -> None:
        other = make_metric(self.org, self.executive, code="other")
        self.login(self.analyst)
        url = self.url("delete_target_change", other.uuid, self.change.uuid)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(TargetChange.objects.filter(pk=self.change.pk).exists())


class MetricListTests(PagesTestCase):
    def test_metrics_are_listed_by_domain_with_their_data(self) -> None:
        add_observations(self.metric, [70.0, 72.0, 71.0])
        make_metric(self.org, self.executive, name="Staff sickness", domain=Domain.PEOPLE)
        self.login(self.staff)
        response = self.client.get(self.url("metrics"))
        page = response.content.decode()
        access = page.index("<h2>Access and operational performance</h2>")
        self.assertLess(access, page.index("<h2>People</h2>"))
        self.assertContains(response, "Four-hour A&amp;E performance")
        self.assertContains(response, "Erin Exec")
        self.assertContains(response, "June 2023")
        self.assertContains(response, "No data yet")
        self.assertContains(response, "Not yet assessed")
        self.assertContains(response, f'href="{metric_url(self.metric)}"')
        self.assertNotContains(response, "Add a metric")

    def test_each_metric_shows_the_target_in_force_at_its_latest_data(self) -> None:
        self.login(self.staff)
        add_observations(self.metric, [70.0, 72.0, 71.0])  # April to June 2023
        before = self.client.get(self.url("metrics"))
        self.assertContains(before, "NHS constitutional standard")
        self.assertNotContains(before, "From 1 April 2024")
        add_observations(self.metric, [70.0], start=D(2024, 5, 1))
        after = self.client.get(self.url("metrics"))
        self.assertContains(after, "From 1 April 2024")
        self.assertContains(after, "2024/25 operational planning guidance")

    def test_the_list_can_show_one_domain(self) -> None:
        make_metric(self.org, self.executive, name="Staff sickness", domain=Domain.PEOPLE)
        self.login(self.analyst)
        response = self.client.get(self.url("metrics", domain="people"))
        self.assertContains(response, "Staff sickness")
        self.assertNotContains(response, "Four-hour")
        self.assertContains(response, "Add a metric")

    def test_an_unknown_domain_shows_every_metric(self) -> None:
        self.login(self.analyst)
        self.assertContains(self.client.get(self.url("metrics", domain="nope")), "Four-hour")

    def test_another_trusts_metrics_are_not_listed(self) -> None:
        make_metric(self.other_org, self.outsider, name="Their secret metric")
        self.login(self.admin)
        self.assertNotContains(self.client.get(self.url("metrics")), "Their secret metric")


class MetricFormTests(PagesTestCase):
    def form_data(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": "Patients waiting over 12 hours",
            "code": "ae-12hr",
            "domain": "access",
            "unit": "count",
            "improvement_direction": "decrease",
            "frequency": "monthly",
            "target": "0",
            "lead_executive": self.executive.pk,
            "committee": self.committee.pk,
            "elements": [self.element.pk],
            "data_quality": "good",
            "screen_outliers": "on",
        }
        data.update(changes)
        return data

    def test_an_analyst_adds_a_metric_and_goes_to_its_page(self) -> None:
        self.login(self.analyst)
        response = self.client.post(self.url("new_metric"), self.form_data())
        created = Metric.objects.get(code="ae-12hr")
        self.assertRedirects(response, metric_url(created), fetch_redirect_response=False)
        self.assertEqual(list(created.elements.all()), [self.element])
        self.assertEqual(created.target, 0.0)
        self.assertTrue(created.screen_outliers)

    def test_a_code_in_use_is_refused_on_the_form_and_nothing_is_saved(self) -> None:
        self.login(self.analyst)
        response = self.client.post(self.url("new_metric"), self.form_data(code="ae-4hr"))
        self.assertContains(
            response, "Another metric already has the code ae-4hr", status_code=400
        )
        self.assertEqual(Metric.objects.count(), 1)

    def test_a_word_where_the_target_goes_is_named(self) -> None:
        self.login(self.analyst)
        response = self.client.post(self.url("new_metric"), self.form_data(target="ninety"))
        self.assertContains(response, "Enter the target as a number", status_code=400)

    def test_only_executive_directors_are_offered_as_lead(self) -> None:
        self.login(self.analyst)
        response = self.client.get(self.url("new_metric"))
        self.assertContains(response, f'value="{self.executive.pk}"')
        self.assertNotContains(response, f'value="{self.staff.pk}"')
        response = self.client.post(
            self.url("new_metric"), self.form_data(lead_executive=self.staff.pk)
        )
        self.assertContains(response, "Choose an executive director of", status_code=400)

    def test_only_elements_of_this_trusts_strategies_in_use_are_offered(self) -> None:
        old = make_strategy(self.org, title="Old plan", status=Strategy.Status.SUPERSEDED)
        make_element(old, title="A superseded objective")
        make_element(make_strategy(self.other_org), title="Their objective")
        self.login(self.analyst)
        response = self.client.get(self.url("new_metric"))
        self.assertContains(response, "Great care, every time")
        self.assertNotContains(response, "A superseded objective")
        self.assertNotContains(response, "Their objective")

    def test_an_edit_starts_from_the_saved_definition_and_is_audited(self) -> None:
        self.login(self.governance)
        response = self.client.get(self.url("edit_metric", self.metric.uuid))
        self.assertContains(response, 'value="ae-4hr"')
        self.assertContains(response, "Emergency Care Data Set")
        data = self.form_data(code="ae-4hr", name="A&E within four hours", reason="Plainer name")
        response = self.client.post(self.url("edit_metric", self.metric.uuid), data)
        self.assertRedirects(response, metric_url(self.metric), fetch_redirect_response=False)
        self.metric.refresh_from_db()
        self.assertEqual(self.metric.name, "A&E within four hours")
        self.assertFalse(self.metric.active)  # the box was not ticked
        entry = AuditEntry.objects.for_record("performance.metric", self.metric.uuid).last()
        assert entry is not None
        self.assertEqual(entry.reason, "Plainer name")

    def test_a_metric_with_data_cannot_be_deleted_from_its_page(self) -> None:
        add_observations(self.metric, [70.0])
        self.login(self.analyst)
        response = self.client.post(self.url("delete_metric", self.metric.uuid))
        self.assertContains(response, "Mark it inactive instead", status_code=400)
        self.assertTrue(Metric.objects.filter(pk=self.metric.pk).exists())

    def test_a_metric_without_data_is_deleted_after_confirming(self) -> None:
        self.login(self.analyst)
        self.assertContains(self.client.get(self.url("delete_metric", self.metric.uuid)), "Delete")
        response = self.client.post(self.url("delete_metric", self.metric.uuid), {"reason": "Dup"})
        self.assertRedirects(response, self.url("metrics"), fetch_redirect_response=False)
        self.assertFalse(Metric.objects.filter(pk=self.metric.pk).exists())


class RebasePageTests(PagesTestCase):
    def test_an_analyst_adds_a_rebase_with_its_reason(self) -> None:
        self.login(self.analyst)
        data = {"period": "2024-04-01", "reason": "Same-day emergency care opened"}
        response = self.client.post(self.url("new_rebase", self.metric.uuid), data)
        self.assertRedirects(response, metric_url(self.metric), fetch_redirect_response=False)
        self.assertTrue(self.metric.rebases.filter(period=D(2024, 4, 1)).exists())

    def test_a_rebase_mid_month_is_refused_on_the_form(self) -> None:
        self.login(self.analyst)
        data = {"period": "2024-04-15", "reason": "Opened"}
        response = self.client.post(self.url("new_rebase", self.metric.uuid), data)
        self.assertContains(response, "first day of the month", status_code=400)
        self.assertEqual(self.metric.rebases.count(), 1)

    def test_the_rebase_page_lists_rebases_with_a_link_to_remove_each(self) -> None:
        self.login(self.analyst)
        response = self.client.get(self.url("new_rebase", self.metric.uuid))
        self.assertContains(response, "New triage")
        self.assertContains(
            response, self.url("delete_rebase", self.metric.uuid, self.rebase.uuid)
        )

    def test_removing_a_rebase_asks_first_then_removes_it(self) -> None:
        self.login(self.governance)
        url = self.url("delete_rebase", self.metric.uuid, self.rebase.uuid)
        self.assertContains(self.client.get(url), "The reason given was: New triage")
        self.assertTrue(Rebase.objects.filter(pk=self.rebase.pk).exists())
        response = self.client.post(url, {"reason": "Wrong month"})
        self.assertRedirects(response, metric_url(self.metric), fetch_redirect_response=False)
        self.assertFalse(Rebase.objects.filter(pk=self.rebase.pk).exists())


class TargetChangePageTests(PagesTestCase):
    def test_an_analyst_sets_a_new_target_from_a_month_with_its_source_and_reason(self) -> None:
        self.login(self.analyst)
        data = {
            "period": "2025-04-01",
            "target": "78",
            "source": "2025/26 operational planning guidance",
            "reason": "The new planning year",
        }
        response = self.client.post(self.url("new_target_change", self.metric.uuid), data)
        self.assertRedirects(response, metric_url(self.metric), fetch_redirect_response=False)
        made = self.metric.target_changes.get(period=D(2025, 4, 1))
        self.assertEqual((made.target, made.source), (78.0, data["source"]))
        entry = AuditEntry.objects.for_record("performance.targetchange", made.uuid).get()
        self.assertEqual(entry.actor, self.analyst)

    def test_an_empty_target_means_no_target_from_that_month(self) -> None:
        self.login(self.governance)
        data = {"period": "2025-04-01", "target": "", "reason": "The standard was withdrawn"}
        self.client.post(self.url("new_target_change", self.metric.uuid), data)
        self.assertIsNone(self.metric.target_changes.get(period=D(2025, 4, 1)).target)

    def test_refusals_are_shown_on_the_form_and_nothing_is_saved(self) -> None:
        self.login(self.analyst)
        url = self.url("new_target_change", self.metric.uuid)
        cases = [
            ({"period": "2025-04-15", "target": "78", "reason": "x"}, "first day of the month"),
            ({"period": "2024-04-01", "target": "78", "reason": "x"}, "already changes from"),
            ({"period": "2025-04-01", "target": "high", "reason": "x"}, "as a number"),
            ({"period": "2025-04-01", "target": "78", "reason": ""}, "Say why the target"),
        ]
        for data, says in cases:
            with self.subTest(says=says):
                self.assertContains(self.client.post(url, data), says, status_code=400)
        self.assertEqual(self.metric.target_changes.count(), 1)

    def test_the_page_lists_the_targets_with_a_link_to_remove_each_change(self) -> None:
        self.login(self.analyst)
        response = self.client.get(self.url("new_target_change", self.metric.uuid))
        self.assertContains(response, "From the first period: 95.0% (NHS constitutional standard)")
        self.assertContains(response, "76.0%")
        self.assertContains(response, "2024/25 operational planning guidance")
        self.assertContains(response, "The interim standard for the year")
        self.assertContains(
            response, self.url("delete_target_change", self.metric.uuid, self.change.uuid)
        )

    def test_removing_a_change_asks_first_then_removes_it_with_the_reason(self) -> None:
        self.login(self.governance)
        url = self.url("delete_target_change", self.metric.uuid, self.change.uuid)
        page = self.client.get(url)
        self.assertContains(page, "Remove the new target of Four-hour A&amp;E performance from")
        self.assertContains(page, "The reason given was: The interim standard for the year")
        self.assertTrue(TargetChange.objects.filter(pk=self.change.pk).exists())
        response = self.client.post(url, {"reason": "Wrong year"})
        self.assertRedirects(response, metric_url(self.metric), fetch_redirect_response=False)
        self.assertFalse(TargetChange.objects.filter(pk=self.change.pk).exists())
        entry = AuditEntry.objects.for_record("performance.targetchange", self.change.uuid)
        self.assertEqual(entry.get(action=AuditEntry.Action.DELETE).reason, "Wrong year")

    def test_the_metric_form_says_its_target_is_the_target_from_the_start(self) -> None:
        self.login(self.analyst)
        response = self.client.get(self.url("edit_metric", self.metric.uuid))
        self.assertContains(response, "the target from the first period")
        self.assertContains(response, "add a target change")


class NarrativePageTests(PagesTestCase):
    def test_the_narrative_starts_at_the_latest_month_with_data(self) -> None:
        add_observations(self.metric, [70.0, 72.0, 71.0])
        self.login(self.executive)
        response = self.client.get(self.url("narrative", self.metric.uuid))
        self.assertContains(response, "Narrative for June 2023")

    def test_an_executive_writes_the_narrative_for_a_chosen_month(self) -> None:
        add_observations(self.metric, [70.0, 72.0, 71.0])
        self.login(self.executive)
        url = self.url("narrative", self.metric.uuid, period="2023-05")
        self.assertContains(self.client.get(url), "Narrative for May 2023")
        response = self.client.post(url, {"what_the_chart_shows": "Common cause.", "risks": ""})
        self.assertRedirects(response, metric_url(self.metric), fetch_redirect_response=False)
        saved = Narrative.objects.get(metric=self.metric)
        self.assertEqual((saved.period, saved.author), (D(2023, 5, 1), self.executive))

    def test_a_saved_narrative_is_shown_for_rewriting(self) -> None:
        Narrative.objects.create(
            organisation=self.org,
            metric=self.metric,
            period=D(2023, 5, 1),
            root_cause="Winter pressures",
            author=self.executive,
        )
        self.login(self.analyst)
        response = self.client.get(self.url("narrative", self.metric.uuid, period="2023-05"))
        self.assertContains(response, "Winter pressures")
        self.assertContains(response, "Last written by Erin Exec")

    def test_a_month_that_is_not_a_month_falls_back_to_the_latest(self) -> None:
        add_observations(self.metric, [70.0])
        self.login(self.analyst)
        response = self.client.get(self.url("narrative", self.metric.uuid, period="May"))
        self.assertContains(response, "Narrative for April 2023")


class ObservationPageTests(PagesTestCase):
    def test_an_analyst_adds_a_value(self) -> None:
        self.login(self.analyst)
        data = {"period": "2024-04-01", "value": "76.5", "numerator": "", "denominator": ""}
        response = self.client.post(self.url("new_observation", self.metric.uuid), data)
        self.assertRedirects(response, metric_url(self.metric), fetch_redirect_response=False)
        self.assertEqual(self.metric.observations.get().value, 76.5)

    def test_a_saved_value_is_corrected_and_the_correction_audited(self) -> None:
        add_observations(self.metric, [70.0], start=D(2024, 4, 1))
        self.login(self.admin)
        url = self.url("new_observation", self.metric.uuid)
        self.assertContains(self.client.get(url + "?period=2024-04-01"), 'value="70.0"')
        data = {"period": "2024-04-01", "value": "71", "reason": "Late validation"}
        self.client.post(url, data)
        self.assertEqual(Observation.objects.get(metric=self.metric).value, 71.0)
        entry = AuditEntry.objects.for_record("performance.metric", self.metric.uuid).get()
        self.assertEqual(entry.reason, "Late validation")

    def test_a_value_for_the_middle_of_a_month_is_refused_on_the_form(self) -> None:
        self.login(self.analyst)
        data = {"period": "2024-04-15", "value": "70"}
        response = self.client.post(self.url("new_observation", self.metric.uuid), data)
        self.assertContains(response, "first day of the month", status_code=400)
        self.assertFalse(Observation.objects.exists())

    def test_a_percentage_that_disagrees_with_its_parts_is_refused_by_field(self) -> None:
        self.login(self.analyst)
        data = {"period": "2024-04-01", "value": "70", "numerator": "1", "denominator": "2"}
        response = self.client.post(self.url("new_observation", self.metric.uuid), data)
        self.assertContains(response, "is not numerator / denominator x 100", status_code=400)
        self.assertFalse(Observation.objects.exists())
