"""The golden thread through the API: my part, personal and team objectives, teams."""

from __future__ import annotations

from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase
from lodestar.delivery.models import Objective, Team
from lodestar.strategy.models import Strategy, Value
from lodestar.strategy.tests.builders import make_element


class MyPartTests(Issue3ApiTestCase):
    def test_my_part_shows_the_strategy_in_force_my_objectives_and_my_teams(self) -> None:
        Value.objects.create(organisation=self.org, strategy=self.approved, name="Compassion")
        mine = Objective.objects.create(
            organisation=self.org, element=self.element, owner=self.staff, title="Learn CBT"
        )
        data = self.call("GET", self.url("/my-objectives"), self.staff).json()
        self.assertEqual(data["strategy"]["title"], "Our earlier strategy")
        self.assertEqual([v["name"] for v in data["strategy"]["values"]], ["Compassion"])
        self.assertEqual([o["uuid"] for o in data["objectives"]], [str(mine.uuid)])
        self.assertEqual(data["objectives"][0]["element"]["title"], "Great care, every time")
        self.assertEqual(data["objectives"][0]["strategy"]["title"], "Our strategy")
        self.assertEqual([t["name"] for t in data["teams"]], ["Community team"])
        self.assertEqual([o["title"] for o in data["team_objectives"]], ["Cut waits"])

    def test_with_no_approved_strategy_there_is_no_strategy_in_force(self) -> None:
        Strategy.objects.filter(pk=self.approved.pk).update(status=Strategy.Status.DRAFT)
        self.assertIsNone(
            self.call("GET", self.url("/my-objectives"), self.staff).json()["strategy"]
        )


class PersonalObjectiveTests(Issue3ApiTestCase):
    def test_any_member_sets_an_objective_for_themselves(self) -> None:
        since = self.last_audit_id()
        body = {"element": str(self.element.uuid), "title": "Learn CBT", "due_date": "2026-03-31"}
        response = self.call("POST", self.url("/my-objectives"), self.staff, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["owner"]["username"], "sam")
        self.assertEqual(self.audit_entries(since), [("create", "delivery.objective")])

    def test_an_objective_must_hang_from_one_of_our_current_strategies(self) -> None:
        Strategy.objects.filter(pk=self.approved.pk).update(status=Strategy.Status.SUPERSEDED)
        superseded = make_element(self.approved, title="Old")
        before = self.state()
        for element in (superseded, self.partner_element):
            with self.subTest(element=element.title):
                body = {"element": str(element.uuid), "title": "Learn CBT"}
                response = self.call("POST", self.url("/my-objectives"), self.staff, body)
                self.assert_error(response, 400, field="element", says="one of our strategies")
        self.assertEqual(self.state(), before)

    def test_my_objective_is_changed_and_its_due_date_cleared_with_null(self) -> None:
        url = self.url(f"/objectives/{self.my_objective.uuid}")
        body = {
            "title": "Lead the annual review",
            "due_date": None,
            "element": str(self.second_element.uuid),
        }
        data = self.call("PATCH", url, self.admin, body).json()
        self.assertEqual((data["title"], data["due_date"]), ("Lead the annual review", None))
        self.assertEqual(data["element"]["title"], "A great place to work")

    def test_someone_elses_personal_objective_is_not_found(self) -> None:
        before = self.state()
        url = self.url(f"/objectives/{self.my_objective.uuid}")
        self.assert_error(self.call("PATCH", url, self.staff, {"title": "Mine now"}), 404)
        self.assert_error(self.call("DELETE", url, self.staff), 404)
        self.assertEqual(self.state(), before)

    def test_my_objective_is_removed_with_the_reason_audited(self) -> None:
        since = self.last_audit_id()
        url = self.url(f"/objectives/{self.my_objective.uuid}?reason=Done")
        self.assertEqual(self.call("DELETE", url, self.admin).status_code, 204)
        self.assertEqual(self.audit_entries(since), [("delete", "delivery.objective")])


class TeamTests(Issue3ApiTestCase):
    def test_every_member_sees_the_teams_their_people_and_objectives(self) -> None:
        [team] = self.call("GET", self.url("/teams"), self.staff).json()
        self.assertEqual([m["username"] for m in team["members"]], ["sam"])
        self.assertEqual([o["title"] for o in team["objectives"]], ["Cut waits"])

    def test_a_manager_of_team_objectives_runs_a_team(self) -> None:
        created = self.call("POST", self.url("/teams"), self.executive, {"name": "Estates team"})
        self.assertEqual(created.status_code, 201, created.content)
        team_url = self.url(f"/teams/{created.json()['uuid']}")
        added = self.call(
            "POST", team_url + "/members", self.executive, {"person": str(self.analyst.uuid)}
        )
        self.assertEqual([m["username"] for m in added.json()["members"]], ["anil"])
        body = {"element": str(self.second_element.uuid), "title": "Fix the roof"}
        objective = self.call("POST", team_url + "/objectives", self.executive, body)
        self.assertEqual(objective.json()["team"]["name"], "Estates team")
        removed = self.call("DELETE", team_url + f"/members/{self.analyst.uuid}", self.executive)
        self.assertEqual(removed.json()["members"], [])

    def test_a_team_name_in_use_and_a_member_already_in_are_conflicts(self) -> None:
        before = self.state()
        same = self.call("POST", self.url("/teams"), self.admin, {"name": "community TEAM"})
        self.assert_error(same, 409, field="name", says="already a team called")
        again = self.call(
            "POST",
            self.url(f"/teams/{self.team.uuid}/members"),
            self.admin,
            {"person": str(self.staff.uuid)},
        )
        self.assert_error(again, 409, field="person", says="already in Community team")
        self.assertEqual(self.state(), before)

    def test_only_people_who_work_here_join_a_team(self) -> None:
        before = self.state()
        url = self.url(f"/teams/{self.team.uuid}/members")
        response = self.call("POST", url, self.admin, {"person": str(self.outsider.uuid)})
        self.assert_error(response, 400, field="person", says="someone who works here")
        self.assertEqual(self.state(), before)

    def test_a_team_objective_needs_the_capability_to_change(self) -> None:
        before = self.state()
        url = self.url(f"/objectives/{self.team_objective.uuid}")
        response = self.call("PATCH", url, self.staff, {"title": "Cut waits to a week"})
        self.assert_error(response, 403, says="manage team objectives")
        self.assertEqual(self.state(), before)
        changed = self.call("PATCH", url, self.executive, {"title": "Cut waits to a week"})
        self.assertEqual(changed.json()["title"], "Cut waits to a week")

    def test_another_organisations_team_is_not_found_here(self) -> None:
        theirs = Team.objects.create(organisation=self.other_org, name="Their team")
        url = self.url(f"/teams/{theirs.uuid}/members")
        response = self.call("POST", url, self.admin, {"person": str(self.staff.uuid)})
        self.assert_error(response, 404, says="no such team")


class ThreadTests(Issue3ApiTestCase):
    def test_thread_counts_show_where_the_thread_is_thin(self) -> None:
        data = self.call("GET", self.strategy_url("/thread"), self.staff).json()
        self.assertEqual(
            [(t["element"]["title"], t["team"], t["personal"], t["thin"]) for t in data],
            [("Great care, every time", 1, 1, False), ("A great place to work", 0, 0, True)],
        )
