"""The board's one-page Board Assurance Framework: a read model for pages and exports.

`baf_overview` gathers every strategic risk of an organisation (or of one committee)
with what a board reads on one line: linked objectives, lead, committee, the three
scores with their bands and colours, the trend since the last review, an overall
assurance level, the flags, and the operational risks escalated to it. It runs a fixed
number of queries however many risks there are.

Two rules here are Lodestar's own, as no national BAF template sets them:

* **Trend** compares the scores of a risk's two most recent reviews (`scoring.trend`);
  with fewer than two reviews the risk is "new".
* **Overall assurance** is the lowest level among the latest assurance on each line of
  defence, so one weak line is not hidden by strong ones (Substantial > Reasonable >
  Limited > None). A risk with no assurances at all reads "None recorded", which is
  not the same as an assurance whose level is None.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from lodestar.core.models import Organisation
from lodestar.governance.models import Committee
from lodestar.risk import scoring
from lodestar.risk.matrix import Matrix, matrix_for
from lodestar.risk.models import (
    Assurance,
    OperationalRisk,
    RiskReview,
    RiskStatus,
    StrategicRisk,
)
from lodestar.strategy.models import Element

# ---------------------------------------------------------------------------------------
# Colours. Bands are data (an organisation may name its own colours), so a band's colour
# is turned into a fill and a readable text colour here, once, for pages, Excel and PDF.
# ---------------------------------------------------------------------------------------

#: Colour names a band may use, as fills close to the NHS identity palette.
NAMED_COLOURS: dict[str, str] = {
    "green": "#78be20",
    "yellow": "#ffeb3b",
    "amber": "#ffb81c",
    "orange": "#ed8b00",
    "red": "#da291c",
    "blue": "#005eb8",
    "grey": "#d8dde0",
    "purple": "#330072",
    "pink": "#ae2573",
    "white": "#ffffff",
}
# The NHS.UK frontend's tag modifiers that match a band colour (amber is its orange tag).
_TAGS = {"green", "yellow", "orange", "red", "blue", "grey", "purple", "pink", "white"}
_TAG_ALIASES = {"amber": "orange"}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Swatch:
    """How a band is coloured: a fill, a text colour that reads on it, and an NHS tag."""

    fill: str
    text: str
    tag: str  # an nhsuk-tag modifier, or "" when the colour has none


def _luminance(hex_colour: str) -> float:
    """WCAG 2.2 relative luminance of a #rrggbb colour."""

    def channel(part: str) -> float:
        c = int(part, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def swatch(colour: str) -> Swatch:
    """A band colour (a name like "amber" or a #rrggbb value) as fill, text and tag.

    The text is black or white, whichever contrasts more with the fill (WCAG 2.2
    contrast ratio), so a custom colour never leaves the band name unreadable.
    """
    name = colour.strip().lower()
    fill = NAMED_COLOURS.get(name) or (name if _HEX.match(name) else NAMED_COLOURS["grey"])
    lum = _luminance(fill)
    on_black = (lum + 0.05) / 0.05
    on_white = 1.05 / (lum + 0.05)
    tag = _TAG_ALIASES.get(name, name if name in _TAGS else "")
    return Swatch(fill, "#000000" if on_black >= on_white else "#ffffff", tag)


UNKNOWN_SWATCH = swatch("grey")


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"

    @property
    def symbol(self) -> str:
        return {"up": "↑", "down": "↓", "same": "→", "new": "New"}[self.value]

    @property
    def label(self) -> str:
        return {
            "up": "Increased since the last review",
            "down": "Decreased since the last review",
            "same": "No change since the last review",
            "new": "Not yet reviewed twice",
        }[self.value]


@dataclass(frozen=True)
class Position:
    """One of a risk's three places on the matrix: L x C = score, in a band."""

    likelihood: int
    consequence: int
    score: int
    band: str
    swatch: Swatch

    @property
    def sum(self) -> str:
        return f"{self.likelihood} x {self.consequence} = {self.score}"


@dataclass(frozen=True)
class Flags:
    above_tolerance: bool
    escalated: bool
    review_overdue: bool
    overdue_actions: int

    @property
    def any(self) -> bool:
        return (
            self.above_tolerance
            or self.escalated
            or self.review_overdue
            or self.overdue_actions > 0
        )

    def labels(self) -> list[str]:
        """The flags in words, for exports and screen readers."""
        words = []
        if self.above_tolerance:
            words.append("Above tolerance")
        if self.escalated:
            words.append("At or above the escalation threshold")
        if self.review_overdue:
            words.append("Review overdue")
        if self.overdue_actions:
            count = self.overdue_actions
            words.append(f"{count} overdue action{'s' if count > 1 else ''}")
        return words


#: Assurance levels from the strongest to the weakest.
LEVEL_ORDER: tuple[str, ...] = tuple(Assurance.Level.values)
NONE_RECORDED = "None recorded"


def overall_assurance(latest_by_line: Iterable[str]) -> str:
    """The weakest of the latest levels on each line, as a label; "None recorded" if none."""
    levels = list(latest_by_line)
    if not levels:
        return NONE_RECORDED
    weakest = max(levels, key=LEVEL_ORDER.index)
    return str(Assurance.Level(weakest).label)


def latest_levels(assurances: Iterable[Assurance]) -> list[str]:
    """The level of the most recent assurance on each line (the later record on a tie)."""
    latest: dict[str, Assurance] = {}
    for item in assurances:
        known = latest.get(item.line)
        if known is None or (item.dated, item.pk) > (known.dated, known.pk):
            latest[item.line] = item
    return [latest[line].level for line in sorted(latest)]


@dataclass(frozen=True)
class BafRow:
    risk: StrategicRisk
    objectives: list[Element]
    inherent: Position
    current: Position
    target: Position
    trend: Trend
    assurance: str
    flags: Flags
    escalated_risks: list[OperationalRisk]


@dataclass(frozen=True)
class BandCount:
    band: str
    swatch: Swatch
    count: int


class StatusFilter(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"

    @property
    def label(self) -> str:
        return {"open": "Open", "closed": "Closed or merged", "all": "All"}[self.value]


@dataclass(frozen=True)
class Baf:
    organisation: Organisation
    matrix: Matrix
    today: datetime.date
    rows: list[BafRow]
    committees: list[Committee]
    committee: Committee | None
    status: StatusFilter
    band_counts: list[BandCount] = field(default_factory=list)

    @property
    def above_tolerance(self) -> int:
        return sum(1 for row in self.rows if row.flags.above_tolerance)

    @property
    def escalated(self) -> int:
        return sum(1 for row in self.rows if row.flags.escalated)

    @property
    def review_overdue(self) -> int:
        return sum(1 for row in self.rows if row.flags.review_overdue)

    @property
    def escalated_operational(self) -> list[tuple[BafRow, OperationalRisk]]:
        """Each escalated register risk beside the BAF row it feeds."""
        return [(row, op) for row in self.rows for op in row.escalated_risks]


def natural_key(reference: str) -> tuple[str, int, str]:
    """Sort SR2 before SR10: letters, then the number, then anything after it."""
    found = re.match(r"^(\D*)(\d+)(.*)$", reference)
    if not found:
        return (reference.casefold(), 0, "")
    return (found[1].casefold(), int(found[2]), found[3].casefold())


def _position(
    matrix: Matrix, likelihood: int, consequence: int, score: int, band: str
) -> Position:
    # The stored band is the one in force when the score was set; its colour comes from
    # today's matrix when the band still exists there, grey when the bands have changed.
    known = matrix.band_named(band)
    colour = swatch(known.colour) if known else UNKNOWN_SWATCH
    return Position(likelihood, consequence, score, band, colour)


def positions(matrix: Matrix, risk: StrategicRisk | OperationalRisk) -> dict[str, Position]:
    return {
        name: _position(
            matrix,
            getattr(risk, f"{name}_likelihood"),
            getattr(risk, f"{name}_consequence"),
            getattr(risk, f"{name}_score"),
            getattr(risk, f"{name}_band"),
        )
        for name in ("inherent", "current", "target")
    }


def risk_trend(reviews: Sequence[RiskReview]) -> Trend:
    """`scoring.trend` of the two most recent reviews, given newest first."""
    if len(reviews) < 2:
        return Trend.NEW
    return Trend(scoring.trend(reviews[1].score, reviews[0].score))


def status_filter(value: str | None) -> StatusFilter:
    try:
        return StatusFilter(value or StatusFilter.OPEN)
    except ValueError:
        return StatusFilter.OPEN


def committees_owning_risks(organisation: Organisation) -> list[Committee]:
    found = Committee.objects.filter(organisation=organisation, strategic_risks__isnull=False)
    return list(found.distinct().order_by("name"))


def risks_for_baf(
    organisation: Organisation,
    matrix: Matrix,
    today: datetime.date,
    *,
    committee: Committee | None = None,
    status: StatusFilter = StatusFilter.OPEN,
) -> QuerySet[StrategicRisk]:
    """The risks with everything a BAF row reads, fetched in a fixed number of queries."""
    risks = StrategicRisk.objects.filter(organisation=organisation)
    if status == StatusFilter.OPEN:
        risks = risks.filter(status=RiskStatus.OPEN)
    elif status == StatusFilter.CLOSED:
        risks = risks.exclude(status=RiskStatus.OPEN)
    if committee is not None:
        risks = risks.filter(committee=committee)
    overdue = Q(actions__completed_on__isnull=True, actions__due_date__lt=today)
    return (
        risks.select_related("executive_lead", "committee", "appetite_category", "merged_into")
        .annotate(overdue_actions=Count("actions", filter=overdue))
        .prefetch_related(*_prefetches(matrix))
    )


def _prefetches(matrix: Matrix) -> list[Prefetch[Any]]:
    """What a BAF row reads beyond the risk itself, one query each."""
    escalated = (
        OperationalRisk.objects.filter(
            status=RiskStatus.OPEN, current_score__gte=matrix.escalation_threshold
        )
        .select_related("owner")
        .order_by("-current_score", "reference")
    )
    recent: Prefetch[Any] = Prefetch(
        "reviews",
        # Only the two newest reviews: Django slices a prefetch per risk.
        queryset=RiskReview.objects.order_by("-reviewed_on", "-id")[:2],
        to_attr="recent_reviews",
    )
    assurances: Prefetch[Any] = Prefetch(
        "assurances",
        queryset=Assurance.objects.only("id", "risk_id", "line", "level", "dated"),
        to_attr="all_assurances",
    )
    objectives: Prefetch[Any] = Prefetch(
        "elements", queryset=Element.objects.order_by("strategy_id", "order", "id")
    )
    feeders: Prefetch[Any] = Prefetch(
        "operational_risks", queryset=escalated, to_attr="escalated_risks"
    )
    return [objectives, recent, assurances, feeders]


def baf_row(risk: StrategicRisk, matrix: Matrix, today: datetime.date) -> BafRow:
    """One line of the BAF for a risk fetched by `risks_for_baf`."""
    placed = positions(matrix, risk)
    is_open = risk.status == RiskStatus.OPEN
    flags = Flags(
        above_tolerance=scoring.above(risk.current_score, risk.appetite_category.tolerance),
        escalated=scoring.escalates(risk.current_score, matrix.escalation_threshold),
        review_overdue=is_open and risk.next_review_on is not None and risk.next_review_on < today,
        overdue_actions=getattr(risk, "overdue_actions", 0),
    )
    return BafRow(
        risk=risk,
        objectives=list(risk.elements.all()),
        inherent=placed["inherent"],
        current=placed["current"],
        target=placed["target"],
        trend=risk_trend(getattr(risk, "recent_reviews", [])),
        assurance=overall_assurance(latest_levels(getattr(risk, "all_assurances", []))),
        flags=flags,
        escalated_risks=list(getattr(risk, "escalated_risks", [])),
    )


def band_counts(rows: Sequence[BafRow], matrix: Matrix) -> list[BandCount]:
    """How many risks sit in each band now, highest band first; old band names last."""
    counts = Counter(row.current.band for row in rows)
    result = [
        BandCount(band.name, swatch(band.colour), counts.pop(band.name, 0))
        for band in reversed(matrix.bands)
    ]
    result += [BandCount(name, UNKNOWN_SWATCH, n) for name, n in sorted(counts.items())]
    return result


def baf_overview(
    organisation: Organisation,
    today: datetime.date,
    *,
    committee: Committee | None = None,
    status: StatusFilter = StatusFilter.OPEN,
) -> Baf:
    """The organisation's BAF, optionally one committee's part of it, by risk reference."""
    matrix = matrix_for(organisation)
    risks = risks_for_baf(organisation, matrix, today, committee=committee, status=status)
    rows = sorted(
        (baf_row(risk, matrix, today) for risk in risks),
        key=lambda row: natural_key(row.risk.reference),
    )
    return Baf(
        organisation=organisation,
        matrix=matrix,
        today=today,
        rows=rows,
        committees=committees_owning_risks(organisation),
        committee=committee,
        status=status,
        band_counts=band_counts(rows, matrix),
    )


# ---------------------------------------------------------------------------------------
# The heat map: the 5x5 matrix with each open risk placed where it is now and where the
# board means it to be.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    consequence: int
    score: int
    band: str
    swatch: Swatch
    current: list[BafRow]
    target: list[BafRow]


@dataclass(frozen=True)
class HeatRow:
    likelihood: int
    descriptor: str
    cells: list[HeatCell]


@dataclass(frozen=True)
class HeatMap:
    consequences: list[tuple[int, str]]
    rows: list[HeatRow]  # likelihood 5 (top) down to 1, as boards draw it
    risks: list[BafRow]


def heat_map(baf: Baf) -> HeatMap:
    """Place each open risk of `baf` in its current cell and its target cell."""
    matrix = baf.matrix
    placed = [row for row in baf.rows if row.risk.status == RiskStatus.OPEN]
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for consequence in range(1, 6):
            graded = matrix.grade(likelihood, consequence)
            here = (likelihood, consequence)
            cells.append(
                HeatCell(
                    likelihood,
                    consequence,
                    graded.score,
                    graded.band.name,
                    swatch(graded.band.colour),
                    [r for r in placed if (r.current.likelihood, r.current.consequence) == here],
                    [r for r in placed if (r.target.likelihood, r.target.consequence) == here],
                )
            )
        rows.append(HeatRow(likelihood, matrix.likelihood[likelihood - 1], cells))
    consequences = [(n, matrix.consequence[n - 1]) for n in range(1, 6)]
    return HeatMap(consequences, rows, placed)
