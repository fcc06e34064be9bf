from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.audit.models import AuditEntry
from lodestar.core import services
from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import Role
from lodestar.core.testing import PersonaTestCase, make_user


class OrganisationServiceTests(PersonaTestCase):
    def test_an_ods_code_is_stored_in_capitals(self) -> None:
        org = services.create_organisation(
            None,
            name="NHS Derby and Derbyshire Integrated Care Board",
            ods_code=" qj2 ",
            kind=Organisation.Kind.INTEGRATED_CARE_BOARD,
            ics=self.org.ics,
        )
        self.assertEqual(org.ods_code, "QJ2")

    def test_a_malformed_ods_code_is_refused_and_nothing_is_saved(self) -> None:
        before = (Organisation.objects.count(), AuditEntry.objects.count())
        with self.assertRaises(ValidationError) as caught:
            services.create_organisation(
                None,
                name="Bad",
                ods_code="R-X",
                kind=Organisation.Kind.OTHER,
                ics=self.org.ics,
            )
        self.assertIn("ods_code", caught.exception.message_dict)
        self.assertEqual((Organisation.objects.count(), AuditEntry.objects.count()), before)

    def test_an_ods_code_cannot_be_used_twice(self) -> None:
        with self.assertRaises(ValidationError):
            services.update_organisation(self.admin, self.org, ods_code="RHA")

    def test_only_site_staff_may_add_organisations(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.create_organisation(
                self.admin,
                name="Another trust",
                ods_code="RX1",
                kind=Organisation.Kind.NHS_TRUST,
                ics=self.org.ics,
            )

    def test_the_chair_may_not_edit_organisation_details(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.update_organisation(self.chair, self.org, name="Chair's trust")

    def test_a_user_from_another_trust_may_not_edit_organisation_details(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.update_organisation(self.outsider, self.org, name="Taken over")
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Derbyshire Healthcare NHS Foundation Trust")


class MembershipServiceTests(PersonaTestCase):
    def test_a_person_may_hold_two_roles(self) -> None:
        services.add_member(self.admin, self.org, self.governance, Role.SPEAK_UP_GUARDIAN)
        self.assertEqual(
            Membership.objects.roles_of(self.governance, self.org),
            {Role.GOVERNANCE_OFFICER, Role.SPEAK_UP_GUARDIAN},
        )

    def test_the_same_role_twice_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            services.add_member(self.admin, self.org, self.analyst, Role.ANALYST)

    def test_the_last_administrator_cannot_be_removed(self) -> None:
        only_admin = Membership.objects.get(user=self.admin, organisation=self.org)
        with self.assertRaises(ValidationError):
            services.remove_member(self.admin, only_admin)
        self.assertTrue(Membership.objects.filter(pk=only_admin.pk).exists())

    def test_an_administrator_can_be_removed_when_another_remains(self) -> None:
        deputy = make_user("dee")
        services.add_member(self.admin, self.org, deputy, Role.ADMINISTRATOR)
        services.remove_member(deputy, Membership.objects.get(user=self.admin))
        self.assertFalse(Membership.objects.filter(user=self.admin).exists())

    def test_an_executive_may_not_add_people(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.add_member(self.executive, self.org, make_user("x"), Role.STAFF_MEMBER)
