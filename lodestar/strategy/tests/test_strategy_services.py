from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.strategy import services
from lodestar.strategy.models import ElementKind, Strategy
from lodestar.strategy.tests.builders import make_committee, make_strategy

APPROVED_ON = datetime.date(2024, 3, 27)


def new_strategy_fields() -> dict[str, Any]:
    return {
        "title": "Our strategy",
        "kind": Strategy.Kind.ORGANISATIONAL,
        "start_year": 2025,
        "end_year": 2028,
        "vision": "Outstanding care.",
    }


class ElementKindTests(PersonaTestCase):
    def test_the_usual_kinds_are_added_once_however_often_asked(self) -> None:
        made = services.ensure_element_kinds(self.org)
        self.assertEqual(len(made), len(ElementKind.DEFAULTS))
        self.assertEqual(services.ensure_element_kinds(self.org), [])
        names = ElementKind.objects.filter(organisation=self.org).values_list("name", flat=True)
        self.assertEqual(sorted(names), sorted(name for name, _ in ElementKind.DEFAULTS))
        self.assertFalse(ElementKind.objects.filter(organisation=self.other_org).exists())

    def test_only_missing_usual_kinds_are_added(self) -> None:
        ElementKind.objects.create(organisation=self.org, name="Aim", plural="Aims", order=4)
        made = services.ensure_element_kinds(self.org)
        self.assertNotIn("Aim", [kind.name for kind in made])
        self.assertEqual(ElementKind.objects.filter(organisation=self.org, name="Aim").count(), 1)

    def test_an_organisation_names_its_own_kind_after_the_usual_ones(self) -> None:
        services.ensure_element_kinds(self.org)
        kind = services.add_element_kind(self.executive, self.org, name=" Big ambition ")
        self.assertEqual((kind.name, kind.plural), ("Big ambition", "Big ambitions"))
        last = ElementKind.objects.filter(organisation=self.org).order_by("order").last()
        self.assertEqual(last, kind)
        self.assertTrue(AuditEntry.objects.filter(object_uuid=kind.uuid, action="create"))

    def test_a_kind_with_a_name_already_used_is_refused_whatever_its_case(self) -> None:
        services.add_element_kind(self.executive, self.org, name="Big ambition")
        with self.assertRaises(ValidationError) as caught:
            services.add_element_kind(self.executive, self.org, name="BIG AMBITION")
        self.assertIn("name", caught.exception.message_dict)

    def test_staff_cannot_add_a_kind(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.add_element_kind(self.staff, self.org, name="Big ambition")
        self.assertFalse(ElementKind.objects.filter(name="Big ambition").exists())


class CreateAndUpdateTests(PersonaTestCase):
    def test_an_executive_creates_a_draft_and_the_usual_kinds_appear(self) -> None:
        strategy = services.create_strategy(self.executive, self.org, **new_strategy_fields())
        self.assertEqual((strategy.status, strategy.version), (Strategy.Status.DRAFT, 1))
        self.assertTrue(ElementKind.objects.filter(organisation=self.org).exists())
        self.assertTrue(AuditEntry.objects.filter(object_uuid=strategy.uuid, action="create"))

    def test_a_period_ending_before_it_starts_is_refused_on_the_end_year(self) -> None:
        fields = new_strategy_fields() | {"start_year": 2028, "end_year": 2025}
        with self.assertRaises(ValidationError) as caught:
            services.create_strategy(self.executive, self.org, **fields)
        self.assertIn("end_year", caught.exception.message_dict)
        self.assertFalse(Strategy.objects.exists())

    def test_a_year_nobody_would_write_is_refused(self) -> None:
        fields = new_strategy_fields() | {"start_year": 25}
        with self.assertRaises(ValidationError) as caught:
            services.create_strategy(self.executive, self.org, **fields)
        self.assertIn("start_year", caught.exception.message_dict)

    def test_an_unknown_field_is_a_programming_error(self) -> None:
        with self.assertRaises(ValueError):
            services.create_strategy(self.executive, self.org, status="approved")

    def test_the_chair_cannot_write_a_strategy(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.create_strategy(self.chair, self.org, **new_strategy_fields())

    def test_an_update_is_audited_with_what_changed(self) -> None:
        strategy = make_strategy(self.org)
        services.update_strategy(self.governance, strategy, "Board away day", vision="Better.")
        entry = AuditEntry.objects.get(object_uuid=strategy.uuid, action="update")
        self.assertEqual(entry.changes["vision"][1], "Better.")
        self.assertEqual(entry.reason, "Board away day")

    def test_a_blank_vision_is_refused_and_nothing_changes(self) -> None:
        strategy = make_strategy(self.org)
        with self.assertRaises(ValidationError) as caught:
            services.update_strategy(self.executive, strategy, vision="")
        self.assertIn("vision", caught.exception.message_dict)
        strategy.refresh_from_db()
        self.assertNotEqual(strategy.vision, "")


class StatusTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)
        self.board = make_committee(self.org)

    def test_a_draft_goes_out_for_consultation_and_back(self) -> None:
        services.submit_for_consultation(self.executive, self.strategy)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, Strategy.Status.CONSULTATION)
        services.return_to_draft(self.executive, self.strategy)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, Strategy.Status.DRAFT)

    def test_only_a_draft_goes_out_for_consultation(self) -> None:
        services.submit_for_consultation(self.executive, self.strategy)
        with self.assertRaises(ValidationError):
            services.submit_for_consultation(self.executive, self.strategy)

    def test_the_chair_records_approval_by_the_board(self) -> None:
        services.approve_strategy(
            self.chair, self.strategy, approved_by=self.board, approved_on=APPROVED_ON
        )
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, Strategy.Status.APPROVED)
        self.assertEqual(
            (self.strategy.approved_by, self.strategy.approved_on), (self.board, APPROVED_ON)
        )
        entry = AuditEntry.objects.get(object_uuid=self.strategy.uuid, action="update")
        self.assertEqual(entry.changes["status"], ["draft", "approved"])

    def test_approval_without_a_committee_or_date_names_both_fields(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.approve_strategy(
                self.chair, self.strategy, approved_by=None, approved_on=None
            )
        self.assertEqual(set(caught.exception.message_dict), {"approved_by", "approved_on"})
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, Strategy.Status.DRAFT)

    def test_another_trusts_committee_cannot_approve_our_strategy(self) -> None:
        theirs = make_committee(self.other_org)
        with self.assertRaises(ValidationError) as caught:
            services.approve_strategy(
                self.chair, self.strategy, approved_by=theirs, approved_on=APPROVED_ON
            )
        self.assertIn("approved_by", caught.exception.message_dict)

    def test_approval_cannot_be_dated_in_the_future(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with self.assertRaises(ValidationError) as caught:
            services.approve_strategy(
                self.chair, self.strategy, approved_by=self.board, approved_on=tomorrow
            )
        self.assertIn("approved_on", caught.exception.message_dict)

    def test_an_executive_cannot_record_approval(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.approve_strategy(
                self.executive, self.strategy, approved_by=self.board, approved_on=APPROVED_ON
            )

    def test_an_approved_strategy_cannot_be_approved_again_or_sent_to_consultation(self) -> None:
        services.approve_strategy(
            self.chair, self.strategy, approved_by=self.board, approved_on=APPROVED_ON
        )
        with self.assertRaisesMessage(ValidationError, "approved on 27 March 2024"):
            services.approve_strategy(
                self.chair, self.strategy, approved_by=self.board, approved_on=APPROVED_ON
            )
        with self.assertRaises(ValidationError):
            services.submit_for_consultation(self.executive, self.strategy)


class FrozenStrategyFieldsTests(PersonaTestCase):
    def test_an_approved_strategy_refuses_changes_and_keeps_its_fields(self) -> None:
        strategy = make_strategy(
            self.org, status=Strategy.Status.APPROVED, approved_on=APPROVED_ON
        )
        before = AuditEntry.objects.count()
        with self.assertRaisesMessage(
            ValidationError,
            "This strategy was approved on 27 March 2024 and cannot be changed. "
            "Start a new version to make changes.",
        ):
            services.update_strategy(self.admin, strategy, vision="Something else.")
        strategy.refresh_from_db()
        self.assertNotEqual(strategy.vision, "Something else.")
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_a_stale_copy_of_an_approved_strategy_is_refused_too(self) -> None:
        strategy = make_strategy(self.org)
        stale = Strategy.objects.get(pk=strategy.pk)
        services.approve_strategy(
            self.chair, strategy, approved_by=make_committee(self.org), approved_on=APPROVED_ON
        )
        with self.assertRaises(ValidationError):
            services.update_strategy(self.executive, stale, title="Sneaky")
        strategy.refresh_from_db()
        self.assertNotEqual(strategy.title, "Sneaky")
