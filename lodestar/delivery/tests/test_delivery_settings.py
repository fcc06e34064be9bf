from __future__ import annotations

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.delivery.models import DeliverySettings
from lodestar.delivery.plan import delivery_settings_for


class DeliverySettingsPageTests(PersonaTestCase):
    def url(self) -> str:
        return reverse("delivery:settings", args=[self.org.uuid])

    def test_the_administrator_relaxes_the_blue_rule_and_it_is_audited(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            self.url(),
            {
                "update_frequency": "quarterly",
                "blue_needs_milestones_complete": "on",
                "reason": "Board agreed evidence may follow",
            },
        )
        self.assertRedirects(response, self.url())
        found = delivery_settings_for(self.org)
        self.assertEqual(found.update_frequency, "quarterly")
        self.assertFalse(found.blue_needs_evidence)
        entry = AuditEntry.objects.for_record("delivery.deliverysettings", found.uuid).first()
        assert entry is not None
        self.assertEqual(entry.changes["blue_needs_evidence"], [True, False])
        self.assertEqual(entry.reason, "Board agreed evidence may follow")

    def test_an_unknown_frequency_is_named_and_nothing_changes(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.url(), {"update_frequency": "hourly"})
        self.assertContains(response, "Select a valid choice")
        self.assertEqual(delivery_settings_for(self.org).update_frequency, "monthly")

    def test_only_administrators_may_change_the_rule(self) -> None:
        for user, status in [(self.executive, 403), (self.governance, 403), (self.outsider, 404)]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.url(), {"update_frequency": "quarterly"})
                self.assertEqual(response.status_code, status)
        self.assertFalse(DeliverySettings.objects.filter(update_frequency="quarterly").exists())
