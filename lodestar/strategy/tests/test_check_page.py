from __future__ import annotations

import uuid

from django.urls import reverse

from lodestar.core.testing import PersonaTestCase
from lodestar.strategy.models import Domain, Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy


class StrategyCheckPageTests(PersonaTestCase):
    strategy: Strategy

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.strategy = make_strategy(cls.org)
        make_element(cls.strategy, title="Great care", domains=[Domain.QUALITY])

    def page(self, strategy: uuid.UUID | None = None) -> str:
        return reverse("alignment:check", args=[self.org.uuid, strategy or self.strategy.uuid])

    def test_every_member_reads_the_gaps_and_what_would_close_them(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.page())
        self.assertContains(response, "gaps to close")
        self.assertContains(response, "No element of the strategy addresses finances.")
        self.assertContains(response, "Tag the elements that address finances")
        self.assertContains(response, '<th scope="col" class="nhsuk-table__header">What would')
        self.assertContains(response, "The strategy addresses quality of care.")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.page()).status_code, 404)

    def test_another_trusts_strategy_is_not_found_even_for_a_member(self) -> None:
        theirs = make_strategy(self.other_org)
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.page(theirs.uuid)).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.page())
        self.assertRedirects(response, f"/account/sign-in/?next={self.page()}")
