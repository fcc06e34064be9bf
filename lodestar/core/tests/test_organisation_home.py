from __future__ import annotations

from django.urls import reverse

from lodestar.core.testing import PersonaTestCase


class OrganisationHomeTests(PersonaTestCase):
    def url(self) -> str:
        return reverse("core:organisation_home", args=[self.org.uuid])

    def test_a_member_sees_the_organisation_and_their_role(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(self.url())
        self.assertContains(response, "Derbyshire Healthcare NHS Foundation Trust")
        self.assertContains(response, "Analyst")

    def test_the_chair_is_offered_the_audit_trail(self) -> None:
        self.client.force_login(self.chair)
        response = self.client.get(self.url())
        self.assertContains(response, reverse("audit:organisation_log", args=[self.org.uuid]))

    def test_staff_are_not_offered_the_audit_trail(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        self.assertNotContains(response, reverse("audit:organisation_log", args=[self.org.uuid]))

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url())
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url()}")

    def test_every_member_is_offered_the_strategy_delivery_and_performance_report(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        for name in ("strategy:list", "delivery:index", "performance:report"):
            with self.subTest(page=name):
                self.assertContains(response, reverse(name, args=[self.org.uuid]))

    def test_only_board_members_are_offered_the_board_assurance_framework(self) -> None:
        baf = reverse("risk:baf", args=[self.org.uuid])
        for persona, offered in ((self.chair, True), (self.staff, False), (self.analyst, False)):
            with self.subTest(persona=persona.username):
                self.client.force_login(persona)
                response = self.client.get(self.url())
                self.assertEqual(baf in response.content.decode(), offered)
