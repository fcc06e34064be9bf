from __future__ import annotations

from django.urls import reverse

from lodestar.core.models import PartnerGrant
from lodestar.core.testing import PersonaTestCase
from lodestar.strategy.tests.builders import make_strategy


class SharingADraftStrategyTests(PersonaTestCase):
    def setUp(self) -> None:
        self.draft = make_strategy(self.org, title="Draft strategy 2026 to 2031")
        self.share_url = reverse("strategy:share", args=[self.org.uuid, self.draft.uuid])
        self.partner_view = reverse("strategy:detail", args=[self.other_org.uuid, self.draft.uuid])

    def test_a_partner_cannot_read_a_draft_until_it_is_shared(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.partner_view).status_code, 404)

    def test_the_administrator_shares_a_draft_and_the_partner_reads_it_without_edit_links(
        self,
    ) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            self.share_url, {"partner": str(self.other_org.uuid), "note": "For comment"}
        )
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.outsider)
        listing = self.client.get(reverse("strategy:list", args=[self.other_org.uuid]))
        self.assertContains(listing, "Draft strategy 2026 to 2031")
        page = self.client.get(self.partner_view)
        self.assertContains(page, "Draft strategy 2026 to 2031")
        self.assertNotContains(
            page, reverse("strategy:edit", args=[self.org.uuid, self.draft.uuid])
        )
        self.assertNotContains(page, "Let a partner organisation read it")
        # Its plan and files stay with the keeper.
        self.assertNotContains(page, "Delivery plan")
        self.assertContains(page, "Kept by Derbyshire Healthcare NHS Foundation Trust")

    def test_revoking_the_grant_hides_it_again(self) -> None:
        self.client.force_login(self.admin)
        self.client.post(self.share_url, {"partner": str(self.other_org.uuid)})
        grant = PartnerGrant.objects.get()
        self.client.post(reverse("core:revoke_grant", args=[self.org.uuid, grant.uuid]))
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.partner_view).status_code, 404)

    def test_no_partner_chosen_is_explained_and_nothing_is_shared(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.share_url, {"partner": "not-a-uuid"}, follow=True)
        self.assertContains(response, "Choose the partner organisation")
        self.assertFalse(PartnerGrant.objects.exists())

    def test_only_administrators_may_share(self) -> None:
        for user, status in [(self.executive, 403), (self.chair, 403), (self.outsider, 404)]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.share_url, {"partner": str(self.other_org.uuid)})
                self.assertEqual(response.status_code, status)
        self.assertFalse(PartnerGrant.objects.exists())
