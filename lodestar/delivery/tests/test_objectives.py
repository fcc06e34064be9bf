from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.delivery import objectives
from lodestar.delivery.models import Objective, Team
from lodestar.strategy.models import Element, Strategy, Value
from lodestar.strategy.tests.builders import make_element, make_strategy


class GoldenThreadTestCase(PersonaTestCase):
    """RXM's approved strategy with two elements and a team that Sam belongs to."""

    strategy: Strategy
    care: Element
    people: Element
    team: Team

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.strategy = make_strategy(
            cls.org,
            status=Strategy.Status.APPROVED,
            vision="Improving mental health, learning disability and autism care.",
        )
        Value.objects.create(
            organisation=cls.org,
            strategy=cls.strategy,
            name="We are people first",
            behaviours=["We listen"],
        )
        cls.care = make_element(cls.strategy, title="Great care")
        cls.people = make_element(cls.strategy, title="Great place to work")
        cls.team = Team.objects.create(organisation=cls.org, name="Community mental health")
        cls.team.members.add(cls.staff)

    def personal(self, owner: User | None = None, **kw: object) -> Objective:
        fields: dict[str, object] = {"title": "Finish my appraisal training"}
        fields.update(kw)
        return Objective.objects.create(
            organisation=self.org, element=self.care, owner=owner or self.staff, **fields
        )

    def team_objective(self, **kw: object) -> Objective:
        fields: dict[str, object] = {"title": "Cut waiting times for first contact"}
        fields.update(kw)
        return Objective.objects.create(
            organisation=self.org, element=self.care, team=self.team, **fields
        )


class PersonalObjectiveTests(GoldenThreadTestCase):
    def test_staff_set_an_objective_for_themselves_with_an_audit_entry(self) -> None:
        objective = objectives.add_personal_objective(
            self.staff,
            self.care,
            title="  Run a listening event  ",
            due_date=datetime.date(2025, 3, 31),
        )
        self.assertEqual((objective.owner, objective.team), (self.staff, None))
        self.assertEqual(objective.title, "Run a listening event")
        entry = AuditEntry.objects.for_record("delivery.objective", objective.uuid).get()
        self.assertEqual(entry.actor, self.staff)

    def test_an_outsider_cannot_set_objectives_against_our_strategy(self) -> None:
        with self.assertRaises(PermissionDenied):
            objectives.add_personal_objective(self.outsider, self.care, title="Mine now")
        self.assertFalse(Objective.objects.exists())

    def test_an_element_of_another_trust_cannot_be_chosen(self) -> None:
        theirs = make_element(make_strategy(self.other_org), title="Their aim")
        with self.assertRaises(PermissionDenied):
            objectives.add_personal_objective(self.staff, theirs, title="Serve them")
        self.assertFalse(Objective.objects.exists())

    def test_an_element_of_a_superseded_strategy_is_refused(self) -> None:
        old = make_strategy(
            self.org, status=Strategy.Status.SUPERSEDED, start_year=2018, end_year=2021
        )
        old_element = make_element(old, title="Old aim")
        with self.assertRaises(ValidationError) as caught:
            objectives.add_personal_objective(self.staff, old_element, title="Too late")
        self.assertIn("element", caught.exception.message_dict)

    def test_a_blank_title_is_refused_and_nothing_is_saved(self) -> None:
        before = AuditEntry.objects.count()
        with self.assertRaises(ValidationError) as caught:
            objectives.add_personal_objective(self.staff, self.care, title="   ")
        self.assertIn("title", caught.exception.message_dict)
        self.assertEqual((Objective.objects.count(), AuditEntry.objects.count()), (0, before))

    def test_the_owner_changes_their_objective_and_the_change_is_audited(self) -> None:
        objective = self.personal()
        objectives.change_objective(self.staff, objective, title="New title", element=self.people)
        objective.refresh_from_db()
        self.assertEqual((objective.title, objective.element), ("New title", self.people))
        entry = AuditEntry.objects.for_record("delivery.objective", objective.uuid).get()
        self.assertEqual(entry.changes["title"], ["Finish my appraisal training", "New title"])

    def test_nobody_else_may_change_or_remove_a_personal_objective(self) -> None:
        objective = self.personal()
        for user in (self.admin, self.executive, self.outsider):
            with self.subTest(user=user.username):
                with self.assertRaises(PermissionDenied):
                    objectives.change_objective(user, objective, title="Hijacked")
                with self.assertRaises(PermissionDenied):
                    objectives.remove_objective(user, objective)
        objective.refresh_from_db()
        self.assertEqual(objective.title, "Finish my appraisal training")

    def test_the_owner_removes_their_objective(self) -> None:
        objective = self.personal()
        objectives.remove_objective(self.staff, objective)
        self.assertFalse(Objective.objects.exists())

    def test_the_owner_and_team_of_an_objective_cannot_be_changed(self) -> None:
        objective = self.personal()
        with self.assertRaises(ValueError):
            objectives.change_objective(self.staff, objective, owner=self.admin)


class TeamObjectiveTests(GoldenThreadTestCase):
    def test_an_executive_sets_a_team_objective(self) -> None:
        objective = objectives.add_team_objective(
            self.executive, self.team, self.people, title="Every team has a wellbeing lead"
        )
        self.assertEqual((objective.team, objective.owner), (self.team, None))
        self.assertTrue(AuditEntry.objects.for_record("delivery.objective", objective.uuid))

    def test_staff_may_not_set_a_team_objective_even_for_their_own_team(self) -> None:
        with self.assertRaises(PermissionDenied):
            objectives.add_team_objective(self.staff, self.team, self.care, title="Ours")
        self.assertFalse(Objective.objects.exists())

    def test_staff_may_not_change_their_teams_objective(self) -> None:
        objective = self.team_objective()
        with self.assertRaises(PermissionDenied):
            objectives.change_objective(self.staff, objective, title="Changed")

    def test_an_executive_changes_and_removes_a_team_objective(self) -> None:
        objective = self.team_objective()
        objectives.change_objective(self.executive, objective, title="Faster first contact")
        objective.refresh_from_db()
        self.assertEqual(objective.title, "Faster first contact")
        objectives.remove_objective(self.executive, objective)
        self.assertFalse(Objective.objects.exists())


class TeamTests(GoldenThreadTestCase):
    def test_an_executive_creates_a_team_and_adds_people_with_audit_entries(self) -> None:
        team = objectives.create_team(self.executive, self.org, "  Estates  ")
        objectives.add_team_member(self.executive, team, self.analyst)
        self.assertEqual(team.name, "Estates")
        self.assertEqual(list(team.members.all()), [self.analyst])
        entries = AuditEntry.objects.for_record("delivery.team", team.uuid)
        self.assertEqual(entries.count(), 2)
        change = entries.first()
        assert change is not None
        self.assertEqual(change.changes["members"][0], [])
        self.assertIn("Anil Analyst", change.changes["members"][1][0])

    def test_a_team_name_is_used_once_ignoring_case(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            objectives.create_team(self.executive, self.org, "community MENTAL health")
        self.assertIn("already a team", caught.exception.message_dict["name"][0])
        self.assertEqual(Team.objects.count(), 1)

    def test_someone_from_another_trust_cannot_join_our_team(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            objectives.add_team_member(self.executive, self.team, self.outsider)
        self.assertIn("is not a member of", caught.exception.message_dict["person"][0])
        self.assertNotIn(self.outsider, self.team.members.all())

    def test_nobody_is_added_twice(self) -> None:
        with self.assertRaises(ValidationError):
            objectives.add_team_member(self.executive, self.team, self.staff)

    def test_staff_and_governance_may_not_manage_teams(self) -> None:
        for user in (self.staff, self.governance):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                objectives.create_team(user, self.org, "Shadow team")
        with self.assertRaises(PermissionDenied):
            objectives.add_team_member(self.staff, self.team, self.analyst)
        self.assertEqual(Team.objects.count(), 1)

    def test_a_member_is_removed_from_a_team(self) -> None:
        objectives.remove_team_member(self.executive, self.team, self.staff)
        self.assertFalse(self.team.members.exists())
        entry = AuditEntry.objects.for_record("delivery.team", self.team.uuid).get()
        self.assertEqual(entry.changes["members"][1], [])


class ThreadCountTests(GoldenThreadTestCase):
    def test_counts_per_element_show_where_the_thread_is_thin(self) -> None:
        self.personal()
        self.personal(owner=self.analyst)
        self.team_objective()
        counts = objectives.thread_counts(self.strategy)
        self.assertEqual(
            [(c.element, c.team, c.personal, c.is_thin) for c in counts],
            [(self.care, 1, 2, False), (self.people, 0, 0, True)],
        )
