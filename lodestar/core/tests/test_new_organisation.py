from __future__ import annotations

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import Role
from lodestar.core.testing import PersonaTestCase, make_user


class NewOrganisationTests(PersonaTestCase):
    url = reverse("core:new_organisation")

    def form(self, **changes: str) -> dict[str, str]:
        data = {
            "name": "NHS Derby and Derbyshire Integrated Care Board",
            "ods_code": "qj2",
            "kind": "integrated_care_board",
            "ics": str(self.org.ics_id),
            "first_administrator": "anil",
        }
        data.update(changes)
        return data

    def test_site_staff_add_an_organisation_with_its_first_administrator(self) -> None:
        self.client.force_login(make_user("root", is_superuser=True, is_staff=True))
        response = self.client.post(self.url, self.form())
        self.assertRedirects(response, reverse("core:public_organisation", args=["QJ2"]))
        icb = Organisation.objects.get(ods_code="QJ2")
        self.assertEqual(Membership.objects.roles_of(self.analyst, icb), {Role.ADMINISTRATOR})
        self.assertEqual(AuditEntry.objects.filter(organisation=icb).count(), 2)

    def test_an_unknown_first_administrator_is_named_and_nothing_is_added(self) -> None:
        self.client.force_login(make_user("root", is_superuser=True))
        response = self.client.post(self.url, self.form(first_administrator="ghost"))
        self.assertContains(response, "There is no account with this username")
        self.assertFalse(Organisation.objects.filter(ods_code="QJ2").exists())

    def test_a_taken_ods_code_is_refused(self) -> None:
        self.client.force_login(make_user("root", is_superuser=True))
        response = self.client.post(self.url, self.form(ods_code="RXM"))
        self.assertContains(response, "already exists")

    def test_nobody_but_site_staff_may_add_organisations(self) -> None:
        for user in [self.admin, self.chair, self.outsider]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url, self.form()).status_code, 404)
        self.assertFalse(Organisation.objects.filter(ods_code="QJ2").exists())

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 302)
