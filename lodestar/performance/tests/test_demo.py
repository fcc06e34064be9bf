"""The demo metrics: real A&E data for the acute trusts, illustrative metrics for the seed trusts.

The expected A&E figures for January 2019 at Nottingham University Hospitals are copied here
from NHS England's published rows (Open Government Licence v3.0), so the test checks the
demo against the source rather than against the demo's own copy of it.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.test import TestCase
from django.utils import timezone

from lodestar.audit.services import verify_chain
from lodestar.core.demo import load_demo
from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import Role
from lodestar.performance.analysis import analyse_metrics
from lodestar.performance.demo import ae
from lodestar.performance.demo.illustrative import months_to
from lodestar.performance.demo.series import Shape, generate
from lodestar.performance.models import (
    Domain,
    Metric,
    Narrative,
    Observation,
    Rebase,
    TargetChange,
)
from lodestar.performance.report import build_report
from lodestar.performance.spc import cli
from lodestar.strategy.models import Strategy

DEMO = Path(ae.__file__).resolve().parent
ACUTE = {
    "RTG": "Derby and Derbyshire Integrated Care System",
    "RFS": "Derby and Derbyshire Integrated Care System",
    "RX1": "Nottingham and Nottinghamshire Integrated Care System",
    "RK5": "Nottingham and Nottinghamshire Integrated Care System",
}
AE_CODES = {"ae-4hr", "ae-type1-attendances", "ae-4hr-breaches"}
SEED = ("RXM", "RY8")
# NHS England, A&E Attendances and Emergency Admissions, RX1, January 2019:
# type 1 15,705 attendances and 6,139 breaches; type 2 1,504 and 18; other 156 and 3.
RX1_JANUARY_2019 = {"type1": 15705, "attendances": 15705 + 1504 + 156, "breaches": 6139 + 18 + 3}


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def observation(ods_code: str, code: str, period: datetime.date) -> Observation:
    return Observation.objects.get(
        metric__organisation__ods_code=ods_code, metric__code=code, period=period
    )


class DemoMetricsTests(TestCase):
    loaded_on: datetime.date

    @classmethod
    def setUpTestData(cls) -> None:
        cls.loaded_on = timezone.localdate()
        load_demo()

    def test_loading_again_changes_nothing_and_writes_no_audit_entries(self) -> None:
        before = counts()
        self.assertEqual(load_demo(), [])
        self.assertEqual(counts(), before)
        self.assertGreater(before["performance.Observation"], 0)

    def test_the_audit_trail_verifies_after_loading_the_metrics(self) -> None:
        checked, broken = verify_chain()
        self.assertIsNone(broken)
        self.assertGreater(checked, Metric.objects.count())

    def test_each_acute_trust_is_in_its_ics_with_a_chair_an_executive_and_an_analyst(
        self,
    ) -> None:
        for code, ics in ACUTE.items():
            trust = Organisation.objects.get(ods_code=code)
            self.assertEqual(trust.ics.name, ics)
            self.assertIn(
                trust.kind, {Organisation.Kind.NHS_TRUST, Organisation.Kind.NHS_FOUNDATION_TRUST}
            )
            roles = set(
                Membership.objects.filter(organisation=trust).values_list("role", flat=True)
            )
            self.assertEqual(roles, {Role.CHAIR, Role.EXECUTIVE_DIRECTOR, Role.ANALYST})

    def test_each_acute_trust_has_the_three_ae_metrics_with_36_months_each(self) -> None:
        for code in ACUTE:
            metrics = Metric.objects.filter(organisation__ods_code=code)
            self.assertEqual({m.code for m in metrics}, AE_CODES, code)
            for metric in metrics:
                self.assertEqual(metric.observations.count(), 36, (code, metric.code))
                self.assertEqual(metric.domain, Domain.ACCESS)
                self.assertFalse(metric.illustrative)
                self.assertIn("Open Government Licence v3.0", metric.data_source)
            four_hours = metrics.get(code="ae-4hr")
            self.assertEqual(four_hours.target, 95)
            self.assertEqual(
                four_hours.target_source, "NHS constitutional standard, 95% within 4 hours"
            )
            self.assertIn("78%", four_hours.description)
            self.assertEqual(
                metrics.get(code="ae-type1-attendances").improvement_direction, "neutral"
            )
            self.assertEqual(metrics.get(code="ae-4hr-breaches").improvement_direction, "decrease")

    def test_a_month_of_nottingham_matches_nhs_englands_published_figures(self) -> None:
        january = datetime.date(2019, 1, 1)
        expected = RX1_JANUARY_2019
        within = expected["attendances"] - expected["breaches"]
        found = observation("RX1", "ae-4hr", january)
        self.assertAlmostEqual(found.value, 100 * within / expected["attendances"], places=9)
        self.assertAlmostEqual(found.value, 64.5263, places=4)
        self.assertEqual((found.numerator, found.denominator), (within, expected["attendances"]))
        self.assertEqual(
            observation("RX1", "ae-4hr-breaches", january).value, expected["breaches"]
        )
        self.assertEqual(
            observation("RX1", "ae-type1-attendances", january).value, expected["type1"]
        )

    def test_every_trusts_values_are_the_csv_summed_over_department_types(self) -> None:
        totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        with (DEMO / "ae_derbyshire_notts.csv").open(newline="") as f:
            for row in csv.DictReader(f):
                total = totals[row["org_code"], row["period"]]
                total[0] += int(row["attendances"])
                total[1] += int(row["breaches"])
                total[2] += int(row["attendances"]) if row["type"] == "1" else 0
        self.assertEqual(len(totals), 4 * 36)
        december = datetime.date(2018, 12, 1)
        for code in ACUTE:
            attendances, breaches, type1 = totals[code, "2018-12-01"]
            four_hours = observation(code, "ae-4hr", december)
            self.assertAlmostEqual(four_hours.value, 100 * (1 - breaches / attendances), places=9)
            self.assertEqual(four_hours.denominator, attendances)
            self.assertEqual(observation(code, "ae-4hr-breaches", december).value, breaches)
            self.assertEqual(observation(code, "ae-type1-attendances", december).value, type1)

    def test_the_derby_trust_is_rebased_when_burton_joined_it(self) -> None:
        rebases = Rebase.objects.filter(organisation__ods_code="RTG")
        self.assertEqual(rebases.count(), 3)
        for rebase in rebases:
            self.assertEqual(rebase.period, datetime.date(2018, 7, 1))
            self.assertIn("Burton", rebase.reason)
        note = observation("RFS", "ae-4hr", datetime.date(2018, 4, 1)).note
        self.assertIn("type other", note)

    def test_the_seed_trusts_metrics_are_marked_illustrative_and_span_every_domain(
        self,
    ) -> None:
        for code in SEED:
            metrics = Metric.objects.filter(organisation__ods_code=code)
            self.assertTrue(10 <= metrics.count() <= 14, code)
            self.assertEqual({m.domain for m in metrics}, set(Domain.values), code)
            for metric in metrics:
                self.assertTrue(metric.illustrative, metric.code)
                self.assertTrue(metric.description.startswith("Illustrative"), metric.code)
                self.assertTrue(metric.data_source.startswith("Illustrative"), metric.code)
                self.assertEqual(metric.observations.count(), 36, metric.code)
                if metric.target is not None:
                    self.assertTrue(metric.target_source, metric.code)

    def test_illustrative_series_end_with_the_month_before_the_load(self) -> None:
        latest = Observation.objects.filter(metric__illustrative=True).latest("period").period
        self.assertEqual(latest, months_to(self.loaded_on)[-1])
        self.assertLess(latest, self.loaded_on.replace(day=1))

    def test_every_metric_is_led_by_an_executive_director_of_its_trust(self) -> None:
        for metric in Metric.objects.all():
            self.assertTrue(
                Membership.objects.filter(
                    organisation=metric.organisation,
                    user=metric.lead_executive,
                    role=Role.EXECUTIVE_DIRECTOR,
                ).exists(),
                metric,
            )

    def test_illustrative_metrics_link_to_their_trusts_current_strategy(self) -> None:
        for code in SEED:
            organisation = Organisation.objects.get(ods_code=code)
            strategy = Strategy.objects.current_for(organisation, self.loaded_on)
            assert strategy is not None
            for metric in Metric.objects.filter(organisation=organisation):
                elements = list(metric.elements.all())
                self.assertTrue(elements, metric.code)
                self.assertEqual({e.strategy_id for e in elements}, {strategy.pk}, metric.code)
                self.assertIsNotNone(metric.committee, metric.code)

    def test_the_illustrative_metrics_show_every_kind_of_signal(self) -> None:
        analyses = analyse_metrics(Metric.objects.filter(illustrative=True))
        variations = [a.variation for a in analyses]
        assurances = [a.assurance for a in analyses]
        self.assertGreaterEqual(variations.count("special_cause_concern"), 2)
        self.assertGreaterEqual(variations.count("special_cause_improvement"), 2)
        self.assertIn("consistent_pass", assurances)
        self.assertIn("consistent_fail", assurances)
        rebased = Rebase.objects.filter(metric__illustrative=True)
        self.assertEqual(rebased.count(), 1)
        self.assertTrue(rebased.get().reason.startswith("Illustrative"))

    def test_one_metric_of_each_seed_trust_has_a_new_target_for_a_new_planning_year(
        self,
    ) -> None:
        changes = TargetChange.objects.select_related("metric__organisation")
        found = {(c.metric.organisation.ods_code, c.metric.code): c for c in changes}
        self.assertEqual(set(found), {("RXM", "agency-spend"), ("RY8", "statutory-training")})
        for change in found.values():
            self.assertTrue(change.metric.illustrative)
            self.assertEqual(change.period, datetime.date(2025, 4, 1))
            self.assertTrue(change.reason.startswith("Illustrative."), change.metric.code)
            self.assertIn("2025/26", change.source)
        # Judged against the new target in the latest month; the designed icons hold.
        analyses = {a.metric.code: a for a in analyse_metrics(c.metric for c in changes)}
        self.assertEqual(analyses["agency-spend"].target, 3.0)
        self.assertEqual(analyses["agency-spend"].assurance, "inconsistent")
        self.assertEqual(analyses["statutory-training"].target, 92.0)
        self.assertEqual(analyses["statutory-training"].assurance, "consistent_pass")

    def test_one_illustrative_metric_is_two_months_late_in_last_months_report(self) -> None:
        expected = {"RXM": ["staff-engagement"], "RY8": []}
        for code, late in expected.items():
            with self.subTest(code=code):
                found = build_report(Organisation.objects.get(ods_code=code))
                self.assertEqual(found.period, months_to(self.loaded_on)[-1])
                self.assertEqual([c.metric.code for c in found.late], late)
        engagement = Metric.objects.get(organisation__ods_code="RXM", code="staff-engagement")
        latest = engagement.observations.latest("period").period
        self.assertEqual(latest, months_to(self.loaded_on, behind=2)[-1])
        self.assertIn("two months", engagement.data_quality_note)

    def test_every_illustrative_exception_has_commentary_for_the_latest_month(self) -> None:
        exceptions = [
            a for a in analyse_metrics(Metric.objects.filter(illustrative=True)) if a.is_exception
        ]
        self.assertGreaterEqual(len(exceptions), 4)
        for analysis in exceptions:
            assert analysis.latest is not None
            narrative = Narrative.objects.get(
                metric=analysis.metric, period=analysis.latest.period
            )
            self.assertEqual(narrative.author, analysis.metric.lead_executive)
            self.assertTrue(narrative.what_the_chart_shows.startswith("Illustrative."))
            self.assertTrue(narrative.actions)


# Pure parts: no database.


def test_an_invented_series_is_the_same_every_time_and_differs_by_name() -> None:
    shape = Shape(level=50, spread=5, steps=((10, -20),))
    first = generate(shape, "RXM:example", 24)
    assert first == generate(shape, "RXM:example", 24)
    assert first != generate(shape, "RY8:example", 24)
    assert len(first) == 24


def test_an_invented_percentage_agrees_with_its_whole_numerator_and_denominator() -> None:
    shape = Shape(level=85, spread=4, denominator=(70, 8), high=100)
    for value in generate(shape, "RXM:percent", 36):
        assert value.numerator is not None and value.denominator is not None
        assert value.numerator == int(value.numerator) <= value.denominator
        assert value.value == 100 * value.numerator / value.denominator


def test_the_demo_months_are_the_36_before_the_current_one() -> None:
    months = months_to(datetime.date(2026, 3, 15))
    assert len(months) == 36
    assert months[0] == datetime.date(2023, 3, 1)
    assert months[-1] == datetime.date(2026, 2, 1)
    behind = months_to(datetime.date(2026, 3, 15), behind=2)
    assert (behind[0], behind[-1]) == (datetime.date(2023, 1, 1), datetime.date(2025, 12, 1))


def test_the_shipped_spc_input_is_what_the_ae_data_gives() -> None:
    out = io.StringIO()
    ae.write_four_hour_csv(out)
    assert (DEMO / "ae_4hr_by_trust.csv").read_text(encoding="utf-8") == out.getvalue()


def test_lodestar_spc_prints_a_summary_for_each_acute_trust(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(DEMO / "ae_4hr_by_trust.csv")
    args = [path, "--series-column", "org_code", "--target", "95", "--summary", "-"]
    assert cli.main(args) == 0
    out, err = capsys.readouterr()
    assert err == ""  # 36 months each: no trial limits
    summary = {row["series"]: row for row in csv.DictReader(io.StringIO(out))}
    assert set(summary) == set(ACUTE)
    for row in summary.values():
        assert row["points"] == "36"
        assert 50 < float(row["lower_limit"]) < float(row["mean"]) < float(row["upper_limit"])
        assert float(row["mean"]) < 95
    # Nottingham's upper limit is below the standard: it will not be met without change.
    assert summary["RX1"]["assurance"] == "consistent_fail"
    assert summary["RX1"]["variation"] == "special_cause_concern"
