"""The geometry of a Making Data Count SPC chart, as SVG path data: plain Python, no Django.

A report draws hundreds of charts, so everything a template would otherwise loop over per
point is worked out here once: each line is one path string, and the points of one colour
are one path of dots. A template then writes a handful of elements per chart
whatever the number of points.

What is drawn follows NHSRplotthedots' `ptd_create_ggplot` (spc-method.md 1.5): the data
line, the mean, the process limits (dashed), the target (red #de1b1b) and the points
coloured by point type. The mean and limits belong to one baseline, so every line breaks
where a rebase starts a new baseline (spc-method.md 1.2), and a marker shows where.
A target that changes over time is drawn as steps: each month against the target of its
time, with a vertical join where a new target starts.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

#: Point colours of `ptd_spc_colours` (spc-method.md 1.5).
COLOURS: Final[dict[str, str]] = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_concern": "#e46c0a",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
}
TARGET_COLOUR: Final = "#de1b1b"
# Drawn in this order, so that special-cause points sit on top of grey ones.
_DRAW_ORDER: Final = tuple(COLOURS)


class ChartPoint(Protocol):
    """What the chart needs of a point; `lodestar.performance.analysis.Point` has it."""

    @property
    def period(self) -> datetime.date: ...
    @property
    def value(self) -> float: ...
    @property
    def baseline(self) -> int: ...
    @property
    def mean(self) -> float | None: ...
    @property
    def lower_limit(self) -> float | None: ...
    @property
    def upper_limit(self) -> float | None: ...
    @property
    def point_type(self) -> str: ...


class ChartTarget(Protocol):
    """A target from `period` on (None: from the first period); a `TargetStep` has it."""

    @property
    def period(self) -> datetime.date | None: ...
    @property
    def target(self) -> float | None: ...


@dataclass(frozen=True)
class Size:
    """The drawing's size in SVG user units, and the margins kept for the axes' labels."""

    width: float = 640
    height: float = 240
    left: float = 56
    right: float = 16
    top: float = 18
    bottom: float = 30


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Dots:
    """All points of one point type, as one path of dots (see `_dots`)."""

    point_type: str
    colour: str
    path: str


@dataclass(frozen=True)
class Chart:
    size: Size
    values: str = ""
    mean: str = ""
    lower: str = ""
    upper: str = ""
    dots: tuple[Dots, ...] = ()
    # The target as a step line: a horizontal segment per target, a vertical join at
    # each change; "" when no point has a target.
    target: str = ""
    # Where each new baseline after the first begins.
    rebases: tuple[float, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.values

    @property
    def grid(self) -> str:
        """The horizontal grid line at each y tick, as one path."""
        left, right = self.plot_left, self.plot_right
        return "".join(f"M{left:g} {t.position:g}H{right:g}" for t in self.y_ticks)

    @property
    def plot_left(self) -> float:
        return self.size.left

    @property
    def plot_right(self) -> float:
        return self.size.width - self.size.right

    @property
    def plot_top(self) -> float:
        return self.size.top

    @property
    def plot_bottom(self) -> float:
        return self.size.height - self.size.bottom


@dataclass(frozen=True)
class Scale:
    """A linear map from data to drawing units."""

    domain_low: float
    domain_high: float
    range_low: float
    range_high: float

    def __call__(self, value: float) -> float:
        span = self.domain_high - self.domain_low
        if span == 0:
            return (self.range_low + self.range_high) / 2
        share = (value - self.domain_low) / span
        return self.range_low + share * (self.range_high - self.range_low)


def draw(
    points: Sequence[ChartPoint],
    *,
    targets: Sequence[ChartTarget] = (),
    size: Size | None = None,
    y_label: Callable[[float], str] | None = None,
    x_label: Callable[[datetime.date], str] | None = None,
) -> Chart:
    """Work out the chart of `points` (in date order) and its `targets` (in date order)."""
    size = size or Size()
    if not points:
        return Chart(size)
    levels = target_levels(points, targets)
    low, high = value_range(points, levels)
    ticks = nice_ticks(low, high)
    y = Scale(ticks[0], ticks[-1], size.height - size.bottom, size.top)
    ordinals = [p.period.toordinal() for p in points]
    x = Scale(ordinals[0], ordinals[-1], size.left + 8, size.width - size.right - 8)
    xs = [round(x(o), 1) for o in ordinals]
    ys = [round(y(p.value), 1) for p in points]
    groups = baseline_groups(points)
    label_y = y_label or _plain_number
    label_x = x_label or (lambda d: d.strftime("%b %Y"))
    return Chart(
        size=size,
        values=" ".join(_polyline(xs[a:b], ys[a:b]) for a, b in groups),
        mean=_level_path(points, groups, xs, y, "mean"),
        lower=_level_path(points, groups, xs, y, "lower_limit"),
        upper=_level_path(points, groups, xs, y, "upper_limit"),
        dots=_dots(points, xs, ys),
        target=_target_path(levels, xs, y, (size.left, size.width - size.right)),
        rebases=tuple(round((xs[a - 1] + xs[a]) / 2, 1) for a, _ in groups[1:]),
        x_ticks=tuple(Tick(xs[i], label_x(points[i].period)) for i in _x_tick_indexes(xs)),
        y_ticks=tuple(Tick(round(y(t), 1), label_y(t)) for t in ticks),
    )


def value_range(
    points: Sequence[ChartPoint], targets: Sequence[float | None] = ()
) -> tuple[float, float]:
    """The lowest and highest values the chart must show: points, limits and targets."""
    seen = [p.value for p in points]
    seen += [v for p in points for v in (p.lower_limit, p.upper_limit) if v is not None]
    seen += [t for t in targets if t is not None]
    finite = [v for v in seen if math.isfinite(v)]
    return min(finite), max(finite)


def target_levels(
    points: Sequence[ChartPoint], targets: Sequence[ChartTarget]
) -> list[float | None]:
    """The target in force at each point: the last target whose period has begun."""
    levels: list[float | None] = []
    current: float | None = None
    following = 0
    for p in points:
        while following < len(targets):
            start = targets[following].period
            if start is not None and start > p.period:
                break
            current = targets[following].target
            following += 1
        levels.append(current)
    return levels


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round numbers (1, 2 or 5 times a power of ten apart) that enclose low to high.

    A flat series gets a band around its one value, so the line is drawn mid-chart.
    """
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(first + len(ticks) * step)
    # Rounding keeps labels like 0.30000000000000004 out of the axis.
    places = max(0, -math.floor(math.log10(step)) + 1)
    return [round(t, places) for t in ticks]


def baseline_groups(points: Sequence[ChartPoint]) -> list[tuple[int, int]]:
    """The [start, end) index ranges of consecutive points on the same baseline."""
    starts = [0] + [
        i for i in range(1, len(points)) if points[i].baseline != points[i - 1].baseline
    ]
    return list(zip(starts, [*starts[1:], len(points)], strict=True))


def _polyline(xs: Sequence[float], ys: Sequence[float]) -> str:
    if not xs:
        return ""
    rest = " ".join(f"{x:g} {y:g}" for x, y in zip(xs[1:], ys[1:], strict=True))
    return f"M{xs[0]:g} {ys[0]:g}" + (f" L{rest}" if rest else "")


def _level_path(
    points: Sequence[ChartPoint],
    groups: list[tuple[int, int]],
    xs: Sequence[float],
    y: Scale,
    field: str,
) -> str:
    """One horizontal segment per baseline, across that baseline's points.

    NHSRplotthedots gives every point of a baseline the same mean and limits
    (spc-method.md 1.3), so the first point's value stands for the group. Undefined
    limits (a one-point baseline, or a constant series) draw nothing.
    """
    parts = []
    for a, b in groups:
        level = getattr(points[a], field)
        if level is None or not math.isfinite(level):
            continue
        height = round(y(level), 1)
        # A one-point baseline still gets a short stub, so its mean is visible.
        left, right = (xs[a], xs[b - 1]) if b - a > 1 else (xs[a] - 4, xs[a] + 4)
        parts.append(f"M{left:g} {height:g} H{right:g}")
    return " ".join(parts)


def _target_path(
    levels: Sequence[float | None], xs: Sequence[float], y: Scale, edges: tuple[float, float]
) -> str:
    """The target as steps across the plot: each change halfway between its neighbours.

    The line runs from edge to edge, as a constant target's always did; a stretch with
    no target breaks it.
    """
    parts = []
    drawing = False
    start = 0
    for end in range(1, len(levels) + 1):
        if end < len(levels) and levels[end] == levels[start]:
            continue
        level = levels[start]
        right = edges[1] if end == len(levels) else round((xs[end - 1] + xs[end]) / 2, 1)
        if level is None or not math.isfinite(level):
            drawing = False
        else:
            height = round(y(level), 1)
            if drawing:
                parts.append(f"V{height:g} H{right:g}")
            else:
                left = edges[0] if start == 0 else round((xs[start - 1] + xs[start]) / 2, 1)
                parts.append(f"M{left:g} {height:g} H{right:g}")
            drawing = True
        start = end
    return " ".join(parts)


def _dots(
    points: Sequence[ChartPoint], xs: Sequence[float], ys: Sequence[float]
) -> tuple[Dots, ...]:
    """Each point type's points as one path of zero-length strokes.

    Drawn with a round line cap, a zero-length stroke is a dot (SVG 1.1 section 11.4,
    `stroke-linecap`); this is far lighter to write, and for WeasyPrint to draw, than a
    circle element or two arcs per point.
    """
    by_type: dict[str, list[str]] = {}
    for p, x, y in zip(points, xs, ys, strict=True):
        by_type.setdefault(p.point_type, []).append(f"M{x:g} {y:g}h0")
    return tuple(
        Dots(kind, COLOURS[kind], "".join(by_type[kind]))
        for kind in _DRAW_ORDER
        if kind in by_type
    )


def _x_tick_indexes(xs: Sequence[float], min_gap: float = 90) -> list[int]:
    """Label every k-th point, k chosen so that labels stay `min_gap` units apart."""
    if len(xs) < 2:
        return list(range(len(xs)))
    average = (xs[-1] - xs[0]) / (len(xs) - 1)
    every = max(1, math.ceil(min_gap / average)) if average > 0 else len(xs)
    return list(range(0, len(xs), every))


def _plain_number(value: float) -> str:
    return f"{value:,.10g}"
