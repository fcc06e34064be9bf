"""Overdue milestones and missing updates, on 15 May 2025 (April is the period due)."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse

from lodestar.delivery.models import DeliverySettings
from lodestar.delivery.plan import exceptions_for
from lodestar.delivery.tests.builders import (
    DeliveryTestCase,
    make_deliverable,
    make_milestone,
    make_update,
)
from lodestar.strategy.models import Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy

D = datetime.date
TODAY = D(2025, 5, 15)


@time_machine.travel(datetime.datetime(2025, 5, 15, 12, tzinfo=datetime.UTC), tick=False)
class ExceptionTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliverable = make_deliverable(self.element, self.executive, title="Crisis line")

    def missing(self) -> list[str]:
        return [r.deliverable.title for r in exceptions_for(self.org, TODAY).missing_updates]

    def overdue(self) -> list[str]:
        return [m.title for m in exceptions_for(self.org, TODAY).overdue_milestones]

    def test_a_milestone_past_due_and_not_complete_is_overdue(self) -> None:
        make_milestone(self.deliverable, title="Late", due_date=D(2025, 5, 14))
        make_milestone(self.deliverable, title="Due today", due_date=TODAY)
        make_milestone(
            self.deliverable, title="Done", due_date=D(2025, 4, 1), completed_on=D(2025, 4, 2)
        )
        self.assertEqual(self.overdue(), ["Late"])

    def test_a_deliverable_with_no_update_for_april_is_missing_one(self) -> None:
        self.assertEqual(self.missing(), ["Crisis line"])
        make_update(self.deliverable, period=D(2025, 3, 1))
        self.assertEqual(self.missing(), ["Crisis line"])

    def test_an_update_for_april_or_later_is_enough(self) -> None:
        make_update(self.deliverable, period=D(2025, 4, 1))
        self.assertEqual(self.missing(), [])
        self.deliverable.updates.all().delete()
        make_update(self.deliverable, period=D(2025, 5, 1))
        self.assertEqual(self.missing(), [])

    def test_a_deliverable_starting_after_april_owes_nothing_yet(self) -> None:
        self.deliverable.start_date = D(2025, 5, 1)
        self.deliverable.save()
        self.assertEqual(self.missing(), [])

    def test_without_a_start_date_the_day_it_was_added_counts(self) -> None:
        # Added "today" (15 May), so nothing was owed for April.
        self.deliverable.start_date = None
        self.deliverable.save()
        self.assertEqual(self.missing(), [])

    def test_finished_deliverables_owe_nothing(self) -> None:
        make_update(self.deliverable, period=D(2025, 3, 1), status="blue")
        other = make_deliverable(self.element, self.executive, title="Done by hand")
        other.completed_on = D(2025, 3, 31)
        other.save()
        self.assertEqual(self.missing(), [])

    def test_quarterly_reporting_expects_january_to_march(self) -> None:
        DeliverySettings.objects.create(
            organisation=self.org, update_frequency=DeliverySettings.Frequency.QUARTERLY
        )
        found = exceptions_for(self.org, TODAY)
        self.assertEqual(found.expected_period, D(2025, 1, 1))
        self.assertEqual(found.expected_period_name, "January to March 2025")
        make_update(self.deliverable, period=D(2025, 1, 1))
        self.assertEqual(self.missing(), [])

    def test_superseded_plans_and_other_trusts_are_left_out(self) -> None:
        old = make_strategy(self.org, title="Old", status=Strategy.Status.SUPERSEDED)
        stale = make_deliverable(make_element(old), self.executive, title="Old work")
        make_milestone(stale, title="Old milestone", due_date=D(2024, 1, 1))
        theirs = make_deliverable(make_element(make_strategy(self.other_org)), self.outsider)
        make_milestone(theirs, title="Their milestone", due_date=D(2024, 1, 1))
        self.assertEqual(self.missing(), ["Crisis line"])
        self.assertEqual(self.overdue(), [])

    def test_the_page_lists_both_kinds_and_names_the_period(self) -> None:
        make_milestone(self.deliverable, title="Recruit team", due_date=D(2025, 5, 1))
        url = reverse("delivery:exceptions", args=[self.org.uuid])
        self.assertEqual(url, f"/o/{self.org.uuid}/delivery/exceptions/")
        self.client.force_login(self.staff)
        response = self.client.get(url)
        self.assertContains(response, "Recruit team")
        self.assertContains(response, "Missing updates for April 2025 (1)")
        self.assertContains(response, "Crisis line")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        url = reverse("delivery:exceptions", args=[self.org.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        url = reverse("delivery:exceptions", args=[self.org.uuid])
        self.assertRedirects(self.client.get(url), f"/account/sign-in/?next={url}")
