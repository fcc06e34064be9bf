"""The bridge from stored observations to the engine gives the engine's own answers."""

from __future__ import annotations

import datetime

from lodestar.core.testing import PersonaTestCase
from lodestar.performance.analysis import analyse_metrics
from lodestar.performance.models import Domain, Frequency, Metric, Observation, Rebase, Unit
from lodestar.performance.spc import analyse, prepare


def month(i: int) -> datetime.date:
    return datetime.date(2023 + i // 12, i % 12 + 1, 1)


class AnalyseMetricsTests(PersonaTestCase):
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
