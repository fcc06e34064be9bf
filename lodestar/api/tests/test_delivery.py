"""Delivery plans through the API: the plan with its roll-up, deliverables and milestones."""

from __future__ import annotations

from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.delivery.models import Deliverable, Milestone
from lodestar.delivery.tests.builders import make_deliverable
from lodestar.strategy.models import Strategy
from lodestar.strategy.tests.builders import make_committee, make_element


class PlanTests(Issue3ApiTestCase):
    def test_the_plan_runs_from_elements_to_milestones_with_progress_at_each_level(self) -> None:
        data = self.call("GET", self.strategy_url("/plan"), self.staff).json()
        self.assertEqual(data["progress"]["status"], "green")
        [first, second] = data["elements"]
        self.assertEqual(first["element"]["title"], "Great care, every time")
        self.assertEqual(first["progress"]["deliverables"], 2)
        self.assertEqual(second["deliverables"], [])
        reported = next(
            d for d in first["deliverables"] if d["uuid"] == str(self.deliverable.uuid)
        )
        self.assertEqual(reported["latest_update"]["status"], "green")
        self.assertEqual(reported["accountable_executive"]["username"], "erin")
        self.assertEqual(reported["committee"]["name"], "Quality Committee")
        self.assertEqual(
            [m["title"] for m in reported["milestones"]], ["New model live in two localities"]
        )
        self.assertEqual(reported["progress"]["milestones"], 1)

    def test_the_plan_of_another_organisations_strategy_is_not_found(self) -> None:
        url = self.strategy_url("/plan", self.partner_strategy)
        self.assert_error(self.call("GET", url, self.staff), 404, says="no such strategy")


class DeliverableTests(Issue3ApiTestCase):
    def new(self, **changes: object) -> dict[str, object]:
        body = {
            "title": "Crisis line",
            "kind": "programme",
            "start_date": "2025-04-01",
            "due_date": "2026-03-31",
            "accountable_executive": str(self.executive.uuid),
            "responsible_manager": str(self.analyst.uuid),
            "committee": str(self.quality.uuid),
        }
        return {**body, **changes}

    def test_a_deliverable_is_added_under_an_element_with_one_accountable_executive(self) -> None:
        since = self.last_audit_id()
        url = self.url(f"/elements/{self.second_element.uuid}/deliverables")
        response = self.call("POST", url, self.governance, self.new())
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(
            (data["kind"], data["element"]["title"]), ("programme", "A great place to work")
        )
        self.assertEqual(data["responsible_manager"]["username"], "anil")
        self.assertEqual(data["progress"]["status"], None)
        self.assertEqual(self.audit_entries(since), [("create", "delivery.deliverable")])

    def test_bad_deliverables_are_refused_naming_the_field(self) -> None:
        theirs = make_committee(self.other_org, "Their board")
        cases: list[tuple[dict[str, object], str, str]] = [
            (
                {"accountable_executive": str(self.analyst.uuid)},
                "accountable_executive",
                "not an executive director",
            ),
            (
                {"accountable_executive": str(self.outsider.uuid)},
                "accountable_executive",
                "Choose an executive director",
            ),
            ({"responsible_manager": str(self.outsider.uuid)}, "responsible_manager", "no member"),
            ({"committee": str(theirs.uuid)}, "committee", "own boards or committees"),
            ({"due_date": "2025-01-01"}, "due_date", "on or after the start date"),
            ({"kind": "epic"}, "kind", "'programme'"),
            ({"title": ""}, "title", "cannot be blank"),
        ]
        url = self.url(f"/elements/{self.element.uuid}/deliverables")
        before = self.state()
        for changes, field, says in cases:
            with self.subTest(field=field, changes=changes):
                response = self.call("POST", url, self.admin, self.new(**changes))
                self.assert_error(response, 400, field=field, says=says)
        response = self.call(
            "POST",
            url,
            self.admin,
            {k: v for k, v in self.new().items() if k != "accountable_executive"},
        )
        self.assert_error(response, 400, field="accountable_executive", says="required")
        self.assertEqual(self.state(), before)

    def test_fields_sent_are_changed_and_null_clears_the_committee(self) -> None:
        url = self.url(f"/deliverables/{self.deliverable.uuid}")
        response = self.call("PATCH", url, self.admin, {"committee": None, "reason": "Moved"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIsNone(response.json()["committee"])
        self.deliverable.refresh_from_db()
        self.assertIsNone(self.deliverable.committee)
        self.assertEqual(self.deliverable.title, "Community mental health transformation")
        self.assertEqual(AuditEntry.objects.order_by("-pk")[0].reason, "Moved")

    def test_the_accountable_executive_cannot_be_taken_away(self) -> None:
        url = self.url(f"/deliverables/{self.deliverable.uuid}")
        response = self.call("PATCH", url, self.admin, {"accountable_executive": None})
        self.assert_error(response, 400, field="accountable_executive", says="null is not allowed")

    def test_planning_rights_alone_cannot_mark_a_deliverable_complete(self) -> None:
        # As on the pages: a deliverable is finished by reporting it blue.
        url = self.url(f"/deliverables/{self.deliverable.uuid}")
        response = self.call("PATCH", url, self.governance, {"completed_on": "2025-06-01"})
        self.assert_error(response, 400, field="completed_on", says="not a field we accept")

    def test_a_deliverable_with_updates_is_kept_and_one_without_is_deleted(self) -> None:
        before = self.state()
        kept = self.call("DELETE", self.url(f"/deliverables/{self.deliverable.uuid}"), self.admin)
        self.assert_error(kept, 409, says="has 1 progress update")
        self.assertEqual(self.state(), before)
        Milestone.objects.create(
            organisation=self.org,
            deliverable=self.spare_deliverable,
            title="Wards reviewed",
            due_date=self.spare_deliverable.due_date,
            accountable_executive=self.executive,
        )
        since = self.last_audit_id()
        gone = self.call(
            "DELETE", self.url(f"/deliverables/{self.spare_deliverable.uuid}"), self.admin
        )
        self.assertEqual(gone.status_code, 204)
        self.assertFalse(Deliverable.objects.filter(pk=self.spare_deliverable.pk).exists())
        self.assertEqual(
            self.audit_entries(since),
            [("delete", "delivery.milestone"), ("delete", "delivery.deliverable")],
        )

    def test_the_plan_of_a_superseded_strategy_cannot_change(self) -> None:
        Strategy.objects.filter(pk=self.approved.pk).update(status=Strategy.Status.SUPERSEDED)
        old = make_deliverable(make_element(self.approved, title="Old"), self.executive)
        before = self.state()
        for method, url, body in [
            ("PATCH", self.url(f"/deliverables/{old.uuid}"), {"title": "New"}),
            ("DELETE", self.url(f"/deliverables/{old.uuid}"), None),
            (
                "POST",
                self.url(f"/deliverables/{old.uuid}/milestones"),
                {
                    "title": "M",
                    "due_date": "2025-01-01",
                    "accountable_executive": str(self.executive.uuid),
                },
            ),
        ]:
            with self.subTest(method=method, url=url):
                self.assert_error(self.call(method, url, self.admin, body), 409, says="superseded")
        self.assertEqual(self.state(), before)

    def test_an_element_or_deliverable_of_another_organisation_is_not_found(self) -> None:
        theirs = make_deliverable(self.partner_element, self.executive)
        before = self.state()
        for method, url in [
            ("POST", self.url(f"/elements/{self.partner_element.uuid}/deliverables")),
            ("PATCH", self.url(f"/deliverables/{theirs.uuid}")),
            ("GET", self.url(f"/deliverables/{theirs.uuid}")),
        ]:
            with self.subTest(method=method, url=url):
                response = self.call(
                    method, url, self.admin, None if method == "GET" else self.new()
                )
                self.assert_error(response, 404, says="no such")
        self.assertEqual(self.state(), before)


class MilestoneTests(Issue3ApiTestCase):
    def test_a_milestone_is_added_changed_and_deleted(self) -> None:
        body = {
            "title": "Go live",
            "start_date": "2025-04-01",
            "due_date": "2025-09-30",
            "accountable_executive": str(self.executive.uuid),
        }
        url = self.url(f"/deliverables/{self.deliverable.uuid}/milestones")
        created = self.call("POST", url, self.governance, body)
        self.assertEqual(created.status_code, 201, created.content)
        milestone_url = self.url(f"/milestones/{created.json()['uuid']}")
        changed = self.call("PATCH", milestone_url, self.governance, {"due_date": "2025-10-31"})
        self.assertEqual(changed.json()["due_date"], "2025-10-31")
        self.assertEqual(self.call("GET", milestone_url, self.staff).json()["title"], "Go live")
        self.assertEqual(self.call("DELETE", milestone_url, self.governance).status_code, 204)
        self.assertFalse(Milestone.objects.filter(uuid=created.json()["uuid"]).exists())

    def test_a_milestone_due_before_it_starts_is_refused_and_nothing_changes(self) -> None:
        url = self.url(f"/milestones/{self.milestone.uuid}")
        before = self.state()
        response = self.call(
            "PATCH", url, self.admin, {"start_date": "2025-07-01", "due_date": "2025-06-30"}
        )
        self.assert_error(response, 400, field="due_date", says="on or after the start date")
        self.assertEqual(self.state(), before)

    def test_a_change_with_no_fields_is_refused(self) -> None:
        url = self.url(f"/milestones/{self.milestone.uuid}")
        self.assert_error(self.call("PATCH", url, self.admin, {}), 400, says="Send at least one")
