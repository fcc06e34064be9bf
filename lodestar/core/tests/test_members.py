from __future__ import annotations

from unittest import mock

from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Membership
from lodestar.core.testing import PersonaTestCase


class MembersPageTests(PersonaTestCase):
    def page(self) -> str:
        return reverse("core:members", args=[self.org.uuid])

    def add(self) -> str:
        return reverse("core:add_member", args=[self.org.uuid])

    def test_every_member_sees_who_is_here(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.page())
        self.assertContains(response, "Gwen Governance")
        self.assertNotContains(response, "Add a person")

    def test_the_administrator_is_offered_the_add_form(self) -> None:
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(self.page()), "Add a person")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.page()).status_code, 404)
        response = self.client.post(self.add(), {"username": "olly", "role": "chair"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Membership.objects.filter(user=self.outsider, organisation=self.org))

    def test_the_administrator_adds_a_new_person_and_sees_a_one_time_password(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            self.add(),
            {"username": "nadia", "full_name": "Nadia Newcomer", "role": "analyst"},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(response, "Nadia Newcomer")
        self.assertContains(response, "Temporary password")
        # The HTMX response is the fragment alone, not a whole page.
        self.assertNotContains(response, "<html")
        password = response.context["new_password"]
        self.assertTrue(User.objects.get(username="nadia").check_password(password))

    def test_a_new_account_is_audited_in_the_administrators_name_without_its_password(
        self,
    ) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            self.add(), {"username": "nadia", "full_name": "Nadia Newcomer", "role": "analyst"}
        )
        nadia = User.objects.get(username="nadia")
        entry = AuditEntry.objects.get(model_label="accounts.user", object_uuid=nadia.uuid)
        self.assertEqual(entry.actor, self.admin)
        self.assertIsNone(entry.organisation)
        self.assertEqual(entry.changes["username"], [None, "nadia"])
        self.assertNotIn("password", entry.changes)
        self.assertNotIn(response.context["new_password"], str(entry.changes))

    def test_a_new_account_that_cannot_join_is_not_left_behind(self) -> None:
        before = (User.objects.count(), AuditEntry.objects.count())
        self.client.force_login(self.admin)
        refusal = ValidationError("The membership was refused.")
        with mock.patch("lodestar.core.services.add_member", side_effect=refusal):
            response = self.client.post(
                self.add(), {"username": "nadia", "full_name": "Nadia N", "role": "analyst"}
            )
        self.assertContains(response, "The membership was refused.", status_code=400)
        self.assertEqual((User.objects.count(), AuditEntry.objects.count()), before)

    def test_an_existing_account_is_added_by_email_without_a_new_password(self) -> None:
        self.outsider.email = "olly@example.nhs.uk"
        self.outsider.save()
        self.client.force_login(self.admin)
        response = self.client.post(
            self.add(), {"username": "OLLY@example.nhs.uk", "role": "staff_member"}
        )
        self.assertEqual(response.context["new_password"], "")
        self.assertTrue(Membership.objects.filter(user=self.outsider, organisation=self.org))

    def test_an_unknown_role_is_refused_with_a_message_and_nothing_changes(self) -> None:
        before = (Membership.objects.count(), AuditEntry.objects.count(), User.objects.count())
        self.client.force_login(self.admin)
        response = self.client.post(
            self.add(), {"username": "zed", "full_name": "Zed", "role": "emperor"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Select a valid choice", status_code=400)
        after = (Membership.objects.count(), AuditEntry.objects.count(), User.objects.count())
        self.assertEqual(after, before)

    def test_a_new_account_needs_a_name(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.add(), {"username": "zed", "role": "analyst"})
        self.assertContains(response, "Give a full name", status_code=400)
        self.assertFalse(User.objects.filter(username="zed").exists())

    def test_an_executive_cannot_add_people(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.add(), {"username": "zed", "full_name": "Zed", "role": "analyst"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(User.objects.filter(username="zed").exists())

    def test_adding_needs_post(self) -> None:
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.add()).status_code, 405)

    def test_the_administrator_removes_a_role(self) -> None:
        membership = Membership.objects.get(user=self.staff)
        self.client.force_login(self.admin)
        url = reverse("core:remove_member", args=[self.org.uuid, membership.uuid])
        response = self.client.post(url, {"reason": "Moved on"}, HTTP_HX_REQUEST="true")
        self.assertContains(response, "Sam Staff is no longer Staff member")
        self.assertNotContains(response, '<td class="nhsuk-table__cell">Sam Staff</td>')
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())

    def test_removing_the_last_administrator_explains_why_not(self) -> None:
        membership = Membership.objects.get(user=self.admin)
        self.client.force_login(self.admin)
        url = reverse("core:remove_member", args=[self.org.uuid, membership.uuid])
        response = self.client.post(url, follow=True)
        self.assertContains(response, "last administrator")
        self.assertTrue(Membership.objects.filter(pk=membership.pk).exists())

    def test_nobody_else_may_remove_people(self) -> None:
        membership = Membership.objects.get(user=self.staff)
        url = reverse("core:remove_member", args=[self.org.uuid, membership.uuid])
        for user, status in [(self.chair, 403), (self.outsider, 404)]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(url).status_code, status)
        self.assertTrue(Membership.objects.filter(pk=membership.pk).exists())
