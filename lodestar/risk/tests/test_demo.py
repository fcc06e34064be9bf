"""The demo BAFs and risk registers of Derbyshire Healthcare (RXM) and Derbyshire
Community Health Services (RY8): plausible, linked to their strategies, illustrative."""

from __future__ import annotations

import datetime
from unittest import mock

import time_machine
from django.apps import apps
from django.test import TestCase
from django.utils import timezone

from lodestar.audit.models import AuditEntry
from lodestar.audit.services import verify_chain
from lodestar.core.demo import load_demo
from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import Role
from lodestar.performance.models import Metric
from lodestar.performance.tests.builders import make_metric
from lodestar.risk.demo import load_risks
from lodestar.risk.matrix import risk_settings_for
from lodestar.risk.models import (
    AppetiteCategory,
    Assurance,
    OperationalRisk,
    RiskAction,
    StrategicRisk,
)
from lodestar.risk.overview import Trend, baf_overview
from lodestar.risk.register_services import RegisterFilters, register_of
from lodestar.strategy.demo import months_since_written, move_months

SEED = ("RXM", "RY8")


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class DemoBafTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        # load_demo may already call load_risks; either way the demo is loaded now.
        load_risks()

    def organisation(self, ods_code: str) -> Organisation:
        return Organisation.objects.get(ods_code=ods_code)

    def test_each_seed_trust_has_five_to_seven_illustrative_risks_on_its_strategy(self) -> None:
        for ods_code in SEED:
            org = self.organisation(ods_code)
            risks = StrategicRisk.objects.filter(organisation=org)
            with self.subTest(ods_code=ods_code):
                self.assertTrue(5 <= risks.count() <= 7)
                for risk in risks:
                    self.assertTrue(risk.illustrative)
                    self.assertTrue(risk.cause and risk.event and risk.effect)
                    elements = list(risk.elements.select_related("strategy"))
                    self.assertTrue(elements)
                    self.assertTrue(all(e.strategy.organisation == org for e in elements))
                    self.assertTrue(
                        Membership.objects.filter(
                            organisation=org,
                            user=risk.executive_lead,
                            role=Role.EXECUTIVE_DIRECTOR,
                        ).exists()
                    )
                    self.assertEqual(risk.committee.organisation, org)
                    self.assertGreaterEqual(risk.reviews.count(), 3)
                    self.assertTrue(risk.controls.filter(kind="control").exists())

    def test_controls_gaps_and_assurances_on_all_three_lines(self) -> None:
        for ods_code in SEED:
            org = self.organisation(ods_code)
            with self.subTest(ods_code=ods_code):
                lines = set(
                    Assurance.objects.filter(organisation=org).values_list("line", flat=True)
                )
                self.assertEqual(lines, {"first", "second", "third"})
                self.assertTrue(
                    Assurance.objects.filter(organisation=org, positive=False).exists()
                )
                risks = StrategicRisk.objects.filter(organisation=org)
                self.assertTrue(risks.filter(controls__kind="gap").exists())
                self.assertTrue(risks.filter(assurance_gaps__isnull=False).exists())

    def test_one_risk_above_tolerance_one_past_review_and_one_overdue_action(self) -> None:
        today = timezone.localdate()
        for ods_code in SEED:
            org = self.organisation(ods_code)
            baf = baf_overview(org, today)
            with self.subTest(ods_code=ods_code):
                self.assertEqual(baf.above_tolerance, 1)
                self.assertEqual(baf.review_overdue, 1)
                self.assertEqual(
                    RiskAction.objects.filter(organisation=org).overdue(today).count(), 1
                )
                self.assertEqual(sum(row.flags.overdue_actions for row in baf.rows), 1)

    def test_reviews_give_trends_up_down_and_unchanged(self) -> None:
        trends = set()
        for ods_code in SEED:
            rows = baf_overview(self.organisation(ods_code), timezone.localdate()).rows
            trends |= {row.trend for row in rows}
        self.assertEqual(trends, {Trend.UP, Trend.DOWN, Trend.SAME})

    def test_each_register_has_two_escalated_risks_feeding_the_baf(self) -> None:
        today = timezone.localdate()
        for ods_code in SEED:
            org = self.organisation(ods_code)
            rows = register_of(org, RegisterFilters(), today)
            with self.subTest(ods_code=ods_code):
                self.assertTrue(6 <= len(rows) <= 8)
                self.assertTrue(all(row.risk.illustrative for row in rows))
                escalated = [row.risk for row in rows if row.escalated]
                self.assertEqual(len(escalated), 2)
                self.assertTrue(all(risk.strategic_risk is not None for risk in escalated))
                on_baf = {
                    risk for row in baf_overview(org, today).rows for risk in row.escalated_risks
                }
                self.assertEqual(on_baf, set(escalated))

    def test_every_register_risk_has_controls_gaps_and_further_actions(self) -> None:
        risks = OperationalRisk.objects.filter(organisation__ods_code__in=SEED)
        self.assertEqual(risks.count(), 13)
        for risk in risks:
            with self.subTest(risk=f"{risk.organisation.ods_code} {risk}"):
                self.assertTrue(risk.controls and risk.gaps and risk.actions)
                # Each action names an owner and a date, written out as on the page.
                for action in risk.actions.splitlines():
                    self.assertRegex(action, r"\(.+, \d{1,2} [A-Z][a-z]+ 20\d\d\)$")

    def test_a_register_loaded_before_it_had_controls_gets_them_once(self) -> None:
        ry8 = OperationalRisk.objects.filter(organisation__ods_code="RY8")
        ry8.update(controls="", gaps="", actions="")
        ry8.filter(reference="CR6").update(gaps="Written in since")
        made = load_risks()
        self.assertEqual(made, [f"controls and actions of RY8 CR{n}" for n in range(1, 6)])
        self.assertEqual(ry8.get(reference="CR6").gaps, "Written in since")
        self.assertTrue(ry8.get(reference="CR1").controls)
        self.assertEqual(load_risks(), [])

    def test_risks_name_one_or_two_of_the_trusts_demo_metrics(self) -> None:
        for ods_code in SEED:
            org = self.organisation(ods_code)
            if not Metric.objects.filter(organisation=org).exists():
                self.skipTest("The performance demo is not loaded by load_demo yet.")
            for risk in StrategicRisk.objects.filter(organisation=org):
                with self.subTest(risk=str(risk)):
                    metrics = list(risk.metrics.all())
                    self.assertIn(len(metrics), (1, 2))
                    self.assertTrue(all(m.organisation == org for m in metrics))

    def test_the_appetite_has_the_default_categories_and_a_statement(self) -> None:
        for ods_code in SEED:
            org = self.organisation(ods_code)
            names = set(
                AppetiteCategory.objects.filter(organisation=org).values_list("name", flat=True)
            )
            with self.subTest(ods_code=ods_code):
                self.assertLessEqual({"Finance", "Reputation", "Workforce"}, names)
                settings = risk_settings_for(org)
                self.assertTrue(settings.appetite_statement.startswith("Illustrative."))
                self.assertEqual(settings.appetite_approved_by.name, "Trust Board")  # type: ignore[union-attr]

    def test_loading_again_changes_nothing_and_every_change_was_audited(self) -> None:
        before = counts()
        self.assertEqual(load_risks(), [])
        self.assertEqual(counts(), before)
        risk = StrategicRisk.objects.filter(organisation__ods_code="RXM").first()
        assert risk is not None
        entries = AuditEntry.objects.filter(object_uuid=risk.uuid)
        self.assertTrue(entries.exists())
        self.assertTrue(all(entry.actor_label == "system" for entry in entries))
        checked, problem = verify_chain()
        self.assertIsNone(problem)
        self.assertGreater(checked, 0)


@time_machine.travel(datetime.datetime(2027, 2, 10, 12, tzinfo=datetime.UTC), tick=False)
class DemoWithoutMetricsTests(TestCase):
    """Loaded long after the file was written, and before any demo metric exists."""

    @classmethod
    def setUpTestData(cls) -> None:
        with mock.patch("lodestar.core.demo.load_metrics", lambda made, today=None: None):
            load_demo()
        load_risks()

    def test_risks_load_without_metrics(self) -> None:
        self.assertFalse(StrategicRisk.objects.filter(metrics__isnull=False).exists())
        self.assertEqual(StrategicRisk.objects.filter(organisation__ods_code="RXM").count(), 6)

    def test_dates_move_with_today_so_the_flags_stay_the_same(self) -> None:
        today = timezone.localdate()
        for ods_code in SEED:
            org = Organisation.objects.get(ods_code=ods_code)
            baf = baf_overview(org, today)
            with self.subTest(ods_code=ods_code):
                self.assertEqual((baf.above_tolerance, baf.review_overdue), (1, 1))
                self.assertEqual(
                    RiskAction.objects.filter(organisation=org).overdue(today).count(), 1
                )
                latest = max(r.risk.last_reviewed_on or today for r in baf.rows)
                self.assertLess(latest, today)
                self.assertGreater(latest, today - datetime.timedelta(days=62))

    def test_dates_in_register_actions_move_too(self) -> None:
        risk = OperationalRisk.objects.get(organisation__ods_code="RXM", reference="CR1")
        due = move_months(datetime.date(2026, 3, 31), months_since_written(timezone.localdate()))
        self.assertGreater(due, timezone.localdate())
        self.assertIn(f"(Head of Estates, {due.day} {due:%B %Y})", risk.actions)

    def test_a_metric_loaded_later_is_linked_on_the_next_load(self) -> None:
        org = Organisation.objects.get(ods_code="RXM")
        lead = StrategicRisk.objects.get(organisation=org, reference="SR3").executive_lead
        metric = make_metric(org, lead, code="vacancy-rate", name="Vacancy rate")
        self.assertEqual(load_risks(), ["metrics linked to RXM SR3"])
        risk = StrategicRisk.objects.get(organisation=org, reference="SR3")
        self.assertEqual(list(risk.metrics.all()), [metric])
        self.assertEqual(load_risks(), [])
