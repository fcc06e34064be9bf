from __future__ import annotations

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.delivery.models import Objective, Team
from lodestar.delivery.tests.test_objectives import GoldenThreadTestCase
from lodestar.strategy.tests.builders import make_strategy


class EditObjectiveTests(GoldenThreadTestCase):
    def edit(self, objective: Objective) -> str:
        return reverse("objectives:edit", args=[self.org.uuid, objective.uuid])

    def remove(self, objective: Objective) -> str:
        return reverse("objectives:remove", args=[self.org.uuid, objective.uuid])

    def test_the_owner_changes_their_objective(self) -> None:
        objective = self.personal()
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(self.edit(objective)), "Finish my appraisal")
        response = self.client.post(
            self.edit(objective), {"element": str(self.people.uuid), "title": "Coach two people"}
        )
        self.assertRedirects(response, reverse("objectives:my_part", args=[self.org.uuid]))
        objective.refresh_from_db()
        self.assertEqual((objective.title, objective.element), ("Coach two people", self.people))

    def test_someone_elses_personal_objective_cannot_be_edited(self) -> None:
        objective = self.personal()
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.edit(objective)).status_code, 404)
        response = self.client.post(
            self.edit(objective), {"element": str(self.care.uuid), "title": "Hijacked"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.post(self.remove(objective)).status_code, 404)
        objective.refresh_from_db()
        self.assertEqual(objective.title, "Finish my appraisal training")

    def test_bad_input_gets_field_errors_and_nothing_changes(self) -> None:
        objective = self.personal()
        before = AuditEntry.objects.count()
        self.client.force_login(self.staff)
        response = self.client.post(self.edit(objective), {"element": "", "title": "x" * 301})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"element", "title"})
        self.assertContains(response, "There is a problem", status_code=400)
        objective.refresh_from_db()
        self.assertEqual(objective.title, "Finish my appraisal training")
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_staff_may_not_edit_their_teams_objective(self) -> None:
        objective = self.team_objective()
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self.edit(objective)).status_code, 403)
        self.assertEqual(self.client.post(self.remove(objective)).status_code, 403)
        self.assertTrue(Objective.objects.filter(pk=objective.pk).exists())

    def test_an_executive_removes_a_team_objective(self) -> None:
        objective = self.team_objective()
        self.client.force_login(self.executive)
        response = self.client.post(self.remove(objective))
        self.assertRedirects(response, reverse("objectives:teams", args=[self.org.uuid]))
        self.assertFalse(Objective.objects.exists())

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        objective = self.personal()
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.edit(objective)).status_code, 404)
        self.assertEqual(self.client.post(self.remove(objective)).status_code, 404)
        self.assertTrue(Objective.objects.exists())


class TeamsPageTests(GoldenThreadTestCase):
    def url(self, name: str, *args: object) -> str:
        return reverse(f"objectives:{name}", args=[self.org.uuid, *args])

    def test_every_member_sees_the_teams_and_their_objectives(self) -> None:
        self.team_objective()
        self.client.force_login(self.staff)
        response = self.client.get(self.url("teams"))
        self.assertContains(response, "Community mental health")
        self.assertContains(response, "Sam Staff")
        self.assertContains(response, "Cut waiting times for first contact")
        self.assertNotContains(response, "Add a team")

    def test_an_executive_creates_a_team_adds_a_person_and_sets_an_objective(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url("create_team"), {"name": "Estates"})
        self.assertRedirects(response, self.url("teams"))
        estates = Team.objects.get(name="Estates")
        prefix = str(estates.uuid)
        self.client.post(
            self.url("add_member", estates.uuid), {f"{prefix}-person": str(self.analyst.uuid)}
        )
        self.assertEqual(list(estates.members.all()), [self.analyst])
        response = self.client.post(
            self.url("add_team_objective"),
            {"team": prefix, "element": str(self.people.uuid), "title": "Greener buildings"},
        )
        self.assertRedirects(response, self.url("teams"))
        self.assertEqual(Objective.objects.get().team, estates)

    def test_staff_can_add_their_own_objective_but_not_a_team_objective(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.post(
            self.url("add_team_objective"),
            {"team": str(self.team.uuid), "element": str(self.care.uuid), "title": "Ours"},
        )
        self.assertEqual(response.status_code, 403)
        response = self.client.post(
            self.url("add_my_objective"), {"element": str(self.care.uuid), "title": "Mine"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(Objective.objects.values_list("title", flat=True)), ["Mine"])

    def test_a_duplicate_team_name_gets_a_message_and_nothing_changes(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url("create_team"), {"name": "Community Mental Health"})
        self.assertContains(response, "There is already a team called", status_code=400)
        self.assertEqual(Team.objects.count(), 1)

    def test_someone_who_does_not_work_here_cannot_be_added(self) -> None:
        prefix = str(self.team.uuid)
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("add_member", self.team.uuid), {f"{prefix}-person": str(self.outsider.uuid)}
        )
        self.assertContains(response, "Choose someone who works here", status_code=400)
        self.assertEqual(list(self.team.members.all()), [self.staff])

    def test_a_team_objective_with_bad_input_names_each_field(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("add_team_objective"), {"team": "nobody", "element": "", "title": ""}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            set(response.context["objective_form"].errors), {"team", "element", "title"}
        )
        self.assertContains(response, "Choose one of our teams", status_code=400)
        self.assertFalse(Objective.objects.exists())

    def test_an_executive_removes_someone_from_a_team(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url("remove_member", self.team.uuid, self.staff.uuid))
        self.assertRedirects(response, self.url("teams"))
        self.assertFalse(self.team.members.exists())

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url("teams")).status_code, 404)
        self.assertEqual(
            self.client.post(self.url("create_team"), {"name": "Taken"}).status_code, 404
        )
        response = self.client.post(self.url("remove_member", self.team.uuid, self.staff.uuid))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(list(self.team.members.all()), [self.staff])


class ThreadPageTests(GoldenThreadTestCase):
    def page(self) -> str:
        return reverse("objectives:thread", args=[self.org.uuid, self.strategy.uuid])

    def test_every_member_sees_where_the_thread_is_thin(self) -> None:
        self.personal()
        self.team_objective()
        self.client.force_login(self.staff)
        response = self.client.get(self.page())
        self.assertContains(response, "1 of 2 elements has no team or personal objectives")
        self.assertContains(response, 'Great place to work <strong class="nhsuk-tag')
        self.assertNotContains(response, "Great care <strong")

    def test_another_trusts_strategy_is_not_found(self) -> None:
        theirs = make_strategy(self.other_org)
        self.client.force_login(self.admin)
        url = reverse("objectives:thread", args=[self.org.uuid, theirs.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.page()).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.page())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/sign-in/", response["Location"])
