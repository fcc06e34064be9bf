from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.audit.models import AuditEntry
from lodestar.core import services
from lodestar.core.models import Organisation
from lodestar.core.testing import PersonaTestCase
from lodestar.strategy import alignment
from lodestar.strategy.models import AlignmentLink, Element, Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy
from lodestar.strategy.tests.test_check import make_icb

CONTRIBUTES = AlignmentLink.Relationship.CONTRIBUTES_TO


class AlignmentTestCase(PersonaTestCase):
    """RXM's strategy, its ICB's approved plan, and a trust elsewhere with a plan of its own."""

    icb: Organisation
    icb_plan: Strategy
    prevention: Element
    inequalities: Element
    strategy: Strategy
    care: Element
    people: Element
    elsewhere: Strategy
    elsewhere_priority: Element

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.icb = make_icb(cls.org)
        cls.icb_plan = make_strategy(
            cls.icb, title="Joint forward plan", status=Strategy.Status.APPROVED
        )
        cls.prevention = make_element(cls.icb_plan, "Guiding policy", title="Prevention")
        cls.inequalities = make_element(cls.icb_plan, "Guiding policy", title="Inequalities")
        cls.strategy = make_strategy(cls.org)
        cls.care = make_element(cls.strategy, title="Great care")
        cls.people = make_element(cls.strategy, title="Great place to work")
        cls.elsewhere = make_strategy(
            cls.other_org, title="Nottinghamshire plan", status=Strategy.Status.APPROVED
        )
        cls.elsewhere_priority = make_element(cls.elsewhere, title="Forensic services")


class LinkingTests(AlignmentTestCase):
    def test_an_executive_links_an_element_to_the_icbs_priority_with_an_audit_entry(self) -> None:
        link = alignment.link_elements(
            self.executive, self.care, self.prevention, CONTRIBUTES, "  Through early help.  "
        )
        self.assertEqual(link.organisation, self.org)
        self.assertEqual(link.note, "Through early help.")
        entry = AuditEntry.objects.for_record("strategy.alignmentlink", link.uuid).get()
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.actor, self.executive)

    def test_any_organisations_approved_strategy_may_be_linked_to(self) -> None:
        link = alignment.link_elements(
            self.governance, self.care, self.elsewhere_priority, AlignmentLink.Relationship.PARTLY
        )
        self.assertEqual(link.partner_element, self.elsewhere_priority)

    def test_linking_to_a_draft_partner_strategy_is_refused_and_nothing_changes(self) -> None:
        draft = make_strategy(self.icb, title="Next plan", start_year=2026, end_year=2030)
        draft_policy = make_element(draft, "Guiding policy", title="Draft policy")
        before = (AlignmentLink.objects.count(), AuditEntry.objects.count())
        with self.assertRaises(ValidationError) as caught:
            alignment.link_elements(self.executive, self.care, draft_policy, CONTRIBUTES)
        self.assertIn("approved strategy", caught.exception.message_dict["partner_element"][0])
        self.assertEqual((AlignmentLink.objects.count(), AuditEntry.objects.count()), before)

    def test_a_joint_strategy_we_own_may_be_linked_to_before_it_is_approved(self) -> None:
        joint = make_strategy(
            self.icb, title="Integrated care strategy", kind=Strategy.Kind.INTEGRATED_CARE
        )
        joint.joint_owners.add(self.org)
        shared_aim = make_element(joint, "Aim", title="Start well")
        link = alignment.link_elements(self.executive, self.care, shared_aim, CONTRIBUTES)
        self.assertEqual(link.partner_element, shared_aim)

    def test_an_element_cannot_be_aligned_with_our_own_strategy(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            alignment.link_elements(self.executive, self.care, self.people, CONTRIBUTES)
        self.assertIn("partner_element", caught.exception.message_dict)

    def test_the_same_pair_cannot_be_linked_twice(self) -> None:
        alignment.link_elements(self.executive, self.care, self.prevention, CONTRIBUTES)
        with self.assertRaises(ValidationError) as caught:
            alignment.link_elements(self.executive, self.care, self.prevention, CONTRIBUTES)
        self.assertIn("already linked", caught.exception.message_dict["partner_element"][0])

    def test_an_unknown_relationship_and_an_overlong_note_are_each_named(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            alignment.link_elements(self.executive, self.care, self.prevention, "loves", "x" * 501)
        self.assertEqual(set(caught.exception.message_dict), {"relationship", "note"})
        self.assertFalse(AlignmentLink.objects.exists())

    def test_a_superseded_strategy_is_closed_to_new_links(self) -> None:
        Strategy.objects.filter(pk=self.strategy.pk).update(status=Strategy.Status.SUPERSEDED)
        self.care.refresh_from_db()
        with self.assertRaises(ValidationError):
            alignment.link_elements(self.executive, self.care, self.prevention, CONTRIBUTES)

    def test_staff_and_outsiders_may_not_link(self) -> None:
        for user in (self.staff, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                alignment.link_elements(user, self.care, self.prevention, CONTRIBUTES)
        self.assertFalse(AlignmentLink.objects.exists())

    def test_removing_a_link_is_audited(self) -> None:
        link = alignment.link_elements(self.executive, self.care, self.prevention, CONTRIBUTES)
        alignment.unlink(self.executive, link, "Merged into another priority")
        self.assertFalse(AlignmentLink.objects.exists())
        entry = AuditEntry.objects.for_record("strategy.alignmentlink", link.uuid).first()
        assert entry is not None
        self.assertEqual(entry.action, AuditEntry.Action.DELETE)
        self.assertEqual(entry.reason, "Merged into another priority")

    def test_staff_may_not_remove_a_link(self) -> None:
        link = alignment.link_elements(self.executive, self.care, self.prevention, CONTRIBUTES)
        with self.assertRaises(PermissionDenied):
            alignment.unlink(self.staff, link)
        self.assertTrue(AlignmentLink.objects.filter(pk=link.pk).exists())


class PartnerStrategyTests(AlignmentTestCase):
    def test_the_icb_comes_first_among_the_systems_strategies(self) -> None:
        neighbour = services.create_organisation(
            None,
            name="Chesterfield Royal Hospital",
            ods_code="RFS",
            kind=Organisation.Kind.NHS_FOUNDATION_TRUST,
            ics=self.org.ics,
        )
        # Alphabetically "Chesterfield" comes before "NHS Derby...": the ICB still leads.
        neighbours_plan = make_strategy(neighbour, status=Strategy.Status.APPROVED)
        system = list(alignment.system_partner_strategies(self.org))
        self.assertEqual(system, [self.icb_plan, neighbours_plan])

    def test_the_system_list_leaves_out_other_systems_and_the_wider_list_keeps_them(self) -> None:
        self.assertNotIn(self.elsewhere, alignment.system_partner_strategies(self.org))
        self.assertIn(self.elsewhere, alignment.partner_strategies(self.org))

    def test_our_own_strategies_and_partners_drafts_are_not_partners(self) -> None:
        draft = make_strategy(self.icb, title="Next plan", start_year=2026, end_year=2030)
        approved_own = make_strategy(self.org, status=Strategy.Status.APPROVED, start_year=2019)
        partners = set(alignment.partner_strategies(self.org))
        self.assertFalse({draft, approved_own, self.strategy} & partners)


class MatrixTests(AlignmentTestCase):
    def test_the_matrix_shows_gaps_both_ways(self) -> None:
        alignment.link_elements(self.executive, self.care, self.prevention, CONTRIBUTES)
        matrix = alignment.alignment_matrix(self.strategy, self.icb_plan)
        self.assertEqual(matrix.columns, [self.prevention, self.inequalities])
        self.assertEqual([row.element for row in matrix.rows], [self.care, self.people])
        self.assertEqual(
            [cell and cell.relationship for cell in matrix.rows[0].cells], [CONTRIBUTES, None]
        )
        self.assertEqual(matrix.own_gaps, [self.people])
        self.assertEqual(matrix.partner_gaps, [self.inequalities])

    def test_links_to_another_partners_strategy_do_not_fill_this_matrix(self) -> None:
        alignment.link_elements(self.executive, self.care, self.elsewhere_priority, CONTRIBUTES)
        matrix = alignment.alignment_matrix(self.strategy, self.icb_plan)
        self.assertEqual(matrix.own_gaps, [self.care, self.people])
        self.assertEqual(matrix.links, [])
