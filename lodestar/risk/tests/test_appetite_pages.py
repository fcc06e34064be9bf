"""Adding, changing and deleting risk appetite categories through the pages.

Who may open each page is tested in test_settings_pages (SettingsAccessTests).
"""

from __future__ import annotations

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.risk.models import AppetiteCategory
from lodestar.risk.settings_services import update_appetite_scale
from lodestar.risk.tests.builders import RiskTestCase, make_strategic_risk


class AppetiteCategoryPageTests(RiskTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.governance)
        self.new_url = reverse("risk:new_appetite_category", args=[self.org.uuid])
        self.edit_url = reverse(
            "risk:edit_appetite_category", args=[self.org.uuid, self.category.uuid]
        )
        self.delete_url = reverse(
            "risk:delete_appetite_category", args=[self.org.uuid, self.category.uuid]
        )

    def test_governance_adds_a_category_and_sees_it_listed(self) -> None:
        data = {"name": "People", "description": "Our workforce", "level": "2", "tolerance": "8"}
        response = self.client.post(self.new_url, data, follow=True)
        self.assertRedirects(
            response, reverse("risk:settings", args=[self.org.uuid]) + "#categories"
        )
        self.assertContains(response, "Appetite category People added.")
        self.assertContains(response, "Our workforce")
        self.assertContains(
            response, '<strong class="nhsuk-tag nhsuk-tag--orange">8 High</strong>', html=True
        )
        made = AppetiteCategory.objects.get(organisation=self.org, name="People")
        self.assertEqual((made.level, made.tolerance), (2, 8))

    def test_the_levels_offered_are_the_organisations_own_scale(self) -> None:
        update_appetite_scale(None, self.org, ["Avoid", "Minimal", "Cautious", "Open", "Seek"])
        response = self.client.get(self.new_url)
        self.assertContains(response, '<option value="5">Seek</option>', html=True)
        self.assertNotContains(response, "Eager")

    def test_a_duplicate_name_and_bad_numbers_are_refused_and_nothing_is_added(self) -> None:
        data = {"name": "finance", "level": "3", "tolerance": "12"}
        response = self.client.post(self.new_url, data)
        self.assertContains(
            response, "There is already a category called finance.", status_code=400
        )
        response = self.client.post(self.new_url, {"name": "X", "level": "9", "tolerance": "26"})
        self.assertContains(response, "Select a valid choice", status_code=400)
        self.assertContains(
            response, "The tolerance must be a whole number from 1 to 25.", status_code=400
        )
        self.assertEqual(AppetiteCategory.objects.filter(organisation=self.org).count(), 1)

    def test_governance_changes_a_tolerance_with_a_reason(self) -> None:
        page = self.client.get(self.edit_url)
        self.assertContains(page, 'value="Finance"')
        self.assertContains(page, '<option value="3" selected>Cautious</option>', html=True)
        data = {"name": "Finance", "level": "3", "tolerance": "15", "reason": "Board, 27 March"}
        response = self.client.post(self.edit_url, data, follow=True)
        self.assertContains(response, "Appetite category Finance saved.")
        self.category.refresh_from_db()
        self.assertEqual(self.category.tolerance, 15)
        entry = AuditEntry.objects.for_record("risk.appetitecategory", self.category.uuid).get()
        self.assertEqual(entry.reason, "Board, 27 March")

    def test_an_unused_category_is_deleted(self) -> None:
        self.assertContains(self.client.get(self.delete_url), "No risk uses it.")
        response = self.client.post(
            self.delete_url, {"reason": "Merged into Quality"}, follow=True
        )
        self.assertContains(response, "Appetite category Finance deleted.")
        self.assertFalse(AppetiteCategory.objects.filter(pk=self.category.pk).exists())

    def test_a_category_in_use_says_why_it_cannot_be_deleted_and_stays(self) -> None:
        make_strategic_risk(self.org, self.executive, appetite_category=self.category)
        page = self.client.get(self.delete_url)
        self.assertContains(page, "Finance cannot be deleted", status_code=400)
        self.assertContains(page, "1 risk (SR1) uses Finance", status_code=400)
        self.assertNotContains(page, 'type="submit">Delete', status_code=400)
        response = self.client.post(self.delete_url)
        self.assertContains(response, "move it to another category", status_code=400)
        self.assertTrue(AppetiteCategory.objects.filter(pk=self.category.pk).exists())
