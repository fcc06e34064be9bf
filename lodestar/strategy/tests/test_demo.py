"""The demo: the seed organisations' strategies, illustrative plans, alignment and objectives.

The expected words are copied here from Derbyshire Healthcare's published strategy page
(the demo files quote it), so the test says what the public page must show without
reading the demo files or the seed.
"""

from __future__ import annotations

import datetime
import io

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.audit.services import verify_chain
from lodestar.core.demo import load_demo
from lodestar.core.models import Organisation
from lodestar.delivery.models import Deliverable, Evidence, Milestone, Objective, ProgressUpdate
from lodestar.delivery.plan import exceptions_for
from lodestar.strategy.alignment import alignment_matrix
from lodestar.strategy.check import check_strategy
from lodestar.strategy.demo import move_months
from lodestar.strategy.demo.thread import NOTE
from lodestar.strategy.models import EngagementActivity, Strategy

VISION = "To make a positive difference in people’s lives by improving health and wellbeing"
PRIORITIES = [
    "Designed in consultation with our colleagues and people who use our services",
    "Based on best clinical evidence",
]
OBJECTIVES = {
    "Great care": [
        "Delivering compassionate, person-centred, innovative and safe care",
        "Choice, empowerment and shared decision-making is the norm.",
    ],
    "Great place to work": [
        "Attracting colleagues to work with us who we develop, retain and support by "
        "excellent management and leadership",
        "An empowered, compassionate and inclusive culture that actively embraces diversity.",
    ],
    "Best use of money": [
        "Making financially-wise decisions every day and avoid wasting resources",
        "Always striving for best value by finding ways to make our money go further.",
    ],
    "Great partner": [
        "Actively embracing collaboration as our way of working, seeing beyond our "
        "organisational boundaries both within and outside of Derbyshire.",
        "Working together with the citizens of Derbyshire to ensure they have the best start "
        "in life, stay well, age well and die well.",
    ],
}
VALUES = {
    "People first": "We work compassionately and supportively with each other and those who "
    "use our services. We recognise a well-supported, engaged and empowered workforce is "
    "vital to good patient care",
    "Respect": "We respect and value the diversity of our patients, colleagues and partners "
    "and for them to feel they belong within our respectful and inclusive environment",
    "Honesty": "We are open and transparent in all we do",
    "Do your best": "We recognise how hard colleagues work and together we want to work "
    "smarter, striving to support continuous improvement in all aspects of our work.",
}
AMBITIONS = [
    "Be person-centred and prevent ill health",
    "Provide care at home or in the community where possible, through a partnership "
    "approach to promote individual and community resilience",
    "Ensure any admission to hospital is within Derbyshire and kept to the shortest "
    "effective period of time",
    "Be compassionate and take account of trauma-informed practice",
    "Involve people who use our services in designing their care and treatment, to meet "
    "personal goals throughout their lives.",
]
GUIDING_POLICIES = [
    "More resources for prevention of ill health",
    "Empower local teams",
    "More control over your care",
    "Improve productivity and efficiency",
    "Use data and intelligence better",
]
ICB_PLAN = "Our local NHS plan 2023-2028"


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class DemoStrategyTests(TestCase):
    rxm: Organisation
    strategy: Strategy
    icb_plan: Strategy

    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        cls.rxm = Organisation.objects.get(ods_code="RXM")
        cls.strategy = Strategy.objects.get(organisation=cls.rxm)
        cls.icb_plan = Strategy.objects.get(organisation__ods_code="QJ2", title=ICB_PLAN)

    def test_loading_again_changes_nothing_and_writes_no_audit_entries(self) -> None:
        before = counts()
        self.assertEqual(load_demo(), [])
        self.assertEqual(counts(), before)
        self.assertGreater(before["audit.AuditEntry"], 0)

    def test_the_command_says_so_when_the_demo_is_loaded_already(self) -> None:
        entries = AuditEntry.objects.count()
        out = io.StringIO()
        call_command("demo", stdout=out)
        self.assertIn("already loaded; nothing changed", out.getvalue())
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_the_audit_trail_verifies_after_loading(self) -> None:
        checked, broken = verify_chain()
        self.assertIsNone(broken)
        self.assertEqual(checked, AuditEntry.objects.count())

    def test_every_seed_organisation_has_an_approved_strategy_in_force(self) -> None:
        for code in ("RXM", "RY8", "RHA", "QJ2"):
            organisation = Organisation.objects.get(ods_code=code)
            found = Strategy.objects.current_for(organisation, timezone.localdate())
            self.assertIsNotNone(found, code)
            assert found is not None
            self.assertTrue(found.source_url.startswith("https://"), code)

    def test_the_public_page_shows_derbyshire_healthcares_published_strategy(self) -> None:
        response = self.client.get(reverse("public_strategy:strategy", args=["RXM"]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, VISION)
        sections = [(s.kind.plural, len(s.elements)) for s in response.context["sections"]]
        self.assertEqual(
            sections,
            [("Clinical priorities", 2), ("Strategic objectives", 4), ("Clinical ambitions", 5)],
        )
        self.assertEqual([v.name for v in response.context["values"]], list(VALUES))
        for words in [*PRIORITIES, *AMBITIONS, *VALUES.values()]:
            self.assertContains(response, words)
        for number, (title, statements) in enumerate(OBJECTIVES.items(), start=1):
            self.assertContains(response, f"<h3>{number}. {title}</h3>", html=True)
            for statement in statements:
                self.assertContains(response, f"<li>{statement}</li>", html=True)
        self.assertContains(response, "By the Trust Board on")

    def test_the_icb_plan_has_its_four_aims_and_five_guiding_policies(self) -> None:
        self.assertEqual(self.icb_plan.kind, Strategy.Kind.FIVE_YEAR_PLAN)
        self.assertEqual(self.icb_plan.status, Strategy.Status.APPROVED)
        policies = self.icb_plan.elements.filter(kind__name="Guiding policy")
        self.assertEqual([e.title for e in policies], GUIDING_POLICIES)
        self.assertEqual(self.icb_plan.elements.filter(kind__name="Aim").count(), 4)

    def test_the_alignment_matrix_against_the_icb_shows_links_and_an_unserved_policy(
        self,
    ) -> None:
        matrix = alignment_matrix(self.strategy, self.icb_plan)
        self.assertGreaterEqual(len(matrix.links), 1)
        self.assertEqual(
            [e.title for e in matrix.partner_gaps], ["Use data and intelligence better"]
        )
        self.client.force_login(User.objects.get(username="staff"))
        url = reverse("alignment:matrix", args=[self.rxm.uuid, self.strategy.uuid])
        response = self.client.get(url, {"partner": str(self.icb_plan.uuid)})
        self.assertContains(response, "Nothing of ours serves this", count=1)

    def test_the_strategy_check_passes_but_for_two_realistic_gaps(self) -> None:
        gaps = check_strategy(self.strategy).gaps
        self.assertEqual(
            [gap.problem for gap in gaps],
            [
                "No element of the strategy addresses procurement.",
                "Clinical priority “Based on best clinical evidence” is not linked to any "
                "partner's priority.",
            ],
        )

    def test_the_exceptions_show_two_overdue_milestones_and_one_missing_update(self) -> None:
        found = exceptions_for(self.rxm, timezone.localdate())
        self.assertEqual(len(found.overdue_milestones), 2)
        missing = [row.deliverable.title for row in found.missing_updates]
        self.assertEqual(missing, ["Inclusive culture and Freedom to Speak Up"])

    def test_updates_span_the_brag_scale_and_blue_is_evidenced_by_a_link(self) -> None:
        statuses = set(ProgressUpdate.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {"blue", "green", "amber", "red"})
        blue = ProgressUpdate.objects.get(status="blue")
        evidence = Evidence.objects.get(update=blue)
        self.assertTrue(evidence.url.startswith("https://"))
        self.assertFalse(evidence.file)
        self.assertFalse(blue.deliverable.milestones.filter(completed_on__isnull=True).exists())

    def test_everything_invented_is_marked_illustrative(self) -> None:
        self.assertFalse(Deliverable.objects.filter(illustrative=False).exists())
        self.assertFalse(Milestone.objects.filter(illustrative=False).exists())
        for update in ProgressUpdate.objects.all():
            self.assertTrue(update.narrative.startswith("Illustrative."), update)
        for activity in EngagementActivity.objects.all():
            self.assertTrue(activity.what_was_said.startswith("Illustrative."), activity)
        self.assertEqual(set(Objective.objects.values_list("description", flat=True)), {NOTE})
        self.assertIn("illustrative", self.strategy.summary)

    def test_a_member_of_staff_sees_their_part_in_the_strategy(self) -> None:
        self.client.force_login(User.objects.get(username="staff"))
        response = self.client.get(reverse("objectives:my_part", args=[self.rxm.uuid]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, VISION)
        self.assertContains(
            response, "Write a personalised care plan with everyone on my caseload"
        )
        self.assertContains(response, "Community mental health team – Derby City")
        self.assertContains(response, "Everyone on our waiting list has a named contact")


class DemoDatesTests(TestCase):
    def test_loaded_in_any_month_the_plan_keeps_its_distance_from_today(self) -> None:
        today = datetime.date(2031, 2, 3)
        with time_machine.travel(datetime.datetime(2031, 2, 3, 12, tzinfo=datetime.UTC)):
            load_demo()
        rxm = Organisation.objects.get(ods_code="RXM")
        found = exceptions_for(rxm, today)
        self.assertEqual(len(found.overdue_milestones), 2)
        self.assertEqual(len(found.missing_updates), 1)
        latest = ProgressUpdate.objects.filter(organisation=rxm).latest("period")
        self.assertEqual(latest.period, datetime.date(2031, 1, 1))
        self.assertFalse(Milestone.objects.filter(completed_on__gte=today).exists())

    def test_moving_by_months_keeps_the_day_within_the_month(self) -> None:
        self.assertEqual(move_months(datetime.date(2025, 5, 31), 1), datetime.date(2025, 6, 30))
        self.assertEqual(move_months(datetime.date(2025, 10, 1), 15), datetime.date(2027, 1, 1))
        self.assertEqual(move_months(datetime.date(2025, 3, 31), -1), datetime.date(2025, 2, 28))
