"""The BAF read model: one line per risk, its flags, trend, assurance and escalated risks."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lodestar.core.roles import Role
from lodestar.risk.matrix import risk_settings_for
from lodestar.risk.models import Assurance, RiskAction, RiskStatus, StrategicRisk
from lodestar.risk.overview import (
    NONE_RECORDED,
    StatusFilter,
    Trend,
    baf_overview,
    heat_map,
    latest_levels,
    natural_key,
    overall_assurance,
    status_filter,
    swatch,
)
from lodestar.risk.tests.builders import (
    RiskTestCase,
    add_member,
    make_appetite_category,
    make_element,
    make_operational_risk,
    make_review,
    make_risk_committee,
    make_strategic_risk,
)

TODAY = datetime.date(2026, 1, 15)
A = Assurance.Line


def _assurance(line: str, level: str, dated: datetime.date, pk: int = 1) -> Assurance:
    return Assurance(pk=pk, line=line, level=level, dated=dated, positive=True, source="x")


# --- Pure rules (no database) ----------------------------------------------------------


def test_band_colours_read_black_on_light_fills_and_white_on_dark_ones() -> None:
    assert swatch("yellow").text == "#000000"
    assert swatch("green").text == "#000000"
    assert swatch("red").text == "#ffffff"
    assert swatch("blue").text == "#ffffff"


def test_amber_bands_use_the_orange_tag_and_custom_colours_have_none() -> None:
    assert swatch("amber").tag == "orange"
    assert swatch("Red").tag == "red"
    custom = swatch("#102030")
    assert (custom.fill, custom.tag, custom.text) == ("#102030", "", "#ffffff")


def test_an_unknown_colour_name_falls_back_to_grey() -> None:
    assert swatch("tartan").fill == swatch("grey").fill


def test_no_assurance_at_all_reads_none_recorded() -> None:
    assert overall_assurance([]) == NONE_RECORDED


def test_overall_assurance_is_the_weakest_latest_level_across_the_lines() -> None:
    levels = latest_levels(
        [
            _assurance(A.FIRST, "substantial", datetime.date(2025, 5, 1), 1),
            _assurance(A.SECOND, "limited", datetime.date(2025, 5, 1), 2),
            _assurance(A.THIRD, "reasonable", datetime.date(2025, 5, 1), 3),
        ]
    )
    assert overall_assurance(levels) == "Limited"


def test_a_newer_assurance_on_a_line_replaces_the_older_one() -> None:
    levels = latest_levels(
        [
            _assurance(A.THIRD, "none", datetime.date(2024, 1, 1), 1),
            _assurance(A.THIRD, "substantial", datetime.date(2025, 1, 1), 2),
        ]
    )
    assert levels == ["substantial"]
    assert overall_assurance(levels) == "Substantial"


def test_a_level_of_none_is_not_the_same_as_none_recorded() -> None:
    levels = latest_levels([_assurance(A.FIRST, "none", datetime.date(2025, 1, 1))])
    assert overall_assurance(levels) == "None"


def test_references_sort_by_their_number_not_as_text() -> None:
    refs = ["SR10", "SR2", "SR1", "BAF3a"]
    assert sorted(refs, key=natural_key) == ["BAF3a", "SR1", "SR2", "SR10"]


def test_an_unknown_status_filter_means_open_risks() -> None:
    assert status_filter("closed") == StatusFilter.CLOSED
    assert status_filter("nonsense") == StatusFilter.OPEN
    assert status_filter(None) == StatusFilter.OPEN


# --- The overview ----------------------------------------------------------------------


class BafOverviewTests(RiskTestCase):
    def test_each_risk_has_one_row_in_reference_order(self) -> None:
        for ref in ("SR10", "SR2", "SR1"):
            make_strategic_risk(self.org, self.executive, reference=ref, element=self.element)
        baf = baf_overview(self.org, TODAY)
        self.assertEqual([row.risk.reference for row in baf.rows], ["SR1", "SR2", "SR10"])

    def test_a_row_carries_objectives_scores_bands_and_colours(self) -> None:
        make_strategic_risk(self.org, self.executive, element=self.element)
        row = baf_overview(self.org, TODAY).rows[0]
        self.assertEqual([e.title for e in row.objectives], [self.element.title])
        self.assertEqual((row.inherent.score, row.inherent.band), (20, "Extreme"))
        self.assertEqual((row.current.score, row.current.band), (16, "Extreme"))
        self.assertEqual((row.target.score, row.target.band), (8, "High"))
        self.assertEqual(row.current.swatch.tag, "red")
        self.assertEqual(row.target.swatch.tag, "orange")
        self.assertEqual(row.current.sum, "4 x 4 = 16")

    def test_a_risk_above_its_tolerance_and_the_threshold_is_flagged(self) -> None:
        make_strategic_risk(self.org, self.executive, element=self.element)  # 16, tolerance 12
        flags = baf_overview(self.org, TODAY).rows[0].flags
        self.assertTrue(flags.above_tolerance)
        self.assertTrue(flags.escalated)
        self.assertIn("Above tolerance", flags.labels())

    def test_a_score_equal_to_its_tolerance_is_within_it(self) -> None:
        category = make_appetite_category(self.org, name="Quality", tolerance=16)
        make_strategic_risk(
            self.org, self.executive, element=self.element, appetite_category=category
        )
        flags = baf_overview(self.org, TODAY).rows[0].flags
        self.assertFalse(flags.above_tolerance)

    def test_a_risk_below_the_threshold_is_not_escalated(self) -> None:
        make_strategic_risk(
            self.org,
            self.executive,
            element=self.element,
            current_likelihood=3,
            current_consequence=4,
        )
        row = baf_overview(self.org, TODAY).rows[0]
        self.assertEqual(row.current.score, 12)
        self.assertFalse(row.flags.escalated)
        self.assertFalse(row.flags.above_tolerance)

    def test_a_review_date_in_the_past_is_flagged_overdue(self) -> None:
        make_strategic_risk(self.org, self.executive, element=self.element, next_review_on=TODAY)
        self.assertFalse(baf_overview(self.org, TODAY).rows[0].flags.review_overdue)
        later = TODAY + datetime.timedelta(days=1)
        self.assertTrue(baf_overview(self.org, later).rows[0].flags.review_overdue)

    def test_only_incomplete_actions_past_their_due_date_count_as_overdue(self) -> None:
        risk = make_strategic_risk(self.org, self.executive, element=self.element)
        past, future = TODAY - datetime.timedelta(days=3), TODAY + datetime.timedelta(days=3)
        for due, completed in ((past, None), (past, None), (past, past), (future, None)):
            RiskAction.objects.create(
                organisation=self.org,
                risk=risk,
                description="Recruit",
                owner=self.executive,
                due_date=due,
                completed_on=completed,
            )
        flags = baf_overview(self.org, TODAY).rows[0].flags
        self.assertEqual(flags.overdue_actions, 2)
        self.assertIn("2 overdue actions", flags.labels())

    def test_the_trend_compares_the_two_most_recent_reviews(self) -> None:
        risk = make_strategic_risk(self.org, self.executive, element=self.element)
        self.assertEqual(baf_overview(self.org, TODAY).rows[0].trend, Trend.NEW)
        make_review(risk, self.governance, reviewed_on=datetime.date(2025, 3, 1), likelihood=3)
        self.assertEqual(baf_overview(self.org, TODAY).rows[0].trend, Trend.NEW)
        make_review(risk, self.governance, reviewed_on=datetime.date(2025, 6, 1), likelihood=4)
        self.assertEqual(baf_overview(self.org, TODAY).rows[0].trend, Trend.UP)
        make_review(risk, self.governance, reviewed_on=datetime.date(2025, 9, 1), likelihood=2)
        self.assertEqual(baf_overview(self.org, TODAY).rows[0].trend, Trend.DOWN)
        make_review(risk, self.governance, reviewed_on=datetime.date(2025, 12, 1), likelihood=2)
        self.assertEqual(baf_overview(self.org, TODAY).rows[0].trend, Trend.SAME)

    def test_the_overall_assurance_comes_from_the_risks_own_assurances(self) -> None:
        risk = make_strategic_risk(self.org, self.executive, element=self.element)
        make_strategic_risk(self.org, self.executive, element=self.element)
        for line, level in ((A.FIRST, "substantial"), (A.THIRD, "limited")):
            Assurance.objects.create(
                organisation=self.org,
                risk=risk,
                line=line,
                source="Internal audit",
                positive=True,
                level=level,
                dated=datetime.date(2025, 4, 1),
            )
        first, second = baf_overview(self.org, TODAY).rows
        self.assertEqual(first.assurance, "Limited")
        self.assertEqual(second.assurance, NONE_RECORDED)

    def test_open_register_risks_at_or_above_the_threshold_show_under_the_risk_they_feed(
        self,
    ) -> None:
        risk = make_strategic_risk(self.org, self.executive, element=self.element)
        fifteen = {"current_likelihood": 3, "current_consequence": 5}
        make_operational_risk(self.org, self.staff, strategic_risk=risk, **fifteen)
        make_operational_risk(self.org, self.staff, strategic_risk=risk)  # 9: below
        make_operational_risk(
            self.org, self.staff, strategic_risk=risk, status=RiskStatus.CLOSED, **fifteen
        )
        make_operational_risk(self.org, self.staff, **fifteen)  # feeds no BAF risk
        baf = baf_overview(self.org, TODAY)
        self.assertEqual([op.current_score for op in baf.rows[0].escalated_risks], [15])
        self.assertEqual(len(baf.escalated_operational), 1)

    def test_the_escalation_threshold_is_the_organisations_own(self) -> None:
        settings = risk_settings_for(self.org)
        settings.escalation_threshold = 20
        settings.save()
        risk = make_strategic_risk(self.org, self.executive, element=self.element)
        make_operational_risk(
            self.org,
            self.staff,
            strategic_risk=risk,
            current_likelihood=4,
            current_consequence=4,
        )
        row = baf_overview(self.org, TODAY).rows[0]
        self.assertEqual(row.escalated_risks, [])
        self.assertFalse(row.flags.escalated)

    def test_the_committee_filter_keeps_that_committees_risks(self) -> None:
        people = make_risk_committee(self.org, "People Committee")
        make_risk_committee(self.org, "Charitable Funds Committee")  # owns no risks
        make_strategic_risk(self.org, self.executive, element=self.element)
        make_strategic_risk(self.org, self.executive, people, element=self.element)
        baf = baf_overview(self.org, TODAY, committee=people)
        self.assertEqual([row.risk.committee for row in baf.rows], [people])
        names = [c.name for c in baf.committees]
        self.assertEqual(names, ["Audit and Risk Committee", "People Committee"])

    def test_the_status_filter_shows_open_or_closed_risks(self) -> None:
        make_strategic_risk(self.org, self.executive, reference="SR1", element=self.element)
        make_strategic_risk(
            self.org,
            self.executive,
            reference="SR2",
            element=self.element,
            status=RiskStatus.CLOSED,
        )
        refs = {
            status: [
                row.risk.reference for row in baf_overview(self.org, TODAY, status=status).rows
            ]
            for status in StatusFilter
        }
        self.assertEqual(refs[StatusFilter.OPEN], ["SR1"])
        self.assertEqual(refs[StatusFilter.CLOSED], ["SR2"])
        self.assertEqual(refs[StatusFilter.ALL], ["SR1", "SR2"])

    def test_the_summary_counts_risks_by_band_and_above_tolerance(self) -> None:
        make_strategic_risk(self.org, self.executive, element=self.element)  # 16 Extreme
        make_strategic_risk(
            self.org,
            self.executive,
            element=self.element,
            current_likelihood=2,
            current_consequence=3,
        )  # 6 Moderate
        baf = baf_overview(self.org, TODAY)
        counts = {bc.band: bc.count for bc in baf.band_counts}
        self.assertEqual(counts, {"Extreme": 1, "High": 0, "Moderate": 1, "Low": 0})
        self.assertEqual(baf.band_counts[0].band, "Extreme")
        self.assertEqual(baf.above_tolerance, 1)

    def test_custom_bands_grade_and_colour_the_rows(self) -> None:
        settings = risk_settings_for(self.org)
        settings.bands = [
            {"name": "Low", "low": 1, "high": 3, "colour": "green"},
            {"name": "Moderate", "low": 4, "high": 9, "colour": "yellow"},
            {"name": "High", "low": 10, "high": 14, "colour": "amber"},
            {"name": "Extreme", "low": 15, "high": 25, "colour": "#7a0019"},
        ]
        settings.save()
        make_strategic_risk(
            self.org,
            self.executive,
            element=self.element,
            target_likelihood=3,
            target_consequence=3,
        )
        row = baf_overview(self.org, TODAY).rows[0]
        self.assertEqual((row.target.score, row.target.band), (9, "Moderate"))
        self.assertEqual(row.current.swatch.fill, "#7a0019")

    def test_a_band_that_no_longer_exists_keeps_its_name_in_grey(self) -> None:
        make_strategic_risk(self.org, self.executive, element=self.element)
        StrategicRisk.objects.update(current_band="Severe")
        baf = baf_overview(self.org, TODAY)
        self.assertEqual(baf.rows[0].current.band, "Severe")
        self.assertEqual(baf.rows[0].current.swatch, swatch("grey"))
        self.assertEqual(baf.band_counts[-1].band, "Severe")

    def test_another_organisations_risks_never_appear(self) -> None:
        other_exec = add_member(self.other_org, "oscar", Role.EXECUTIVE_DIRECTOR)
        make_strategic_risk(self.other_org, other_exec)
        self.assertEqual(baf_overview(self.org, TODAY).rows, [])

    def test_the_number_of_queries_does_not_grow_with_the_number_of_risks(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                baf = baf_overview(self.org, TODAY)
                heat_map(baf)
            return len(queries)

        self._busy_risk()
        one = count()
        for _ in range(4):
            self._busy_risk()
        self.assertEqual(count(), one)

    def _busy_risk(self) -> None:
        second = make_element(self.element.strategy, title="Be a great place to work")
        risk = make_strategic_risk(
            self.org, self.executive, elements=[self.element, second], element=None
        )
        make_review(risk, self.governance, reviewed_on=datetime.date(2025, 3, 1))
        make_review(risk, self.governance, reviewed_on=datetime.date(2025, 6, 1))
        Assurance.objects.create(
            organisation=self.org,
            risk=risk,
            line=A.SECOND,
            source="Quality Committee",
            positive=False,
            level="limited",
            dated=datetime.date(2025, 4, 1),
        )
        make_operational_risk(
            self.org,
            self.staff,
            strategic_risk=risk,
            current_likelihood=4,
            current_consequence=4,
        )


class HeatMapModelTests(RiskTestCase):
    def test_rows_run_from_likelihood_five_down_with_the_matrix_descriptors(self) -> None:
        placed = heat_map(baf_overview(self.org, TODAY))
        self.assertEqual([row.likelihood for row in placed.rows], [5, 4, 3, 2, 1])
        self.assertEqual(placed.rows[0].descriptor, "Almost certain")
        self.assertEqual(placed.consequences[0], (1, "Negligible"))
        top_right = placed.rows[0].cells[4]
        self.assertEqual((top_right.score, top_right.band), (25, "Extreme"))

    def test_each_open_risk_sits_in_its_current_and_its_target_cell(self) -> None:
        risk = make_strategic_risk(self.org, self.executive, element=self.element)
        make_strategic_risk(
            self.org, self.executive, element=self.element, status=RiskStatus.CLOSED
        )
        baf = baf_overview(self.org, TODAY, status=StatusFilter.ALL)
        placed = heat_map(baf)
        cells = {(c.likelihood, c.consequence): c for row in placed.rows for c in row.cells}
        self.assertEqual([r.risk for r in cells[(4, 4)].current], [risk])
        self.assertEqual([r.risk for r in cells[(2, 4)].target], [risk])
        placed_count = sum(len(c.current) for c in cells.values())
        self.assertEqual(placed_count, 1)
        self.assertEqual([r.risk for r in placed.risks], [risk])
