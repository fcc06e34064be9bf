"""Boards and committees through the API."""

from __future__ import annotations

from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase
from lodestar.governance.models import Committee
from lodestar.strategy.tests.builders import make_committee


class CommitteeTests(Issue3ApiTestCase):
    def test_every_member_sees_the_committees_and_whom_they_report_to(self) -> None:
        data = self.call("GET", self.url("/committees"), self.staff).json()
        self.assertEqual(
            [(c["name"], c["reports_to"]["name"] if c["reports_to"] else None) for c in data],
            [("Quality Committee", "Trust Board"), ("Trust Board", None)],
        )

    def test_the_governance_officer_adds_a_committee_and_it_is_audited(self) -> None:
        since = self.last_audit_id()
        body = {"name": "Audit and Risk Committee", "reports_to": str(self.board.uuid)}
        response = self.call("POST", self.url("/committees"), self.governance, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["reports_to"]["name"], "Trust Board")
        self.assertEqual(response.json()["kind"], "committee")
        self.assertEqual(self.audit_entries(since), [("create", "governance.committee")])

    def test_a_name_in_use_is_a_conflict(self) -> None:
        before = self.state()
        response = self.call("POST", self.url("/committees"), self.admin, {"name": "trust board"})
        self.assert_error(response, 409, field="name", says="already has a committee called")
        self.assertEqual(self.state(), before)

    def test_a_committee_reports_to_one_of_ours_and_never_in_a_circle(self) -> None:
        theirs = make_committee(self.other_org, "Their board")
        before = self.state()
        refused = self.call(
            "POST",
            self.url("/committees"),
            self.admin,
            {"name": "X", "reports_to": str(theirs.uuid)},
        )
        self.assert_error(refused, 400, field="reports_to", says="own boards or committees")
        circle = self.call(
            "PATCH",
            self.url(f"/committees/{self.board.uuid}"),
            self.admin,
            {"reports_to": str(self.quality.uuid)},
        )
        self.assert_error(circle, 400, field="reports_to", says="already reports")
        self.assertEqual(self.state(), before)

    def test_null_makes_a_committee_report_to_nobody(self) -> None:
        url = self.url(f"/committees/{self.quality.uuid}")
        response = self.call("PATCH", url, self.admin, {"reports_to": None, "kind": "board"})
        self.assertEqual(response.status_code, 200, response.content)
        self.quality.refresh_from_db()
        self.assertEqual(
            (self.quality.reports_to, self.quality.kind), (None, Committee.Kind.BOARD)
        )

    def test_another_organisations_committee_is_not_found_here(self) -> None:
        theirs = make_committee(self.other_org, "Their board")
        before = self.state()
        url = self.url(f"/committees/{theirs.uuid}")
        self.assert_error(
            self.call("PATCH", url, self.admin, {"name": "Ours"}), 404, says="no such committee"
        )
        self.assertEqual(self.state(), before)
