"""The Board Assurance Framework: strategic risks, their reviews, and the board's overview.

Board members read it (VIEW_RISKS); governance officers change any risk, and executive
directors the risks they lead. Other roles are refused (403), other trusts find nothing
(404). Scores and bands come from the organisation's matrix, never from the request.
Controls, assurances, gaps and actions are in `risk_controls`; the register and the
settings in `risk_register`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import BaseModel

from lodestar.api.auth import OrgAccess, organisation_access
from lodestar.api.errors import field_error
from lodestar.api.lookups import committee, member, one, refusals
from lodestar.api.risk_control_schemas import StrategicRiskDetail
from lodestar.api.risk_schemas import (
    BafOut,
    Closing,
    Merging,
    NewReview,
    NewStrategicRisk,
    ReviewOut,
    StrategicRiskChanges,
    StrategicRiskOut,
)
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS
from lodestar.core.models import Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.governance.models import Committee
from lodestar.performance.models import Metric
from lodestar.risk import services
from lodestar.risk.matrix import matrix_for
from lodestar.risk.models import AppetiteCategory, StrategicRisk
from lodestar.risk.overview import StatusFilter, baf_overview, baf_row, risks_for_baf
from lodestar.strategy.models import Element

router = Router(tags=["Board Assurance Framework"])
R = "/{uuid:org}/risks/{uuid:risk}"


class RiskQuery(BaseModel):
    status: StatusFilter = StatusFilter.OPEN
    committee: uuid.UUID | None = None


def find_risk(organisation: Organisation, risk: uuid.UUID) -> StrategicRisk:
    risks = StrategicRisk.objects.filter(organisation=organisation).select_related(
        "executive_lead", "organisation"
    )
    return one(risks, risk, "This organisation has no such strategic risk.")


def editable_risk(access: OrgAccess, risk: uuid.UUID) -> StrategicRisk:
    """A risk the caller may change, refused before the body is looked at."""
    found = find_risk(access.organisation, risk)
    services.require_risk_editor(access.user, found)
    return found


def detail(risk: StrategicRisk) -> StrategicRiskDetail:
    org = risk.organisation
    today = timezone.localdate()
    matrix = matrix_for(org)
    fetched = risks_for_baf(org, matrix, today, status=StatusFilter.ALL).get(pk=risk.pk)
    return StrategicRiskDetail.of_detail(baf_row(fetched, matrix, today), matrix, today)


def _committee_filter(organisation: Organisation, chosen: uuid.UUID | None) -> Committee | None:
    if chosen is None:
        return None
    found = Committee.objects.filter(organisation=organisation, uuid=chosen).first()
    if found is None:
        raise field_error("committee", f"Choose one of {organisation.name}'s own committees.")
    return found


def _records(
    organisation: Organisation, model: type[Element] | type[Metric], chosen: list[uuid.UUID]
) -> list[Any]:
    found = list(model.objects.filter(organisation=organisation, uuid__in=chosen))
    if len(found) != len(set(chosen)):
        field = "elements" if model is Element else "metrics"
        what = "strategic elements" if model is Element else "metrics"
        raise field_error(field, f"Choose only {organisation.name}'s own {what}.")
    return found


def _resolve(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """The UUIDs in a request, as the records the services take."""
    if "executive_lead" in values:
        values["executive_lead"] = member(
            organisation,
            values["executive_lead"],
            "executive_lead",
            f"Choose an executive director of {organisation.name}.",
        )
    if "committee" in values:
        values["committee"] = committee(organisation, values["committee"], "committee")
    if "appetite_category" in values:
        found = AppetiteCategory.objects.filter(
            organisation=organisation, uuid=values["appetite_category"]
        ).first()
        if found is None:
            raise field_error(
                "appetite_category", f"Choose one of {organisation.name}'s appetite categories."
            )
        values["appetite_category"] = found
    for name, model in (("elements", Element), ("metrics", Metric)):
        if values.get(name) is not None:
            values[name] = _records(organisation, model, values[name])
    return values


@router.get("/{uuid:org}/baf", response={200: BafOut, **READ_ERRORS})
def baf(request: HttpRequest, org: uuid.UUID, query: Query[RiskQuery]) -> BafOut:
    """The board's one-page BAF: each risk's objectives, lead, committee, current and
    target scores with bands, trend, overall assurance and flags."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    chosen = _committee_filter(access.organisation, query.committee)
    found = baf_overview(
        access.organisation, timezone.localdate(), committee=chosen, status=query.status
    )
    return BafOut.of(found)


@router.get("/{uuid:org}/risks", response={200: list[StrategicRiskOut], **READ_ERRORS})
def list_risks(
    request: HttpRequest, org: uuid.UUID, query: Query[RiskQuery]
) -> list[StrategicRiskOut]:
    """Strategic risks by reference; open ones unless `status` says otherwise."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    chosen = _committee_filter(access.organisation, query.committee)
    found = baf_overview(
        access.organisation, timezone.localdate(), committee=chosen, status=query.status
    )
    return [StrategicRiskOut.of(row, found.matrix) for row in found.rows]


@router.post("/{uuid:org}/risks", response={201: StrategicRiskDetail, **WRITE_ERRORS})
def create_risk(
    request: HttpRequest, org: uuid.UUID, new: NewStrategicRisk
) -> Status[StrategicRiskDetail]:
    """A new risk on the BAF (governance officers), linked to the objectives it threatens."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    values = _resolve(access.organisation, new.model_dump())
    with refusals(conflicts={"reference"}):
        created = services.create_strategic_risk(access.user, access.organisation, **values)
    return Status(201, detail(created))


@router.get(R, response={200: StrategicRiskDetail, **READ_ERRORS})
def get_risk(request: HttpRequest, org: uuid.UUID, risk: uuid.UUID) -> StrategicRiskDetail:
    """A risk with its controls, assurances, gaps, actions, reviews and feeding risks."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    return detail(find_risk(access.organisation, risk))


@router.patch(R, response={200: StrategicRiskDetail, **WRITE_ERRORS})
def update_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, changes: StrategicRiskChanges
) -> StrategicRiskDetail:
    """Fields left out are left alone; null clears a date. Only governance officers may
    hand a risk to another executive lead."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = editable_risk(access, risk)
    values = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        raise ValidationError("Send at least one field to change.")
    values = _resolve(access.organisation, values)
    with refusals(conflicts={"reference"}):
        services.update_strategic_risk(access.user, target, changes.reason, **values)
    return detail(target)


@router.post(R + "/close", response={200: StrategicRiskDetail, **WRITE_ERRORS})
def close_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, closing: Closing
) -> StrategicRiskDetail:
    """Take a risk off the BAF (governance officers); it stays on record."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    target = find_risk(access.organisation, risk)
    with refusals():
        services.close_strategic_risk(access.user, target, closing.reason)
    return detail(target)


@router.post(R + "/merge", response={200: StrategicRiskDetail, **WRITE_ERRORS})
def merge_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, merging: Merging
) -> StrategicRiskDetail:
    """Fold a risk into another open one; the register risks that fed it follow it."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    target = find_risk(access.organisation, risk)
    into = StrategicRisk.objects.filter(
        organisation=access.organisation, uuid=merging.merged_into
    ).first()
    if into is None:
        raise field_error("merged_into", "Choose a risk on this organisation's BAF.")
    with refusals():
        services.merge_strategic_risk(access.user, target, into, merging.reason)
    return detail(target)


@router.get(R + "/reviews", response={200: list[ReviewOut], **READ_ERRORS})
def list_reviews(request: HttpRequest, org: uuid.UUID, risk: uuid.UUID) -> list[ReviewOut]:
    """The risk's reviews, oldest first: the history of its current score."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = find_risk(access.organisation, risk)
    reviews = target.reviews.select_related("reviewer", "committee")
    return [ReviewOut.of(review) for review in reviews]


@router.post(R + "/reviews", response={201: ReviewOut, **WRITE_ERRORS})
def create_review(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, new: NewReview
) -> Status[ReviewOut]:
    """Record a review; its score becomes the risk's current score (unless a later
    review is already on record)."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = editable_risk(access, risk)
    values = new.model_dump()
    if values["committee"] is not None:
        values["committee"] = committee(access.organisation, values["committee"], "committee")
    with refusals():
        review = services.record_review(access.user, target, **values)
    return Status(201, ReviewOut.of(review))
