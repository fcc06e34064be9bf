"""Strategies through the API: authoring, approval, versions, comparison and the check."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from unittest import mock

from django.utils import timezone

from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Organisation
from lodestar.strategy.models import ElementKind, Strategy
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from lodestar.accounts.models import User

FROZEN = "This strategy was approved on 27 March 2019 and cannot be changed."


class CreateStrategyTests(Issue3ApiTestCase):
    def new(self, **changes: object) -> dict[str, object]:
        body = {
            "title": "Our strategy 2026 to 2031",
            "kind": "organisational",
            "start_year": 2026,
            "end_year": 2031,
            "vision": "Outstanding care, every time.",
            "reason": "Board away day",
        }
        return {**body, **changes}

    def test_an_executive_creates_a_draft_and_the_creation_is_audited(self) -> None:
        since = self.last_audit_id()
        response = self.call("POST", self.url("/strategies"), self.executive, self.new())
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual((data["status"], data["version"], data["frozen"]), ("draft", 1, False))
        self.assertEqual(data["period"], "2026 to 2031")
        created = Strategy.objects.get(uuid=data["uuid"])
        self.assertEqual(created.organisation, self.org)
        self.assertEqual(self.audit_entries(since), [("create", "strategy.strategy")])
        self.assertEqual(AuditEntry.objects.get(pk__gt=since).reason, "Board away day")

    def test_a_period_that_ends_before_it_starts_is_refused_and_nothing_changes(self) -> None:
        before = self.state()
        response = self.call("POST", self.url("/strategies"), self.admin, self.new(end_year=2025))
        self.assert_error(response, 400, field="end_year", says="must end after it starts")
        self.assertEqual(self.state(), before)

    def test_each_bad_field_is_named(self) -> None:
        cases: list[tuple[dict[str, object], str, str]] = [
            ({"start_year": 1066}, "start_year", "at least 1990"),
            ({"kind": "masterplan"}, "kind", "'organisational'"),
            ({"vision": "  "}, "vision", "cannot be blank"),
            ({"illustrative": "yes"}, "illustrative", "Give true or false."),
            ({"source_url": "not a web address"}, "source_url", "valid URL"),
            ({"title": None}, "title", "null is not allowed"),
        ]
        before = self.state()
        for changes, field, says in cases:
            with self.subTest(field=field):
                response = self.call(
                    "POST", self.url("/strategies"), self.admin, self.new(**changes)
                )
                self.assert_error(response, 400, field=field, says=says)
        self.assertEqual(self.state(), before)


class ReadStrategyTests(Issue3ApiTestCase):
    def test_the_list_holds_our_strategies_and_joint_ones_but_no_one_elses(self) -> None:
        joint = make_strategy(self.other_org, title="Joint integrated care strategy")
        joint.joint_owners.add(self.org)
        make_strategy(self.other_org, title="Their own strategy")
        titles = [s["title"] for s in self.call("GET", self.url("/strategies"), self.staff).json()]
        self.assertEqual(
            sorted(titles),
            ["Joint integrated care strategy", "Our earlier strategy", "Our strategy"],
        )

    def test_a_strategy_comes_with_its_values_elements_and_engagement(self) -> None:
        data = self.call("GET", self.strategy_url(), self.staff).json()
        self.assertEqual([v["name"] for v in data["values"]], ["Respect"])
        self.assertEqual(
            [e["title"] for e in data["elements"]],
            ["Great care, every time", "A great place to work"],
        )
        self.assertEqual(data["elements"][0]["kind"]["name"], "Strategic objective")
        [activity] = data["engagement"]
        self.assertEqual((activity["level"], activity["participants"]), ("co_design", 12))

    def test_another_organisations_strategy_is_not_found_here(self) -> None:
        for strategy in (self.partner_strategy, make_strategy(self.other_org)):
            with self.subTest(strategy=strategy.title):
                response = self.call("GET", self.strategy_url(strategy=strategy), self.admin)
                self.assert_error(response, 404, says="no such strategy")

    def test_a_joint_strategy_can_be_read_but_not_changed_by_a_joint_owner(self) -> None:
        joint = make_strategy(self.other_org, title="Joint integrated care strategy")
        joint.joint_owners.add(self.org)
        self.assertEqual(
            self.call("GET", self.strategy_url(strategy=joint), self.staff).status_code, 200
        )
        before = self.state()
        response = self.call(
            "PATCH", self.strategy_url(strategy=joint), self.admin, {"summary": "x"}
        )
        self.assert_error(response, 404, says="no such strategy")
        self.assertEqual(self.state(), before)


class UpdateStrategyTests(Issue3ApiTestCase):
    def test_fields_sent_are_changed_and_audited_and_the_rest_left_alone(self) -> None:
        since = self.last_audit_id()
        response = self.call(
            "PATCH",
            self.strategy_url(),
            self.governance,
            {"summary": "For all.", "reason": "Typo"},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.strategy.refresh_from_db()
        self.assertEqual(
            (self.strategy.summary, self.strategy.title), ("For all.", "Our strategy")
        )
        entry = AuditEntry.objects.get(pk__gt=since)
        self.assertEqual((entry.action, entry.reason), ("update", "Typo"))
        self.assertEqual(entry.changes["summary"], ["", "For all."])

    def test_a_change_with_no_fields_is_refused(self) -> None:
        response = self.call("PATCH", self.strategy_url(), self.admin, {"reason": "Nothing"})
        self.assert_error(response, 400, says="Send at least one field to change")

    def test_an_approved_strategy_is_frozen_and_says_so_with_a_conflict(self) -> None:
        before = self.state()
        url = self.strategy_url(strategy=self.approved)
        for method, suffix, body in [
            ("PATCH", "", {"vision": "Changed."}),
            # Frozen comes first, whatever the service would have found wrong with it.
            ("PATCH", "", {"end_year": 1999}),
            ("POST", "/status", {"status": "draft"}),
            (
                "POST",
                "/approve",
                {"approved_by": str(self.board.uuid), "approved_on": "2025-01-01"},
            ),
        ]:
            with self.subTest(method=method, suffix=suffix, body=body):
                response = self.call(method, url + suffix, self.admin, body)
                self.assert_error(response, 409, says=FROZEN)
        self.assertEqual(self.state(), before)


class StatusTests(Issue3ApiTestCase):
    def test_a_draft_goes_out_for_consultation_and_comes_back(self) -> None:
        url = self.strategy_url("/status")
        out = self.call("POST", url, self.executive, {"status": "consultation"})
        self.assertEqual(out.json()["status"], "consultation")
        back = self.call("POST", url, self.executive, {"status": "draft", "reason": "More work"})
        self.assertEqual(back.json()["status"], "draft")
        entry = AuditEntry.objects.in_organisation(self.org).first()
        self.assertEqual(entry.reason if entry else "", "More work")

    def test_a_move_from_the_wrong_status_is_a_conflict(self) -> None:
        before = self.state()
        response = self.call("POST", self.strategy_url("/status"), self.admin, {"status": "draft"})
        self.assert_error(response, 409, says="Only a strategy out for consultation")
        self.assertEqual(self.state(), before)

    def test_approval_is_not_a_status_that_can_be_set(self) -> None:
        response = self.call(
            "POST", self.strategy_url("/status"), self.admin, {"status": "approved"}
        )
        self.assert_error(response, 400, field="status", says="'consultation' or 'draft'")


class ApprovalTests(Issue3ApiTestCase):
    def approve(self, user: User | None = None, changes: dict[str, str] | None = None) -> Response:
        body = {
            "approved_by": str(self.board.uuid),
            "approved_on": "2025-03-27",
            **(changes or {}),
        }
        return self.call("POST", self.strategy_url("/approve"), user or self.chair, body)

    def test_the_chair_records_the_boards_approval_and_the_strategy_is_frozen(self) -> None:
        response = self.approve()
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual((data["status"], data["frozen"]), ("approved", True))
        self.assertEqual(data["approved_by"]["name"], "Trust Board")
        self.assertEqual(data["approved_on"], "2025-03-27")
        response = self.call("PATCH", self.strategy_url(), self.admin, {"summary": "Too late"})
        self.assert_error(response, 409, says="approved on 27 March 2025 and cannot be changed")

    def test_an_executive_who_writes_strategy_may_not_record_approval(self) -> None:
        before = self.state()
        self.assert_error(self.approve(self.executive), 403, says="record the board's approval")
        self.assertEqual(self.state(), before)

    def test_a_committee_of_another_organisation_or_a_future_date_is_refused(self) -> None:
        theirs = make_committee(self.other_org, "Their board")
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        before = self.state()
        for changes, field, says in [
            ({"approved_by": str(theirs.uuid)}, "approved_by", "own boards or committees"),
            ({"approved_on": tomorrow.isoformat()}, "approved_on", "cannot be in the future"),
            ({"approved_on": "27/03/2025"}, "approved_on", "YYYY-MM-DD"),
        ]:
            with self.subTest(field=field, changes=changes):
                self.assert_error(self.approve(changes=changes), 400, field=field, says=says)
        self.assertEqual(self.state(), before)


class VersionTests(Issue3ApiTestCase):
    def test_a_new_version_is_a_draft_copy_and_approving_it_supersedes_the_old(self) -> None:
        response = self.call("POST", self.strategy_url("/new-version", self.approved), self.admin)
        self.assertEqual(response.status_code, 201, response.content)
        copy = response.json()
        self.assertEqual((copy["version"], copy["status"]), (2, "draft"))
        self.assertEqual(copy["previous_version"], str(self.approved.uuid))
        new = Strategy.objects.get(uuid=copy["uuid"])
        body = {"approved_by": str(self.board.uuid), "approved_on": "2025-03-27"}
        self.call("POST", self.strategy_url("/approve", new), self.chair, body)
        self.approved.refresh_from_db()
        self.assertEqual(self.approved.status, Strategy.Status.SUPERSEDED)
        old = self.call("GET", self.strategy_url(strategy=self.approved), self.staff).json()
        self.assertEqual(old["next_version"], copy["uuid"])

    def test_a_second_new_version_or_one_of_a_draft_is_a_conflict(self) -> None:
        self.call("POST", self.strategy_url("/new-version", self.approved), self.admin)
        before = self.state()
        again = self.call("POST", self.strategy_url("/new-version", self.approved), self.admin)
        self.assert_error(again, 409, says="Version 2 of this strategy already exists")
        draft = self.call("POST", self.strategy_url("/new-version"), self.admin)
        self.assert_error(draft, 409, says="Only an approved strategy needs a new version")
        self.assertEqual(self.state(), before)

    def test_two_versions_compare_side_by_side_whichever_order_they_are_given(self) -> None:
        make_element(self.approved, title="Great care")
        copy = self.call(
            "POST", self.strategy_url("/new-version", self.approved), self.admin
        ).json()
        url = self.url(f"/strategies/{copy['uuid']}")
        self.call("PATCH", url, self.admin, {"vision": "Brighter futures together."})
        data = self.call("GET", f"{url}/compare/{self.approved.uuid}", self.staff).json()
        self.assertEqual(data["earlier"]["uuid"], str(self.approved.uuid))
        vision = next(f for f in data["fields"] if f["label"] == "Vision")
        self.assertTrue(vision["changed"])
        self.assertEqual(vision["after"], "Brighter futures together.")
        self.assertEqual([e["status"] for e in data["elements"]], ["unchanged"])
        self.assertEqual(data["counts"]["unchanged"], 1)


class CheckTests(Issue3ApiTestCase):
    def test_the_check_lists_each_gap_with_what_would_close_it(self) -> None:
        data = self.call("GET", self.strategy_url("/check"), self.staff).json()
        self.assertFalse(data["ok"])
        self.assertEqual(set(data["gaps"][0]), {"area", "problem", "remedy"})
        problems = [gap["problem"] for gap in data["gaps"]]
        self.assertIn("No element of the strategy addresses workforce.", problems)
        self.assertIn(
            "12 people who use services took part in shaping the strategy.", data["passed"]
        )

    def test_a_strategy_with_no_gaps_is_ok(self) -> None:
        with mock.patch("lodestar.strategy.check.RULES", []):
            data = self.call("GET", self.strategy_url("/check"), self.staff).json()
        self.assertEqual((data["ok"], data["gaps"]), (True, []))


class ElementKindTests(Issue3ApiTestCase):
    def test_an_organisation_names_a_kind_of_its_own(self) -> None:
        response = self.call(
            "POST", self.url("/element-kinds"), self.governance, {"name": "Big ambition"}
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["plural"], "Big ambitions")
        names = [
            k["name"] for k in self.call("GET", self.url("/element-kinds"), self.staff).json()
        ]
        self.assertEqual(names[-1], "Big ambition")

    def test_a_name_in_use_is_a_conflict_naming_the_field(self) -> None:
        before = self.state()
        response = self.call("POST", self.url("/element-kinds"), self.admin, {"name": "aim"})
        self.assert_error(response, 409, field="name", says="already a kind called 'aim'")
        self.assertEqual(self.state(), before)

    def test_a_refused_kind_leaves_an_organisation_without_kinds_untouched(self) -> None:
        rha = Organisation.objects.get(ods_code="RHA")
        before = self.state()
        url = self.url("/element-kinds", rha)
        response = self.call("POST", url, self.outsider, {"name": "Aim"})
        self.assert_error(response, 409, field="name")
        self.assertEqual(self.state(), before)
        self.assertFalse(ElementKind.objects.filter(organisation=rha).exists())
        self.assertEqual(
            self.call("POST", url, self.outsider, {"name": "Pledge"}).status_code, 201
        )
        self.assertEqual(ElementKind.objects.filter(organisation=rha).count(), 7)
