"""Changes of a metric's target over time: who may make them, what is refused, and that
every change is audited and every refusal changes nothing."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.performance import services
from lodestar.performance.models import Frequency, Metric, TargetChange
from lodestar.performance.target_services import change_target, remove_target_change
from lodestar.performance.tests.builders import PerformanceTestCase, make_metric

D = datetime.date
GUIDANCE = "2025/26 operational planning guidance"


def entries_for(record: TargetChange) -> list[AuditEntry]:
    entries = AuditEntry.objects.for_record("performance.targetchange", record.uuid)
    return list(entries.order_by("id"))


class TargetChangeTestCase(PerformanceTestCase):
    metric: Metric

    def setUp(self) -> None:
        super().setUp()
        self.metric = make_metric(self.org, self.executive, code="ae-4hr", target=76.0)

    def change(self, actor: User | None = None, **changes: Any) -> TargetChange:
        values: dict[str, Any] = {
            "period": D(2025, 4, 1),
            "target": 78.0,
            "reason": "The new planning year",
            "source": GUIDANCE,
        }
        values.update(changes)
        return change_target(actor or self.analyst, self.metric, **values)

    def state(self) -> tuple[int, int]:
        return TargetChange.objects.count(), AuditEntry.objects.count()

    def refused(self, *fields: str, actor: User | None = None, **changes: Any) -> dict[str, Any]:
        """Assert the change is refused on exactly `fields` and nothing is saved."""
        before = self.state()
        with self.assertRaises(ValidationError) as caught:
            self.change(actor, **changes)
        self.assertEqual(set(caught.exception.message_dict), set(fields))
        self.assertEqual(self.state(), before)
        return caught.exception.message_dict


class ChangeTargetTests(TargetChangeTestCase):
    def test_an_analyst_sets_a_new_target_from_a_month_and_it_is_audited(self) -> None:
        made = self.change(reason="  The new planning year  ", source=f" {GUIDANCE} ")

        self.assertEqual((made.period, made.target), (D(2025, 4, 1), 78.0))
        self.assertEqual((made.reason, made.source), ("The new planning year", GUIDANCE))
        self.assertEqual(made.organisation, self.org)
        [entry] = entries_for(made)
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.actor, self.analyst)
        self.assertEqual(entry.organisation, self.org)
        self.assertEqual(entry.changes["target"], [None, 78.0])
        self.assertEqual(entry.changes["period"], [None, "2025-04-01"])
        self.assertEqual(entry.changes["source"], [None, GUIDANCE])

    def test_the_metrics_own_target_is_left_as_the_target_from_the_start(self) -> None:
        self.change()
        self.metric.refresh_from_db()
        self.assertEqual(self.metric.target, 76.0)

    def test_a_whole_number_is_saved_as_a_number_like_any_other(self) -> None:
        self.assertEqual(self.change(target=80).target, 80.0)

    def test_no_target_from_a_period_on_is_a_change_too(self) -> None:
        made = self.change(target=None, reason="The standard was withdrawn")
        self.assertIsNone(made.target)
        # The trail leaves out empty fields, as for every record made: no target is no entry.
        [entry] = entries_for(made)
        self.assertEqual(entry.changes["period"], [None, "2025-04-01"])
        self.assertNotIn("target", entry.changes)

    def test_a_source_may_be_left_out(self) -> None:
        self.assertEqual(self.change(source="").source, "")

    def test_the_system_may_change_a_target_without_a_person(self) -> None:
        made = change_target(
            None, self.metric, period=D(2025, 4, 1), target=78.0, reason="Demo data"
        )
        [entry] = entries_for(made)
        self.assertIsNone(entry.actor)


class ChangeTargetRefusalTests(TargetChangeTestCase):
    def test_a_monthly_target_changes_from_the_first_day_of_a_month(self) -> None:
        message = self.refused("period", period=D(2025, 4, 15))
        self.assertIn("first day of the month", message["period"][0])

    def test_a_quarterly_target_changes_from_the_first_day_of_a_quarter(self) -> None:
        self.metric.frequency = Frequency.QUARTERLY
        self.metric.save()
        message = self.refused("period", period=D(2025, 5, 1))
        self.assertIn("1 April", message["period"][0])
        self.assertEqual(self.change(period=D(2025, 7, 1)).period, D(2025, 7, 1))

    def test_a_weekly_target_changes_from_a_monday(self) -> None:
        self.metric.frequency = Frequency.WEEKLY
        self.metric.save()
        self.refused("period", period=D(2025, 4, 1))  # a Tuesday
        self.assertEqual(self.change(period=D(2025, 3, 31)).period, D(2025, 3, 31))

    def test_a_period_must_be_a_date_not_a_moment_or_words(self) -> None:
        moment = datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC)
        for period in (moment, "2025-04-01", None):
            with self.subTest(period=period):
                self.refused("period", period=period)

    def test_the_target_changes_only_once_from_one_period(self) -> None:
        self.change()
        message = self.refused("period", target=80.0)
        self.assertIn("already changes from April 2025", message["period"][0])

    def test_the_same_period_of_another_metric_is_no_clash(self) -> None:
        self.change()
        other = make_metric(self.org, self.executive, code="rtt")
        change_target(self.analyst, other, period=D(2025, 4, 1), target=92.0, reason="Plan")
        self.assertEqual(TargetChange.objects.count(), 2)

    def test_a_reason_is_required(self) -> None:
        for reason in ("", "   "):
            with self.subTest(reason=reason):
                message = self.refused("reason", reason=reason)
                self.assertIn("Say why the target changed", message["reason"][0])

    def test_the_target_must_be_a_finite_number_or_none(self) -> None:
        for target in (math.nan, math.inf, -math.inf, 1e16, "95", True):
            with self.subTest(target=target):
                self.refused("target", target=target)

    def test_a_source_longer_than_the_field_is_refused(self) -> None:
        self.refused("source", source="x" * 301)

    def test_every_problem_is_named_at_once(self) -> None:
        self.refused(
            "period", "target", "reason", period=D(2025, 4, 2), target=math.nan, reason=""
        )


class TargetPermissionTests(TargetChangeTestCase):
    def test_governance_officers_and_administrators_may_change_targets(self) -> None:
        for person, month in ((self.governance, 4), (self.admin, 5)):
            with self.subTest(person=person.username):
                made = self.change(person, period=D(2025, month, 1))
                self.assertEqual(entries_for(made)[0].actor, person)

    def test_executives_staff_the_chair_and_outsiders_may_not_and_nothing_changes(self) -> None:
        before = self.state()
        for person in (self.executive, self.staff, self.chair, self.outsider):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                self.change(person)
        self.assertEqual(self.state(), before)

    def test_permission_is_checked_before_the_values(self) -> None:
        # Someone who may not change targets learns nothing from the validation.
        with self.assertRaises(PermissionDenied):
            self.change(self.staff, period=D(2025, 4, 15), reason="")


class RemoveTargetChangeTests(TargetChangeTestCase):
    def test_a_governance_officer_removes_a_change_and_it_is_audited_with_the_reason(
        self,
    ) -> None:
        made = self.change()
        remove_target_change(self.governance, made, "Entered for the wrong year")
        self.assertFalse(TargetChange.objects.exists())
        created, removed = entries_for(made)
        self.assertEqual(created.action, AuditEntry.Action.CREATE)
        self.assertEqual(removed.action, AuditEntry.Action.DELETE)
        self.assertEqual(
            (removed.actor, removed.reason), (self.governance, "Entered for the wrong year")
        )
        self.assertEqual(removed.changes["target"], [78.0, None])

    def test_executives_and_staff_may_not_remove_a_change_and_it_stays(self) -> None:
        made = self.change()
        before = self.state()
        for person in (self.executive, self.staff):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                remove_target_change(person, made)
        self.assertEqual(self.state(), before)

    def test_deleting_a_metric_without_data_records_the_removal_of_its_changes(self) -> None:
        made = self.change()
        services.delete_metric(self.analyst, self.metric, "Defined twice")
        self.assertFalse(TargetChange.objects.exists())
        self.assertEqual(entries_for(made)[-1].action, AuditEntry.Action.DELETE)

    def test_the_frequency_cannot_change_when_a_target_change_would_not_fit(self) -> None:
        self.change(period=D(2025, 5, 1))
        with self.assertRaises(ValidationError) as caught:
            services.update_metric(self.analyst, self.metric, frequency=Frequency.QUARTERLY)
        self.assertIn("2025-05-01", caught.exception.message_dict["frequency"][0])
