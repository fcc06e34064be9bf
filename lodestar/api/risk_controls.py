"""A strategic risk's key controls and gaps in control, its assurances on three lines of
defence, its gaps in assurance, and the actions that close them.

Whoever may change the risk may change these: a governance officer for any risk, an
executive director for the risks they lead. Each answers with the part it made or
changed; the risk itself (GET .../risks/{risk}) lists them all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from lodestar.accounts.models import User
from lodestar.api.auth import organisation_access
from lodestar.api.delivery_schemas import Completion
from lodestar.api.lookups import member, one, refusals
from lodestar.api.risk_control_schemas import (
    ActionChanges,
    ActionOut,
    AssuranceChanges,
    AssuranceOut,
    ControlChanges,
    ControlOut,
    GapChanges,
    GapOut,
    NewAction,
    NewAssurance,
    NewControl,
    NewGap,
)
from lodestar.api.risks import R, editable_risk
from lodestar.api.schemas import WRITE_ERRORS, ReasonQuery
from lodestar.core.roles import Capability
from lodestar.risk import control_services as services
from lodestar.risk.models import Assurance, AssuranceGap, Control, RiskAction, StrategicRisk

router = Router(tags=["Board Assurance Framework"])
_M = TypeVar("_M", Control, Assurance, AssuranceGap, RiskAction)
_NOUNS: dict[type[Any], str] = {
    Control: "control",
    Assurance: "assurance",
    AssuranceGap: "gap in assurance",
    RiskAction: "action",
}


@dataclass(frozen=True)
class _Found(Generic[_M]):
    user: User
    record: _M


def _risk(request: HttpRequest, org: uuid.UUID, risk: uuid.UUID) -> _Found[Any]:
    """The risk, if the caller may change it; refused before the body is looked at."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    return _Found(access.user, editable_risk(access, risk))


def _part(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, model: type[_M], part: uuid.UUID
) -> _Found[_M]:
    """A part of a risk the caller may change; a part of another risk is not found."""
    parent = _risk(request, org, risk)
    parts = model.objects.filter(risk=parent.record).select_related("risk__organisation")
    found: _M = one(parts, part, f"This risk has no such {_NOUNS[model]}.")
    return _Found(parent.user, found)


def _changes(changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        raise ValidationError("Send at least one field to change.")
    return values


def _with_owner(risk: StrategicRisk, values: dict[str, Any]) -> dict[str, Any]:
    if "owner" in values:
        values["owner"] = member(risk.organisation, values["owner"], "owner")
    return values


_CONTROL = R + "/controls/{uuid:control}"
_ASSURANCE = R + "/assurances/{uuid:assurance}"
_GAP = R + "/assurance-gaps/{uuid:gap}"
_ACTION = R + "/actions/{uuid:action}"


# --- controls and gaps in control ------------------------------------------------------


@router.post(R + "/controls", response={201: ControlOut, **WRITE_ERRORS})
def add_control(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, new: NewControl
) -> Status[ControlOut]:
    """A key control in place, or (kind "gap") a gap in control."""
    found = _risk(request, org, risk)
    with refusals():
        created = services.add_control(found.user, found.record, **new.model_dump())
    return Status(201, ControlOut.of(created))


@router.patch(_CONTROL, response={200: ControlOut, **WRITE_ERRORS})
def update_control(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    control: uuid.UUID,
    changes: ControlChanges,
) -> ControlOut:
    found = _part(request, org, risk, Control, control)
    with refusals():
        changed = services.update_control(
            found.user, found.record, changes.reason, **_changes(changes)
        )
    return ControlOut.of(changed)


@router.delete(_CONTROL, response={204: None, **WRITE_ERRORS})
def delete_control(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    control: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    found = _part(request, org, risk, Control, control)
    with refusals():
        services.delete_control(found.user, found.record, query.reason)
    return Status(204, None)


# --- assurances ------------------------------------------------------------------------


@router.post(R + "/assurances", response={201: AssuranceOut, **WRITE_ERRORS})
def add_assurance(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, new: NewAssurance
) -> Status[AssuranceOut]:
    """Evidence on one line of defence, positive or negative, with a level."""
    found = _risk(request, org, risk)
    with refusals():
        created = services.add_assurance(found.user, found.record, **new.model_dump())
    return Status(201, AssuranceOut.of(created))


@router.patch(_ASSURANCE, response={200: AssuranceOut, **WRITE_ERRORS})
def update_assurance(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    assurance: uuid.UUID,
    changes: AssuranceChanges,
) -> AssuranceOut:
    found = _part(request, org, risk, Assurance, assurance)
    with refusals():
        changed = services.update_assurance(
            found.user, found.record, changes.reason, **_changes(changes)
        )
    return AssuranceOut.of(changed)


@router.delete(_ASSURANCE, response={204: None, **WRITE_ERRORS})
def delete_assurance(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    assurance: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    found = _part(request, org, risk, Assurance, assurance)
    with refusals():
        services.delete_assurance(found.user, found.record, query.reason)
    return Status(204, None)


# --- gaps in assurance -----------------------------------------------------------------


@router.post(R + "/assurance-gaps", response={201: GapOut, **WRITE_ERRORS})
def add_assurance_gap(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, new: NewGap
) -> Status[GapOut]:
    """Where the board lacks evidence that a control works."""
    found = _risk(request, org, risk)
    with refusals():
        created = services.add_assurance_gap(found.user, found.record, **new.model_dump())
    return Status(201, GapOut.of(created))


@router.patch(_GAP, response={200: GapOut, **WRITE_ERRORS})
def update_assurance_gap(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, gap: uuid.UUID, changes: GapChanges
) -> GapOut:
    found = _part(request, org, risk, AssuranceGap, gap)
    with refusals():
        changed = services.update_assurance_gap(
            found.user, found.record, changes.reason, **_changes(changes)
        )
    return GapOut.of(changed)


@router.delete(_GAP, response={204: None, **WRITE_ERRORS})
def delete_assurance_gap(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    gap: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    found = _part(request, org, risk, AssuranceGap, gap)
    with refusals():
        services.delete_assurance_gap(found.user, found.record, query.reason)
    return Status(204, None)


# --- actions ---------------------------------------------------------------------------


@router.post(R + "/actions", response={201: ActionOut, **WRITE_ERRORS})
def add_action(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, new: NewAction
) -> Status[ActionOut]:
    """An action to close a gap: one owner, a due date and a BRAG status."""
    found = _risk(request, org, risk)
    values = _with_owner(found.record, new.model_dump())
    with refusals():
        created = services.add_action(found.user, found.record, **values)
    return Status(201, ActionOut.of(created, timezone.localdate()))


@router.patch(_ACTION, response={200: ActionOut, **WRITE_ERRORS})
def update_action(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    action: uuid.UUID,
    changes: ActionChanges,
) -> ActionOut:
    found = _part(request, org, risk, RiskAction, action)
    values = _with_owner(found.record.risk, _changes(changes))
    with refusals():
        changed = services.update_action(found.user, found.record, changes.reason, **values)
    return ActionOut.of(changed, timezone.localdate())


@router.post(_ACTION + "/complete", response={200: ActionOut, **WRITE_ERRORS})
def complete_action(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    action: uuid.UUID,
    completion: Completion,
) -> ActionOut:
    """Mark an action done (today unless `completed_on` says otherwise). Its BRAG status
    is left alone: blue means complete and evidenced, which is the lead's judgement."""
    found = _part(request, org, risk, RiskAction, action)
    on = completion.completed_on or timezone.localdate()
    with refusals():
        changed = services.complete_action(found.user, found.record, on, completion.reason)
    return ActionOut.of(changed, timezone.localdate())


@router.delete(_ACTION, response={204: None, **WRITE_ERRORS})
def delete_action(
    request: HttpRequest,
    org: uuid.UUID,
    risk: uuid.UUID,
    action: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    found = _part(request, org, risk, RiskAction, action)
    with refusals():
        services.delete_action(found.user, found.record, query.reason)
    return Status(204, None)
