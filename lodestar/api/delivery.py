"""Delivery plans: each strategic element's deliverables and their milestones.

Every deliverable and milestone has exactly one accountable executive, who must be an
executive director here. A plan stays open after its strategy is approved; once the
strategy is superseded its plan is the record, and changes are refused with 409.
Progress updates, completing milestones and exceptions are in `progress`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from lodestar.api.auth import organisation_access
from lodestar.api.delivery_schemas import (
    DeliverableChanges,
    DeliverableDetail,
    MilestoneChanges,
    MilestoneOut,
    NewDeliverable,
    NewMilestone,
    PlanOut,
)
from lodestar.api.lookups import committee, member, one, own_strategy, refusals
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ReasonQuery
from lodestar.api.strategies import S
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.delivery import services
from lodestar.delivery.models import Deliverable, Milestone
from lodestar.delivery.plan import one_deliverable, plan_of
from lodestar.strategy.models import Element

router = Router(tags=["Delivery plans"])


def find_deliverable(organisation: Organisation, deliverable: uuid.UUID) -> Deliverable:
    deliverables = Deliverable.objects.filter(organisation=organisation).select_related(
        "element__strategy", "element__kind"
    )
    return one(deliverables, deliverable, "This organisation has no such deliverable.")


def find_milestone(organisation: Organisation, milestone: uuid.UUID) -> Milestone:
    milestones = Milestone.objects.filter(organisation=organisation).select_related(
        "deliverable__element__strategy", "accountable_executive", "responsible_manager"
    )
    return one(milestones, milestone, "This organisation has no such milestone.")


def deliverable_detail(deliverable: Deliverable) -> DeliverableDetail:
    today = timezone.localdate()
    return DeliverableDetail.of(one_deliverable(deliverable, today), today)


def _people(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """The UUIDs of people and committees in a request, as the records a service takes."""
    if "accountable_executive" in values:
        values["accountable_executive"] = member(
            organisation,
            values["accountable_executive"],
            "accountable_executive",
            f"Choose an executive director of {organisation.name}: only they can be accountable.",
        )
    if values.get("responsible_manager") is not None:
        values["responsible_manager"] = member(
            organisation, values["responsible_manager"], "responsible_manager"
        )
    if values.get("committee") is not None:
        values["committee"] = committee(organisation, values["committee"], "committee")
    return values


def _changes(changes: MilestoneChanges, organisation: Organisation) -> dict[str, Any]:
    values = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        fields = ", ".join(sorted(set(type(changes).model_fields) - {"reason"}))
        raise ValidationError(f"Send at least one field to change: {fields}.")
    return _people(organisation, values)


@router.get(S + "/plan", response={200: PlanOut, **READ_ERRORS})
def plan(request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID) -> PlanOut:
    """Elements → deliverables → milestones, each with its latest status, and progress
    rolled up at every level (the worst status beneath shows)."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    today = timezone.localdate()
    return PlanOut.of(plan_of(own_strategy(access.organisation, strategy), today), today)


@router.post(
    "/{uuid:org}/elements/{uuid:element}/deliverables",
    response={201: DeliverableDetail, **WRITE_ERRORS},
)
def create_deliverable(
    request: HttpRequest, org: uuid.UUID, element: uuid.UUID, new: NewDeliverable
) -> Status[DeliverableDetail]:
    """A programme, project or workstream that carries out a strategic element."""
    access = organisation_access(request, org, Capability.EDIT_DELIVERY_PLAN)
    elements = Element.objects.filter(organisation=access.organisation).select_related("strategy")
    parent = one(elements, element, "This organisation has no such strategic element.")
    values = _people(access.organisation, new.model_dump())
    with refusals():
        created = services.create_deliverable(access.user, parent, **values)
    return Status(201, deliverable_detail(created))


@router.get(
    "/{uuid:org}/deliverables/{uuid:deliverable}", response={200: DeliverableDetail, **READ_ERRORS}
)
def get_deliverable(
    request: HttpRequest, org: uuid.UUID, deliverable: uuid.UUID
) -> DeliverableDetail:
    """A deliverable with its milestones, latest update and progress."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    return deliverable_detail(find_deliverable(access.organisation, deliverable))


@router.patch(
    "/{uuid:org}/deliverables/{uuid:deliverable}",
    response={200: DeliverableDetail, **WRITE_ERRORS},
)
def update_deliverable(
    request: HttpRequest, org: uuid.UUID, deliverable: uuid.UUID, changes: DeliverableChanges
) -> DeliverableDetail:
    """Fields left out are left alone; null clears an optional one."""
    access = organisation_access(request, org, Capability.EDIT_DELIVERY_PLAN)
    target = find_deliverable(access.organisation, deliverable)
    values = _changes(changes, access.organisation)
    with refusals():
        services.update_deliverable(access.user, target, changes.reason, **values)
    return deliverable_detail(target)


@router.delete("/{uuid:org}/deliverables/{uuid:deliverable}", response={204: None, **WRITE_ERRORS})
def delete_deliverable(
    request: HttpRequest, org: uuid.UUID, deliverable: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    """Only a deliverable nobody has reported on (409 otherwise): updates are history."""
    access = organisation_access(request, org, Capability.EDIT_DELIVERY_PLAN)
    target = find_deliverable(access.organisation, deliverable)
    with refusals():
        services.delete_deliverable(access.user, target, query.reason)
    return Status(204, None)


@router.post(
    "/{uuid:org}/deliverables/{uuid:deliverable}/milestones",
    response={201: MilestoneOut, **WRITE_ERRORS},
)
def create_milestone(
    request: HttpRequest, org: uuid.UUID, deliverable: uuid.UUID, new: NewMilestone
) -> Status[MilestoneOut]:
    access = organisation_access(request, org, Capability.EDIT_DELIVERY_PLAN)
    parent = find_deliverable(access.organisation, deliverable)
    values = _people(access.organisation, new.model_dump())
    with refusals():
        created = services.create_milestone(access.user, parent, **values)
    return Status(201, MilestoneOut.of(created, timezone.localdate()))


@router.get("/{uuid:org}/milestones/{uuid:milestone}", response={200: MilestoneOut, **READ_ERRORS})
def get_milestone(request: HttpRequest, org: uuid.UUID, milestone: uuid.UUID) -> MilestoneOut:
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    return MilestoneOut.of(find_milestone(access.organisation, milestone), timezone.localdate())


@router.patch(
    "/{uuid:org}/milestones/{uuid:milestone}", response={200: MilestoneOut, **WRITE_ERRORS}
)
def update_milestone(
    request: HttpRequest, org: uuid.UUID, milestone: uuid.UUID, changes: MilestoneChanges
) -> MilestoneOut:
    """Fields left out are left alone; null clears an optional one. Completing a
    milestone is its own endpoint, which needs only the right to post progress."""
    access = organisation_access(request, org, Capability.EDIT_DELIVERY_PLAN)
    target = find_milestone(access.organisation, milestone)
    values = _changes(changes, access.organisation)
    with refusals():
        services.update_milestone(access.user, target, changes.reason, **values)
    fresh = find_milestone(access.organisation, milestone)
    return MilestoneOut.of(fresh, timezone.localdate())


@router.delete("/{uuid:org}/milestones/{uuid:milestone}", response={204: None, **WRITE_ERRORS})
def delete_milestone(
    request: HttpRequest, org: uuid.UUID, milestone: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    access = organisation_access(request, org, Capability.EDIT_DELIVERY_PLAN)
    target = find_milestone(access.organisation, milestone)
    with refusals():
        services.delete_milestone(access.user, target, query.reason)
    return Status(204, None)
