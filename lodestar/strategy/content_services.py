"""Changes to a strategy's values, elements and engagement activities.

Each one first locks the strategy and refuses if it is approved or superseded: what a
board agreed stays as it agreed it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.roles import Capability
from lodestar.strategy.guards import (
    check_executive_lead,
    clean_lines,
    lock_unfrozen,
    require_if_person,
)
from lodestar.strategy.models import (
    Domain,
    Element,
    ElementKind,
    EngagementActivity,
    Strategy,
    Value,
)

if TYPE_CHECKING:
    from lodestar.accounts.models import User

VALUE_FIELDS = ("name", "description", "behaviours")
ELEMENT_FIELDS = (
    "kind",
    "title",
    "description",
    "statements",
    "outcomes",
    "indicators",
    "domains",
    "executive_lead",
)
LINES_FIELDS = ("behaviours", "statements", "outcomes", "indicators")
ENGAGEMENT_FIELDS = (
    "held_on",
    "title",
    "method",
    "level",
    "people_using_services",
    "carers",
    "staff",
    "partners",
    "public",
    "what_was_said",
    "what_changed",
)

_Ordered = TypeVar("_Ordered", Value, Element)


def _checked(allowed: tuple[str, ...], what: str, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))} of {what}.")
    cleaned = dict(values)
    for field in LINES_FIELDS:
        if field in cleaned:
            cleaned[field] = clean_lines(field, cleaned[field])
    if "domains" in cleaned:
        domains = clean_lines("domains", cleaned["domains"])
        # Stored in the order of the Domain choices, so equal sets compare equal.
        cleaned["domains"] = [d for d in Domain.values if d in domains] + sorted(
            set(domains) - set(Domain.values)
        )
    return cleaned


def _move(actor: User | None, items: list[_Ordered], item: _Ordered, direction: str) -> None:
    """Swap an item with its neighbour, numbering the whole list afresh as it goes."""
    if direction not in {"up", "down"}:
        raise ValidationError("Move an item up or down.")
    index = [i.pk for i in items].index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        if each.order != position:
            before = snapshot(each)
            each.order = position
            each.save(update_fields=["order", "updated_at"])
            record_update(actor, each.organisation, each, before, f"Moved {direction}.")


# Values ---------------------------------------------------------------------------------


@transaction.atomic
def add_value(actor: User | None, strategy: Strategy, reason: str = "", **values: Any) -> Value:
    require_if_person(actor, strategy.organisation, Capability.EDIT_STRATEGY)
    strategy = lock_unfrozen(strategy)
    value = Value(
        organisation=strategy.organisation,
        strategy=strategy,
        order=strategy.values.count(),
        **_checked(VALUE_FIELDS, "a value", values),
    )
    value.full_clean()
    value.save()
    record_create(actor, strategy.organisation, value, reason)
    return value


@transaction.atomic
def update_value(actor: User | None, value: Value, reason: str = "", **values: Any) -> Value:
    require_if_person(actor, value.organisation, Capability.EDIT_STRATEGY)
    lock_unfrozen(value.strategy)
    value = Value.objects.get(pk=value.pk)
    before = snapshot(value)
    for field, new in _checked(VALUE_FIELDS, "a value", values).items():
        setattr(value, field, new)
    value.full_clean()
    value.save()
    record_update(actor, value.organisation, value, before, reason)
    return value


@transaction.atomic
def remove_value(actor: User | None, value: Value, reason: str = "") -> None:
    require_if_person(actor, value.organisation, Capability.EDIT_STRATEGY)
    lock_unfrozen(value.strategy)
    record_delete(actor, value.organisation, value, snapshot(value), reason)
    value.delete()


@transaction.atomic
def move_value(actor: User | None, value: Value, direction: str) -> None:
    require_if_person(actor, value.organisation, Capability.EDIT_STRATEGY)
    strategy = lock_unfrozen(value.strategy)
    _move(actor, list(strategy.values.order_by("order", "id")), value, direction)


# Elements -------------------------------------------------------------------------------


def _check_element(element: Element) -> None:
    if element.kind.organisation_id != element.organisation_id:
        raise ValidationError({"kind": "Choose one of this organisation's kinds of element."})
    check_executive_lead(element.organisation, element.executive_lead)
    element.full_clean()


def _next_order(strategy: Strategy, kind: ElementKind) -> int:
    return strategy.elements.filter(kind=kind).count()


@transaction.atomic
def add_element(
    actor: User | None, strategy: Strategy, reason: str = "", **values: Any
) -> Element:
    require_if_person(actor, strategy.organisation, Capability.EDIT_STRATEGY)
    strategy = lock_unfrozen(strategy)
    fields = _checked(ELEMENT_FIELDS, "an element", values)
    element = Element(organisation=strategy.organisation, strategy=strategy, **fields)
    if "kind" in fields:
        element.order = _next_order(strategy, fields["kind"])
    _check_element(element)
    element.save()
    record_create(actor, strategy.organisation, element, reason)
    return element


@transaction.atomic
def update_element(
    actor: User | None, element: Element, reason: str = "", **values: Any
) -> Element:
    require_if_person(actor, element.organisation, Capability.EDIT_STRATEGY)
    strategy = lock_unfrozen(element.strategy)
    element = Element.objects.get(pk=element.pk)
    before = snapshot(element)
    fields = _checked(ELEMENT_FIELDS, "an element", values)
    if "kind" in fields and fields["kind"].pk != element.kind_id:
        # A change of kind moves the element to the end of its new group.
        element.order = _next_order(strategy, fields["kind"])
    for field, new in fields.items():
        setattr(element, field, new)
    _check_element(element)
    element.save()
    record_update(actor, element.organisation, element, before, reason)
    return element


@transaction.atomic
def remove_element(actor: User | None, element: Element, reason: str = "") -> None:
    """Refused while delivery work hangs from the element: removing it would lose the plan."""
    require_if_person(actor, element.organisation, Capability.EDIT_STRATEGY)
    lock_unfrozen(element.strategy)
    if element.deliverables.exists() or element.objectives.exists():
        raise ValidationError(
            f"{element.title} has deliverables or objectives linked to it. "
            "Move or remove them before removing the element."
        )
    for link in element.alignments.all():
        record_delete(actor, link.organisation, link, snapshot(link), "Its element was removed.")
    record_delete(actor, element.organisation, element, snapshot(element), reason)
    element.delete()


@transaction.atomic
def move_element(actor: User | None, element: Element, direction: str) -> None:
    """Elements are ordered within their kind: objective 2 comes after objective 1."""
    require_if_person(actor, element.organisation, Capability.EDIT_STRATEGY)
    strategy = lock_unfrozen(element.strategy)
    siblings = strategy.elements.filter(kind_id=element.kind_id).order_by("order", "id")
    _move(actor, list(siblings), element, direction)


# Engagement -----------------------------------------------------------------------------


def _linked(activity: EngagementActivity) -> dict[str, Any]:
    return {"elements": [str(e) for e in activity.elements.order_by("kind__order", "order")]}


def _check_engagement(activity: EngagementActivity, elements: Iterable[Element]) -> None:
    if any(e.strategy_id != activity.strategy_id for e in elements):
        raise ValidationError({"elements": "Link only elements of this strategy."})
    # Unchecked values (None from a bad import) are left for full_clean to name.
    held_on: object = activity.held_on
    if isinstance(held_on, datetime.date) and held_on > timezone.localdate():
        raise ValidationError(
            {"held_on": "Record an activity once it has happened: this date is in the future."}
        )
    activity.full_clean()


@transaction.atomic
def record_engagement(
    actor: User | None,
    strategy: Strategy,
    reason: str = "",
    *,
    elements: Iterable[Element] = (),
    **values: Any,
) -> EngagementActivity:
    """Who helped shape the strategy, how, what they said and what changed as a result."""
    require_if_person(actor, strategy.organisation, Capability.EDIT_STRATEGY)
    strategy = lock_unfrozen(strategy)
    elements = list(elements)
    activity = EngagementActivity(
        organisation=strategy.organisation,
        strategy=strategy,
        **_checked(ENGAGEMENT_FIELDS, "an engagement activity", values),
    )
    _check_engagement(activity, elements)
    activity.save()
    activity.elements.set(elements)
    record_create(actor, strategy.organisation, activity, reason, extra=_linked(activity))
    return activity


@transaction.atomic
def update_engagement(
    actor: User | None,
    activity: EngagementActivity,
    reason: str = "",
    *,
    elements: Iterable[Element] | None = None,
    **values: Any,
) -> EngagementActivity:
    require_if_person(actor, activity.organisation, Capability.EDIT_STRATEGY)
    lock_unfrozen(activity.strategy)
    activity = EngagementActivity.objects.get(pk=activity.pk)
    before = snapshot(activity) | _linked(activity)
    for field, new in _checked(ENGAGEMENT_FIELDS, "an engagement activity", values).items():
        setattr(activity, field, new)
    chosen = list(activity.elements.all()) if elements is None else list(elements)
    _check_engagement(activity, chosen)
    activity.save()
    activity.elements.set(chosen)
    record_update(actor, activity.organisation, activity, before, reason, extra=_linked(activity))
    return activity


@transaction.atomic
def remove_engagement(actor: User | None, activity: EngagementActivity, reason: str = "") -> None:
    require_if_person(actor, activity.organisation, Capability.EDIT_STRATEGY)
    lock_unfrozen(activity.strategy)
    before = snapshot(activity) | _linked(activity)
    record_delete(actor, activity.organisation, activity, before, reason)
    activity.delete()
