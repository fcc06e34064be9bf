"""A strategy's values, elements and engagement activities through the API."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase
from lodestar.strategy.models import Element, EngagementActivity, Value
from lodestar.strategy.tests.builders import make_element, make_element_kind, make_strategy

FROZEN = "approved on 27 March 2019 and cannot be changed"


class ValueTests(Issue3ApiTestCase):
    def test_a_value_is_added_at_the_end_with_its_behaviours_cleaned(self) -> None:
        since = self.last_audit_id()
        body = {"name": "Kindness", "behaviours": [" We are kind ", "", "We help"]}
        response = self.call("POST", self.strategy_url("/values"), self.executive, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            (response.json()["order"], response.json()["behaviours"]),
            (1, ["We are kind", "We help"]),
        )
        self.assertEqual(self.audit_entries(since), [("create", "strategy.value")])

    def test_a_value_is_changed_moved_and_removed(self) -> None:
        second = Value.objects.create(
            organisation=self.org, strategy=self.strategy, name="Trust", order=1
        )
        value_url = self.strategy_url(f"/values/{second.uuid}")
        changed = self.call("PATCH", value_url, self.admin, {"description": "We keep our word."})
        self.assertEqual(changed.json()["description"], "We keep our word.")
        moved = self.call("POST", value_url + "/move", self.admin, {"direction": "up"}).json()
        self.assertEqual([v["name"] for v in moved], ["Trust", "Respect"])
        since = self.last_audit_id()
        response = self.call("DELETE", value_url + "?reason=Merged", self.admin)
        self.assertEqual(response.status_code, 204, response.content)
        self.assertFalse(Value.objects.filter(pk=second.pk).exists())
        self.assertEqual(self.audit_entries(since), [("delete", "strategy.value")])

    def test_behaviours_must_be_a_list_of_texts(self) -> None:
        before = self.state()
        for behaviours, says in [("We listen", "Give a list"), (["ok", 3], "Item 2 is not text")]:
            with self.subTest(behaviours=behaviours):
                body = {"name": "Kindness", "behaviours": behaviours}
                response = self.call("POST", self.strategy_url("/values"), self.admin, body)
                self.assert_error(response, 400, field="behaviours", says=says)
        self.assertEqual(self.state(), before)

    def test_a_value_of_another_strategy_is_not_found_here(self) -> None:
        theirs = Value.objects.create(organisation=self.org, strategy=self.approved, name="Old")
        before = self.state()
        response = self.call(
            "PATCH", self.strategy_url(f"/values/{theirs.uuid}"), self.admin, {"name": "New"}
        )
        self.assert_error(response, 404, says="no such value")
        self.assertEqual(self.state(), before)


class ElementTests(Issue3ApiTestCase):
    def new_element(self, **changes: object) -> dict[str, object]:
        body = {
            "kind": str(self.element.kind.uuid),
            "title": "Sustainable services",
            "statements": ["We will live within our means."],
            "outcomes": ["A balanced budget"],
            "domains": ["finance", "quality"],
            "executive_lead": str(self.executive.uuid),
        }
        return {**body, **changes}

    def test_an_element_is_added_with_its_lead_and_domains(self) -> None:
        since = self.last_audit_id()
        response = self.call(
            "POST", self.strategy_url("/elements"), self.admin, self.new_element()
        )
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(data["domains"], ["quality", "finance"])
        self.assertEqual(data["executive_lead"]["username"], "erin")
        self.assertEqual(data["order"], 2)
        self.assertEqual(self.audit_entries(since), [("create", "strategy.element")])

    def test_null_leaves_an_element_without_an_executive_lead(self) -> None:
        Element.objects.filter(pk=self.element.pk).update(executive_lead=self.executive)
        url = self.strategy_url(f"/elements/{self.element.uuid}")
        response = self.call("PATCH", url, self.admin, {"executive_lead": None})
        self.assertIsNone(response.json()["executive_lead"])
        self.element.refresh_from_db()
        self.assertIsNone(self.element.executive_lead)

    def test_bad_elements_are_refused_naming_the_field(self) -> None:
        theirs = make_element_kind(self.other_org, "Pledge")
        cases: list[tuple[dict[str, object], str, str]] = [
            ({"kind": str(theirs.uuid)}, "kind", "this organisation's kinds"),
            ({"executive_lead": str(self.analyst.uuid)}, "executive_lead", "not an executive"),
            ({"executive_lead": str(self.outsider.uuid)}, "executive_lead", "no member with this"),
            ({"domains": ["happiness"]}, "domains.0", "'quality'"),
            ({"domains": "quality"}, "domains", "Give a list"),
            ({"statements": ["x" * 1001]}, "statements", "longer than 1000"),
            ({"title": "x" * 301}, "title", "at most 300"),
        ]
        before = self.state()
        for changes, field, says in cases:
            with self.subTest(field=field, changes=changes):
                response = self.call(
                    "POST", self.strategy_url("/elements"), self.admin, self.new_element(**changes)
                )
                self.assert_error(response, 400, field=field, says=says)
        self.assertEqual(self.state(), before)

    def test_elements_move_within_their_kind(self) -> None:
        url = self.strategy_url(f"/elements/{self.second_element.uuid}/move")
        data = self.call("POST", url, self.admin, {"direction": "up"}).json()
        self.assertEqual(
            [e["title"] for e in data], ["A great place to work", "Great care, every time"]
        )
        response = self.call("POST", url, self.admin, {"direction": "sideways"})
        self.assert_error(response, 400, field="direction", says="'up' or 'down'")

    def test_an_element_with_a_delivery_plan_cannot_be_removed(self) -> None:
        before = self.state()
        response = self.call(
            "DELETE", self.strategy_url(f"/elements/{self.element.uuid}"), self.admin
        )
        self.assert_error(response, 409, says="has deliverables or objectives linked to it")
        self.assertEqual(self.state(), before)

    def test_removing_an_element_removes_its_alignment_too_with_both_audited(self) -> None:
        since = self.last_audit_id()
        url = self.strategy_url(f"/elements/{self.second_element.uuid}?reason=Merged")
        self.assertEqual(self.call("DELETE", url, self.admin).status_code, 204)
        self.assertEqual(
            self.audit_entries(since),
            [("delete", "strategy.alignmentlink"), ("delete", "strategy.element")],
        )


class EngagementTests(Issue3ApiTestCase):
    def new_activity(self, **changes: object) -> dict[str, object]:
        body = {
            "held_on": "2024-09-01",
            "title": "Carers' survey",
            "method": "Survey",
            "level": "consult",
            "carers": 40,
            "staff": 5,
            "what_was_said": "Tell us what is happening.",
            "what_changed": "Monthly carers' newsletter.",
            "elements": [str(self.element.uuid)],
        }
        return {**body, **changes}

    def test_you_said_we_did_is_recorded_with_the_elements_it_shaped(self) -> None:
        response = self.call(
            "POST", self.strategy_url("/engagement"), self.admin, self.new_activity()
        )
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual((data["participants"], data["elements"]), (45, [str(self.element.uuid)]))
        activity = EngagementActivity.objects.get(uuid=data["uuid"])
        self.assertEqual(list(activity.elements.all()), [self.element])

    def test_an_activity_is_changed_and_removed(self) -> None:
        url = self.strategy_url(f"/engagement/{self.activity.uuid}")
        body = {"what_changed": "Drop-in clinics.", "elements": [str(self.second_element.uuid)]}
        data = self.call("PATCH", url, self.admin, body).json()
        self.assertEqual(
            (data["what_changed"], data["elements"]),
            ("Drop-in clinics.", [str(self.second_element.uuid)]),
        )
        self.assertEqual(self.call("DELETE", url, self.admin).status_code, 204)
        self.assertFalse(EngagementActivity.objects.filter(pk=self.activity.pk).exists())

    def test_bad_activities_are_refused_naming_the_field(self) -> None:
        other = make_element(make_strategy(self.org, title="Another"), title="Elsewhere")
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        cases: list[tuple[dict[str, object], str, str]] = [
            ({"elements": [str(other.uuid)]}, "elements", "only elements of this strategy"),
            ({"held_on": tomorrow}, "held_on", "once it has happened"),
            ({"held_on": "2024-02-30"}, "held_on", "YYYY-MM-DD"),
            ({"carers": -1}, "carers", "at least 0"),
            ({"carers": 10**12}, "carers", "at most"),
            ({"level": "tokenism"}, "level", "'co_produce'"),
            ({"what_was_said": ""}, "what_was_said", "cannot be blank"),
        ]
        before = self.state()
        for changes, field, says in cases:
            with self.subTest(field=field, changes=changes):
                response = self.call(
                    "POST",
                    self.strategy_url("/engagement"),
                    self.admin,
                    self.new_activity(**changes),
                )
                self.assert_error(response, 400, field=field, says=says)
        self.assertEqual(self.state(), before)


class FrozenContentTests(Issue3ApiTestCase):
    def test_nothing_in_an_approved_strategy_can_be_changed(self) -> None:
        value = Value.objects.create(organisation=self.org, strategy=self.approved, name="Old")
        element = make_element(self.approved, title="Old element")
        kind = str(element.kind.uuid)
        calls = [
            ("POST", "/values", {"name": "New"}),
            ("PATCH", f"/values/{value.uuid}", {"name": "New"}),
            ("DELETE", f"/values/{value.uuid}", None),
            ("POST", f"/values/{value.uuid}/move", {"direction": "down"}),
            ("POST", "/elements", {"kind": kind, "title": "New"}),
            ("PATCH", f"/elements/{element.uuid}", {"title": "New"}),
            ("DELETE", f"/elements/{element.uuid}", None),
            ("POST", f"/elements/{element.uuid}/move", {"direction": "up"}),
            (
                "POST",
                "/engagement",
                {
                    "held_on": "2020-01-01",
                    "title": "x",
                    "method": "x",
                    "level": "inform",
                    "what_was_said": "x",
                },
            ),
        ]
        before = self.state()
        for method, suffix, body in calls:
            with self.subTest(method=method, suffix=suffix):
                url = self.strategy_url(suffix, self.approved)
                self.assert_error(self.call(method, url, self.admin, body), 409, says=FROZEN)
        self.assertEqual(self.state(), before)
