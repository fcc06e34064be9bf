"""The bridge from metrics in the database to the pure SPC engine and back.

Every metric of a report goes through `prepare` and `analyse` in one batch, so a report of
hundreds of metrics costs one engine call (a few milliseconds), not one per metric. What
comes back is plain data for templates, the API and other apps (the BAF shows a risk's
metrics' icons).

A metric's target may change over time (`TargetChange`), but the engine compares one
target per series with the latest limits (spc-method.md 1.6). It is given the target in
force at the series' last point, so the assurance icon judges against the target of the
report month, while the chart draws each month against the target of its time.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lodestar.performance import timeliness
from lodestar.performance.models import Metric, Observation, Rebase, TargetChange
from lodestar.performance.spc import Result, analyse, labels, prepare
from lodestar.performance.spc.labels import Direction

# One observation as read for the engine: metric id, period, value.
Row = tuple[int, datetime.date, float]


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
class TargetStep:
    """The target from `period` on (None: from the first period), and where it comes from."""

    period: datetime.date | None
    target: float | None
    source: str = ""


def target_steps(metric: Metric, changes: Iterable[TargetChange]) -> tuple[TargetStep, ...]:
    """The metric's own target from the start, then each change in period order."""
    ordered = sorted(changes, key=lambda c: c.period)
    first = TargetStep(None, metric.target, metric.target_source)
    return (first, *(TargetStep(c.period, c.target, c.source) for c in ordered))


def step_at(steps: Sequence[TargetStep], period: datetime.date | None) -> TargetStep:
    """The step in force in `period` (steps in period order; None: the first period)."""
    found = steps[0]
    for step in steps[1:]:
        if period is None or step.period is None or step.period > period:
            break
        found = step
    return found


def target_at(steps: Sequence[TargetStep], period: datetime.date | None) -> float | None:
    """The target in force in `period`: the pure rule the engine's input follows."""
    return step_at(steps, period).target


@dataclass(frozen=True)
class MetricAnalysis:
    """What the chart and the icons of one metric show, as of a report period."""

    metric: Metric
    points: Sequence[Point] = ()
    rebases: Sequence[Rebase] = ()
    target_changes: Sequence[TargetChange] = ()
    # The end of the report period, if any: where the target is read with no data.
    up_to: datetime.date | None = None
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

    # Cached: a report reads these for every card, chart point and sentence. Safe on a
    # frozen dataclass, as cached_property writes to the instance's __dict__ directly.
    @functools.cached_property
    def targets(self) -> tuple[TargetStep, ...]:
        """Every target the metric has had, from the first period on."""
        return target_steps(self.metric, self.target_changes)

    @functools.cached_property
    def target_step(self) -> TargetStep:
        """The target in force at the latest point (or at `up_to` when there is no data)."""
        return step_at(self.targets, self.latest.period if self.latest else self.up_to)

    @property
    def target(self) -> float | None:
        """The target the assurance icon judges against."""
        return self.target_step.target

    @property
    def shown_targets(self) -> tuple[TargetStep, ...]:
        """The steps in force at some point of the chart, in order, as the chart draws them."""
        steps = self.targets
        shown = [self.target_step] if not self.points else []
        for point in self.points:
            step = step_at(steps, point.period)
            if not shown or shown[-1] != step:
                shown.append(step)
        return tuple(shown)

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

    def is_late(self, month: datetime.date | None) -> bool:
        """Whether the latest data are older than the report of `month` expects.

        Not an exception: the icons may be fine, only not current. A metric without data
        is not late either (it has nothing to be late with); reports say so apart.
        """
        latest = self.latest
        if latest is None or month is None:
            return False
        return timeliness.is_late(self.metric.frequency, latest.period, month)


def latest_month(found: Iterable[MetricAnalysis]) -> datetime.date | None:
    """The month a report shows when none is asked for: the latest month with any data."""
    periods = [a.latest.period for a in found if a.latest is not None]
    return max(periods).replace(day=1) if periods else None


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
    context = _Context(up_to)
    for rebase in Rebase.objects.filter(metric__in=metrics).order_by("period"):
        context.rebases[rebase.metric_id].append(rebase)
    for change in TargetChange.objects.filter(metric__in=metrics).order_by("period"):
        context.changes[change.metric_id].append(change)
    if not rows:
        return [context.empty(m) for m in metrics]
    return _run(metrics, rows, context)


@dataclass(frozen=True)
class _Context:
    """What each metric's analysis carries besides the engine's answers."""

    up_to: datetime.date | None
    rebases: defaultdict[int, list[Rebase]] = field(default_factory=lambda: defaultdict(list))
    changes: defaultdict[int, list[TargetChange]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def empty(self, metric: Metric) -> MetricAnalysis:
        return MetricAnalysis(
            metric,
            rebases=self.rebases[metric.pk],
            target_changes=self.changes[metric.pk],
            up_to=self.up_to,
        )

    def targets(self, by_id: dict[int, Metric], rows: list[Row]) -> dict[int, float]:
        """Each series' one target: the one in force at its last point (NaN for none)."""
        last = {r[0]: r[1] for r in rows}  # rows are in period order within each metric
        found: dict[int, float] = {}
        for metric_id, period in last.items():
            steps = target_steps(by_id[metric_id], self.changes[metric_id])
            target = target_at(steps, period)
            found[metric_id] = np.nan if target is None else target
        return found


def _run(metrics: list[Metric], rows: list[Row], context: _Context) -> list[MetricAnalysis]:
    by_id = {m.pk: m for m in metrics}
    ids = np.array([str(r[0]) for r in rows])
    dates = np.array([r[1] for r in rows], dtype="datetime64[D]")
    starts = {(m, r.period) for m, rs in context.rebases.items() for r in rs}
    targets = context.targets(by_id, rows)
    batch = prepare(
        ids,
        dates,
        np.array([r[2] for r in rows], dtype=np.float64),
        improvement_direction=np.array([by_id[r[0]].improvement_direction for r in rows]),
        target=np.array([targets[r[0]] for r in rows]),
        rebase=np.array([(r[0], r[1]) in starts for r in rows]),
        fix_after=np.array([by_id[r[0]].fix_after or 0 for r in rows]),
        screen_outliers=np.array([by_id[r[0]].screen_outliers for r in rows]),
    )
    return _collect(metrics, analyse(batch), context)


def _collect(metrics: list[Metric], result: Result, context: _Context) -> list[MetricAnalysis]:
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
            rebases=context.rebases[metric_id],
            target_changes=context.changes[metric_id],
            up_to=context.up_to,
            variation=type_names[last],
            assurance=labels.ASSURANCES[int(result.assurance[s])],
            short_baseline=bool(short[last]),
        )
    return [found.get(m.pk) or context.empty(m) for m in metrics]


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value
