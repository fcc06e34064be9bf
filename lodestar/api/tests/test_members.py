"""Listing, adding and removing an organisation's members through the API."""

from __future__ import annotations

from lodestar.accounts.models import User
from lodestar.api.tests.helpers import ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Membership
from lodestar.core.roles import Role


class ListMembersTests(ApiTestCase):
    def test_every_member_sees_who_is_here_and_in_which_role(self) -> None:
        data = self.call("GET", self.org_url("/members"), self.staff).json()
        roles = {m["user"]["username"]: m["role"] for m in data}
        self.assertEqual(roles["gwen"], "governance_officer")
        self.assertEqual(len(roles), 6)
        self.assertNotIn("olly", roles)


class AddMemberTests(ApiTestCase):
    def test_the_administrator_adds_an_existing_account_and_it_is_audited(self) -> None:
        audit_before = AuditEntry.objects.count()
        response = self.call(
            "POST",
            self.org_url("/members"),
            self.admin,
            {"username": "olly", "role": "analyst", "job_title": "Data lead"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        membership = Membership.objects.get(uuid=response.json()["uuid"])
        self.assertEqual(
            (membership.user, membership.organisation, membership.role, membership.job_title),
            (self.outsider, self.org, Role.ANALYST, "Data lead"),
        )
        self.assertEqual(AuditEntry.objects.count(), audit_before + 1)
        self.assertEqual(AuditEntry.objects.order_by("-id")[0].object_uuid, membership.uuid)

    def test_an_account_is_found_by_its_email_address_too(self) -> None:
        self.outsider.email = "olly@example.nhs.uk"
        self.outsider.save()
        response = self.call(
            "POST",
            self.org_url("/members"),
            self.admin,
            {"username": "OLLY@example.nhs.uk", "role": "staff_member"},
        )
        self.assertEqual(response.json()["user"]["username"], "olly")

    def test_a_second_role_for_the_same_person_is_allowed(self) -> None:
        response = self.call(
            "POST", self.org_url("/members"), self.admin, {"username": "anil", "role": "manager"}
        )
        self.assertEqual(response.status_code, 201)

    def test_a_role_already_held_is_a_conflict_and_nothing_changes(self) -> None:
        before = self.state()
        response = self.call(
            "POST", self.org_url("/members"), self.admin, {"username": "anil", "role": "analyst"}
        )
        self.assert_error(response, 409, says="Anil Analyst already holds the role Analyst")
        self.assertEqual(self.state(), before)

    def test_an_unknown_account_is_refused_naming_the_field(self) -> None:
        before = self.state()
        response = self.call(
            "POST", self.org_url("/members"), self.admin, {"username": "nobody", "role": "chair"}
        )
        self.assert_error(response, 400, field="username", says="'nobody'")
        self.assertEqual(self.state(), before)

    def test_an_unknown_role_is_refused_with_the_choices(self) -> None:
        before = self.state()
        response = self.call(
            "POST", self.org_url("/members"), self.admin, {"username": "olly", "role": "king"}
        )
        self.assert_error(response, 400, field="role", says="'administrator'")
        self.assertEqual(self.state(), before)

    def test_a_missing_username_is_refused(self) -> None:
        response = self.call("POST", self.org_url("/members"), self.admin, {"role": "chair"})
        self.assert_error(response, 400, field="username", says="required")

    def test_an_over_long_job_title_is_refused_and_nothing_changes(self) -> None:
        before = self.state()
        response = self.call(
            "POST",
            self.org_url("/members"),
            self.admin,
            {"username": "olly", "role": "chair", "job_title": "x" * 201},
        )
        self.assert_error(response, 400, field="job_title", says="at most 200 characters")
        self.assertEqual(self.state(), before)


class RemoveMemberTests(ApiTestCase):
    def membership(self, user: User, role: Role) -> Membership:
        return Membership.objects.get(organisation=self.org, user=user, role=role)

    def test_the_administrator_removes_a_role_with_a_reason_in_the_audit(self) -> None:
        target = self.membership(self.analyst, Role.ANALYST)
        response = self.call(
            "DELETE", self.org_url(f"/members/{target.uuid}?reason=Left+the+trust"), self.admin
        )
        self.assertEqual(response.status_code, 204, response.content)
        self.assertFalse(Membership.objects.filter(pk=target.pk).exists())
        entry = AuditEntry.objects.order_by("-id")[0]
        self.assertEqual(
            (entry.action, entry.object_uuid, entry.reason),
            (AuditEntry.Action.DELETE, target.uuid, "Left the trust"),
        )

    def test_the_last_administrator_cannot_be_removed_and_nothing_changes(self) -> None:
        before = self.state()
        target = self.membership(self.admin, Role.ADMINISTRATOR)
        response = self.call("DELETE", self.org_url(f"/members/{target.uuid}"), self.admin)
        self.assert_error(response, 409, says="last administrator")
        self.assertEqual(self.state(), before)

    def test_a_membership_of_another_organisation_is_not_found_here(self) -> None:
        before = self.state()
        theirs = Membership.objects.get(user=self.outsider)
        response = self.call("DELETE", self.org_url(f"/members/{theirs.uuid}"), self.admin)
        self.assert_error(response, 404, says="no such membership")
        self.assertEqual(self.state(), before)

    def test_an_over_long_reason_is_refused_and_nothing_changes(self) -> None:
        before = self.state()
        target = self.membership(self.analyst, Role.ANALYST)
        url = self.org_url(f"/members/{target.uuid}?reason={'x' * 501}")
        self.assert_error(self.call("DELETE", url, self.admin), 400, field="reason")
        self.assertEqual(self.state(), before)
