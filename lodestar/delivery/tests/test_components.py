"""Deliverables and milestones: one accountable executive, sound dates, audited changes."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lodestar.audit.models import AuditEntry
from lodestar.core import services as core_services
from lodestar.core.roles import Role
from lodestar.core.testing import make_user
from lodestar.delivery import services
from lodestar.delivery.models import Deliverable, Milestone
from lodestar.delivery.tests.builders import (
    DeliveryTestCase,
    make_deliverable,
    make_milestone,
    make_update,
)
from lodestar.strategy.models import Strategy
from lodestar.strategy.tests.builders import make_committee

D = datetime.date


class CreateDeliverableTests(DeliveryTestCase):
    def create(self, actor: Any = None, **changes: Any) -> Deliverable:
        values: dict[str, Any] = {
            "title": "Community mental health transformation",
            "kind": Deliverable.Kind.PROGRAMME,
            "start_date": D(2025, 1, 1),
            "due_date": D(2026, 3, 31),
            "accountable_executive": self.executive,
            "responsible_manager": self.staff,
            "committee": self.committee,
        }
        values.update(changes)
        return services.create_deliverable(actor or self.executive, self.element, **values)

    def refused(self, field: str, **changes: Any) -> str:
        """Assert the change is refused on `field`, nothing saved; return the message."""
        before = (Deliverable.objects.count(), AuditEntry.objects.count())
        with self.assertRaises(ValidationError) as caught:
            self.create(**changes)
        self.assertIn(field, caught.exception.message_dict)
        self.assertEqual((Deliverable.objects.count(), AuditEntry.objects.count()), before)
        return " ".join(caught.exception.message_dict[field])

    def test_an_executive_adds_a_deliverable_and_it_is_audited(self) -> None:
        deliverable = self.create()
        self.assertEqual(deliverable.organisation, self.org)
        self.assertEqual(deliverable.accountable_executive, self.executive)
        entry = AuditEntry.objects.for_record("delivery.deliverable", deliverable.uuid).get()
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.actor, self.executive)
        self.assertIn("Erin Exec", str(entry.changes["accountable_executive"]))

    def test_the_governance_officer_may_plan_delivery_too(self) -> None:
        self.assertEqual(
            self.create(self.governance).title, "Community mental health transformation"
        )

    def test_a_deliverable_without_an_accountable_executive_is_refused(self) -> None:
        message = self.refused("accountable_executive", accountable_executive=None)
        self.assertIn("every deliverable has exactly one", message)

    def test_a_staff_member_cannot_be_the_accountable_executive(self) -> None:
        message = self.refused("accountable_executive", accountable_executive=self.staff)
        self.assertIn("Sam Staff is not an executive director", message)

    def test_an_administrator_who_is_not_an_executive_cannot_be_accountable(self) -> None:
        self.refused("accountable_executive", accountable_executive=self.admin)

    def test_an_executive_of_another_trust_cannot_be_accountable(self) -> None:
        elsewhere = make_user("nora", "Nora", "Notts")
        core_services.add_member(None, self.other_org, elsewhere, Role.EXECUTIVE_DIRECTOR)
        self.refused("accountable_executive", accountable_executive=elsewhere)

    def test_a_due_date_before_the_start_is_refused(self) -> None:
        message = self.refused("due_date", start_date=D(2025, 6, 1), due_date=D(2025, 5, 31))
        self.assertIn("on or after the start date, 1 June 2025", message)

    def test_a_missing_due_date_is_refused(self) -> None:
        self.refused("due_date", due_date=None)

    def test_a_manager_from_another_trust_is_refused(self) -> None:
        message = self.refused("responsible_manager", responsible_manager=self.outsider)
        self.assertIn("Olly Outsider is not a member of", message)

    def test_another_trusts_committee_is_refused(self) -> None:
        theirs = make_committee(self.other_org, "Their board")
        self.refused("committee", committee=theirs)

    def test_several_problems_are_named_together(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.create(title="", accountable_executive=self.staff, due_date=D(2024, 1, 1))
        self.assertLessEqual(
            {"title", "accountable_executive", "due_date"}, set(caught.exception.message_dict)
        )

    def test_people_without_the_capability_may_not_add_deliverables(self) -> None:
        for user in (self.chair, self.analyst, self.staff, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.create(user)
        self.assertFalse(Deliverable.objects.exists())

    def test_a_superseded_strategys_plan_cannot_change(self) -> None:
        Strategy.objects.filter(pk=self.strategy.pk).update(status=Strategy.Status.SUPERSEDED)
        self.element.strategy.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "has been superseded"):
            self.create()

    def test_the_database_itself_refuses_a_deliverable_without_an_executive(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Deliverable.objects.create(
                organisation=self.org, element=self.element, title="X", due_date=D(2025, 1, 1)
            )


class ChangeDeliverableTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliverable = make_deliverable(self.element, self.executive)

    def test_a_change_is_saved_with_its_reason_in_the_audit_trail(self) -> None:
        services.update_deliverable(
            self.executive, self.deliverable, "Board agreed", due_date=D(2026, 6, 30)
        )
        self.deliverable.refresh_from_db()
        self.assertEqual(self.deliverable.due_date, D(2026, 6, 30))
        entry = AuditEntry.objects.for_record("delivery.deliverable", self.deliverable.uuid).get()
        self.assertEqual(entry.reason, "Board agreed")
        self.assertEqual(entry.changes["due_date"], ["2025-12-31", "2026-06-30"])

    def test_a_refused_change_leaves_the_deliverable_as_it_was(self) -> None:
        with self.assertRaises(ValidationError):
            services.update_deliverable(
                self.executive, self.deliverable, title="New", accountable_executive=self.staff
            )
        self.assertEqual(self.deliverable.accountable_executive, self.executive)
        self.deliverable.refresh_from_db()
        self.assertEqual(self.deliverable.title, "Community mental health transformation")
        self.assertFalse(AuditEntry.objects.filter(model_label="delivery.deliverable").exists())

    def test_only_known_fields_can_be_changed(self) -> None:
        with self.assertRaises(ValueError):
            services.update_deliverable(self.executive, self.deliverable, organisation=None)

    def test_deleting_removes_the_milestones_and_audits_each(self) -> None:
        milestone = make_milestone(self.deliverable)
        services.delete_deliverable(self.executive, self.deliverable, "Merged")
        self.assertFalse(Deliverable.objects.exists())
        self.assertFalse(Milestone.objects.exists())
        for label, uuid in [
            ("delivery.deliverable", self.deliverable.uuid),
            ("delivery.milestone", milestone.uuid),
        ]:
            entry = AuditEntry.objects.for_record(label, uuid).get()
            self.assertEqual((entry.action, entry.reason), (AuditEntry.Action.DELETE, "Merged"))

    def test_a_deliverable_with_progress_updates_is_kept(self) -> None:
        make_update(self.deliverable)
        with self.assertRaisesMessage(ValidationError, "has 1 progress update"):
            services.delete_deliverable(self.executive, self.deliverable)
        self.assertTrue(Deliverable.objects.exists())

    def test_staff_may_not_change_or_delete(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.update_deliverable(self.staff, self.deliverable, title="Mine")
        with self.assertRaises(PermissionDenied):
            services.delete_deliverable(self.staff, self.deliverable)
        self.assertTrue(Deliverable.objects.filter(title__startswith="Community").exists())


class MilestoneTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliverable = make_deliverable(self.element, self.executive)

    def test_a_milestone_is_added_with_its_own_accountable_executive(self) -> None:
        milestone = services.create_milestone(
            self.executive,
            self.deliverable,
            title="Pilot live",
            due_date=D(2025, 6, 30),
            accountable_executive=self.executive,
        )
        self.assertEqual(milestone.organisation, self.org)
        self.assertTrue(AuditEntry.objects.for_record("delivery.milestone", milestone.uuid))

    def test_a_milestone_needs_an_executive_director_as_well(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_milestone(
                self.executive,
                self.deliverable,
                title="Pilot live",
                due_date=D(2025, 6, 30),
                accountable_executive=self.analyst,
            )
        self.assertIn("Anil Analyst is not an executive director", str(caught.exception))
        self.assertFalse(Milestone.objects.exists())

    def test_a_milestone_is_changed_and_deleted_with_audit_entries(self) -> None:
        milestone = make_milestone(self.deliverable)
        services.update_milestone(self.governance, milestone, "Slipped", due_date=D(2025, 7, 31))
        services.delete_milestone(self.governance, milestone, "Dropped")
        actions = AuditEntry.objects.for_record("delivery.milestone", milestone.uuid).values_list(
            "action", flat=True
        )
        self.assertEqual(sorted(actions), ["delete", "update"])

    def test_completing_and_reopening_a_milestone_are_audited(self) -> None:
        milestone = make_milestone(self.deliverable)
        services.complete_milestone(self.executive, milestone, D(2025, 1, 31))
        milestone.refresh_from_db()
        self.assertEqual(milestone.completed_on, D(2025, 1, 31))
        services.complete_milestone(self.executive, milestone, None)
        milestone.refresh_from_db()
        self.assertIsNone(milestone.completed_on)
        entries = AuditEntry.objects.for_record("delivery.milestone", milestone.uuid)
        self.assertEqual(entries.count(), 2)

    def test_a_milestone_cannot_be_completed_in_the_future(self) -> None:
        milestone = make_milestone(self.deliverable)
        with self.assertRaisesMessage(ValidationError, "cannot be completed in the future"):
            services.complete_milestone(
                self.executive, milestone, timezone.localdate() + datetime.timedelta(days=2)
            )
        milestone.refresh_from_db()
        self.assertIsNone(milestone.completed_on)

    def test_completing_is_reporting_progress_which_governance_and_staff_do_not_do(self) -> None:
        milestone = make_milestone(self.deliverable)
        for user in (self.governance, self.staff, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.complete_milestone(user, milestone, D(2025, 1, 31))
