"""Metric definitions, observations, rebases and narratives: who may change them, what is
refused, and that every change is audited."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.audit.models import AuditEntry
from lodestar.core import services as core_services
from lodestar.core.models import Membership
from lodestar.core.roles import Role
from lodestar.core.testing import make_user
from lodestar.performance import services
from lodestar.performance.models import Frequency, Metric, Narrative, Observation, Rebase, Unit
from lodestar.performance.services import ObservationRow, Recorded
from lodestar.performance.tests.builders import PerformanceTestCase, add_observations, make_metric
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

D = datetime.date
Row = ObservationRow


def entries_for(record: Metric | Observation | Rebase | Narrative) -> list[AuditEntry]:
    label = record._meta.label_lower
    return list(AuditEntry.objects.for_record(label, record.uuid).order_by("id"))


class CreateMetricTests(PerformanceTestCase):
    def values(self, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "code": "ae-4hr",
            "name": "Four-hour A&E performance",
            "unit": Unit.PERCENT,
            "improvement_direction": "increase",
            "frequency": Frequency.MONTHLY,
            "lead_executive": self.executive,
            "domain": "access",
            "target": 95.0,
            "committee": self.committee,
            "elements": [self.element],
        }
        values.update(changes)
        return values

    def create(self, actor: Any = None, **changes: Any) -> Metric:
        return services.create_metric(actor or self.analyst, self.org, **self.values(**changes))

    def refused(self, field: str, **changes: Any) -> str:
        """Assert the metric is refused on `field` and nothing is saved; return the message."""
        before = (Metric.objects.count(), AuditEntry.objects.count())
        with self.assertRaises(ValidationError) as caught:
            self.create(**changes)
        self.assertIn(field, caught.exception.message_dict)
        self.assertEqual((Metric.objects.count(), AuditEntry.objects.count()), before)
        return " ".join(caught.exception.message_dict[field])

    def test_an_analyst_defines_a_metric_and_it_is_audited_with_its_elements(self) -> None:
        metric = self.create()
        self.assertEqual(metric.organisation, self.org)
        self.assertEqual(list(metric.elements.all()), [self.element])
        entry = entries_for(metric)[0]
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.actor, self.analyst)
        self.assertIn("Great care, every time", str(entry.changes["elements"]))
        self.assertIn("Erin Exec", str(entry.changes["lead_executive"]))

    def test_a_governance_officer_and_an_administrator_may_define_metrics(self) -> None:
        self.create(self.governance, code="one")
        self.create(self.admin, code="two")
        self.assertEqual(Metric.objects.filter(organisation=self.org).count(), 2)

    def test_executives_and_staff_may_not_define_metrics(self) -> None:
        for person in (self.executive, self.staff, self.chair, self.outsider):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                self.create(person)
        self.assertFalse(Metric.objects.exists())

    def test_the_system_may_define_metrics_without_a_person(self) -> None:
        metric = services.create_metric(None, self.org, **self.values())
        self.assertIsNone(entries_for(metric)[0].actor)

    def test_the_lead_must_be_an_executive_director_of_the_trust(self) -> None:
        self.assertIn(
            "Sam Staff is not an executive director",
            self.refused("lead_executive", lead_executive=self.staff),
        )
        self.refused("lead_executive", lead_executive=self.admin)
        self.assertIn("every metric has one", self.refused("lead_executive", lead_executive=None))

    def test_an_executive_of_another_trust_cannot_lead(self) -> None:
        elsewhere = make_user("nora", "Nora", "Notts")
        core_services.add_member(None, self.other_org, elsewhere, Role.EXECUTIVE_DIRECTOR)
        self.refused("lead_executive", lead_executive=elsewhere)

    def test_a_committee_of_another_trust_is_refused(self) -> None:
        theirs = make_committee(self.other_org, "Their Board")
        self.assertIn("own boards or committees", self.refused("committee", committee=theirs))

    def test_elements_of_another_trusts_strategy_are_refused(self) -> None:
        theirs = make_element(make_strategy(self.other_org), title="Their objective")
        message = self.refused("elements", elements=[self.element, theirs])
        self.assertIn("Their objective", message)

    def test_codes_are_unique_in_the_trust_but_not_across_trusts(self) -> None:
        self.create()
        self.assertIn("already has the code ae-4hr", self.refused("code", name="Another"))
        make_metric(self.other_org, self.outsider, code="ae-4hr")
        self.assertEqual(Metric.objects.filter(code="ae-4hr").count(), 2)

    def test_limits_are_fixed_after_at_least_twelve_points(self) -> None:
        self.assertIn("at least 12", self.refused("fix_after", fix_after=11))
        self.assertEqual(self.create(fix_after=12).fix_after, 12)

    def test_an_unknown_unit_is_refused_by_name(self) -> None:
        self.refused("unit", unit="furlongs")

    def test_a_target_that_is_not_a_number_is_refused(self) -> None:
        self.refused("target", target=math.nan)

    def test_a_field_metrics_do_not_have_is_a_programming_error(self) -> None:
        with self.assertRaises(ValueError):
            self.create(colour="blue")


class UpdateAndDeleteMetricTests(PerformanceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.metric = make_metric(self.org, self.executive, code="ae-4hr")

    def test_a_change_is_audited_with_its_reason_and_the_elements_before_and_after(self) -> None:
        services.update_metric(
            self.analyst, self.metric, "New standard", target=78.0, elements=[self.element]
        )
        self.metric.refresh_from_db()
        self.assertEqual(self.metric.target, 78.0)
        entry = entries_for(self.metric)[-1]
        self.assertEqual(entry.reason, "New standard")
        self.assertEqual(entry.changes["target"], [95.0, 78.0])
        self.assertEqual(entry.changes["elements"][0], [])
        self.assertIn("Great care, every time", entry.changes["elements"][1][0])

    def test_leaving_elements_out_keeps_them(self) -> None:
        self.metric.elements.set([self.element])
        services.update_metric(self.analyst, self.metric, name="A&E within four hours")
        self.assertEqual(list(self.metric.elements.all()), [self.element])

    def test_a_refused_change_leaves_the_metric_and_the_callers_object_alone(self) -> None:
        with self.assertRaises(ValidationError):
            services.update_metric(self.analyst, self.metric, name="Renamed", fix_after=3)
        self.assertEqual(self.metric.name, "Four-hour A&E performance")
        self.metric.refresh_from_db()
        self.assertEqual(self.metric.name, "Four-hour A&E performance")
        self.assertEqual(entries_for(self.metric), [])

    def test_a_lead_who_has_left_the_board_does_not_block_other_changes(self) -> None:
        Membership.objects.filter(user=self.executive, organisation=self.org).update(
            role=Role.MANAGER
        )
        services.update_metric(self.analyst, self.metric, name="Renamed")
        with self.assertRaises(ValidationError) as caught:
            services.update_metric(self.analyst, self.metric, lead_executive=self.staff)
        self.assertIn("lead_executive", caught.exception.message_dict)

    def test_a_code_cannot_be_changed_to_another_metrics_code(self) -> None:
        make_metric(self.org, self.executive, code="beds")
        with self.assertRaises(ValidationError) as caught:
            services.update_metric(self.analyst, self.metric, code="beds")
        self.assertIn("code", caught.exception.message_dict)

    def test_an_executive_may_not_change_a_definition(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.update_metric(self.executive, self.metric, name="Renamed")

    def test_the_frequency_cannot_change_when_saved_periods_would_not_fit(self) -> None:
        add_observations(self.metric, [90.0, 91.0], start=D(2024, 4, 1))
        with self.assertRaises(ValidationError) as caught:
            services.update_metric(self.analyst, self.metric, frequency=Frequency.QUARTERLY)
        self.assertIn("2024-05-01", caught.exception.message_dict["frequency"][0])
        Observation.objects.filter(period=D(2024, 5, 1)).delete()
        services.update_metric(self.analyst, self.metric, frequency=Frequency.QUARTERLY)

    def test_a_metric_with_observations_cannot_be_deleted(self) -> None:
        add_observations(self.metric, [90.0])
        with self.assertRaises(ValidationError) as caught:
            services.delete_metric(self.analyst, self.metric)
        self.assertIn("Mark it inactive instead", caught.exception.messages[0])
        self.assertTrue(Metric.objects.filter(pk=self.metric.pk).exists())

    def test_a_metric_without_data_is_deleted_with_its_rebases_and_audited(self) -> None:
        rebase = Rebase.objects.create(
            organisation=self.org, metric=self.metric, period=D(2024, 4, 1), reason="New pathway"
        )
        services.delete_metric(self.analyst, self.metric, "Defined twice")
        self.assertFalse(Metric.objects.filter(pk=self.metric.pk).exists())
        self.assertEqual(entries_for(self.metric)[-1].action, AuditEntry.Action.DELETE)
        self.assertEqual(entries_for(self.metric)[-1].reason, "Defined twice")
        self.assertEqual(entries_for(rebase)[-1].action, AuditEntry.Action.DELETE)

    def test_staff_may_not_delete_a_metric(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.delete_metric(self.staff, self.metric)


class RecordObservationsTests(PerformanceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.metric = make_metric(self.org, self.executive, code="ae-4hr")

    def record(self, rows: list[Row], actor: Any = None, metric: Metric | None = None) -> Recorded:
        return services.record_observations(actor or self.analyst, metric or self.metric, rows)

    def refused(self, rows: list[Row], field: str, metric: Metric | None = None) -> str:
        """Assert the rows are refused on `field` and nothing changes; return the message."""
        saved = list(Observation.objects.values_list("period", "value", "note"))
        entries = AuditEntry.objects.count()
        with self.assertRaises(ValidationError) as caught:
            self.record(rows, metric=metric)
        self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(list(Observation.objects.values_list("period", "value", "note")), saved)
        self.assertEqual(AuditEntry.objects.count(), entries)
        return " ".join(caught.exception.message_dict[field])

    def test_an_inactive_metric_takes_no_data_until_it_is_made_active_again(self) -> None:
        inactive = make_metric(self.org, self.executive, active=False)
        message = self.refused([Row(D(2024, 1, 1), 1.0)], "metric", inactive)
        self.assertIn("no longer active", message)

    def test_an_analyst_records_months_of_data_with_one_audit_entry(self) -> None:
        rows = [Row(D(2024, m, 1), 90.0 + m) for m in range(1, 7)]
        self.assertEqual(self.record(rows), Recorded(created=6, changed=0, unchanged=0))
        values = list(self.metric.observations.values_list("value", flat=True))
        self.assertEqual(values, [91.0, 92.0, 93.0, 94.0, 95.0, 96.0])
        [entry] = entries_for(self.metric)
        self.assertEqual(entry.action, AuditEntry.Action.UPDATE)
        created = entry.changes["observations_created"][1]
        self.assertEqual(sorted(created), [f"2024-0{m}-01" for m in range(1, 7)])
        self.assertEqual(created["2024-03-01"]["value"], 93.0)
        self.assertFalse(AuditEntry.objects.filter(model_label="performance.observation"))

    def test_recording_again_corrects_changed_periods_and_adds_new_ones(self) -> None:
        self.record([Row(D(2024, 1, 1), 90.0), Row(D(2024, 2, 1), 91.0)])
        result = self.record(
            [
                Row(D(2024, 1, 1), 90.0),
                Row(D(2024, 2, 1), 92.5, note="Corrected after validation"),
                Row(D(2024, 3, 1), 93.0),
            ]
        )
        self.assertEqual(result, Recorded(created=1, changed=1, unchanged=1))
        self.assertEqual(self.metric.observations.get(period=D(2024, 2, 1)).value, 92.5)
        entry = entries_for(self.metric)[-1]
        before, after = entry.changes["observations_changed"]
        self.assertEqual(list(before), ["2024-02-01"])
        self.assertEqual((before["2024-02-01"]["value"], after["2024-02-01"]["value"]), (91, 92.5))
        self.assertEqual(list(entry.changes["observations_created"][1]), ["2024-03-01"])

    def test_recording_the_same_values_again_changes_nothing_and_is_not_audited(self) -> None:
        self.record([Row(D(2024, 1, 1), 90.0)])
        self.assertEqual(self.record([Row(D(2024, 1, 1), 90.0)]), Recorded(0, 0, 1))
        self.assertEqual(len(entries_for(self.metric)), 1)

    def test_one_bad_row_among_good_ones_saves_nothing(self) -> None:
        self.record([Row(D(2024, 1, 1), 90.0)])
        rows = [Row(D(2024, 1, 1), 10.0), Row(D(2024, 2, 15), 91.0), Row(D(2024, 3, 1), 92.0)]
        message = self.refused(rows, "period")
        self.assertIn("2024-02-15", message)
        self.assertIn("first day of the month", message)

    def test_only_analysts_and_administrators_may_submit_data(self) -> None:
        self.record([Row(D(2024, 1, 1), 90.0)], actor=self.admin)
        for person in (self.executive, self.governance, self.staff, self.outsider):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                self.record([Row(D(2024, 2, 1), 90.0)], actor=person)
        self.assertEqual(self.metric.observations.count(), 1)

    def test_quarterly_periods_start_on_the_first_day_of_a_quarter(self) -> None:
        metric = make_metric(self.org, self.executive, frequency=Frequency.QUARTERLY)
        self.assertIn("1 April", self.refused([Row(D(2024, 2, 1), 1.0)], "period", metric))
        self.assertEqual(self.record([Row(D(2024, 4, 1), 1.0)], metric=metric).created, 1)

    def test_weekly_periods_start_on_a_monday(self) -> None:
        metric = make_metric(self.org, self.executive, frequency=Frequency.WEEKLY)
        self.assertIn("Monday", self.refused([Row(D(2024, 4, 2), 1.0)], "period", metric))
        self.assertEqual(self.record([Row(D(2024, 4, 1), 1.0)], metric=metric).created, 1)

    def test_daily_periods_may_be_any_day(self) -> None:
        metric = make_metric(self.org, self.executive, frequency=Frequency.DAILY)
        rows = [Row(D(2024, 4, 2), 1.0), Row(D(2024, 4, 3), 2.0)]
        self.assertEqual(self.record(rows, metric=metric).created, 2)

    def test_a_period_must_be_a_date_not_a_moment(self) -> None:
        moment = datetime.datetime(2024, 1, 1, 9, 0, tzinfo=datetime.UTC)
        self.refused([Row(moment, 1.0)], "period")

    def test_values_must_be_finite_numbers_the_engine_can_add_up(self) -> None:
        for bad in (math.nan, math.inf, "ninety", 1e308, -2e15):
            with self.subTest(value=bad):
                message = self.refused([Row(D(2024, 1, 1), bad)], "value")  # type: ignore[arg-type]
                self.assertIn("2024-01-01", message)

    def test_a_numerator_needs_a_denominator(self) -> None:
        message = self.refused([Row(D(2024, 1, 1), 95.0, numerator=95.0)], "denominator")
        self.assertIn("both the numerator and the denominator", message)
        self.refused([Row(D(2024, 1, 1), 95.0, denominator=100.0)], "numerator")

    def test_the_denominator_must_be_more_than_zero(self) -> None:
        self.refused([Row(D(2024, 1, 1), 0.0, numerator=0.0, denominator=0.0)], "denominator")

    def test_a_percentage_must_agree_with_its_numerator_and_denominator(self) -> None:
        message = self.refused([Row(D(2024, 1, 1), 0.95, 950.0, 1000.0)], "value")
        self.assertIn("x 100", message)
        self.assertEqual(self.record([Row(D(2024, 1, 1), 95.0, 950.0, 1000.0)]).created, 1)

    def test_agreement_allows_for_rounding_in_the_last_places(self) -> None:
        self.assertEqual(self.record([Row(D(2024, 1, 1), 100 / 3, 1.0, 3.0)]).created, 1)

    def test_a_rate_is_the_plain_ratio(self) -> None:
        metric = make_metric(self.org, self.executive, unit=Unit.RATE)
        self.refused([Row(D(2024, 1, 1), 50.0, 1.0, 2.0)], "value", metric)
        self.assertEqual(
            self.record([Row(D(2024, 1, 1), 0.5, 1.0, 2.0)], metric=metric).created, 1
        )

    def test_a_period_given_twice_is_refused(self) -> None:
        message = self.refused([Row(D(2024, 1, 1), 1.0), Row(D(2024, 1, 1), 2.0)], "period")
        self.assertIn("more than once", message)

    def test_a_long_note_is_refused(self) -> None:
        self.refused([Row(D(2024, 1, 1), 1.0, note="x" * 301)], "note")

    def test_every_problem_is_listed_with_the_index_of_its_row(self) -> None:
        rows = [Row(D(2024, 1, 1), 1.0), Row(D(2024, 2, 2), math.nan), Row(D(2024, 1, 1), 2.0)]
        found = [(p.index, p.field) for p in services.check_observation_rows(self.metric, rows)]
        self.assertEqual(found, [(1, "period"), (1, "value"), (2, "period")])

    def test_an_observation_is_deleted_with_an_audit_entry(self) -> None:
        [observation] = add_observations(self.metric, [90.0])
        with self.assertRaises(PermissionDenied):
            services.delete_observation(self.staff, observation)
        services.delete_observation(self.analyst, observation, "Entered in error")
        self.assertFalse(self.metric.observations.exists())
        self.assertEqual(entries_for(observation)[-1].reason, "Entered in error")


class RebaseTests(PerformanceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.metric = make_metric(self.org, self.executive)

    def test_an_analyst_rebases_a_metric_and_removes_the_rebase(self) -> None:
        rebase = services.add_rebase(
            self.analyst, self.metric, period=D(2024, 4, 1), reason=" New triage model "
        )
        self.assertEqual(rebase.reason, "New triage model")
        services.remove_rebase(self.governance, rebase, "Wrong month")
        self.assertFalse(Rebase.objects.exists())
        actions = [e.action for e in entries_for(rebase)]
        self.assertEqual(actions, [AuditEntry.Action.CREATE, AuditEntry.Action.DELETE])

    def test_a_rebase_needs_a_reason_and_the_start_of_a_period(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.add_rebase(self.analyst, self.metric, period=D(2024, 4, 2), reason=" ")
        self.assertEqual(set(caught.exception.message_dict), {"period", "reason"})
        self.assertFalse(Rebase.objects.exists())

    def test_a_period_is_rebased_only_once(self) -> None:
        services.add_rebase(self.analyst, self.metric, period=D(2024, 4, 1), reason="New model")
        with self.assertRaises(ValidationError) as caught:
            services.add_rebase(self.analyst, self.metric, period=D(2024, 4, 1), reason="Again")
        self.assertIn("already recalculated from April 2024", caught.exception.messages[0])

    def test_executives_may_not_rebase(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.add_rebase(self.executive, self.metric, period=D(2024, 4, 1), reason="New")


class NarrativeTests(PerformanceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.metric = make_metric(self.org, self.executive)

    def test_an_executive_writes_and_then_rewrites_the_narrative_for_a_month(self) -> None:
        first = services.save_narrative(
            self.executive, self.metric, period=D(2024, 3, 1), what_the_chart_shows="Steady."
        )
        second = services.save_narrative(
            self.analyst, self.metric, period=D(2024, 3, 1), what_the_chart_shows="Improving."
        )
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Narrative.objects.get().what_the_chart_shows, "Improving.")
        self.assertEqual(Narrative.objects.get().author, self.analyst)
        entry = entries_for(second)[-1]
        self.assertEqual(entry.changes["what_the_chart_shows"], ["Steady.", "Improving."])

    def test_the_system_writes_in_the_lead_executives_name(self) -> None:
        narrative = services.save_narrative(None, self.metric, period=D(2024, 3, 1), risks="None")
        self.assertEqual(narrative.author, self.executive)

    def test_a_narrative_belongs_to_a_report_month(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.save_narrative(self.executive, self.metric, period=D(2024, 3, 4))
        self.assertIn("period", caught.exception.message_dict)

    def test_staff_may_not_write_narratives(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.save_narrative(self.staff, self.metric, period=D(2024, 3, 1))
