from __future__ import annotations

import datetime

from lodestar.accounts.models import User
from lodestar.core import services
from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import Role
from lodestar.core.testing import PersonaTestCase
from lodestar.delivery.models import Deliverable, Milestone
from lodestar.strategy.check import Gap, StrategyCheck, check_strategy
from lodestar.strategy.models import (
    AlignmentLink,
    Domain,
    Element,
    EngagementActivity,
    Strategy,
)
from lodestar.strategy.tests.builders import make_element, make_strategy

TODAY = datetime.date(2024, 6, 1)


def make_icb(ics_of: Organisation, ods_code: str = "QJ2") -> Organisation:
    return services.create_organisation(
        None,
        name="NHS Derby and Derbyshire Integrated Care Board",
        ods_code=ods_code,
        kind=Organisation.Kind.INTEGRATED_CARE_BOARD,
        ics=ics_of.ics,
    )


def make_deliverable(element: Element, executive: User, **kw: object) -> Deliverable:
    fields: dict[str, object] = {
        "title": f"Deliver {element.title}",
        "start_date": datetime.date(2023, 4, 1),
        "due_date": datetime.date(2025, 3, 31),
    }
    fields.update(kw)
    return Deliverable.objects.create(
        organisation=element.organisation,
        element=element,
        accountable_executive=executive,
        **fields,
    )


def make_engagement(strategy: Strategy, **kw: object) -> EngagementActivity:
    fields: dict[str, object] = {
        "held_on": datetime.date(2022, 1, 10),
        "title": "Strategy workshop",
        "method": "Workshop",
        "level": EngagementActivity.Level.CO_PRODUCE,
        "people_using_services": 12,
        "staff": 30,
        "partners": 5,
        "what_was_said": "Make care closer to home.",
    }
    fields.update(kw)
    return EngagementActivity.objects.create(
        organisation=strategy.organisation, strategy=strategy, **fields
    )


class StrategyCheckTests(PersonaTestCase):
    """A strategy that meets every rule, then each rule broken in turn."""

    icb: Organisation
    icb_plan: Strategy
    guiding_policy: Element
    strategy: Strategy
    elements: list[Element]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.icb = make_icb(cls.org)
        cls.icb_plan = make_strategy(
            cls.icb, title="Joint forward plan", status=Strategy.Status.APPROVED
        )
        cls.guiding_policy = make_element(
            cls.icb_plan, "Guiding policy", title="Prevention and tackling inequalities"
        )
        cls.strategy = make_strategy(cls.org)
        halves = [list(Domain)[:4], list(Domain)[4:]]
        cls.elements = [
            make_element(cls.strategy, title=title, domains=domains)
            for title, domains in zip(["Great care", "Great place to work"], halves, strict=True)
        ]
        for element in cls.elements:
            deliverable = make_deliverable(element, cls.executive)
            Milestone.objects.create(
                organisation=cls.org,
                deliverable=deliverable,
                title=f"First step of {element.title}",
                start_date=datetime.date(2023, 4, 1),
                due_date=datetime.date(2023, 9, 30),
                accountable_executive=cls.executive,
            )
            AlignmentLink.objects.create(
                organisation=cls.org,
                element=element,
                partner_element=cls.guiding_policy,
                relationship=AlignmentLink.Relationship.CONTRIBUTES_TO,
            )
        make_engagement(cls.strategy)

    def check(self) -> StrategyCheck:
        return check_strategy(self.strategy, TODAY)

    def assert_gap(self, result: StrategyCheck, problem: str, remedy: str) -> Gap:
        found = [g for g in result.gaps if problem in g.problem]
        self.assertTrue(found, f"No gap mentioning {problem!r} in {result.gaps}")
        self.assertIn(remedy, found[0].remedy)
        self.assertFalse(result.ok)
        return found[0]

    def test_a_strategy_that_meets_every_rule_has_no_gaps(self) -> None:
        result = self.check()
        self.assertEqual(result.gaps, [])
        self.assertTrue(result.ok)
        self.assertIn("The strategy addresses finances.", result.passed)
        self.assertIn(
            "12 people who use services took part in shaping the strategy.", result.passed
        )

    def test_a_strategy_with_nothing_on_finances_is_not_grounded(self) -> None:
        first = self.elements[0]
        first.domains = [Domain.QUALITY, Domain.IMPROVEMENT, Domain.OPERATIONAL]
        first.save()
        gap = self.assert_gap(self.check(), "addresses finances", "Tag the elements")
        self.assertIn("Grounded", gap.area)
        self.assertNotIn("The strategy addresses finances.", self.check().passed)

    def test_a_strategy_silent_on_it_and_estates_names_both_enablers(self) -> None:
        second = self.elements[1]
        second.domains = [Domain.WORKFORCE, Domain.PROCUREMENT]
        second.save()
        result = self.check()
        self.assert_gap(result, "addresses IT and digital", "add an element about IT")
        self.assert_gap(result, "addresses estates", "add an element about estates")
        self.assertEqual(len(result.gaps), 2)

    def test_a_deliverable_held_by_someone_who_left_the_executive_team_is_a_gap(self) -> None:
        Membership.objects.filter(user=self.executive, role=Role.EXECUTIVE_DIRECTOR).delete()
        result = self.check()
        gap = self.assert_gap(
            result, "Deliverable “Deliver Great care” is held by Erin Exec", "Name a current"
        )
        self.assertEqual(gap.area, "One accountable leader for each component")
        # Two deliverables and two milestones, each held by the same former executive.
        self.assertEqual(len([g for g in result.gaps if g.area == gap.area]), 4)

    def test_a_milestone_without_a_start_date_has_no_clear_timescale(self) -> None:
        Milestone.objects.filter(title="First step of Great care").update(start_date=None)
        self.assert_gap(
            self.check(), "Milestone “First step of Great care” has no start date", "start date"
        )

    def test_a_deliverable_due_before_it_starts_is_a_gap(self) -> None:
        Deliverable.objects.filter(element=self.elements[0]).update(
            due_date=datetime.date(2023, 1, 1)
        )
        self.assert_gap(
            self.check(),
            "is due on 1 January 2023, before it starts on 1 April 2023",
            "Correct its start or due date",
        )

    def test_an_element_without_deliverables_has_no_delivery_plan(self) -> None:
        make_element(self.strategy, title="Research", domains=[Domain.IMPROVEMENT])
        result = self.check()
        self.assert_gap(result, "“Research” has no deliverables", "Add at least one deliverable")
        self.assertNotIn("Every element of the strategy has a delivery plan.", result.passed)

    def test_an_empty_strategy_is_told_to_add_elements(self) -> None:
        empty = make_strategy(self.org, title="Blank", start_year=2026, end_year=2030)
        result = check_strategy(empty, TODAY)
        self.assertIn("has no strategic objectives", " ".join(g.problem for g in result.gaps))

    def test_a_strategy_made_without_people_who_use_services_is_a_gap(self) -> None:
        EngagementActivity.objects.update(people_using_services=0, carers=8)
        gap = self.assert_gap(
            self.check(), "recorded people who use services", "Record the engagement"
        )
        self.assertEqual(gap.area, "Produced with people who use services, staff and partners")

    def test_staff_and_partners_are_each_needed(self) -> None:
        EngagementActivity.objects.update(staff=0, partners=0)
        result = self.check()
        self.assert_gap(result, "recorded staff taking part", "with staff")
        self.assert_gap(result, "recorded system partners taking part", "with system partners")

    def test_consultation_alone_is_not_co_production(self) -> None:
        EngagementActivity.objects.update(level=EngagementActivity.Level.CONSULT)
        self.assert_gap(self.check(), "further than involving", "Co-design or co-produce")

    def test_a_strategy_with_no_engagement_at_all_has_every_co_production_gap(self) -> None:
        EngagementActivity.objects.all().delete()
        areas = [g.area for g in self.check().gaps]
        self.assertEqual(
            areas.count("Produced with people who use services, staff and partners"), 4
        )

    def test_an_element_linked_to_no_partner_priority_is_a_gap(self) -> None:
        AlignmentLink.objects.filter(element=self.elements[1]).delete()
        self.assert_gap(
            self.check(),
            "“Great place to work” is not linked to any partner's priority",
            "alignment page",
        )

    def test_links_only_to_other_partners_miss_the_icb(self) -> None:
        neighbour = services.create_organisation(
            None,
            name="Derby and Burton Hospitals",
            ods_code="RTG",
            kind=Organisation.Kind.NHS_FOUNDATION_TRUST,
            ics=self.org.ics,
        )
        their_plan = make_strategy(neighbour, status=Strategy.Status.APPROVED)
        AlignmentLink.objects.update(partner_element=make_element(their_plan))
        self.assert_gap(
            self.check(),
            "No element is linked to NHS Derby and Derbyshire Integrated Care Board's",
            "serve the ICB's priorities",
        )

    def test_an_icb_without_an_approved_strategy_is_a_gap(self) -> None:
        Strategy.objects.filter(pk=self.icb_plan.pk).update(status=Strategy.Status.DRAFT)
        self.assert_gap(self.check(), "has no approved strategy", "record its approved strategy")

    def test_a_system_without_an_icb_in_lodestar_is_a_gap(self) -> None:
        Organisation.objects.filter(pk=self.icb.pk).update(ics=self.other_org.ics)
        self.assert_gap(self.check(), "No integrated care board", "add the ICB")

    def test_the_icb_checking_its_own_strategy_is_not_asked_to_align_with_itself(self) -> None:
        result = check_strategy(self.icb_plan, TODAY)
        self.assertFalse([g for g in result.gaps if "integrated care board" in g.problem])
