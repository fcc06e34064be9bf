from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lodestar.core.testing import PersonaTestCase
from lodestar.strategy import services
from lodestar.strategy.compare import compare_versions
from lodestar.strategy.models import Element, EngagementActivity, Strategy, Value
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

APPROVED_ON = datetime.date(2024, 3, 27)


class VersionTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.board = make_committee(self.org)
        self.v1 = make_strategy(self.org, title="Our strategy")
        Value.objects.create(
            organisation=self.org, strategy=self.v1, name="Kind", behaviours=["We listen"]
        )
        self.objective = make_element(
            self.v1, title="Great care", outcomes=["Fewer waits"], domains=["quality"]
        )
        make_element(self.v1, "Clinical priority", title="Children's services")
        EngagementActivity.objects.create(
            organisation=self.org,
            strategy=self.v1,
            held_on=datetime.date(2023, 5, 1),
            title="Workshop",
            method="Workshop",
            level=EngagementActivity.Level.CO_DESIGN,
            what_was_said="More evening clinics",
        )

    def approve(self, strategy: Strategy, on: datetime.date = APPROVED_ON) -> None:
        services.approve_strategy(self.chair, strategy, approved_by=self.board, approved_on=on)


class NewVersionTests(VersionTestCase):
    def test_a_new_version_copies_values_and_elements_but_not_engagement(self) -> None:
        self.approve(self.v1)
        v2 = services.start_new_version(self.executive, self.v1)
        self.assertEqual((v2.version, v2.status, v2.previous_version), (2, "draft", self.v1))
        self.assertIsNone(v2.approved_by)
        self.assertEqual([v.name for v in v2.values.all()], ["Kind"])
        self.assertEqual(v2.values.get().behaviours, ["We listen"])
        copied = v2.elements.get(title="Great care")
        self.assertEqual(copied.copied_from, self.objective)
        self.assertEqual((copied.outcomes, copied.domains), (["Fewer waits"], ["quality"]))
        self.assertEqual(v2.elements.count(), 2)
        self.assertFalse(v2.engagements.exists())
        self.assertEqual(self.v1.engagements.count(), 1)

    def test_only_one_successor_may_be_started(self) -> None:
        self.approve(self.v1)
        services.start_new_version(self.executive, self.v1)
        with self.assertRaisesMessage(
            ValidationError, "Version 2 of this strategy already exists"
        ):
            services.start_new_version(self.executive, self.v1)
        self.assertEqual(Strategy.objects.filter(organisation=self.org).count(), 2)

    def test_a_draft_is_changed_rather_than_versioned(self) -> None:
        with self.assertRaises(ValidationError):
            services.start_new_version(self.executive, self.v1)
        self.assertEqual(Strategy.objects.count(), 1)

    def test_staff_cannot_start_a_new_version(self) -> None:
        self.approve(self.v1)
        with self.assertRaises(PermissionDenied):
            services.start_new_version(self.staff, self.v1)

    def test_approving_version_two_supersedes_version_one(self) -> None:
        self.approve(self.v1)
        v2 = services.start_new_version(self.executive, self.v1)
        self.approve(v2, datetime.date(2025, 3, 1))
        self.v1.refresh_from_db()
        v2.refresh_from_db()
        self.assertEqual((self.v1.status, v2.status), ("superseded", "approved"))
        self.assertEqual(list(Strategy.objects.approved()), [v2])

    def test_a_superseded_version_stays_frozen(self) -> None:
        self.approve(self.v1)
        self.approve(services.start_new_version(self.executive, self.v1))
        self.v1.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "approved on 27 March 2024"):
            services.update_strategy(self.executive, self.v1, title="Rewritten")
        with self.assertRaises(ValidationError):
            services.start_new_version(self.executive, self.v1)

    def test_the_page_starts_a_new_version_and_shows_it(self) -> None:
        self.approve(self.v1)
        self.client.force_login(self.executive)
        url = reverse("strategy:new_version", args=[self.org.uuid, self.v1.uuid])
        response = self.client.post(url, follow=True)
        v2 = Strategy.objects.get(previous_version=self.v1)
        self.assertRedirects(response, reverse("strategy:detail", args=[self.org.uuid, v2.uuid]))
        self.assertContains(response, "Version 2 started as a draft copy")
        self.assertContains(response, "Great care")

    def test_the_page_explains_why_a_second_successor_is_refused(self) -> None:
        self.approve(self.v1)
        services.start_new_version(self.executive, self.v1)
        self.client.force_login(self.executive)
        url = reverse("strategy:new_version", args=[self.org.uuid, self.v1.uuid])
        response = self.client.post(url, follow=True)
        self.assertContains(response, "Version 2 of this strategy already exists")
        self.assertEqual(Strategy.objects.count(), 2)

    def test_staff_and_outsiders_cannot_start_a_version_from_the_page(self) -> None:
        self.approve(self.v1)
        url = reverse("strategy:new_version", args=[self.org.uuid, self.v1.uuid])
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(Strategy.objects.count(), 1)


class CompareTests(VersionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.approve(self.v1)
        self.v2 = services.start_new_version(self.executive, self.v1)
        copy = self.v2.elements.get(title="Great care")
        services.update_element(
            self.executive, copy, title="Outstanding care", outcomes=["No waits"]
        )
        services.remove_element(self.executive, self.v2.elements.get(title="Children's services"))
        kind = self.objective.kind
        services.add_element(self.executive, self.v2, kind=kind, title="Digital first")
        self.v2 = services.update_strategy(self.executive, self.v2, vision="A brighter future.")

    def test_a_renamed_element_is_matched_through_its_copy_and_shown_as_changed(self) -> None:
        comparison = compare_versions(self.v2, self.v1)
        self.assertEqual((comparison.earlier, comparison.later), (self.v1, self.v2))
        by_title = {str(item.item): item for item in comparison.elements}
        renamed = by_title["Outstanding care"]
        self.assertEqual(renamed.status, "changed")
        self.assertEqual(renamed.before, self.objective)
        changes = {change.label: change for change in renamed.changes}
        self.assertEqual(changes["What success will look like"].added, ["No waits"])
        self.assertEqual(changes["What success will look like"].removed, ["Fewer waits"])
        self.assertEqual(by_title["Digital first"].status, "added")
        self.assertEqual(by_title["Children's services"].status, "removed")
        self.assertEqual(comparison.counts["unchanged"], 1)  # the value

    def test_elements_without_a_copy_link_are_matched_by_title(self) -> None:
        other = make_strategy(self.org, title="Another line", version=1)
        same = make_element(other, title="great  CARE", outcomes=["Fewer waits"])
        comparison = compare_versions(self.v1, other)
        pairs = {(item.before, item.after) for item in comparison.elements}
        self.assertIn((self.objective, same), pairs)
        statuses = sorted(item.status for item in comparison.elements)
        self.assertEqual(statuses, ["changed", "removed"])

    def test_a_change_of_vision_is_marked(self) -> None:
        fields = {change.label: change for change in compare_versions(self.v1, self.v2).fields}
        self.assertTrue(fields["Vision"].changed)
        self.assertFalse(fields["Title"].changed)

    def test_the_compare_page_shows_what_was_added_removed_and_changed(self) -> None:
        self.client.force_login(self.staff)
        url = reverse("strategy:compare", args=[self.org.uuid, self.v2.uuid, self.v1.uuid])
        response = self.client.get(url)
        self.assertContains(response, "Version 1 and version 2 side by side")
        self.assertContains(response, "1 added, 1 removed, 1 changed and 1 unchanged")
        self.assertContains(response, "A brighter future.")
        self.assertContains(response, "No waits")

    def test_an_outsider_cannot_compare_our_versions(self) -> None:
        self.client.force_login(self.outsider)
        url = reverse("strategy:compare", args=[self.org.uuid, self.v2.uuid, self.v1.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_another_trusts_strategy_cannot_be_pulled_into_a_comparison(self) -> None:
        theirs = make_strategy(self.other_org, title="Their secret plan")
        self.client.force_login(self.admin)
        url = reverse("strategy:compare", args=[self.org.uuid, self.v1.uuid, theirs.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        url = reverse("strategy:compare", args=[self.org.uuid, self.v2.uuid, self.v1.uuid])
        self.assertIn("/account/sign-in/", self.client.get(url)["Location"])

    def test_the_strategy_page_links_its_versions_for_comparison(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(reverse("strategy:detail", args=[self.org.uuid, self.v2.uuid]))
        compare_url = reverse("strategy:compare", args=[self.org.uuid, self.v2.uuid, self.v1.uuid])
        self.assertContains(response, compare_url)

    def test_copies_stay_linked_when_an_element_moves_on_through_three_versions(self) -> None:
        self.approve(self.v2, datetime.date(2025, 1, 1))
        v3 = services.start_new_version(self.executive, self.v2)
        comparison = compare_versions(self.v1, v3)
        by_title = {str(item.item): item.status for item in comparison.elements}
        self.assertEqual(by_title["Outstanding care"], "changed")
        self.assertEqual(Element.objects.filter(strategy=v3).count(), 2)
