"""Risk appetite categories: the defaults, adding, changing and deleting them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.audit.models import AuditEntry
from lodestar.risk.models import AppetiteCategory, RiskStatus
from lodestar.risk.settings_services import (
    create_appetite_category,
    delete_appetite_category,
    ensure_default_appetite_categories,
    update_appetite_category,
)
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_appetite_category,
    make_strategic_risk,
)


class DefaultCategoryTests(RiskTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.category.delete()  # start with none

    def test_an_organisation_without_categories_gets_the_four_usual_ones(self) -> None:
        made = ensure_default_appetite_categories(self.org)
        rows = [(c.name, c.level, c.tolerance, c.order) for c in made]
        self.assertEqual(
            rows,
            [
                ("Finance", 3, 12, 0),
                ("Compliance and regulation", 2, 8, 1),
                ("Quality and outcomes", 2, 8, 2),
                ("Reputation", 3, 12, 3),
            ],
        )
        self.assertTrue(all(c.description for c in made))
        entries = AuditEntry.objects.filter(model_label="risk.appetitecategory", action="create")
        self.assertEqual(entries.count(), 4)
        self.assertEqual({e.actor_label for e in entries}, {"system"})

    def test_the_defaults_are_not_added_twice_nor_brought_back_once_deleted(self) -> None:
        ensure_default_appetite_categories(self.org)
        AppetiteCategory.objects.filter(organisation=self.org, name="Reputation").delete()
        again = ensure_default_appetite_categories(self.org, self.governance)
        self.assertEqual(len(again), 3)
        self.assertEqual(AppetiteCategory.objects.filter(organisation=self.org).count(), 3)

    def test_a_governance_officer_adding_the_defaults_is_recorded_as_the_actor(self) -> None:
        ensure_default_appetite_categories(self.org, self.governance)
        entry = AuditEntry.objects.filter(model_label="risk.appetitecategory").first()
        assert entry is not None
        self.assertEqual(entry.actor, self.governance)

    def test_the_chair_may_not_add_the_defaults(self) -> None:
        with self.assertRaises(PermissionDenied):
            ensure_default_appetite_categories(self.org, self.chair)
        self.assertFalse(AppetiteCategory.objects.filter(organisation=self.org).exists())


class CategoryTests(RiskTestCase):
    def create(self, **changes: Any) -> AppetiteCategory:
        values: dict[str, Any] = {"name": "People", "level": 3, "tolerance": 12}
        return create_appetite_category(self.governance, self.org, **(values | changes))

    def test_a_governance_officer_adds_a_category_at_the_end(self) -> None:
        made = self.create(name=" People ", description="Workforce")
        self.assertEqual((made.name, made.level, made.tolerance, made.order), ("People", 3, 12, 1))
        entry = AuditEntry.objects.for_record("risk.appetitecategory", made.uuid).get()
        self.assertEqual(entry.changes["name"], [None, "People"])

    def test_a_category_name_must_be_new_whatever_its_case(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.create(name="FINANCE")
        self.assertEqual(
            caught.exception.message_dict["name"], ["There is already a category called FINANCE."]
        )

    def test_the_same_name_may_be_used_by_another_organisation(self) -> None:
        theirs = create_appetite_category(
            self.outsider, self.other_org, name="Finance", level=2, tolerance=8
        )
        self.assertEqual(theirs.organisation, self.other_org)

    def test_bad_values_are_refused_naming_each_field(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.create(name="  ", level=6, tolerance=0)
        errors = caught.exception.message_dict
        self.assertEqual(errors["name"], ["Give the category a name, like Finance or Reputation."])
        self.assertEqual(
            errors["level"], ["Choose an appetite level: Averse, Minimal, Cautious, Open, Eager."]
        )
        self.assertEqual(
            errors["tolerance"], ["The tolerance must be a whole-number score from 1 to 25."]
        )
        for bad in (True, "12", 26):
            with self.subTest(tolerance=bad), self.assertRaises(ValidationError):
                self.create(tolerance=bad)
        self.assertEqual(AppetiteCategory.objects.filter(organisation=self.org).count(), 1)

    def test_a_change_of_tolerance_is_audited_with_the_reason(self) -> None:
        update_appetite_category(self.governance, self.category, "Board review", tolerance=15)
        self.category.refresh_from_db()
        self.assertEqual(self.category.tolerance, 15)
        entry = AuditEntry.objects.for_record("risk.appetitecategory", self.category.uuid).get()
        self.assertEqual((entry.changes["tolerance"], entry.reason), ([12, 15], "Board review"))

    def test_a_category_may_keep_its_own_name(self) -> None:
        update_appetite_category(self.admin, self.category, name="Finance", level=2)
        self.category.refresh_from_db()
        self.assertEqual(self.category.level, 2)

    def test_a_category_cannot_take_another_ones_name(self) -> None:
        other = self.create(name="Reputation")
        with self.assertRaises(ValidationError) as caught:
            update_appetite_category(self.governance, other, name="finance")
        self.assertIn("already a category called finance", caught.exception.messages[0])
        other.refresh_from_db()
        self.assertEqual(other.name, "Reputation")

    def test_unknown_fields_are_a_programming_error(self) -> None:
        with self.assertRaises(ValueError):
            update_appetite_category(self.governance, self.category, organisation=self.other_org)

    def test_a_category_no_risk_uses_is_deleted_and_audited(self) -> None:
        spare = self.create()
        delete_appetite_category(self.governance, spare, "Not needed")
        self.assertFalse(AppetiteCategory.objects.filter(pk=spare.pk).exists())
        entry = AuditEntry.objects.for_record("risk.appetitecategory", spare.uuid).get(
            action="delete"
        )
        self.assertEqual((entry.reason, entry.changes["name"]), ("Not needed", ["People", None]))

    def test_a_category_in_use_cannot_be_deleted_even_by_closed_risks(self) -> None:
        make_strategic_risk(self.org, self.executive, appetite_category=self.category)
        make_strategic_risk(
            self.org, self.executive, appetite_category=self.category, status=RiskStatus.CLOSED
        )
        with self.assertRaises(ValidationError) as caught:
            delete_appetite_category(self.governance, self.category)
        self.assertEqual(
            caught.exception.messages,
            [
                "2 risks (SR1, SR2) use Finance: move them to another category before "
                "deleting this one."
            ],
        )
        self.assertTrue(AppetiteCategory.objects.filter(pk=self.category.pk).exists())

    def test_one_risk_in_use_is_named_in_the_singular(self) -> None:
        make_strategic_risk(self.org, self.executive, appetite_category=self.category)
        with self.assertRaises(ValidationError) as caught:
            delete_appetite_category(self.governance, self.category)
        self.assertIn("1 risk (SR1) uses Finance: move it", caught.exception.messages[0])

    def test_board_members_and_others_may_not_change_categories(self) -> None:
        for person in (self.chair, self.ned, self.executive, self.manager, self.outsider):
            with self.subTest(person=person.username):
                with self.assertRaises(PermissionDenied):
                    create_appetite_category(person, self.org, name="X", level=1, tolerance=4)
                with self.assertRaises(PermissionDenied):
                    update_appetite_category(person, self.category, tolerance=25)
                with self.assertRaises(PermissionDenied):
                    delete_appetite_category(person, self.category)
        self.category.refresh_from_db()
        self.assertEqual(self.category.tolerance, 12)
        self.assertEqual(make_appetite_category(self.org).pk, self.category.pk)
