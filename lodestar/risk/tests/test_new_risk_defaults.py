"""A trust's first strategic risk: the form offers the usual appetite categories when
there are none, since every risk needs one."""

from __future__ import annotations

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.risk.models import AppetiteCategory
from lodestar.risk.tests.builders import RiskTestCase

OFFER = "Add the four usual appetite categories"


class FirstRiskTests(RiskTestCase):
    def setUp(self) -> None:
        AppetiteCategory.objects.filter(organisation=self.org).delete()
        self.url = reverse("risk:new_risk", args=[self.org.uuid])

    def test_the_form_offers_the_usual_categories_when_there_are_none(self) -> None:
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(self.url), OFFER)

    def test_the_offer_adds_them_audited_and_returns_to_the_form(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(self.url, {"add_default_categories": "1"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "4 risk appetite categories in place")
        self.assertNotContains(response, OFFER)
        names = AppetiteCategory.objects.filter(organisation=self.org).values_list(
            "name", flat=True
        )
        self.assertEqual(
            list(names.order_by("order")),
            ["Finance", "Compliance and regulation", "Quality and outcomes", "Reputation"],
        )
        entries = AuditEntry.objects.filter(organisation=self.org, actor=self.governance)
        self.assertEqual(entries.count(), 4)

    def test_no_offer_once_the_trust_has_a_category(self) -> None:
        self.client.force_login(self.governance)
        self.client.post(self.url, {"add_default_categories": "1"})
        self.assertNotContains(self.client.get(self.url), OFFER)

    def test_only_those_who_manage_risks_may_add_them(self) -> None:
        for user in (self.executive, self.chair, self.analyst):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.url, {"add_default_categories": "1"})
                self.assertEqual(response.status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(
            self.client.post(self.url, {"add_default_categories": "1"}).status_code, 404
        )
        self.client.logout()
        self.assertEqual(
            self.client.post(self.url, {"add_default_categories": "1"}).status_code, 302
        )
        self.assertFalse(AppetiteCategory.objects.filter(organisation=self.org).exists())
