"""A strategy's values, strategic elements and engagement activities.

Reading is open to every member, for joint strategies too; changing needs
EDIT_STRATEGY and a strategy this organisation keeps. A frozen (approved or superseded)
strategy answers every change with 409.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import BaseModel

from lodestar.api.auth import OrgAccess, organisation_access
from lodestar.api.lookups import (
    editable,
    element_kind,
    elements_of,
    member,
    one,
    own_strategy,
    readable_strategy,
    refusals,
)
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ReasonQuery
from lodestar.api.strategies import ELEMENT_ORDER, S
from lodestar.api.strategy_schemas import (
    ElementChanges,
    ElementOut,
    EngagementChanges,
    EngagementOut,
    Move,
    NewElement,
    NewEngagement,
    NewValue,
    ValueChanges,
    ValueOut,
)
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.strategy import services
from lodestar.strategy.models import Element, EngagementActivity, Strategy, Value

router = Router(tags=["Strategy content"])


def _changing(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID
) -> tuple[OrgAccess, Strategy]:
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    return access, editable(own_strategy(access.organisation, strategy))


def _reading(request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID) -> Strategy:
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    return readable_strategy(access.organisation, strategy)


def _some(changes: BaseModel) -> dict[str, Any]:
    """The fields a PATCH sent, refusing one that sends none."""
    values = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        fields = ", ".join(sorted(set(type(changes).model_fields) - {"reason"}))
        raise ValidationError(f"Send at least one field to change: {fields}.")
    return values


# Values ---------------------------------------------------------------------------------


def _values(strategy: Strategy) -> list[ValueOut]:
    return [ValueOut.of(value) for value in strategy.values.order_by("order", "id")]


def _value(strategy: Strategy, value: uuid.UUID) -> Value:
    return one(strategy.values.all(), value, "This strategy has no such value.")


@router.get(S + "/values", response={200: list[ValueOut], **READ_ERRORS})
def list_values(request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID) -> list[ValueOut]:
    return _values(_reading(request, org, strategy))


@router.post(S + "/values", response={201: ValueOut, **WRITE_ERRORS})
def add_value(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, new: NewValue
) -> Status[ValueOut]:
    """A value (name, description, the behaviours that show it), added at the end."""
    access, target = _changing(request, org, strategy)
    with refusals():
        value = services.add_value(
            access.user, target, new.reason, **new.model_dump(exclude={"reason"})
        )
    return Status(201, ValueOut.of(value))


@router.patch(S + "/values/{uuid:value}", response={200: ValueOut, **WRITE_ERRORS})
def update_value(
    request: HttpRequest,
    org: uuid.UUID,
    strategy: uuid.UUID,
    value: uuid.UUID,
    changes: ValueChanges,
) -> ValueOut:
    access, target = _changing(request, org, strategy)
    item = _value(target, value)
    with refusals():
        changed = services.update_value(access.user, item, changes.reason, **_some(changes))
    return ValueOut.of(changed)


@router.delete(S + "/values/{uuid:value}", response={204: None, **WRITE_ERRORS})
def remove_value(
    request: HttpRequest,
    org: uuid.UUID,
    strategy: uuid.UUID,
    value: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    access, target = _changing(request, org, strategy)
    item = _value(target, value)
    with refusals():
        services.remove_value(access.user, item, query.reason)
    return Status(204, None)


@router.post(S + "/values/{uuid:value}/move", response={200: list[ValueOut], **WRITE_ERRORS})
def move_value(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, value: uuid.UUID, move: Move
) -> list[ValueOut]:
    """Swap a value with its neighbour; answers with the values in their new order."""
    access, target = _changing(request, org, strategy)
    item = _value(target, value)
    with refusals():
        services.move_value(access.user, item, move.direction)
    return _values(target)


# Elements -------------------------------------------------------------------------------


def _elements(strategy: Strategy) -> list[ElementOut]:
    elements = strategy.elements.select_related("kind", "executive_lead", "copied_from")
    return [ElementOut.of(element) for element in elements.order_by(*ELEMENT_ORDER)]


def _element(strategy: Strategy, element: uuid.UUID) -> Element:
    return one(strategy.elements.all(), element, "This strategy has no such element.")


def _element_fields(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """UUIDs in the request made into the records the service takes."""
    if "kind" in values:
        values["kind"] = element_kind(organisation, values["kind"])
    if values.get("executive_lead") is not None:
        values["executive_lead"] = member(organisation, values["executive_lead"], "executive_lead")
    return values


@router.get(S + "/elements", response={200: list[ElementOut], **READ_ERRORS})
def list_elements(request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID) -> list[ElementOut]:
    """Elements by kind, and in order within each kind."""
    return _elements(_reading(request, org, strategy))


@router.post(S + "/elements", response={201: ElementOut, **WRITE_ERRORS})
def add_element(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, new: NewElement
) -> Status[ElementOut]:
    """A strategic objective, priority, ambition... at the end of its kind."""
    access, target = _changing(request, org, strategy)
    fields = _element_fields(access.organisation, new.model_dump(exclude={"reason"}))
    with refusals():
        element = services.add_element(access.user, target, new.reason, **fields)
    return Status(201, ElementOut.of(element))


@router.patch(S + "/elements/{uuid:element}", response={200: ElementOut, **WRITE_ERRORS})
def update_element(
    request: HttpRequest,
    org: uuid.UUID,
    strategy: uuid.UUID,
    element: uuid.UUID,
    changes: ElementChanges,
) -> ElementOut:
    """Send `executive_lead: null` to leave the element without one."""
    access, target = _changing(request, org, strategy)
    item = _element(target, element)
    fields = _element_fields(access.organisation, _some(changes))
    with refusals():
        changed = services.update_element(access.user, item, changes.reason, **fields)
    return ElementOut.of(changed)


@router.delete(S + "/elements/{uuid:element}", response={204: None, **WRITE_ERRORS})
def remove_element(
    request: HttpRequest,
    org: uuid.UUID,
    strategy: uuid.UUID,
    element: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    """Refused with 409 while deliverables or objectives hang from the element."""
    access, target = _changing(request, org, strategy)
    item = _element(target, element)
    with refusals():
        services.remove_element(access.user, item, query.reason)
    return Status(204, None)


@router.post(S + "/elements/{uuid:element}/move", response={200: list[ElementOut], **WRITE_ERRORS})
def move_element(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, element: uuid.UUID, move: Move
) -> list[ElementOut]:
    """Swap an element with its neighbour of the same kind; answers with all elements."""
    access, target = _changing(request, org, strategy)
    item = _element(target, element)
    with refusals():
        services.move_element(access.user, item, move.direction)
    return _elements(target)


# Engagement -----------------------------------------------------------------------------


def _activity(strategy: Strategy, activity: uuid.UUID) -> EngagementActivity:
    activities = strategy.engagements.prefetch_related("elements")
    return one(activities, activity, "This strategy has no such engagement activity.")


@router.get(S + "/engagement", response={200: list[EngagementOut], **READ_ERRORS})
def list_engagement(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID
) -> list[EngagementOut]:
    """Co-production: who took part, how, what they said and what changed. Newest first."""
    target = _reading(request, org, strategy)
    return [EngagementOut.of(a) for a in target.engagements.prefetch_related("elements")]


@router.post(S + "/engagement", response={201: EngagementOut, **WRITE_ERRORS})
def record_engagement(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, new: NewEngagement
) -> Status[EngagementOut]:
    access, target = _changing(request, org, strategy)
    shaped = elements_of(target, new.elements, "elements")
    values = new.model_dump(exclude={"reason", "elements"})
    with refusals():
        activity = services.record_engagement(
            access.user, target, new.reason, elements=shaped, **values
        )
    return Status(201, EngagementOut.of(activity))


@router.patch(S + "/engagement/{uuid:activity}", response={200: EngagementOut, **WRITE_ERRORS})
def update_engagement(
    request: HttpRequest,
    org: uuid.UUID,
    strategy: uuid.UUID,
    activity: uuid.UUID,
    changes: EngagementChanges,
) -> EngagementOut:
    access, target = _changing(request, org, strategy)
    item = _activity(target, activity)
    values = _some(changes)
    chosen = values.pop("elements", None)
    shaped = None if chosen is None else elements_of(target, chosen, "elements")
    with refusals():
        changed = services.update_engagement(
            access.user, item, changes.reason, elements=shaped, **values
        )
    return EngagementOut.of(changed)


@router.delete(S + "/engagement/{uuid:activity}", response={204: None, **WRITE_ERRORS})
def remove_engagement(
    request: HttpRequest,
    org: uuid.UUID,
    strategy: uuid.UUID,
    activity: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    access, target = _changing(request, org, strategy)
    item = _activity(target, activity)
    with refusals():
        services.remove_engagement(access.user, item, query.reason)
    return Status(204, None)
