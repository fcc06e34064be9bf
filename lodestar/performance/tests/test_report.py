"""The report's read model: the month, the sections, the summary matrix and the words."""

from __future__ import annotations

import datetime
from typing import Final

import pytest

from lodestar.performance.models import Domain, Frequency, Metric, Narrative, TargetChange
from lodestar.performance.report import (
    BY_OBJECTIVE,
    Card,
    available_periods,
    build_report,
    month_end,
    parse_month,
)
from lodestar.performance.tests.builders import PerformanceTestCase, add_observations, make_metric
from lodestar.performance.wording import (
    expected_label,
    format_tick,
    format_value,
    period_label,
    short_period,
)
from lodestar.strategy.models import Element
from lodestar.strategy.tests.builders import make_element

D = datetime.date
STEADY = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70]
RISING = [*STEADY[:-1], 90.0]  # far above the upper limit: improvement for a rising metric


class BuildReportTests(PerformanceTestCase):
    second: Element
    falling: Metric
    rising: Metric
    untargeted: Metric
    empty: Metric

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.second = make_element(cls.strategy, title="Our people thrive")
        cls.falling = make_metric(cls.org, cls.executive, name="Falling", elements=[cls.element])
        add_observations(cls.falling, [*STEADY, 55.0])
        cls.rising = make_metric(
            cls.org,
            cls.executive,
            name="Rising",
            target=50.0,
            domain=Domain.PEOPLE,
            elements=[cls.element, cls.second],
        )
        add_observations(cls.rising, RISING)
        cls.untargeted = make_metric(
            cls.org, cls.executive, name="Untargeted", target=None, domain=Domain.FINANCE
        )
        add_observations(cls.untargeted, STEADY)
        cls.empty = make_metric(cls.org, cls.executive, name="Empty", domain=Domain.FINANCE)

    def test_the_months_with_data_are_offered_latest_first(self) -> None:
        periods = available_periods(self.org)
        self.assertEqual(periods[0], D(2024, 6, 1))
        self.assertEqual(periods[-1], D(2023, 4, 1))
        self.assertEqual(len(periods), 15)
        self.assertEqual(available_periods(self.other_org), [])

    def test_the_latest_month_is_the_default(self) -> None:
        self.assertEqual(build_report(self.org).period, D(2024, 6, 1))

    def test_exceptions_are_concern_or_consistent_failure(self) -> None:
        found = build_report(self.org)
        self.assertEqual([c.metric.name for c in found.exceptions], ["Falling"])
        self.assertEqual((found.concerns, found.improvements, found.failing), (1, 1, 1))
        self.assertEqual(found.without_data, 1)

    def test_the_matrix_puts_each_metric_in_its_variation_and_assurance_cell(self) -> None:
        found = build_report(self.org)
        cells = {
            (row.icon, column[0]): [c.metric.name for c in cell]
            for row in found.matrix
            for column, cell in zip(found.columns, row.cells, strict=True)
            if cell
        }
        self.assertEqual(
            cells,
            {
                ("concern_low", "fail"): ["Falling"],
                ("improvement_high", "pass"): ["Rising"],
                ("common_cause", ""): ["Untargeted"],
                ("", ""): ["Empty"],
            },
        )

    def test_every_variation_row_is_listed_even_when_empty(self) -> None:
        icons = [row.icon for row in build_report(self.org).matrix]
        self.assertEqual(icons[:3], ["concern_high", "concern_low", "common_cause"])
        self.assertEqual(len(icons), 8)  # seven icons and "No data"

    def test_no_data_row_only_when_a_metric_has_none(self) -> None:
        self.empty.active = False
        self.empty.save()
        self.assertNotIn("", [row.icon for row in build_report(self.org).matrix])

    def test_sections_by_domain_follow_the_order_of_the_domains(self) -> None:
        sections = build_report(self.org).sections
        self.assertEqual(
            [s.title for s in sections],
            ["Access and operational performance", "People", "Finance"],
        )
        self.assertEqual([i.card.metric.name for i in sections[2].items], ["Empty", "Untargeted"])

    def test_sections_by_objective_repeat_a_metric_under_each_but_anchor_it_once(self) -> None:
        sections = build_report(self.org, by=BY_OBJECTIVE).sections
        self.assertEqual(
            [s.title for s in sections],
            ["Great care, every time", "Our people thrive", "Not linked to a strategic objective"],
        )
        shown = [[(i.card.metric.name, i.first) for i in s.items] for s in sections]
        self.assertEqual(shown[0], [("Falling", True), ("Rising", True)])
        self.assertEqual(shown[1], [("Rising", False)])
        self.assertEqual(shown[2], [("Empty", True), ("Untargeted", True)])
        self.assertIn("Our strategy", sections[0].note)

    def test_an_earlier_month_analyses_the_data_up_to_its_end(self) -> None:
        found = build_report(self.org, D(2024, 5, 1))
        falling = next(c for c in found.cards if c.metric == self.falling)
        self.assertEqual(falling.latest_period, "May 2024")
        self.assertEqual(len(falling.rows), 14)
        self.assertEqual(falling.analysis.variation_icon, "common_cause")

    def test_the_narrative_of_the_month_goes_with_its_card(self) -> None:
        for month in (D(2024, 5, 1), D(2024, 6, 1)):
            Narrative.objects.create(
                organisation=self.org,
                metric=self.falling,
                period=month,
                root_cause=f"Because of {month:%B}.",
                author=self.executive,
            )
        cards = {c.metric.name: c for c in build_report(self.org).cards}
        narrative = cards["Falling"].narrative
        assert narrative is not None
        self.assertEqual(narrative.root_cause, "Because of June.")
        self.assertIsNone(cards["Rising"].narrative)

    def test_a_card_carries_its_latest_value_target_and_data_rows(self) -> None:
        card = next(c for c in build_report(self.org).cards if c.metric == self.falling)
        self.assertEqual(card.latest_value, "55.0%")
        self.assertEqual(card.latest_period, "June 2024")
        self.assertEqual(card.target, "95.0%")
        self.assertEqual(card.target_source, "NHS constitutional standard")
        last = card.rows[-1]
        self.assertEqual((last.period, last.value), ("June 2024", "55.0%"))
        self.assertEqual(last.point_type, "Special cause concern: outside the process limits")
        self.assertIn(
            "Special cause concern (low). Consistently fails the target.", card.description
        )
        self.assertFalse(card.chart.empty)

    def test_a_metric_without_a_target_says_so(self) -> None:
        card = next(c for c in build_report(self.org).cards if c.metric == self.untargeted)
        self.assertEqual((card.target, card.target_source), ("No target", ""))
        self.assertEqual(card.chart.target, "")

    def test_an_organisation_without_data_gets_an_empty_report(self) -> None:
        found = build_report(self.other_org)
        self.assertIsNone(found.period)
        self.assertEqual((list(found.cards), list(found.sections)), ([], []))


class TargetChangeReportTests(PerformanceTestCase):
    """A&E performance held to 95%, then to a planning year's 65% from January 2024."""

    metric: Metric

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.metric = make_metric(cls.org, cls.executive, name="A&E")
        add_observations(cls.metric, STEADY)  # April 2023 to May 2024
        TargetChange.objects.create(
            organisation=cls.org,
            metric=cls.metric,
            period=D(2024, 1, 1),
            target=65.0,
            source="2023/24 planning guidance",
            reason="Interim standard",
        )

    def card(self, period: datetime.date | None = None) -> Card:
        [found] = build_report(self.org, period).cards
        return found

    def test_the_card_shows_the_target_in_force_with_its_own_source(self) -> None:
        card = self.card()
        self.assertEqual((card.target, card.target_from), ("65.0%", "January 2024"))
        self.assertEqual(card.target_source, "2023/24 planning guidance")
        self.assertEqual(card.analysis.assurance_icon, "pass")

    def test_a_month_before_the_change_shows_the_target_of_its_time(self) -> None:
        card = self.card(D(2023, 12, 1))
        self.assertEqual((card.target, card.target_from), ("95.0%", ""))
        self.assertEqual(card.target_source, "NHS constitutional standard")
        self.assertEqual(card.analysis.assurance_icon, "fail")
        self.assertIn("Target 95.0%.", card.description)
        self.assertNotIn("V", card.chart.target)

    def test_the_description_and_the_chart_show_both_targets(self) -> None:
        card = self.card()
        self.assertIn("Target 95.0%, then 65.0% from January 2024.", card.description)
        self.assertEqual(card.chart.target.count("V"), 1)

    def test_a_change_to_no_target_is_described_and_leaves_no_source(self) -> None:
        TargetChange.objects.create(
            organisation=self.org,
            metric=self.metric,
            period=D(2024, 4, 1),
            target=None,
            source="Withdrawn",
            reason="No longer a national standard",
        )
        card = self.card()
        self.assertEqual((card.target, card.target_source), ("No target", ""))
        self.assertIn(
            "Target 95.0%, then 65.0% from January 2024, then no target from April 2024.",
            card.description,
        )
        self.assertEqual(card.analysis.assurance_icon, "")


class LateDataReportTests(PerformanceTestCase):
    """The report for October 2026, with one metric a period behind at each frequency.

    Steady and without targets, so that no metric is an exception.
    """

    # Per frequency: the latest period of a metric on time, and of one whose data are late.
    ENDS: Final = {
        Frequency.MONTHLY: (D(2026, 10, 1), D(2026, 8, 1)),
        Frequency.QUARTERLY: (D(2026, 7, 1), D(2026, 4, 1)),
        Frequency.WEEKLY: (D(2026, 10, 26), D(2026, 10, 19)),
        Frequency.DAILY: (D(2026, 10, 31), D(2026, 10, 30)),
    }

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for frequency, (current, late) in cls.ENDS.items():
            for name, last in (("current", current), ("late", late)):
                metric = make_metric(
                    cls.org,
                    cls.executive,
                    name=f"{frequency} {name}",
                    frequency=frequency,
                    target=None,
                )
                add_observations(metric, STEADY, start=_start(last, frequency, len(STEADY)))
        make_metric(cls.org, cls.executive, name="No data at all")

    def cards(self) -> dict[str, Card]:
        return {c.metric.name: c for c in build_report(self.org, D(2026, 10, 1)).cards}

    def test_a_late_metric_is_listed_and_a_current_one_is_not_at_every_frequency(self) -> None:
        found = build_report(self.org, D(2026, 10, 1))
        self.assertEqual(
            sorted(c.metric.name for c in found.late),
            ["daily late", "monthly late", "quarterly late", "weekly late"],
        )
        cards = self.cards()
        for frequency in self.ENDS:
            with self.subTest(frequency=frequency):
                self.assertTrue(cards[f"{frequency} late"].late)
                self.assertFalse(cards[f"{frequency} current"].late)
                self.assertEqual(cards[f"{frequency} current"].late_note, "")

    def test_the_card_says_what_the_month_expects_and_what_came_last(self) -> None:
        cards = self.cards()
        self.assertEqual(
            {f: cards[f"{f} late"].late_note for f in self.ENDS},
            {
                "monthly": "No data for October 2026: the latest is for August 2026.",
                "quarterly": "No data for Jul to Sep 2026: the latest is for Apr to Jun 2026.",
                "weekly": "No data for the week of 26 Oct 2026: "
                "the latest is for the week of 19 Oct 2026.",
                "daily": "No data for 31 Oct 2026: the latest is for 30 Oct 2026.",
            },
        )
        # Still shown with its latest data, as the board would see it otherwise.
        self.assertEqual(cards["monthly late"].latest_period, "August 2026")

    def test_late_data_are_not_exceptions_nor_is_a_metric_without_data_late(self) -> None:
        found = build_report(self.org, D(2026, 10, 1))
        self.assertEqual(found.exceptions, [])
        empty = self.cards()["No data at all"]
        self.assertEqual((empty.late, empty.late_note), (False, ""))
        self.assertEqual(found.without_data, 1)

    def test_the_default_month_is_the_latest_with_data(self) -> None:
        found = build_report(self.org)
        self.assertEqual(found.period, D(2026, 10, 1))
        self.assertEqual(len(found.late), 4)

    def test_an_earlier_month_judges_by_what_it_expects(self) -> None:
        # In August 2026 the monthly metric's August data are on time, and the quarterly
        # one's April to June is the latest quarter ended.
        late = {c.metric.name for c in build_report(self.org, D(2026, 8, 1)).late}
        self.assertNotIn("monthly late", late)
        self.assertNotIn("quarterly late", late)


def _start(last: datetime.date, frequency: str, count: int) -> datetime.date:
    """The first period of `count` that end with `last`."""
    if frequency in (Frequency.DAILY, Frequency.WEEKLY):
        step = 1 if frequency == Frequency.DAILY else 7
        return last - datetime.timedelta(days=step * (count - 1))
    months = (3 if frequency == Frequency.QUARTERLY else 1) * (count - 1)
    index = last.year * 12 + last.month - 1 - months
    return D(index // 12, index % 12 + 1, 1)


@pytest.mark.parametrize(
    ("frequency", "shown"),
    [
        ("monthly", "October 2026"),
        ("quarterly", "Jul to Sep 2026"),
        ("weekly", "the week of 26 Oct 2026"),
        ("daily", "31 Oct 2026"),
    ],
)
def test_the_period_a_month_expects_is_named_for_a_sentence(frequency: str, shown: str) -> None:
    assert expected_label(frequency, D(2026, 10, 1)) == shown
    # 31 March 2025 is a Monday: the week expected starts on the month's last day.
    assert expected_label("weekly", D(2025, 3, 1)) == "the week of 31 Mar 2025"


@pytest.mark.parametrize(
    ("value", "unit", "extra", "shown"),
    [
        (94.123, "percent", 0, "94.1%"),
        (94.123, "percent", 1, "94.12%"),
        (1204.0, "count", 0, "1,204"),
        (1204.36, "count", 1, "1,204.4"),
        (12500.0, "pounds", 0, "£12,500"),
        (-300.0, "pounds", 0, "-£300"),
        (3.5, "days", 0, "3.5 days"),
        (0.456, "ratio", 0, "0.46"),
        (-0.01, "percent", 0, "0.0%"),
        (None, "percent", 0, "–"),
    ],
)
def test_values_read_as_people_write_them(
    value: float | None, unit: str, extra: int, shown: str
) -> None:
    assert format_value(value, unit, extra) == shown


def test_axis_labels_keep_percent_and_pound_signs_only() -> None:
    assert format_tick(90, "percent") == "90%"
    assert format_tick(-5000, "pounds") == "-£5,000"
    assert format_tick(2.5, "days") == "2.5"


@pytest.mark.parametrize(
    ("period", "frequency", "label", "short"),
    [
        (D(2025, 3, 1), "monthly", "March 2025", "Mar 2025"),
        (D(2025, 4, 1), "quarterly", "Apr to Jun 2025", "Apr 2025"),
        (D(2025, 10, 1), "quarterly", "Oct to Dec 2025", "Oct 2025"),
        (D(2025, 3, 3), "weekly", "Week of 3 Mar 2025", "3 Mar 25"),
        (D(2025, 3, 9), "daily", "9 Mar 2025", "9 Mar 25"),
    ],
)
def test_periods_are_named_by_frequency(
    period: datetime.date, frequency: str, label: str, short: str
) -> None:
    assert period_label(period, frequency) == label
    assert short_period(period, frequency) == short


def test_a_month_ends_on_its_last_day() -> None:
    assert month_end(D(2024, 2, 1)) == D(2024, 2, 29)
    assert month_end(D(2023, 12, 1)) == D(2023, 12, 31)


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("2024-06", D(2024, 6, 1)),
        ("2024-13", None),
        ("2024-6", None),
        ("June", None),
        ("२०२४-०६", None),  # digits, but not ASCII ones
        ("", None),
    ],
)
def test_only_a_real_year_and_month_is_a_month(raw: str, month: datetime.date | None) -> None:
    assert parse_month(raw) == month
