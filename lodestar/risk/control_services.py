"""Every change to a strategic risk's controls, assurances, gaps and actions, audited.

Whoever may change the risk may change these: a governance officer for any risk, an
executive director for the risks they lead (`services.require_risk_editor`).
`actor` is None only for the system (demo data, imports).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.models import Membership
from lodestar.delivery.models import Brag
from lodestar.risk.models import Assurance, AssuranceGap, Control, RiskAction, StrategicRisk
from lodestar.risk.services import require_risk_editor

if TYPE_CHECKING:
    from lodestar.accounts.models import User

CONTROL_FIELDS = ("kind", "description")
ASSURANCE_FIELDS = (
    "line",
    "source",
    "description",
    "positive",
    "level",
    "document",
    "document_url",
    "dated",
)
GAP_FIELDS = ("description",)
ACTION_FIELDS = ("description", "owner", "due_date", "status")

_Part = TypeVar("_Part", Control, Assurance, AssuranceGap, RiskAction)
# A part's own rules beyond its fields' validators: field name -> message.
_Rules = Callable[[Any], dict[str, str]]


def _fresh(part: _Part) -> _Part:
    """A fresh copy, so a refused change leaves the caller's object as it was."""
    return type(part).objects.select_related("risk__executive_lead").get(pk=part.pk)


def _clean(part: Control | Assurance | AssuranceGap | RiskAction, extra: dict[str, str]) -> None:
    errors: dict[str, list[str]] = {field: [message] for field, message in extra.items()}
    try:
        part.full_clean(exclude=["risk", "organisation", *errors])
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _apply(
    part: _Part, allowed: tuple[str, ...], values: dict[str, Any], errors_of: _Rules | None = None
) -> _Part:
    unknown = set(values) - set(allowed)
    if unknown:
        noun = part._meta.verbose_name
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a {noun}.")
    for field, value in values.items():
        setattr(part, field, value)
    _clean(part, errors_of(part) if errors_of else {})
    part.save()
    return part


def _add(actor: User | None, part: _Part, errors_of: _Rules | None = None) -> _Part:
    _clean(part, errors_of(part) if errors_of else {})
    part.save()
    record_create(actor, part.organisation, part)
    return part


def _update(
    actor: User | None,
    part: _Part,
    allowed: tuple[str, ...],
    reason: str,
    values: dict[str, Any],
    *,
    errors_of: _Rules | None = None,
) -> _Part:
    part = _fresh(part)
    require_risk_editor(actor, part.risk)
    before = snapshot(part)
    _apply(part, allowed, values, errors_of)
    record_update(actor, part.organisation, part, before, reason)
    return part


def _delete(actor: User | None, part: _Part, reason: str) -> None:
    part = _fresh(part)
    require_risk_editor(actor, part.risk)
    record_delete(actor, part.organisation, part, snapshot(part), reason)
    part.delete()


# --- Controls and gaps in control ------------------------------------------------------


@transaction.atomic
def add_control(
    actor: User | None, risk: StrategicRisk, *, kind: str, description: str
) -> Control:
    """A key control in place (kind "control") or a gap in control (kind "gap")."""
    require_risk_editor(actor, risk)
    control = Control(
        organisation=risk.organisation, risk=risk, kind=kind, description=description
    )
    return _add(actor, control)


@transaction.atomic
def update_control(
    actor: User | None, control: Control, reason: str = "", **values: Any
) -> Control:
    return _update(actor, control, CONTROL_FIELDS, reason, values)


@transaction.atomic
def delete_control(actor: User | None, control: Control, reason: str = "") -> None:
    _delete(actor, control, reason)


# --- Assurances and gaps in assurance --------------------------------------------------


def _assurance_errors(assurance: Assurance) -> dict[str, str]:
    dated: datetime.date | None = assurance.dated
    if dated is not None and dated > timezone.localdate():
        return {"dated": "An assurance cannot be dated in the future."}
    return {}


@transaction.atomic
def add_assurance(
    actor: User | None,
    risk: StrategicRisk,
    *,
    line: str,
    source: str,
    positive: bool,
    level: str,
    dated: datetime.date,
    description: str = "",
    document: str = "",
    document_url: str = "",
) -> Assurance:
    """Evidence from one line of defence, positive or negative, with its level and source."""
    require_risk_editor(actor, risk)
    assurance = Assurance(
        organisation=risk.organisation,
        risk=risk,
        line=line,
        source=source,
        positive=positive,
        level=level,
        dated=dated,
        description=description,
        document=document,
        document_url=document_url,
    )
    return _add(actor, assurance, _assurance_errors)


@transaction.atomic
def update_assurance(
    actor: User | None, assurance: Assurance, reason: str = "", **values: Any
) -> Assurance:
    return _update(actor, assurance, ASSURANCE_FIELDS, reason, values, errors_of=_assurance_errors)


@transaction.atomic
def delete_assurance(actor: User | None, assurance: Assurance, reason: str = "") -> None:
    _delete(actor, assurance, reason)


@transaction.atomic
def add_assurance_gap(
    actor: User | None, risk: StrategicRisk, *, description: str
) -> AssuranceGap:
    require_risk_editor(actor, risk)
    gap = AssuranceGap(organisation=risk.organisation, risk=risk, description=description)
    return _add(actor, gap)


@transaction.atomic
def update_assurance_gap(
    actor: User | None, gap: AssuranceGap, reason: str = "", **values: Any
) -> AssuranceGap:
    return _update(actor, gap, GAP_FIELDS, reason, values)


@transaction.atomic
def delete_assurance_gap(actor: User | None, gap: AssuranceGap, reason: str = "") -> None:
    _delete(actor, gap, reason)


# --- Actions ---------------------------------------------------------------------------


def _action_errors(action: RiskAction) -> dict[str, str]:
    owner_id: int | None = action.owner_id
    if owner_id is None:
        return {"owner": "Choose the action's owner: every action has exactly one."}
    if not Membership.objects.filter(
        organisation_id=action.organisation_id, user_id=owner_id
    ).exists():
        return {
            "owner": f"{action.owner.display_name} is not a member of "
            f"{action.organisation.name}. Choose one of its people."
        }
    return {}


@transaction.atomic
def add_action(
    actor: User | None,
    risk: StrategicRisk,
    *,
    description: str,
    owner: User | None,
    due_date: datetime.date | None,
    status: str = Brag.GREEN,
) -> RiskAction:
    """An action to close a gap, with one owner, a due date and a BRAG status."""
    require_risk_editor(actor, risk)
    action = RiskAction(
        organisation=risk.organisation,
        risk=risk,
        description=description,
        owner=owner,
        status=status,
    )
    # The column is NOT NULL; a missing date is reported by full_clean, naming the field.
    action.due_date = due_date  # type: ignore[assignment]
    return _add(actor, action, _action_errors)


@transaction.atomic
def update_action(
    actor: User | None, action: RiskAction, reason: str = "", **values: Any
) -> RiskAction:
    return _update(actor, action, ACTION_FIELDS, reason, values, errors_of=_action_errors)


@transaction.atomic
def complete_action(
    actor: User | None, action: RiskAction, on: datetime.date | None, reason: str = ""
) -> RiskAction:
    """Mark an action done on a date, or reopen it with None.

    Completion is kept apart from the BRAG status: blue means complete *and evidenced*,
    which is the lead's judgement to make, not something a date implies.
    """
    action = _fresh(action)
    require_risk_editor(actor, action.risk)
    if on is not None and on > timezone.localdate():
        raise ValidationError({"completed_on": "An action cannot be completed in the future."})
    before = snapshot(action)
    action.completed_on = on
    action.save(update_fields=["completed_on", "updated_at"])
    record_update(actor, action.organisation, action, before, reason)
    return action


@transaction.atomic
def delete_action(actor: User | None, action: RiskAction, reason: str = "") -> None:
    _delete(actor, action, reason)
