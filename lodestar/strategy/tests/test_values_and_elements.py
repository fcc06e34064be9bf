from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.delivery.models import Objective
from lodestar.strategy import services
from lodestar.strategy.models import Element, ElementKind, Strategy, Value
from lodestar.strategy.tests.builders import (
    make_element,
    make_element_kind,
    make_strategy,
)


class ValueTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)

    def test_values_are_added_in_order_with_their_behaviours_one_a_line(self) -> None:
        first = services.add_value(
            self.executive, self.strategy, name="Kind", behaviours="We listen\n\n  We care  \n"
        )
        second = services.add_value(self.executive, self.strategy, name="Bold")
        self.assertEqual(first.behaviours, ["We listen", "We care"])
        self.assertEqual((first.order, second.order), (0, 1))
        self.assertTrue(AuditEntry.objects.filter(object_uuid=first.uuid, action="create"))

    def test_a_value_without_a_name_is_refused_on_its_name(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.add_value(self.executive, self.strategy, name="")
        self.assertIn("name", caught.exception.message_dict)
        self.assertFalse(Value.objects.exists())

    def test_behaviours_that_are_not_text_are_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.add_value(self.executive, self.strategy, name="Kind", behaviours=[1, 2])
        self.assertIn("behaviours", caught.exception.message_dict)

    def test_a_value_is_changed_moved_and_removed(self) -> None:
        kind = services.add_value(self.executive, self.strategy, name="Kind")
        bold = services.add_value(self.executive, self.strategy, name="Bold")
        services.update_value(self.executive, kind, description="Always.")
        services.move_value(self.executive, bold, "up")
        self.assertEqual(
            [v.name for v in self.strategy.values.order_by("order")], ["Bold", "Kind"]
        )
        services.remove_value(self.executive, kind)
        self.assertEqual([v.name for v in self.strategy.values.all()], ["Bold"])
        self.assertTrue(AuditEntry.objects.filter(object_uuid=kind.uuid, action="delete"))

    def test_moving_the_first_value_up_changes_nothing(self) -> None:
        kind = services.add_value(self.executive, self.strategy, name="Kind")
        before = AuditEntry.objects.count()
        services.move_value(self.executive, kind, "up")
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_a_direction_other_than_up_or_down_is_refused(self) -> None:
        kind = services.add_value(self.executive, self.strategy, name="Kind")
        with self.assertRaises(ValidationError):
            services.move_value(self.executive, kind, "sideways")

    def test_the_chair_cannot_change_values(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.add_value(self.chair, self.strategy, name="Kind")


class ElementTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)
        self.objective_kind = make_element_kind(self.org, "Strategic objective")
        self.priority_kind = make_element_kind(self.org, "Clinical priority")

    def add(self, **kw: Any) -> Element:
        fields: dict[str, Any] = {"kind": self.objective_kind, "title": "Great care"}
        return services.add_element(self.executive, self.strategy, **(fields | kw))

    def test_an_element_keeps_its_lines_domains_and_lead(self) -> None:
        element = self.add(
            statements="We will listen\nWe will act",
            outcomes=["Shorter waits"],
            indicators=["Waiting times"],
            domains=["workforce", "quality"],
            executive_lead=self.executive,
        )
        element.refresh_from_db()
        self.assertEqual(element.statements, ["We will listen", "We will act"])
        self.assertEqual(element.domains, ["quality", "workforce"])
        self.assertEqual(element.executive_lead, self.executive)

    def test_an_unknown_domain_is_refused_by_name(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add(domains=["astrology"])
        self.assertIn("astrology", caught.exception.message_dict["domains"][0])
        self.assertFalse(Element.objects.exists())

    def test_the_executive_lead_must_be_an_executive_director_here(self) -> None:
        for person in (self.staff, self.outsider):
            with (
                self.subTest(person=person.username),
                self.assertRaises(ValidationError) as caught,
            ):
                self.add(executive_lead=person)
            self.assertIn("executive_lead", caught.exception.message_dict)
        self.assertFalse(Element.objects.exists())

    def test_another_trusts_kind_of_element_is_refused(self) -> None:
        theirs = make_element_kind(self.other_org, "Their kind")
        with self.assertRaises(ValidationError) as caught:
            self.add(kind=theirs)
        self.assertIn("kind", caught.exception.message_dict)

    def test_elements_are_ordered_within_their_kind(self) -> None:
        first = self.add(title="First")
        priority = self.add(title="Priority", kind=self.priority_kind)
        second = self.add(title="Second")
        self.assertEqual((first.order, second.order, priority.order), (0, 1, 0))
        services.move_element(self.executive, second, "up")
        ordered = self.strategy.elements.filter(kind=self.objective_kind).order_by("order")
        self.assertEqual([e.title for e in ordered], ["Second", "First"])

    def test_a_change_of_kind_puts_the_element_last_in_its_new_group(self) -> None:
        self.add(title="Priority", kind=self.priority_kind)
        element = self.add(title="Moving")
        element = services.update_element(self.executive, element, kind=self.priority_kind)
        self.assertEqual(element.order, 1)

    def test_an_element_with_objectives_hanging_from_it_is_not_removed(self) -> None:
        element = self.add()
        Objective.objects.create(
            organisation=self.org, element=element, title="Mine", owner=self.staff
        )
        with self.assertRaisesMessage(ValidationError, "Move or remove them"):
            services.remove_element(self.executive, element)
        self.assertTrue(Element.objects.filter(pk=element.pk).exists())

    def test_removing_an_element_is_audited(self) -> None:
        element = self.add()
        services.remove_element(self.executive, element, "Merged into another")
        entry = AuditEntry.objects.get(object_uuid=element.uuid, action="delete")
        self.assertEqual(entry.reason, "Merged into another")

    def test_staff_cannot_add_elements(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.add_element(
                self.staff, self.strategy, kind=self.objective_kind, title="Great care"
            )


class FrozenContentTests(PersonaTestCase):
    """An approved strategy's values and elements are the record of what was agreed."""

    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)
        self.value = Value.objects.create(
            organisation=self.org, strategy=self.strategy, name="Kind"
        )
        self.element = make_element(self.strategy, title="Great care")
        Strategy.objects.filter(pk=self.strategy.pk).update(
            status=Strategy.Status.APPROVED, approved_on=datetime.date(2024, 3, 27)
        )
        self.strategy.refresh_from_db()

    def test_every_change_to_values_and_elements_is_refused_and_nothing_changes(self) -> None:
        kind = ElementKind.objects.get(organisation=self.org)
        attempts: dict[str, Callable[[], object]] = {
            "add value": lambda: services.add_value(self.admin, self.strategy, name="New"),
            "update value": lambda: services.update_value(self.admin, self.value, name="X"),
            "remove value": lambda: services.remove_value(self.admin, self.value),
            "move value": lambda: services.move_value(self.admin, self.value, "down"),
            "add element": lambda: services.add_element(
                self.admin, self.strategy, kind=kind, title="New"
            ),
            "update element": lambda: services.update_element(self.admin, self.element, title="X"),
            "remove element": lambda: services.remove_element(self.admin, self.element),
            "move element": lambda: services.move_element(self.admin, self.element, "up"),
        }
        before = (AuditEntry.objects.count(), Value.objects.count(), Element.objects.count())
        for name, attempt in attempts.items():
            with (
                self.subTest(name),
                self.assertRaisesMessage(
                    ValidationError, "approved on 27 March 2024 and cannot be changed"
                ),
            ):
                attempt()
        after = (AuditEntry.objects.count(), Value.objects.count(), Element.objects.count())
        self.assertEqual(after, before)
        self.value.refresh_from_db()
        self.element.refresh_from_db()
        self.assertEqual((self.value.name, self.element.title), ("Kind", "Great care"))
