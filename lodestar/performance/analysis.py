"""The bridge from metrics in the database to the pure SPC engine and back.

Every metric of a report goes through `prepare` and `analyse` in one batch, so a report of
hundreds of metrics costs one engine call (a few milliseconds), not one per metric. What
comes back is plain data for templates, the API and other apps (the BAF shows a risk's
metrics' icons).
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from lodestar.performance.models import Metric, Observation, Rebase
from lodestar.performance.spc import Result, analyse, labels, prepare
from lodestar.performance.spc.labels import Direction


@dataclass(frozen=True)
class Point:
    period: datetime.date
    value: float
    baseline: int
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    rule: str
    point_type: str


@dataclass(frozen=True)
class MetricAnalysis:
    """What the chart and the icons of one metric show, as of a report period."""

    metric: Metric
    points: Sequence[Point] = ()
    rebases: Sequence[Rebase] = ()
    # `variation` is the point type of the last point and `assurance` one of
    # consistent_pass, consistent_fail, inconsistent, or "" (spc-method.md 1.5-1.6).
    variation: str = ""
    assurance: str = ""
    short_baseline: bool = False

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def has_data(self) -> bool:
        return bool(self.points)

    @property
    def variation_icon(self) -> str:
        """The icon's name without ".svg", like ``concern_low``; "" when there is no data."""
        if not self.variation:
            return ""
        direction: Direction = self.metric.improvement_direction  # type: ignore[assignment]
        return labels.variation_icon(self.variation, direction).removesuffix(".svg")

    @property
    def assurance_icon(self) -> str:
        """``pass``, ``fail``, ``inconsistent``, or "" when no icon is drawn."""
        icon = labels.assurance_icon(self.assurance)
        return icon.removesuffix(".svg") if icon else ""

    @property
    def is_exception(self) -> bool:
        """Special cause concern now, or consistently failing its target: listed first."""
        return self.variation == "special_cause_concern" or self.assurance == "consistent_fail"


def analyse_metrics(
    metrics: Iterable[Metric], up_to: datetime.date | None = None
) -> list[MetricAnalysis]:
    """Analyse metrics on their observations up to and including the period `up_to`.

    Returns one `MetricAnalysis` per metric, in the order given. A metric without
    observations gets an empty analysis rather than an error.
    """
    metrics = list(metrics)
    observations = Observation.objects.filter(metric__in=metrics).order_by("metric_id", "period")
    if up_to is not None:
        observations = observations.filter(period__lte=up_to)
    rows = list(observations.values_list("metric_id", "period", "value"))
    rebases: dict[int, list[Rebase]] = defaultdict(list)
    for rebase in Rebase.objects.filter(metric__in=metrics).order_by("period"):
        rebases[rebase.metric_id].append(rebase)
    if not rows:
        return [MetricAnalysis(m, rebases=rebases[m.pk]) for m in metrics]
    return _run(metrics, rows, rebases)


def _run(
    metrics: list[Metric],
    rows: list[tuple[int, datetime.date, float]],
    rebases: dict[int, list[Rebase]],
) -> list[MetricAnalysis]:
    by_id = {m.pk: m for m in metrics}
    ids = np.array([str(r[0]) for r in rows])
    dates = np.array([r[1] for r in rows], dtype="datetime64[D]")
    starts = {(m, r.period) for m, rs in rebases.items() for r in rs}
    batch = prepare(
        ids,
        dates,
        np.array([r[2] for r in rows], dtype=np.float64),
        improvement_direction=np.array([by_id[r[0]].improvement_direction for r in rows]),
        target=np.array(
            [np.nan if by_id[r[0]].target is None else by_id[r[0]].target for r in rows]
        ),
        rebase=np.array([(r[0], r[1]) in starts for r in rows]),
        fix_after=np.array([by_id[r[0]].fix_after or 0 for r in rows]),
        screen_outliers=np.array([by_id[r[0]].screen_outliers for r in rows]),
    )
    return _collect(metrics, analyse(batch), rebases)


def _collect(
    metrics: list[Metric], result: Result, rebases: dict[int, list[Rebase]]
) -> list[MetricAnalysis]:
    by_id = {m.pk: m for m in metrics}
    batch, lim = result.batch, result.limits
    g = lim.group
    # Convert each column to Python once: building points from numpy scalars one by
    # one would cost more than the whole engine.
    periods = batch.dates.astype("datetime64[D]").astype(object).tolist()
    values = batch.values.tolist()
    means, lowers, uppers = lim.mean[g].tolist(), lim.lower[g].tolist(), lim.upper[g].tolist()
    baselines = result.baseline.tolist()
    rule_names = [labels.RULES[c] for c in result.rule.tolist()]
    type_names = [labels.POINT_TYPES[c] for c in result.point_type.tolist()]
    short = result.short_baseline.tolist()
    bounds = np.searchsorted(batch.series, np.arange(len(batch.names) + 1)).tolist()
    found: dict[int, MetricAnalysis] = {}
    for s, name in enumerate(batch.names.tolist()):
        metric_id = int(name)
        points = [
            Point(
                periods[i],
                values[i],
                baselines[i],
                _finite(means[i]),
                _finite(lowers[i]),
                _finite(uppers[i]),
                rule_names[i],
                type_names[i],
            )
            for i in range(bounds[s], bounds[s + 1])
        ]
        last = bounds[s + 1] - 1
        found[metric_id] = MetricAnalysis(
            metric=by_id[metric_id],
            points=points,
            rebases=rebases[metric_id],
            variation=type_names[last],
            assurance=labels.ASSURANCES[int(result.assurance[s])],
            short_baseline=bool(short[last]),
        )
    return [found.get(m.pk) or MetricAnalysis(m, rebases=rebases[m.pk]) for m in metrics]


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value
