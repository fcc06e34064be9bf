"""A risk's flags, its review history and trend, and the geometry of its chart."""

from __future__ import annotations

import datetime

from lodestar.risk import scoring
from lodestar.risk.flags import (
    HEIGHT,
    History,
    band_tag,
    flags_for,
    history,
    history_chart,
)
from lodestar.risk.matrix import Matrix, risk_settings_for
from lodestar.risk.models import RiskAction, RiskReview, RiskStatus
from lodestar.risk.overview import Trend
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_appetite_category,
    make_review,
    make_strategic_risk,
)

D = datetime.date
TODAY = D(2025, 6, 1)
NPSA = Matrix(
    likelihood=scoring.DEFAULT_LIKELIHOOD,
    consequence=scoring.DEFAULT_CONSEQUENCE,
    bands=scoring.NPSA_BANDS,
    escalation_threshold=15,
    appetite_levels=scoring.DEFAULT_APPETITE_LEVELS,
)


class Flags(RiskTestCase):
    def test_a_risk_above_its_tolerance_and_threshold_is_flagged_both_ways(self) -> None:
        # Current 4x4 = 16 against a tolerance of 12 and the default threshold of 15.
        risk = make_strategic_risk(self.org, self.executive, next_review_on=D(2025, 9, 1))
        flags = flags_for(risk, TODAY)
        assert (flags.above_tolerance, flags.escalated) == (True, True)
        assert flags.any
        assert flags.labels() == [
            "Above tolerance (12)",
            "At or above the escalation threshold (15)",
        ]

    def test_a_score_equal_to_its_tolerance_is_within_it(self) -> None:
        category = make_appetite_category(self.org, name="Quality", tolerance=16)
        risk = make_strategic_risk(
            self.org, self.executive, appetite_category=category, next_review_on=None
        )
        assert not flags_for(risk, TODAY).above_tolerance

    def test_a_score_just_below_the_threshold_does_not_escalate(self) -> None:
        risk = make_strategic_risk(
            self.org,
            self.executive,
            current_likelihood=3,
            current_consequence=4,
            next_review_on=None,
        )
        flags = flags_for(risk, TODAY)
        assert (flags.escalated, flags.above_tolerance, flags.any) == (False, False, False)
        assert flags.labels() == []

    def test_a_review_date_in_the_past_is_overdue_but_today_is_not(self) -> None:
        late = make_strategic_risk(self.org, self.executive, next_review_on=D(2025, 5, 31))
        due = make_strategic_risk(self.org, self.executive, next_review_on=TODAY)
        assert flags_for(late, TODAY).review_overdue
        assert not flags_for(due, TODAY).review_overdue

    def test_a_closed_risk_is_not_due_a_review(self) -> None:
        risk = make_strategic_risk(
            self.org, self.executive, next_review_on=D(2025, 1, 1), status=RiskStatus.CLOSED
        )
        assert not flags_for(risk, TODAY).review_overdue

    def test_overdue_actions_are_counted_but_completed_ones_are_not(self) -> None:
        risk = make_strategic_risk(self.org, self.executive)
        for due, done in ((D(2025, 5, 1), None), (D(2025, 5, 2), None), (D(2025, 5, 3), TODAY)):
            RiskAction.objects.create(
                organisation=self.org,
                risk=risk,
                description="Act",
                owner=self.staff,
                due_date=due,
                completed_on=done,
            )
        flags = flags_for(risk, TODAY)
        assert flags.overdue_actions == 2
        assert "2 overdue actions" in flags.labels()

    def test_the_escalation_threshold_comes_from_the_organisations_settings(self) -> None:
        settings = risk_settings_for(self.org)
        settings.escalation_threshold = 20
        settings.save()
        risk = make_strategic_risk(self.org, self.executive)
        assert not flags_for(risk, TODAY).escalated


class Histories(RiskTestCase):
    def test_reviews_come_oldest_first_with_the_trend_of_the_last_two(self) -> None:
        risk = make_strategic_risk(self.org, self.executive)
        make_review(risk, self.executive, reviewed_on=D(2025, 3, 1), likelihood=3, consequence=4)
        make_review(risk, self.executive, reviewed_on=D(2024, 12, 1), likelihood=4, consequence=4)
        found = history(risk)
        assert [r.score for r in found.reviews] == [16, 12]
        assert found.trend == Trend.DOWN
        assert found.trend.symbol == "↓"
        assert found.previous is not None and found.previous.score == 16

    def test_a_rising_score_trends_up_and_an_unchanged_one_is_level(self) -> None:
        risk = make_strategic_risk(self.org, self.executive)
        make_review(risk, self.executive, reviewed_on=D(2025, 1, 1), likelihood=2, consequence=4)
        make_review(risk, self.executive, reviewed_on=D(2025, 2, 1), likelihood=3, consequence=4)
        assert history(risk).trend == Trend.UP
        make_review(risk, self.executive, reviewed_on=D(2025, 3, 1), likelihood=4, consequence=3)
        assert history(risk).trend == Trend.SAME

    def test_a_risk_reviewed_once_or_never_is_new(self) -> None:
        risk = make_strategic_risk(self.org, self.executive)
        assert history(risk).trend == Trend.NEW
        make_review(risk, self.executive)
        assert history(risk).trend == Trend.NEW
        assert history(risk).previous is None


def review(on: datetime.date, likelihood: int, consequence: int, band: str) -> RiskReview:
    return RiskReview(
        reviewed_on=on,
        likelihood=likelihood,
        consequence=consequence,
        score=likelihood * consequence,
        band=band,
    )


def test_a_chart_has_no_geometry_without_reviews() -> None:
    assert history_chart(History([], Trend.NEW), NPSA) is None


def test_higher_scores_are_drawn_higher_and_later_reviews_further_right() -> None:
    reviews = [
        review(D(2025, 1, 1), 4, 4, "Extreme"),
        review(D(2025, 4, 1), 3, 4, "High"),
        review(D(2025, 5, 1), 2, 2, "Moderate"),
    ]
    chart = history_chart(History(reviews, Trend.DOWN), NPSA)
    assert chart is not None
    xs = [p.x for p in chart.points]
    ys = [p.y for p in chart.points]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert ys == sorted(ys)  # scores fall, so the line goes down the page
    # Three months' gap is drawn three times as long as one month's.
    assert round((xs[1] - xs[0]) / (xs[2] - xs[1])) == 3
    assert chart.polyline.count(",") == 3


def test_the_band_zones_stack_from_the_bottom_and_cover_the_whole_axis() -> None:
    chart = history_chart(History([review(D(2025, 1, 1), 1, 1, "Low")], Trend.NEW), NPSA)
    assert chart is not None
    assert [z.name for z in chart.zones] == ["Low", "Moderate", "High", "Extreme"]
    assert [z.swatch.tag for z in chart.zones] == ["green", "yellow", "orange", "red"]
    covered = sum(z.height for z in chart.zones)
    assert abs(covered - (chart.bottom_edge - chart.zones[-1].y)) < 0.01
    assert chart.zones[0].y + chart.zones[0].height == chart.bottom_edge
    assert [t.value for t in chart.ticks] == [0, 5, 10, 15, 20, 25]
    assert 0 < chart.ticks[-1].y < chart.ticks[0].y < HEIGHT


def test_a_single_review_is_drawn_in_the_middle() -> None:
    chart = history_chart(History([review(D(2025, 1, 1), 3, 3, "High")], Trend.NEW), NPSA)
    assert chart is not None
    assert chart.points[0].x == (chart.left + 12 + chart.right_edge - 12) / 2


def test_many_reviews_label_only_the_first_and_last_dates() -> None:
    reviews = [review(D(2025, month, 1), 3, 3, "High") for month in range(1, 9)]
    chart = history_chart(History(reviews, Trend.SAME), NPSA)
    assert chart is not None
    assert [p.review.reviewed_on for p in chart.x_labels] == [D(2025, 1, 1), D(2025, 8, 1)]


def test_a_band_no_longer_in_the_matrix_is_shown_grey_by_name() -> None:
    tag = band_tag(NPSA, "Significant")
    assert str(tag) == "Significant"
    assert tag.swatch.tag == "grey"
    assert band_tag(NPSA, "High").swatch.tag == "orange"
