from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core import services
from lodestar.core.models import PartnerGrant
from lodestar.core.testing import PersonaTestCase
from tests.grantable.models import Note


class PartnerGrantTests(PersonaTestCase):
    def setUp(self) -> None:
        self.note = Note.objects.create(organisation=self.org, title="Delivery plan 2025/26")
        self.other_note = Note.objects.create(organisation=self.org, title="Draft BAF")

    def test_members_see_their_own_organisations_items(self) -> None:
        self.assertEqual(set(Note.objects.visible_to(self.staff)), {self.note, self.other_note})

    def test_a_partner_sees_nothing_until_an_item_is_shared(self) -> None:
        self.assertFalse(Note.objects.visible_to(self.outsider).exists())

    def test_a_partner_sees_exactly_the_shared_item(self) -> None:
        services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        self.assertEqual(list(Note.objects.visible_to(self.outsider)), [self.note])

    def test_revoking_a_grant_hides_the_item_again_and_is_audited(self) -> None:
        grant = services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        services.revoke_partner_access(self.admin, grant, reason="Plan superseded")
        self.assertFalse(Note.objects.visible_to(self.outsider).exists())
        entry = AuditEntry.objects.for_record("core.partnergrant", grant.uuid).first()
        assert entry is not None
        self.assertEqual(entry.reason, "Plan superseded")

    def test_the_public_see_nothing(self) -> None:
        self.assertFalse(Note.objects.visible_to(AnonymousUser()).exists())

    def test_only_administrators_may_share(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.grant_partner_access(self.chair, self.org, self.other_org, self.note)

    def test_an_organisation_cannot_share_another_organisations_item(self) -> None:
        theirs = Note.objects.create(organisation=self.other_org, title="Theirs")
        with self.assertRaises(ValidationError):
            services.grant_partner_access(self.admin, self.org, self.other_org, theirs)

    def test_sharing_the_same_item_twice_is_refused(self) -> None:
        services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        with self.assertRaises(ValidationError):
            services.grant_partner_access(self.admin, self.org, self.other_org, self.note)

    def test_the_partners_page_lists_what_is_shared_both_ways(self) -> None:
        services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        self.client.force_login(self.staff)
        response = self.client.get(reverse("core:partner_grants", args=[self.org.uuid]))
        self.assertContains(response, "Delivery plan 2025/26")
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("core:partner_grants", args=[self.other_org.uuid]))
        self.assertContains(response, "Delivery plan 2025/26")

    def test_an_administrator_stops_sharing_from_the_page(self) -> None:
        grant = services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        self.client.force_login(self.admin)
        url = reverse("core:revoke_grant", args=[self.org.uuid, grant.uuid])
        response = self.client.post(url, {"reason": "No longer needed"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(PartnerGrant.objects.exists())

    def test_staff_cannot_stop_sharing(self) -> None:
        grant = services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        self.client.force_login(self.staff)
        url = reverse("core:revoke_grant", args=[self.org.uuid, grant.uuid])
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertTrue(PartnerGrant.objects.exists())

    def test_the_partner_cannot_revoke_a_grant_made_to_it(self) -> None:
        grant = services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        self.client.force_login(self.outsider)
        url = reverse("core:revoke_grant", args=[self.org.uuid, grant.uuid])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(PartnerGrant.objects.exists())
