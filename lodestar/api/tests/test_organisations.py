"""Reading and changing an organisation's details through the API."""

from __future__ import annotations

from lodestar.api.tests.helpers import API, ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Organisation


class MeTests(ApiTestCase):
    def test_the_caller_sees_themselves_and_every_role_they_hold(self) -> None:
        data = self.call("GET", f"{API}/me", self.chair).json()
        self.assertEqual(data["username"], "charles")
        self.assertEqual(data["display_name"], "Charles Chair")
        [membership] = data["memberships"]
        self.assertEqual(membership["organisation"]["ods_code"], "RXM")
        self.assertEqual(membership["role"], "chair")


class ReadOrganisationTests(ApiTestCase):
    def test_the_list_holds_only_the_callers_own_organisations(self) -> None:
        mine = self.call("GET", f"{API}/organisations", self.staff).json()
        self.assertEqual([o["ods_code"] for o in mine], ["RXM"])
        theirs = self.call("GET", f"{API}/organisations", self.outsider).json()
        self.assertEqual([o["ods_code"] for o in theirs], ["RHA"])

    def test_a_member_reads_the_details_and_what_they_may_do(self) -> None:
        data = self.call("GET", self.org_url(), self.analyst).json()
        self.assertEqual(data["uuid"], str(self.org.uuid))
        self.assertEqual(data["ics"], "Test ICS")
        self.assertEqual(data["kind_label"], "NHS foundation trust")
        analysts_may = [
            "manage_metrics",
            "submit_metric_data",
            "view_organisation",
            "view_performance",
            "view_strategy",
            "write_metric_narrative",
        ]
        self.assertEqual(data["capabilities"], analysts_may)

    def test_the_public_list_needs_no_sign_in_and_gives_only_public_facts(self) -> None:
        self.org.summary = "Private until published."
        self.org.save()
        response = self.client.get(f"{API}/public/organisations")
        self.assertEqual(response.status_code, 200)
        first = response.json()[0]
        self.assertEqual(set(first), {"name", "ods_code", "kind", "ics"})
        self.assertEqual({o["ods_code"] for o in response.json()}, {"RXM", "RHA"})


class UpdateOrganisationTests(ApiTestCase):
    def test_the_administrator_renames_the_organisation_and_the_change_is_audited(self) -> None:
        response = self.call(
            "PATCH", self.org_url(), self.admin, {"name": "Derbyshire", "reason": "Rebrand"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["name"], "Derbyshire")
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Derbyshire")
        entry = AuditEntry.objects.in_organisation(self.org).first()
        assert entry is not None
        self.assertEqual(entry.action, AuditEntry.Action.UPDATE)
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.reason, "Rebrand")
        self.assertEqual(
            entry.changes["name"], ["Derbyshire Healthcare NHS Foundation Trust", "Derbyshire"]
        )

    def test_fields_left_out_are_left_alone(self) -> None:
        self.call("PATCH", self.org_url(), self.admin, {"website": "https://example.nhs.uk"})
        self.org.refresh_from_db()
        self.assertEqual(self.org.website, "https://example.nhs.uk")
        self.assertEqual(self.org.name, "Derbyshire Healthcare NHS Foundation Trust")

    def test_an_ods_code_is_stored_in_capitals(self) -> None:
        response = self.call("PATCH", self.org_url(), self.admin, {"ods_code": " rxm1 "})
        self.assertEqual(response.json()["ods_code"], "RXM1")

    def test_the_kind_is_changed_to_one_of_the_choices(self) -> None:
        self.call("PATCH", self.org_url(), self.admin, {"kind": "nhs_trust"})
        self.org.refresh_from_db()
        self.assertEqual(self.org.kind, Organisation.Kind.NHS_TRUST)

    def test_a_malformed_ods_code_is_refused_naming_the_field_and_nothing_changes(self) -> None:
        before = self.state()
        response = self.call("PATCH", self.org_url(), self.admin, {"ods_code": "R-1"})
        data = self.assert_error(response, 400, field="ods_code")
        self.assertEqual(
            data["error"],
            "ods_code: Enter an ODS code of 3 to 6 capital letters and numbers, like RXM or QJ2.",
        )
        self.assertEqual(self.state(), before)

    def test_another_organisations_ods_code_is_a_conflict(self) -> None:
        before = self.state()
        response = self.call("PATCH", self.org_url(), self.admin, {"ods_code": "RHA"})
        self.assert_error(response, 409, field="ods_code", says="already exists")
        self.assertEqual(self.state(), before)

    def test_an_unknown_kind_is_refused_with_the_choices(self) -> None:
        response = self.call("PATCH", self.org_url(), self.admin, {"kind": "hospital"})
        self.assert_error(response, 400, field="kind", says="'nhs_trust'")

    def test_a_website_that_is_not_a_web_address_is_refused(self) -> None:
        before = self.state()
        response = self.call("PATCH", self.org_url(), self.admin, {"website": "not a url"})
        self.assert_error(response, 400, field="website")
        self.assertEqual(self.state(), before)

    def test_a_blank_name_is_refused(self) -> None:
        response = self.call("PATCH", self.org_url(), self.admin, {"name": "   "})
        self.assert_error(response, 400, field="name", says="cannot be blank")

    def test_a_change_with_no_fields_is_refused_with_the_fields_to_use(self) -> None:
        response = self.call("PATCH", self.org_url(), self.admin, {"reason": "Nothing"})
        self.assert_error(response, 400, says="name, ods_code, summary, website")

    def test_the_public_summary_is_limited_in_length(self) -> None:
        response = self.call("PATCH", self.org_url(), self.admin, {"summary": "x" * 5001})
        self.assert_error(response, 400, field="summary", says="at most 5000 characters")
