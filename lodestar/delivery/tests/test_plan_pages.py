"""The delivery plan page, the deliverable page, and adding, changing and deleting."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.delivery.models import Deliverable, Milestone
from lodestar.delivery.tests.builders import (
    DeliveryTestCase,
    make_deliverable,
    make_milestone,
    make_update,
)
from lodestar.strategy.tests.builders import make_element, make_strategy

D = datetime.date


@time_machine.travel(datetime.datetime(2025, 5, 15, 12, tzinfo=datetime.UTC), tick=False)
class PlanPageTests(DeliveryTestCase):
    def url(self) -> str:
        return reverse("delivery:plan", args=[self.org.uuid, self.strategy.uuid])

    def test_the_path_is_the_strategys_delivery_page(self) -> None:
        self.assertEqual(
            self.url(), f"/o/{self.org.uuid}/strategies/{self.strategy.uuid}/delivery/"
        )

    def test_every_member_reads_elements_deliverables_milestones_and_roll_up(self) -> None:
        deliverable = make_deliverable(
            self.element, self.executive, title="Crisis line", responsible_manager=self.staff
        )
        make_milestone(deliverable, title="Line open", completed_on=D(2025, 3, 1))
        make_milestone(deliverable, title="Evaluation", due_date=D(2025, 4, 30))
        make_update(deliverable, status="amber")
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        for text in (
            "Great care, every time",
            "Crisis line",
            "Milestone: Line open",
            "Milestone: Evaluation",
            "Erin Exec",
            "Manager: Sam Staff",
            "31 Dec 2025",
            "nhsuk-tag--yellow",
            "50% complete",
            "1 of 2 milestones done",
            "1 overdue",
        ):
            self.assertContains(response, text)

    def test_a_deliverable_nobody_has_reported_on_says_so(self) -> None:
        make_deliverable(self.element, self.executive)
        self.client.force_login(self.analyst)
        self.assertContains(self.client.get(self.url()), "Not reported")

    def test_only_planners_see_the_link_to_add_a_deliverable(self) -> None:
        add = reverse("delivery:new_deliverable", args=[self.org.uuid, self.element.uuid])
        self.client.force_login(self.staff)
        self.assertNotContains(self.client.get(self.url()), add)
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(self.url()), add)

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_another_trusts_strategy_is_not_found_under_our_organisation(self) -> None:
        theirs = make_strategy(self.other_org)
        self.client.force_login(self.admin)
        url = reverse("delivery:plan", args=[self.org.uuid, theirs.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.assertRedirects(self.client.get(self.url()), f"/account/sign-in/?next={self.url()}")

    def test_the_index_lists_strategies_with_their_plans(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(reverse("delivery:index", args=[self.org.uuid]))
        self.assertContains(response, self.url())
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("delivery:index", args=[self.org.uuid]))
        self.assertEqual(response.status_code, 404)


class DeliverablePageTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliverable = make_deliverable(self.element, self.executive, committee=self.committee)

    def url(self) -> str:
        return reverse("delivery:deliverable", args=[self.org.uuid, self.deliverable.uuid])

    def test_members_see_the_leader_committee_and_history_newest_first(self) -> None:
        make_update(self.deliverable, period=D(2025, 3, 1), narrative="March went well.")
        make_update(self.deliverable, period=D(2025, 4, 1), narrative="April slipped.")
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        self.assertContains(response, "Quality and Safety Committee")
        self.assertContains(response, "Erin Exec")
        body = response.content.decode()
        self.assertLess(body.index("April slipped."), body.index("March went well."))
        self.assertNotContains(response, "Post a progress update")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)


class ComponentFormTests(DeliveryTestCase):
    def form(self, **changes: Any) -> dict[str, Any]:
        data = {
            "title": "Crisis line",
            "kind": "project",
            "description": "",
            "start_date": "2025-01-01",
            "due_date": "2025-12-31",
            "accountable_executive": str(self.executive.pk),
            "responsible_manager": "",
            "committee": str(self.committee.pk),
            "reason": "",
        }
        data.update(changes)
        return data

    def new_url(self) -> str:
        return reverse("delivery:new_deliverable", args=[self.org.uuid, self.element.uuid])

    def test_an_executive_adds_a_deliverable_through_the_form(self) -> None:
        self.client.force_login(self.executive)
        self.assertEqual(self.client.get(self.new_url()).status_code, 200)
        response = self.client.post(self.new_url(), self.form())
        created = Deliverable.objects.get()
        self.assertRedirects(
            response, reverse("delivery:deliverable", args=[self.org.uuid, created.uuid])
        )
        self.assertEqual(created.committee, self.committee)

    def assert_refused(self, url: str, data: dict[str, Any], *texts: str) -> None:
        before = (
            Deliverable.objects.count(),
            Milestone.objects.count(),
            AuditEntry.objects.count(),
        )
        response = self.client.post(url, data)
        for text in texts:
            self.assertContains(response, text, status_code=400)
        after = (
            Deliverable.objects.count(),
            Milestone.objects.count(),
            AuditEntry.objects.count(),
        )
        self.assertEqual(after, before)

    def test_a_missing_executive_is_named_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.executive)
        self.assert_refused(
            self.new_url(),
            self.form(accountable_executive=""),
            "Accountable executive: Choose the accountable executive: every deliverable has "
            "exactly one.",
        )

    def test_a_staff_member_as_executive_is_named_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.executive)
        self.assert_refused(
            self.new_url(),
            self.form(accountable_executive=str(self.staff.pk)),
            "Choose an executive director of Derbyshire Healthcare NHS Foundation Trust",
        )

    def test_a_due_date_before_the_start_is_named_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.executive)
        self.assert_refused(
            self.new_url(),
            self.form(start_date="2025-06-01", due_date="2025-01-01"),
            "Due date: The due date must be on or after the start date, 1 June 2025.",
        )

    def test_editing_saves_the_change_with_its_reason(self) -> None:
        deliverable = make_deliverable(self.element, self.executive)
        url = reverse("delivery:edit_deliverable", args=[self.org.uuid, deliverable.uuid])
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(url), "Community mental health transformation")
        self.client.post(url, self.form(title="Crisis line 24/7", reason="Scope grew"))
        deliverable.refresh_from_db()
        self.assertEqual(deliverable.title, "Crisis line 24/7")
        entry = AuditEntry.objects.for_record("delivery.deliverable", deliverable.uuid).get()
        self.assertEqual(entry.reason, "Scope grew")

    def test_a_milestone_is_added_changed_and_deleted_through_the_pages(self) -> None:
        deliverable = make_deliverable(self.element, self.executive)
        self.client.force_login(self.executive)
        new = reverse("delivery:new_milestone", args=[self.org.uuid, deliverable.uuid])
        self.assertContains(self.client.get(new), "Add a milestone")
        self.client.post(new, self.form(title="Pilot live"))
        milestone = Milestone.objects.get()
        edit = reverse("delivery:edit_milestone", args=[self.org.uuid, milestone.uuid])
        self.client.post(edit, self.form(title="Pilot live in Derby"))
        milestone.refresh_from_db()
        self.assertEqual(milestone.title, "Pilot live in Derby")
        delete = reverse("delivery:delete_milestone", args=[self.org.uuid, milestone.uuid])
        self.assertContains(self.client.get(delete), "Delete Pilot live in Derby?")
        self.client.post(delete, {"reason": "Not needed"})
        self.assertFalse(Milestone.objects.exists())

    def test_a_milestone_without_an_executive_is_refused(self) -> None:
        deliverable = make_deliverable(self.element, self.executive)
        self.client.force_login(self.executive)
        new = reverse("delivery:new_milestone", args=[self.org.uuid, deliverable.uuid])
        self.assert_refused(
            new, self.form(accountable_executive=""), "every milestone has exactly one"
        )

    def test_a_milestone_with_an_analyst_as_executive_is_refused(self) -> None:
        deliverable = make_deliverable(self.element, self.executive)
        self.client.force_login(self.executive)
        new = reverse("delivery:new_milestone", args=[self.org.uuid, deliverable.uuid])
        self.assert_refused(
            new,
            self.form(accountable_executive=str(self.analyst.pk)),
            "Choose an executive director",
        )

    def test_deleting_a_deliverable_returns_to_the_plan(self) -> None:
        deliverable = make_deliverable(self.element, self.executive)
        url = reverse("delivery:delete_deliverable", args=[self.org.uuid, deliverable.uuid])
        self.client.force_login(self.executive)
        response = self.client.post(url, {"reason": "Duplicate"})
        self.assertRedirects(
            response, reverse("delivery:plan", args=[self.org.uuid, self.strategy.uuid])
        )
        self.assertFalse(Deliverable.objects.exists())

    def test_a_reported_deliverable_cannot_be_deleted_and_the_page_says_why(self) -> None:
        deliverable = make_deliverable(self.element, self.executive)
        make_update(deliverable)
        url = reverse("delivery:delete_deliverable", args=[self.org.uuid, deliverable.uuid])
        self.client.force_login(self.executive)
        response = self.client.post(url)
        self.assertContains(response, "has 1 progress update", status_code=400)
        self.assertTrue(Deliverable.objects.exists())

    def test_people_who_only_read_the_plan_are_forbidden_and_outsiders_not_found(self) -> None:
        deliverable = make_deliverable(self.element, self.executive)
        milestone = make_milestone(deliverable)
        org = self.org.uuid
        urls = [
            self.new_url(),
            reverse("delivery:edit_deliverable", args=[org, deliverable.uuid]),
            reverse("delivery:delete_deliverable", args=[org, deliverable.uuid]),
            reverse("delivery:new_milestone", args=[org, deliverable.uuid]),
            reverse("delivery:edit_milestone", args=[org, milestone.uuid]),
            reverse("delivery:delete_milestone", args=[org, milestone.uuid]),
        ]
        for user, status in [(self.staff, 403), (self.chair, 403), (self.outsider, 404)]:
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)
                    self.assertEqual(self.client.post(url, self.form()).status_code, status)
        self.assertEqual((Deliverable.objects.count(), Milestone.objects.count()), (1, 1))

    def test_an_element_of_another_trust_is_not_found(self) -> None:
        theirs = make_element(make_strategy(self.other_org))
        self.client.force_login(self.executive)
        url = reverse("delivery:new_deliverable", args=[self.org.uuid, theirs.uuid])
        self.assertEqual(self.client.post(url, self.form()).status_code, 404)
        self.assertFalse(Deliverable.objects.exists())
