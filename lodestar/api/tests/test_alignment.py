"""Alignment with partners' strategies through the API: the matrix, its gaps, and links."""

from __future__ import annotations

from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase
from lodestar.strategy.models import AlignmentLink, Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy


class PartnerStrategyTests(Issue3ApiTestCase):
    def test_partners_are_listed_with_the_icb_first_and_the_system_marked(self) -> None:
        elsewhere = make_strategy(
            self.other_org, title="Their plan", status=Strategy.Status.APPROVED
        )
        make_strategy(self.other_org, title="Their draft")
        data = self.call("GET", self.strategy_url("/alignment/partners"), self.staff).json()
        self.assertEqual(
            [(p["title"], p["organisation"]["ods_code"], p["in_system"]) for p in data],
            [("Joint forward plan", "QJ2", True), (elsewhere.title, "RHA", False)],
        )


class MatrixTests(Issue3ApiTestCase):
    def test_the_matrix_shows_links_and_the_gaps_both_ways(self) -> None:
        unserved = make_element(self.partner_strategy, "Guiding policy", title="Tackle inequality")
        data = self.call("GET", self.strategy_url("/alignment"), self.staff).json()
        self.assertEqual(data["partner"]["title"], "Joint forward plan")
        self.assertEqual(
            [c["title"] for c in data["columns"]], ["Prevention first", unserved.title]
        )
        rows = {row["element"]["title"]: row for row in data["rows"]}
        served = rows["A great place to work"]
        self.assertEqual(served["cells"][0]["relationship"], "contributes_to")
        self.assertIsNone(served["cells"][1])
        self.assertTrue(rows["Great care, every time"]["serves_nothing"])
        self.assertEqual([e["title"] for e in data["own_gaps"]], ["Great care, every time"])
        self.assertEqual([e["title"] for e in data["partner_gaps"]], ["Tackle inequality"])

    def test_a_partner_can_be_chosen_but_only_from_the_partners(self) -> None:
        theirs = make_strategy(self.other_org, title="Their plan", status=Strategy.Status.APPROVED)
        chosen = self.call(
            "GET", self.strategy_url(f"/alignment?partner={theirs.uuid}"), self.staff
        ).json()
        self.assertEqual(
            (chosen["partner"]["title"], chosen["partner"]["in_system"]), ("Their plan", False)
        )
        for refused in (self.approved, make_strategy(self.other_org, title="Their draft")):
            with self.subTest(partner=refused.title):
                url = self.strategy_url(f"/alignment?partner={refused.uuid}")
                self.assert_error(self.call("GET", url, self.staff), 400, field="partner")

    def test_with_no_partner_to_align_to_the_matrix_is_empty(self) -> None:
        AlignmentLink.objects.all().delete()
        Strategy.objects.filter(pk=self.partner_strategy.pk).update(status=Strategy.Status.DRAFT)
        data = self.call("GET", self.strategy_url("/alignment"), self.staff).json()
        self.assertIsNone(data["partner"])
        self.assertEqual((data["rows"], data["columns"]), ([], []))


class LinkTests(Issue3ApiTestCase):
    def new_link(self, **changes: object) -> dict[str, object]:
        body = {
            "element": str(self.element.uuid),
            "partner_element": str(self.partner_element.uuid),
            "relationship": "partly",
            "note": "Through the crisis line.",
        }
        return {**body, **changes}

    def test_an_element_is_linked_to_a_partner_priority_and_the_link_audited(self) -> None:
        since = self.last_audit_id()
        response = self.call(
            "POST", self.strategy_url("/alignment/links"), self.executive, self.new_link()
        )
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(
            (
                data["element"]["title"],
                data["partner_element"]["title"],
                data["relationship_label"],
            ),
            ("Great care, every time", "Prevention first", "Partly contributes to"),
        )
        self.assertEqual(self.audit_entries(since), [("create", "strategy.alignmentlink")])

    def test_an_approved_strategy_may_still_be_aligned(self) -> None:
        ours = make_element(self.approved, title="Old but aligned")
        body = self.new_link(element=str(ours.uuid))
        url = self.strategy_url("/alignment/links", self.approved)
        self.assertEqual(self.call("POST", url, self.admin, body).status_code, 201)

    def test_the_same_pair_twice_is_a_conflict(self) -> None:
        body = self.new_link(element=str(self.second_element.uuid))
        before = self.state()
        response = self.call("POST", self.strategy_url("/alignment/links"), self.admin, body)
        self.assert_error(response, 409, field="partner_element", says="is already linked to")
        self.assertEqual(self.state(), before)

    def test_bad_links_are_refused_naming_the_field(self) -> None:
        draft_partner = make_element(make_strategy(self.icb, title="ICB draft"), title="Draft aim")
        cases: list[tuple[dict[str, object], str, str]] = [
            ({"element": str(self.partner_element.uuid)}, "element", "this strategy's elements"),
            ({"partner_element": str(draft_partner.uuid)}, "partner_element", "approved strategy"),
            ({"partner_element": str(self.second_element.uuid)}, "partner_element", "partner"),
            ({"relationship": "loosely"}, "relationship", "'contributes_to'"),
            ({"note": "x" * 501}, "note", "at most 500"),
        ]
        before = self.state()
        for changes, field, says in cases:
            with self.subTest(field=field, changes=changes):
                response = self.call(
                    "POST",
                    self.strategy_url("/alignment/links"),
                    self.admin,
                    self.new_link(**changes),
                )
                self.assert_error(response, 400, field=field, says=says)
        self.assertEqual(self.state(), before)

    def test_a_superseded_strategy_is_closed_to_alignment(self) -> None:
        Strategy.objects.filter(pk=self.approved.pk).update(status=Strategy.Status.SUPERSEDED)
        ours = make_element(self.approved, title="Old")
        before = self.state()
        response = self.call(
            "POST",
            self.strategy_url("/alignment/links", self.approved),
            self.admin,
            self.new_link(element=str(ours.uuid)),
        )
        self.assert_error(response, 409, says="superseded")
        self.assertEqual(self.state(), before)

    def test_a_link_is_removed_with_the_reason_audited(self) -> None:
        since = self.last_audit_id()
        url = self.strategy_url(f"/alignment/links/{self.link.uuid}?reason=No+longer+true")
        self.assertEqual(self.call("DELETE", url, self.admin).status_code, 204)
        self.assertFalse(AlignmentLink.objects.filter(pk=self.link.pk).exists())
        self.assertEqual(self.audit_entries(since), [("delete", "strategy.alignmentlink")])

    def test_a_link_of_another_strategy_is_not_found_here(self) -> None:
        before = self.state()
        url = self.strategy_url(f"/alignment/links/{self.link.uuid}", self.approved)
        self.assert_error(self.call("DELETE", url, self.admin), 404, says="no such alignment link")
        self.assertEqual(self.state(), before)
