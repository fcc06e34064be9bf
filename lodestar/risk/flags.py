"""What a board must notice about one strategic risk, and how its score has moved.

`flags_for` gives the warnings shown on every view of a risk (issue 5, part 5): current
score above its appetite category's tolerance, at or above the escalation threshold, past
its next review date, and actions overdue. `history` gives its reviews oldest first with
the trend arrow, and `history_chart` the geometry of the inline SVG chart of them.

The rules match the BAF overview (`lodestar.risk.overview`): tolerance is exceeded only
strictly above it (`scoring.above`), escalation starts at the threshold
(`scoring.escalates`), and the trend compares the two most recent reviews.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lodestar.risk import scoring
from lodestar.risk.matrix import Matrix, matrix_for
from lodestar.risk.models import RiskAction, RiskReview, RiskStatus, StrategicRisk
from lodestar.risk.overview import UNKNOWN_SWATCH, Swatch, Trend, swatch


@dataclass(frozen=True)
class RiskFlags:
    above_tolerance: bool
    tolerance: int
    escalated: bool
    threshold: int
    review_overdue: bool
    next_review_on: datetime.date | None
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
        """The flags in words, for exports, titles and screen readers."""
        words = []
        if self.above_tolerance:
            words.append(f"Above tolerance ({self.tolerance})")
        if self.escalated:
            words.append(f"At or above the escalation threshold ({self.threshold})")
        if self.review_overdue:
            words.append("Review overdue")
        if self.overdue_actions:
            count = self.overdue_actions
            words.append(f"{count} overdue action{'s' if count > 1 else ''}")
        return words


def flags_for(
    risk: StrategicRisk, today: datetime.date, matrix: Matrix | None = None
) -> RiskFlags:
    """A risk's flags on `today`. A closed or merged risk is no longer due a review."""
    matrix = matrix or matrix_for(risk.organisation)
    tolerance = risk.appetite_category.tolerance
    next_review = risk.next_review_on
    return RiskFlags(
        above_tolerance=scoring.above(risk.current_score, tolerance),
        tolerance=tolerance,
        escalated=scoring.escalates(risk.current_score, matrix.escalation_threshold),
        threshold=matrix.escalation_threshold,
        review_overdue=risk.status == RiskStatus.OPEN
        and next_review is not None
        and next_review < today,
        next_review_on=next_review,
        overdue_actions=RiskAction.objects.filter(risk=risk).overdue(today).count(),
    )


@dataclass(frozen=True)
class BandTag:
    """A band as a tag: its name written out, coloured by the band's colour."""

    name: str
    swatch: Swatch

    def __str__(self) -> str:
        return self.name


def band_tag(matrix: Matrix, name: str) -> BandTag:
    """A stored band name with today's colour; grey if the bands have changed since."""
    band = matrix.band_named(name)
    return BandTag(name, swatch(band.colour) if band else UNKNOWN_SWATCH)


@dataclass(frozen=True)
class History:
    reviews: list[RiskReview]  # oldest first
    trend: Trend

    @property
    def previous(self) -> RiskReview | None:
        return self.reviews[-2] if len(self.reviews) > 1 else None

    @property
    def latest(self) -> RiskReview | None:
        return self.reviews[-1] if self.reviews else None


def history(risk: StrategicRisk) -> History:
    """The review series, oldest first, and the trend between the two most recent."""
    reviews = list(
        RiskReview.objects.filter(risk=risk)
        .select_related("reviewer", "committee")
        .order_by("reviewed_on", "id")
    )
    if len(reviews) < 2:
        return History(reviews, Trend.NEW)
    return History(reviews, Trend(scoring.trend(reviews[-2].score, reviews[-1].score)))


# --- The chart of scores over time -----------------------------------------------------

# Drawing units of the SVG's viewBox; the chart scales to its container's width.
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 110, 16, 48
MAX_SCORE = 25


@dataclass(frozen=True)
class Zone:
    """A band's stretch of the score axis, shaded behind the line."""

    name: str
    y: float
    height: float
    label_y: float
    swatch: Swatch


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    review: RiskReview
    tag: BandTag


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right_edge: int
    bottom_edge: int
    zones: list[Zone]
    points: list[Point]
    ticks: list[Tick]
    x_labels: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def band_label_x(self) -> int:
        return self.right_edge + 8

    @property
    def plot_width(self) -> int:
        return self.right_edge - self.left

    @property
    def mid_y(self) -> int:
        return (TOP + self.bottom_edge) // 2


def _y(value: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot * (1 - value / MAX_SCORE)


def _zones(matrix: Matrix) -> list[Zone]:
    """Each band shaded from the top of the band below it to its own highest score, so the
    impossible scores between bands (7, 13, 14 ...) belong to the band above them."""
    zones = []
    floor = 0
    for band in matrix.bands:
        top, bottom = _y(band.high), _y(floor)
        zones.append(
            Zone(band.name, top, bottom - top, (top + bottom) / 2 + 4, swatch(band.colour))
        )
        floor = band.high
    return zones


def _xs(dates: list[datetime.date]) -> list[float]:
    """Place reviews by date, so long gaps between reviews show as long gaps."""
    plot_left, plot_right = LEFT + 12, WIDTH - RIGHT - 12
    if len(dates) < 2 or dates[-1] == dates[0]:
        return [(plot_left + plot_right) / 2] * len(dates)
    span = (dates[-1] - dates[0]).days
    return [plot_left + (plot_right - plot_left) * (d - dates[0]).days / span for d in dates]


def history_chart(found: History, matrix: Matrix) -> Chart | None:
    """The geometry of the chart of current score over time; None with no reviews."""
    if not found.reviews:
        return None
    xs = _xs([review.reviewed_on for review in found.reviews])
    points = [
        Point(x, _y(review.score), review, band_tag(matrix, review.band))
        for x, review in zip(xs, found.reviews, strict=True)
    ]
    # Label every date when there is room, else the first and the last.
    x_labels = points if len(points) <= 6 else [points[0], points[-1]]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        bottom_edge=HEIGHT - BOTTOM,
        zones=_zones(matrix),
        points=points,
        ticks=[Tick(value, _y(value)) for value in range(0, MAX_SCORE + 1, 5)],
        x_labels=x_labels,
    )
