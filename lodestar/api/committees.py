"""An organisation's boards and committees, which approve strategies and oversee delivery."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from lodestar.api.auth import organisation_access
from lodestar.api.lookups import committee as find_committee
from lodestar.api.lookups import one, refusals
from lodestar.api.objective_schemas import CommitteeChanges, CommitteeOut, NewCommittee
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.governance import services
from lodestar.governance.models import Committee

router = Router(tags=["Committees"])


def _reports_to(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    if values.get("reports_to") is not None:
        values["reports_to"] = find_committee(organisation, values["reports_to"], "reports_to")
    return values


def _fresh(committee: Committee) -> CommitteeOut:
    return CommitteeOut.of(Committee.objects.select_related("reports_to").get(pk=committee.pk))


@router.get("/{uuid:org}/committees", response={200: list[CommitteeOut], **READ_ERRORS})
def list_committees(request: HttpRequest, org: uuid.UUID) -> list[CommitteeOut]:
    access = organisation_access(request, org)
    committees = Committee.objects.filter(organisation=access.organisation).select_related(
        "reports_to"
    )
    return [CommitteeOut.of(c) for c in committees]


@router.post("/{uuid:org}/committees", response={201: CommitteeOut, **WRITE_ERRORS})
def create_committee(
    request: HttpRequest, org: uuid.UUID, new: NewCommittee
) -> Status[CommitteeOut]:
    """A board or committee. A name already in use here is a 409."""
    access = organisation_access(request, org, Capability.MANAGE_COMMITTEES)
    values = _reports_to(access.organisation, new.model_dump())
    with refusals(conflicts={"name"}):
        created = services.create_committee(access.user, access.organisation, **values)
    return Status(201, _fresh(created))


@router.patch(
    "/{uuid:org}/committees/{uuid:committee}", response={200: CommitteeOut, **WRITE_ERRORS}
)
def update_committee(
    request: HttpRequest, org: uuid.UUID, committee: uuid.UUID, changes: CommitteeChanges
) -> CommitteeOut:
    """Fields left out are left alone; `reports_to: null` makes it report to nobody."""
    access = organisation_access(request, org, Capability.MANAGE_COMMITTEES)
    ours = Committee.objects.filter(organisation=access.organisation)
    target = one(ours, committee, "This organisation has no such committee.")
    values = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        raise ValidationError("Send at least one field to change: kind, name, reports_to.")
    values = _reports_to(access.organisation, values)
    with refusals(conflicts={"name"}):
        changed = services.update_committee(access.user, target, changes.reason, **values)
    return _fresh(changed)
