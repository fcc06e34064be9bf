"""The bridge from stored observations to the engine gives the engine's own answers."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lodestar.core.testing import PersonaTestCase
from lodestar.performance.analysis import TargetStep, analyse_metrics, step_at, target_at
from lodestar.performance.models import (
    Domain,
    Frequency,
    Metric,
    Observation,
    Rebase,
    TargetChange,
    Unit,
)
from lodestar.performance.spc import analyse, prepare


def month(i: int) -> datetime.date:
    return datetime.date(2023 + i // 12, i % 12 + 1, 1)


# Limits about 66.5 to 75.1: a target of 60 is consistently passed, 80 consistently failed.
STEADY = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70, 71]


class AnalysisTestCase(PersonaTestCase):
    def make_metric(
        self,
        code: str,
        values: list[float],
        direction: str = "increase",
        target: float | None = None,
    ) -> Metric:
        metric = Metric.objects.create(
            organisation=self.org,
            code=code,
            name=code,
            unit=Unit.PERCENT,
            improvement_direction=direction,
            target=target,
            frequency=Frequency.MONTHLY,
            lead_executive=self.executive,
            domain=Domain.ACCESS,
        )
        Observation.objects.bulk_create(
            Observation(organisation=self.org, metric=metric, period=month(i), value=v)
            for i, v in enumerate(values)
        )
        return metric


class AnalyseMetricsTests(AnalysisTestCase):
    def test_each_metric_gets_the_engines_limits_and_icons(self) -> None:
        values = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70, 60]
        falling = self.make_metric("falling", values, target=95.0)
        flat = self.make_metric("flat", [5.0, 6, 5, 6, 5, 6], direction="neutral")
        empty = self.make_metric("empty", [])

        found = analyse_metrics([flat, empty, falling])

        self.assertEqual([a.metric for a in found], [flat, empty, falling])
        expected = analyse(prepare(None, [month(i) for i in range(15)], values, target=95.0))
        last = found[2].latest
        assert last is not None
        self.assertEqual(last.upper_limit, float(expected.limits.upper[0]))
        self.assertEqual(found[2].variation, "special_cause_concern")
        self.assertEqual(found[2].variation_icon, "concern_low")
        self.assertEqual(found[2].assurance_icon, "fail")
        self.assertTrue(found[2].is_exception)
        self.assertEqual(found[0].assurance, "")
        self.assertTrue(found[0].short_baseline)
        self.assertFalse(found[1].has_data)
        self.assertEqual(found[1].variation_icon, "")

    def test_a_rebase_starts_a_new_baseline_and_up_to_cuts_the_series(self) -> None:
        metric = self.make_metric("step", [10.0, 11, 10, 11, 10, 30, 31, 30, 31, 30])
        Rebase.objects.create(organisation=self.org, metric=metric, period=month(5), reason="x")

        [whole] = analyse_metrics([metric])
        [cut] = analyse_metrics([metric], up_to=month(6))

        self.assertEqual([p.baseline for p in whole.points], [0] * 5 + [1] * 5)
        self.assertEqual(whole.points[-1].mean, 30.4)
        self.assertEqual(len(cut.points), 7)
        self.assertEqual(len(whole.rebases), 1)


class TargetChangeAnalysisTests(AnalysisTestCase):
    def change(self, metric: Metric, period: datetime.date, target: float | None) -> None:
        TargetChange.objects.create(
            organisation=self.org,
            metric=metric,
            period=period,
            target=target,
            source=f"Plan from {period:%B %Y}",
            reason="A new planning year",
        )

    def test_assurance_is_judged_against_the_target_in_force_at_the_latest_point(self) -> None:
        metric = self.make_metric("rising", STEADY, target=60.0)
        self.change(metric, month(10), 80.0)

        [now] = analyse_metrics([metric])
        [before] = analyse_metrics([metric], up_to=month(9))

        self.assertEqual((now.target, now.assurance_icon), (80.0, "fail"))
        self.assertEqual(now.target_step.source, "Plan from November 2023")
        self.assertTrue(now.is_exception)
        self.assertEqual((before.target, before.assurance_icon), (60.0, "pass"))
        self.assertEqual(before.target_step, TargetStep(None, 60.0, ""))

    def test_a_change_to_no_target_takes_the_assurance_icon_away(self) -> None:
        metric = self.make_metric("withdrawn", STEADY, target=60.0)
        self.change(metric, month(12), None)
        [now] = analyse_metrics([metric])
        [before] = analyse_metrics([metric], up_to=month(11))
        self.assertEqual((now.target, now.assurance), (None, ""))
        self.assertEqual(before.assurance_icon, "pass")

    def test_a_target_set_later_than_the_first_period_gives_a_metric_its_first_icon(self) -> None:
        metric = self.make_metric("new", STEADY)
        self.change(metric, month(14), 60.0)
        [now] = analyse_metrics([metric])
        self.assertEqual(now.assurance_icon, "pass")

    def test_each_analysis_knows_every_target_and_the_ones_its_chart_shows(self) -> None:
        metric = self.make_metric("steps", STEADY, target=60.0)
        for i, target in ((5, 65.0), (10, 80.0), (20, 85.0)):
            self.change(metric, month(i), target)
        [found] = analyse_metrics([metric], up_to=month(12))
        self.assertEqual([s.target for s in found.targets], [60.0, 65.0, 80.0, 85.0])
        self.assertEqual([s.target for s in found.shown_targets], [60.0, 65.0, 80.0])
        self.assertEqual(found.target, 80.0)

    def test_a_metric_without_data_shows_the_target_in_force_at_the_end_of_the_period(
        self,
    ) -> None:
        metric = self.make_metric("empty", [], target=60.0)
        self.change(metric, month(10), 80.0)
        [early] = analyse_metrics([metric], up_to=month(3))
        [late] = analyse_metrics([metric], up_to=month(11))
        self.assertEqual((early.target, late.target), (60.0, 80.0))

    def test_target_changes_cost_one_query_for_the_whole_batch(self) -> None:
        metrics = [self.make_metric(f"m{i}", STEADY, target=60.0) for i in range(6)]
        for metric in metrics:
            self.change(metric, month(10), 80.0)

        def queries(batch: list[Metric]) -> int:
            with CaptureQueriesContext(connection) as captured:
                analyse_metrics(batch)
            return len(captured)

        self.assertEqual(queries(metrics[:1]), queries(metrics))
        self.assertEqual(queries(metrics), 3)  # observations, rebases, target changes

    def test_many_metrics_each_get_their_own_target(self) -> None:
        up = self.make_metric("up", STEADY, target=60.0)
        down = self.make_metric("down", STEADY, target=80.0)
        self.change(up, month(10), 80.0)
        self.change(down, month(10), 60.0)
        found = analyse_metrics([up, down])
        self.assertEqual([a.assurance_icon for a in found], ["fail", "pass"])


def test_the_target_in_force_is_the_last_that_has_begun() -> None:
    steps = [TargetStep(None, 95.0), TargetStep(month(3), 76.0), TargetStep(month(15), 78.0)]
    assert target_at(steps, month(0)) == 95.0
    assert target_at(steps, month(2)) == 95.0
    assert target_at(steps, month(3)) == 76.0
    assert target_at(steps, month(14)) == 76.0
    assert target_at(steps, month(40)) == 78.0
    assert step_at(steps, None) == steps[0]


def test_a_change_to_no_target_is_in_force_like_any_other() -> None:
    steps = [TargetStep(None, 95.0), TargetStep(month(3), None)]
    assert target_at(steps, month(5)) is None
