"""The integrated performance report (IPR) as plain data for its page and its PDF.

The layout follows nhs-conventions.md section 5: a cover summary, the exceptions, the
Making Data Count summary matrix, then a section per domain (or per strategic objective)
with a card per metric. Everything is read in a fixed handful of queries and the engine
runs once for all metrics (`analyse_metrics`), so the report costs the same number of
queries for 5 metrics as for 500; charts and data tables are worked out here, once, so
that templates only print strings.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from django.db.models import Prefetch
from django.utils.safestring import SafeString, mark_safe

from lodestar.core.models import Organisation
from lodestar.performance import chart
from lodestar.performance.analysis import MetricAnalysis, Point, analyse_metrics
from lodestar.performance.models import Domain, Metric, Narrative, Observation
from lodestar.performance.wording import (
    expected_label,
    format_target,
    format_tick,
    format_value,
    in_sentence,
    period_label,
    short_period,
)
from lodestar.strategy.models import Element

BY_DOMAIN, BY_OBJECTIVE = "domain", "objective"
GROUPINGS: Final = {BY_DOMAIN: "Domain", BY_OBJECTIVE: "Strategic objective"}

#: The accessible names of the icons (the same words as includes/mdc_icons.html), in the
#: order the summary matrix lists them: concern first, as the board reads it.
VARIATION_LABELS: Final[dict[str, str]] = {
    "concern_high": "Special cause concern (high)",
    "concern_low": "Special cause concern (low)",
    "common_cause": "Common cause variation",
    "neutral_high": "Special cause neutral variation (high)",
    "neutral_low": "Special cause neutral variation (low)",
    "improvement_high": "Special cause improvement (high)",
    "improvement_low": "Special cause improvement (low)",
}
ASSURANCE_LABELS: Final[dict[str, str]] = {
    "fail": "Consistently fails the target",
    "inconsistent": "Inconsistently passes and fails the target",
    "pass": "Consistently passes the target",
    "": "No target, or no direction of improvement",
}
POINT_TYPE_LABELS: Final[dict[str, str]] = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause improvement",
    "special_cause_concern": "Special cause concern",
    "special_cause_neutral_high": "Special cause (high)",
    "special_cause_neutral_low": "Special cause (low)",
}
# The four special-cause rules of spc-method.md 1.4, in words.
RULE_LABELS: Final[dict[str, str]] = {
    "none": "",
    "outside_limits": "outside the process limits",
    "trend": "in a run of 7 rising or falling",
    "two_in_three": "2 of 3 points near a limit",
    "shift": "in a run of 7 on one side of the mean",
}


@dataclass(frozen=True)
class Row:
    """One line of a chart's data table, already formatted."""

    period: str
    value: str
    mean: str
    lower: str
    upper: str
    point_type: str


@dataclass(frozen=True)
class Card:
    """One metric as the report shows it."""

    analysis: MetricAnalysis
    chart: chart.Chart
    latest_value: str
    latest_period: str
    # The target in force at the latest point, and the period it has applied from when a
    # target change set it ("" for the metric's own target).
    target: str
    description: str
    rows: tuple[Row, ...]
    narrative: Narrative | None = None
    target_from: str = ""
    # The period the report month expects data for, named, when the latest data are older
    # (timeliness.py); "" when they are current, or when there are none at all.
    missing: str = ""

    @property
    def metric(self) -> Metric:
        return self.analysis.metric

    @functools.cached_property
    def table_rows(self) -> SafeString:
        """The data table's rows as HTML.

        A report of 200 metrics of 36 points has 7,200 rows; printed by a template loop
        they took most of the page's time budget, so they are joined here. Every cell
        is escaped.
        """
        e = html.escape
        return mark_safe(  # noqa: S308 - every interpolated value is escaped just above
            "".join(
                f'<tr><th scope="row">{e(r.period)}</th><td>{e(r.value)}</td><td>{e(r.mean)}'
                f"</td><td>{e(r.lower)}</td><td>{e(r.upper)}</td><td>{e(r.point_type)}</td></tr>\n"
                for r in self.rows
            )
        )

    @property
    def late(self) -> bool:
        return bool(self.missing)

    @property
    def late_note(self) -> str:
        """The warning when late: "No data for October 2026: the latest is for August 2026."."""
        latest = self.analysis.latest
        if not self.missing or latest is None:
            return ""
        when = in_sentence(latest.period, self.metric.frequency)
        return f"No data for {self.missing}: the latest is for {when}."

    @property
    def variation_label(self) -> str:
        return VARIATION_LABELS.get(self.analysis.variation_icon, "No data")

    @property
    def assurance_label(self) -> str:
        return ASSURANCE_LABELS[self.analysis.assurance_icon]

    @property
    def target_source(self) -> str:
        """Where the target in force comes from; nothing when there is no target to explain.

        A target change's own source, or the metric's before any change.
        """
        step = self.analysis.target_step
        return step.source if step.target is not None else ""


@dataclass(frozen=True)
class Item:
    card: Card
    # A metric linked to two objectives appears twice; only the first carries its anchor.
    first: bool = True


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]
    note: str = ""


@dataclass(frozen=True)
class MatrixRow:
    icon: str
    label: str
    cells: tuple[tuple[Card, ...], ...]

    @property
    def icons(self) -> dict[str, str]:
        """What includes/mdc_icons.html reads to draw this row's icon."""
        return {"variation_icon": self.icon, "assurance_icon": ""}


@dataclass(frozen=True)
class Report:
    organisation: Organisation
    period: datetime.date | None
    periods: Sequence[datetime.date]
    by: str
    cards: Sequence[Card]
    sections: Sequence[Section]
    matrix: Sequence[MatrixRow]
    exceptions: Sequence[Card] = field(default_factory=list)
    # Metrics whose latest data are older than the month expects: not exceptions, but
    # listed so that the board can chase them.
    late: Sequence[Card] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[str, str, dict[str, str]]]:
        """The matrix's columns: assurance icon, label, and what the icon include reads."""
        return [
            (key, label, {"variation_icon": "", "assurance_icon": key})
            for key, label in ASSURANCE_LABELS.items()
        ]

    @property
    def illustrative(self) -> int:
        return sum(1 for c in self.cards if c.metric.illustrative)

    @property
    def without_data(self) -> int:
        return sum(1 for c in self.cards if not c.analysis.has_data)

    @property
    def concerns(self) -> int:
        return sum(1 for c in self.cards if c.analysis.variation == "special_cause_concern")

    @property
    def improvements(self) -> int:
        return sum(1 for c in self.cards if c.analysis.variation == "special_cause_improvement")

    @property
    def failing(self) -> int:
        return sum(1 for c in self.cards if c.analysis.assurance_icon == "fail")


def available_periods(organisation: Organisation) -> list[datetime.date]:
    """The months in which any active metric has an observation, latest first."""
    # Distinct periods are few (36 for three years of months), and truncating them to
    # months here spares the database truncating every observation's date.
    found = Observation.objects.filter(organisation=organisation, metric__active=True)
    periods = found.values_list("period", flat=True).distinct().order_by()
    return sorted({p.replace(day=1) for p in periods}, reverse=True)


def parse_month(raw: str) -> datetime.date | None:
    """`2024-06` as 1 June 2024; None for anything else."""
    year, _, month = raw.partition("-")
    if not (len(year) == 4 and len(month) == 2 and (year + month).isascii()):
        return None
    try:
        return datetime.date(int(year), int(month), 1)
    except ValueError:  # not digits, or a month like 00 or 13
        return None


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def build_report(
    organisation: Organisation,
    period: datetime.date | None = None,
    by: str = BY_DOMAIN,
    periods: Sequence[datetime.date] | None = None,
) -> Report:
    """The report as of the month `period` (the latest month with data when None)."""
    if periods is None:
        periods = available_periods(organisation)
    if period is None and periods:
        period = periods[0]
    metrics = Metric.objects.filter(organisation=organisation).active()
    metrics = metrics.select_related("lead_executive", "committee")
    if by == BY_OBJECTIVE:
        linked = Element.objects.select_related("strategy", "kind")
        metrics = metrics.prefetch_related(Prefetch("elements", queryset=linked))
    found = analyse_metrics(list(metrics), up_to=month_end(period) if period else None)
    narratives = _narratives(found, period)
    cards = [card_for(a, narratives.get(a.metric.pk), month=period) for a in found]
    return Report(
        organisation=organisation,
        period=period,
        periods=periods,
        by=by,
        cards=cards,
        sections=by_objective(cards) if by == BY_OBJECTIVE else by_domain(cards),
        matrix=summary_matrix(cards),
        exceptions=[c for c in cards if c.analysis.is_exception],
        late=[c for c in cards if c.late],
    )


def _narratives(
    found: Sequence[MetricAnalysis], period: datetime.date | None
) -> dict[int, Narrative]:
    if period is None or not found:
        return {}
    chosen = Narrative.objects.filter(metric__in=[a.metric for a in found], period=period)
    return {n.metric_id: n for n in chosen}


def by_domain(cards: Sequence[Card]) -> list[Section]:
    """A section per domain that has metrics, in the order the domains are defined."""
    sections = []
    for value, label in Domain.choices:
        items = tuple(Item(c) for c in cards if c.metric.domain == value)
        if items:
            sections.append(Section(str(label), items))
    return sections


def by_objective(cards: Sequence[Card]) -> list[Section]:
    """A section per linked strategic element, then the metrics linked to none.

    A metric serving two objectives is shown under both, as boards read it under each.
    """
    elements: dict[int, Element] = {}
    members: dict[int, list[Card]] = {}
    unlinked: list[Card] = []
    for card in cards:
        linked = list(card.metric.elements.all())
        if not linked:
            unlinked.append(card)
        for element in linked:
            elements[element.pk] = element
            members.setdefault(element.pk, []).append(card)
    order = sorted(elements.values(), key=lambda e: (e.strategy_id, e.kind.order, e.order, e.pk))
    seen: set[int] = set()
    sections = []
    for element in order:
        items = tuple(Item(c, first=c.metric.pk not in seen) for c in members[element.pk])
        seen.update(c.metric.pk for c in members[element.pk])
        note = f"{element.kind.name} in {element.strategy.title}"
        sections.append(Section(element.title, items, note))
    if unlinked:
        items = tuple(Item(c, first=c.metric.pk not in seen) for c in unlinked)
        sections.append(Section("Not linked to a strategic objective", items))
    return sections


def summary_matrix(cards: Iterable[Card]) -> list[MatrixRow]:
    """Variation icon by assurance icon, with the metrics in each cell (the MDC matrix).

    Every variation row is listed even when empty, so boards see the same grid each
    month; a "No data" row appears only when some metric has no data yet.
    """
    columns = list(ASSURANCE_LABELS)
    cells: dict[tuple[str, str], list[Card]] = {}
    for card in cards:
        key = (card.analysis.variation_icon, card.analysis.assurance_icon)
        cells.setdefault(key, []).append(card)
    labels = dict(VARIATION_LABELS)
    if any(v == "" for v, _ in cells):
        labels[""] = "No data"
    return [
        MatrixRow(icon, label, tuple(tuple(cells.get((icon, a), ())) for a in columns))
        for icon, label in labels.items()
    ]


def card_for(
    analysis: MetricAnalysis,
    narrative: Narrative | None = None,
    size: chart.Size | None = None,
    month: datetime.date | None = None,
) -> Card:
    """The card of one metric: its latest value, chart, description and data table.

    With the report `month`, the card also says when its data are late for that month.
    """
    metric, latest = analysis.metric, analysis.latest
    unit, frequency = metric.unit, metric.frequency
    step = analysis.target_step
    return Card(
        analysis=analysis,
        chart=chart.draw(
            analysis.points,
            targets=analysis.targets,
            size=size,
            y_label=lambda v: format_tick(v, unit),
            x_label=lambda d: short_period(d, frequency),
        ),
        latest_value=format_value(latest.value, unit) if latest else "No data",
        latest_period=period_label(latest.period, frequency) if latest else "",
        target=format_target(step.target, unit),
        description=describe(analysis),
        rows=_rows(analysis.points, unit, frequency),
        narrative=narrative,
        target_from=period_label(step.period, frequency) if step.period else "",
        missing=expected_label(frequency, month) if month and analysis.is_late(month) else "",
    )


def _rows(points: Sequence[Point], unit: str, frequency: str) -> tuple[Row, ...]:
    # A baseline's mean and limits are the same on every row (spc-method.md 1.3), so
    # each baseline's are formatted once, not once per point.
    levels: dict[tuple[float | None, ...], tuple[str, str, str]] = {}
    rows = []
    for p in points:
        key = (p.mean, p.lower_limit, p.upper_limit)
        if key not in levels:
            levels[key] = tuple(format_value(v, unit, extra=1) for v in key)  # type: ignore[assignment]
        mean, lower, upper = levels[key]
        value = format_value(p.value, unit)
        kind = point_type_label(p.point_type, p.rule)
        rows.append(Row(period_label(p.period, frequency), value, mean, lower, upper, kind))
    return tuple(rows)


@functools.cache
def point_type_label(point_type: str, rule: str) -> str:
    """Common cause, or the kind of special cause and the rule that found it."""
    kind = POINT_TYPE_LABELS[point_type]
    words = RULE_LABELS.get(rule, "")
    return f"{kind}: {words}" if words and point_type != "common_cause" else kind


def describe(analysis: MetricAnalysis) -> str:
    """A sentence or two saying what the chart shows, for its <desc> and the PDF."""
    metric, points = analysis.metric, analysis.points
    if not points:
        return f"{metric.name}: no data yet."
    first, last = points[0], points[-1]
    span = (
        f"{len(points)} points from {period_label(first.period, metric.frequency)} "
        f"to {period_label(last.period, metric.frequency)}"
    )
    parts = [f"{metric.name}: {span}. Latest {format_value(last.value, metric.unit)}."]
    if last.mean is not None:
        parts.append(f"Mean {format_value(last.mean, metric.unit, extra=1)}.")
    if last.lower_limit is not None and last.upper_limit is not None:
        low = format_value(last.lower_limit, metric.unit, extra=1)
        high = format_value(last.upper_limit, metric.unit, extra=1)
        parts.append(f"Process limits {low} to {high}.")
    if words := describe_targets(analysis):
        parts.append(words)
    if len(analysis.rebases):
        parts.append(f"Rebased {len(analysis.rebases)} time(s).")
    parts.append(f"{VARIATION_LABELS[analysis.variation_icon]}.")
    if analysis.assurance_icon:
        parts.append(f"{ASSURANCE_LABELS[analysis.assurance_icon]}.")
    return " ".join(parts)


def describe_targets(analysis: MetricAnalysis) -> str:
    """The targets the chart shows, in words: "Target 76.0%, then 78.0% from April 2025."

    Empty when the chart shows no target at all.
    """
    metric, shown = analysis.metric, analysis.shown_targets
    if all(step.target is None for step in shown):
        return ""
    words = [
        ("no target" if s.target is None else format_value(s.target, metric.unit))
        + (f" from {period_label(s.period, metric.frequency)}" if i and s.period else "")
        for i, s in enumerate(shown)
    ]
    first = "No target" if shown[0].target is None else f"Target {words[0]}"
    return ", then ".join([first, *words[1:]]) + "."
