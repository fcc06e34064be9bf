"""Strategies: authoring, the path to approval, versions, comparison and the check.

An approved or superseded strategy is frozen: any change to it is answered 409 with the
service's message, saying to start a new version. Values, elements and engagement are
in `strategy_content`; import and export in `strategy_files`.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Status

from lodestar.api.auth import organisation_access
from lodestar.api.lookups import (
    committee,
    editable,
    own_strategy,
    readable_strategy,
    refusals,
)
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ReasonQuery
from lodestar.api.strategy_report_schemas import CheckOut, ComparisonOut
from lodestar.api.strategy_schemas import (
    Approval,
    ElementKindOut,
    ElementOut,
    EngagementOut,
    NewElementKind,
    NewStrategy,
    StatusChange,
    StatusMove,
    StrategyChanges,
    StrategyDetail,
    StrategyOut,
    ValueOut,
)
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.strategy import services
from lodestar.strategy.check import check_strategy
from lodestar.strategy.compare import compare_versions
from lodestar.strategy.models import ElementKind, Strategy

router = Router(tags=["Strategies"])

RELATED = ("organisation", "approved_by", "previous_version", "next_version")
ELEMENT_ORDER = ("kind__order", "kind__name", "order", "id")
S = "/{uuid:org}/strategies/{uuid:strategy}"


def detail(strategy: Strategy) -> StrategyDetail:
    elements = strategy.elements.select_related("kind", "executive_lead", "copied_from")
    engagement = strategy.engagements.prefetch_related("elements")
    return StrategyDetail(
        **StrategyOut.of(strategy).model_dump(),
        values=[ValueOut.of(v) for v in strategy.values.order_by("order", "id")],
        elements=[ElementOut.of(e) for e in elements.order_by(*ELEMENT_ORDER)],
        engagement=[EngagementOut.of(a) for a in engagement],
    )


def _reloaded(organisation: Organisation, strategy: Strategy) -> StrategyOut:
    return StrategyOut.of(own_strategy(organisation, strategy.uuid))


@router.get("/{uuid:org}/strategies", response={200: list[StrategyOut], **READ_ERRORS})
def list_strategies(request: HttpRequest, org: uuid.UUID) -> list[StrategyOut]:
    """This organisation's strategies, newest first, and the joint ones it helps keep."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    organisation = access.organisation
    ids = Strategy.objects.filter(Q(organisation=organisation) | Q(joint_owners=organisation))
    strategies = (
        Strategy.objects.filter(pk__in=ids.values("pk"))
        .select_related(*RELATED)
        .prefetch_related("joint_owners")
        .order_by("-start_year", "title", "-version")
    )
    return [StrategyOut.of(strategy) for strategy in strategies]


@router.post("/{uuid:org}/strategies", response={201: StrategyOut, **WRITE_ERRORS})
def create_strategy(request: HttpRequest, org: uuid.UUID, new: NewStrategy) -> Status[StrategyOut]:
    """Start a strategy as a draft. The organisation gets the usual kinds of element."""
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    values = new.model_dump(exclude={"reason"})
    with refusals():
        created = services.create_strategy(access.user, access.organisation, new.reason, **values)
    return Status(201, _reloaded(access.organisation, created))


@router.get(S, response={200: StrategyDetail, **READ_ERRORS})
def get_strategy(request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID) -> StrategyDetail:
    """A strategy with its values, elements in reading order, and engagement."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    return detail(readable_strategy(access.organisation, strategy))


@router.patch(S, response={200: StrategyOut, **WRITE_ERRORS})
def update_strategy(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, changes: StrategyChanges
) -> StrategyOut:
    """Change any of the strategy's own fields; fields left out are left alone."""
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    target = editable(own_strategy(access.organisation, strategy))
    values = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        fields = ", ".join(sorted(set(StrategyChanges.model_fields) - {"reason"}))
        raise ValidationError(f"Send at least one field to change: {fields}.")
    with refusals():
        services.update_strategy(access.user, target, changes.reason, **values)
    return _reloaded(access.organisation, target)


@router.post(S + "/status", response={200: StrategyOut, **WRITE_ERRORS})
def change_status(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, change: StatusChange
) -> StrategyOut:
    """Send a draft out for consultation, or bring it back to draft."""
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    target = editable(own_strategy(access.organisation, strategy))
    move = (
        services.submit_for_consultation
        if change.status is StatusMove.CONSULTATION
        else services.return_to_draft
    )
    with refusals():
        move(access.user, target, change.reason)
    return _reloaded(access.organisation, target)


@router.post(S + "/approve", response={200: StrategyOut, **WRITE_ERRORS})
def approve_strategy(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, approval: Approval
) -> StrategyOut:
    """Record the board's approval. The strategy is then frozen, and the version it
    replaces is superseded."""
    access = organisation_access(request, org, Capability.APPROVE_STRATEGY)
    target = editable(own_strategy(access.organisation, strategy))
    board = committee(access.organisation, approval.approved_by, "approved_by")
    with refusals():
        services.approve_strategy(
            access.user,
            target,
            approved_by=board,
            approved_on=approval.approved_on,
            reason=approval.reason,
        )
    return _reloaded(access.organisation, target)


@router.post(S + "/new-version", response={201: StrategyOut, **WRITE_ERRORS})
def start_new_version(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, query: Query[ReasonQuery]
) -> Status[StrategyOut]:
    """A draft copy of an approved strategy with its values and elements, to change."""
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    target = own_strategy(access.organisation, strategy)
    with refusals():
        copy = services.start_new_version(access.user, target, query.reason)
    return Status(201, _reloaded(access.organisation, copy))


@router.get(S + "/compare/{uuid:other}", response={200: ComparisonOut, **READ_ERRORS})
def compare(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, other: uuid.UUID
) -> ComparisonOut:
    """Two versions side by side, earlier first whichever order they are given in."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    one = readable_strategy(access.organisation, strategy)
    two = readable_strategy(access.organisation, other)
    return ComparisonOut.of(compare_versions(one, two))


@router.get(S + "/check", response={200: CheckOut, **READ_ERRORS})
def check(request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID) -> CheckOut:
    """CQC's "what good looks like" for shared direction: what is in place, and each gap
    with what would close it. `ok` is false while there are gaps."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    return CheckOut.of(check_strategy(own_strategy(access.organisation, strategy)))


@router.get("/{uuid:org}/element-kinds", response={200: list[ElementKindOut], **READ_ERRORS})
def list_element_kinds(request: HttpRequest, org: uuid.UUID) -> list[ElementKindOut]:
    """The kinds of strategic element this organisation uses, in their reading order."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    kinds = ElementKind.objects.filter(organisation=access.organisation)
    return [ElementKindOut.of(kind) for kind in kinds]


@router.post("/{uuid:org}/element-kinds", response={201: ElementKindOut, **WRITE_ERRORS})
def add_element_kind(
    request: HttpRequest, org: uuid.UUID, new: NewElementKind
) -> Status[ElementKindOut]:
    """Name a kind of element of your own, like "Big ambition". A name in use is a 409."""
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    # As on the page, the usual kinds come first; all of it is undone if the new one fails.
    with transaction.atomic(), refusals(conflicts={"name"}):
        services.ensure_element_kinds(access.organisation, access.user)
        kind = services.add_element_kind(
            access.user, access.organisation, name=new.name, plural=new.plural
        )
    return Status(201, ElementKindOut.of(kind))
