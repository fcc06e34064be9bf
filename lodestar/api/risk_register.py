"""The corporate risk register (operational risks), and the risk settings: the matrix,
the escalation threshold, the appetite scale and statement, and appetite categories.

Board members read both. Governance officers change any operational risk and the
settings; executive directors raise and change the operational risks they own.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import BaseModel

from lodestar.api.auth import OrgAccess, organisation_access
from lodestar.api.errors import field_error
from lodestar.api.lookups import committee, member, one, refusals
from lodestar.api.risk_schemas import (
    AppetiteCategoryOut,
    Closing,
    NewOperationalRisk,
    OperationalRiskChanges,
    OperationalRiskOut,
    RiskRef,
)
from lodestar.api.risk_settings_schemas import (
    AppetiteCategoryChanges,
    NewAppetiteCategory,
    RegradeOut,
    Regrading,
    RiskSettingsChanges,
    RiskSettingsOut,
)
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ReasonQuery
from lodestar.core.models import Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.risk import register_services as register
from lodestar.risk import settings_services as settings
from lodestar.risk.exchange import XLSX_CONTENT_TYPE
from lodestar.risk.matrix import matrix_for, risk_settings_for
from lodestar.risk.models import AppetiteCategory, OperationalRisk, StrategicRisk
from lodestar.risk.register_export import export_filename, export_register

router = Router(tags=["Risk register and settings"])
OPS = "/{uuid:org}/operational-risks"
CATS = "/{uuid:org}/appetite-categories"
_MATRIX = ("likelihood_descriptors", "consequence_descriptors", "bands", "escalation_threshold")
_STATEMENT = ("appetite_statement", "appetite_approved_on", "appetite_approved_by")
_BARE = {"statement", "approved_on", "approved_by"}


class RegisterQuery(BaseModel):
    status: Literal["open", "closed", "all"] = "open"
    service: str = ""
    band: str = ""
    escalated_only: bool = False


def _rows(access: OrgAccess, risks: list[OperationalRisk]) -> list[OperationalRiskOut]:
    matrix, today = matrix_for(access.organisation), timezone.localdate()
    return [OperationalRiskOut.of(register.row_of(risk, matrix, today)) for risk in risks]


def _one_row(access: OrgAccess, risk: OperationalRisk) -> OperationalRiskOut:
    fresh = OperationalRisk.objects.select_related("owner", "strategic_risk").get(pk=risk.pk)
    return _rows(access, [fresh])[0]


def find_operational_risk(organisation: Organisation, risk: uuid.UUID) -> OperationalRisk:
    risks = OperationalRisk.objects.filter(organisation=organisation).select_related(
        "owner", "strategic_risk", "organisation"
    )
    return one(risks, risk, "This organisation has no such operational risk.")


def _editable(access: OrgAccess, risk: uuid.UUID) -> OperationalRisk:
    found = find_operational_risk(access.organisation, risk)
    if not register.may_edit(access.user, found):
        require(access.user, access.organisation, Capability.EDIT_OWN_RISKS)
        raise PermissionDenied(register.NOT_YOURS)
    return found


def _resolve(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    if "owner" in values:
        values["owner"] = member(organisation, values["owner"], "owner")
    if values.get("strategic_risk") is not None:
        found = StrategicRisk.objects.filter(
            organisation=organisation, uuid=values["strategic_risk"]
        ).first()
        if found is None:
            raise field_error(
                "strategic_risk", f"Choose one of {organisation.name}'s own strategic risks."
            )
        values["strategic_risk"] = found
    return values


def _changes(changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        raise ValidationError("Send at least one field to change.")
    return values


# --- operational risks -----------------------------------------------------------------


def _register(access: OrgAccess, query: RegisterQuery) -> list[register.RegisterRow]:
    filters = register.RegisterFilters(
        status=query.status,
        service=query.service,
        band=query.band,
        escalated_only=query.escalated_only,
    )
    return register.register_of(access.organisation, filters, timezone.localdate())


@router.get(OPS, response={200: list[OperationalRiskOut], **READ_ERRORS})
def list_operational_risks(
    request: HttpRequest, org: uuid.UUID, query: Query[RegisterQuery]
) -> list[OperationalRiskOut]:
    """The register, highest current score first. `status` is open, closed or all;
    `escalated_only` keeps the open risks at or above the escalation threshold."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    return [OperationalRiskOut.of(row) for row in _register(access, query)]


_WORKBOOK = {
    "description": "The register as an Excel workbook.",
    "content": {XLSX_CONTENT_TYPE: {}},
}


@router.get(
    OPS + "/export.xlsx",
    response={400: ErrorOut, **READ_ERRORS},
    openapi_extra={"responses": {"200": _WORKBOOK}},
)
def export_operational_risks(
    request: HttpRequest, org: uuid.UUID, query: Query[RegisterQuery]
) -> HttpResponse:
    """The register as the list gives it, with the same filters, as the Excel workbook
    the register page downloads."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    workbook = export_register(access.organisation, _register(access, query))
    response = HttpResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(access.organisation)}"'
    )
    return response


@router.post(OPS, response={201: OperationalRiskOut, **WRITE_ERRORS})
def create_operational_risk(
    request: HttpRequest, org: uuid.UUID, new: NewOperationalRisk
) -> Status[OperationalRiskOut]:
    """Raise a risk on the register; with no reference it gets the next CRn."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    if not register.may_raise(access.user, access.organisation):
        require(access.user, access.organisation, Capability.EDIT_OWN_RISKS)
    values = _resolve(access.organisation, new.model_dump())
    with refusals(conflicts={"reference"}):
        created = register.create_operational_risk(access.user, access.organisation, **values)
    return Status(201, _one_row(access, created))


@router.get(OPS + "/{uuid:risk}", response={200: OperationalRiskOut, **READ_ERRORS})
def get_operational_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID
) -> OperationalRiskOut:
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    return _one_row(access, find_operational_risk(access.organisation, risk))


@router.patch(OPS + "/{uuid:risk}", response={200: OperationalRiskOut, **WRITE_ERRORS})
def update_operational_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, changes: OperationalRiskChanges
) -> OperationalRiskOut:
    """Fields left out are left alone; null clears a date or the BAF risk it feeds."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = _editable(access, risk)
    values = _resolve(access.organisation, _changes(changes))
    with refusals(conflicts={"reference"}):
        register.update_operational_risk(access.user, target, changes.reason, **values)
    return _one_row(access, target)


@router.post(OPS + "/{uuid:risk}/close", response={200: OperationalRiskOut, **WRITE_ERRORS})
def close_operational_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, closing: Closing
) -> OperationalRiskOut:
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = _editable(access, risk)
    with refusals():
        register.close_operational_risk(access.user, target, closing.reason)
    return _one_row(access, target)


@router.post(OPS + "/{uuid:risk}/reopen", response={200: OperationalRiskOut, **WRITE_ERRORS})
def reopen_operational_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, query: Query[ReasonQuery]
) -> OperationalRiskOut:
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = _editable(access, risk)
    with refusals():
        register.reopen_operational_risk(access.user, target, query.reason)
    return _one_row(access, target)


@router.delete(OPS + "/{uuid:risk}", response={204: None, **WRITE_ERRORS})
def delete_operational_risk(
    request: HttpRequest, org: uuid.UUID, risk: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    """Only a risk raised in error (governance officers); close the others instead."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    target = find_operational_risk(access.organisation, risk)
    with refusals():
        register.delete_operational_risk(access.user, target, query.reason)
    return Status(204, None)


# --- the settings ----------------------------------------------------------------------


def _settings_out(organisation: Organisation) -> RiskSettingsOut:
    found = risk_settings_for(organisation)
    categories = list(AppetiteCategory.objects.filter(organisation=organisation))
    return RiskSettingsOut.of(found, matrix_for(organisation), categories)


@router.get("/{uuid:org}/risk-settings", response={200: RiskSettingsOut, **READ_ERRORS})
def get_risk_settings(request: HttpRequest, org: uuid.UUID) -> RiskSettingsOut:
    """The risk matrix, escalation threshold, appetite scale, statement and categories."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    return _settings_out(access.organisation)


@router.patch("/{uuid:org}/risk-settings", response={200: RiskSettingsOut, **WRITE_ERRORS})
def update_risk_settings(
    request: HttpRequest, org: uuid.UUID, changes: RiskSettingsChanges
) -> RiskSettingsOut:
    """Change what is sent, all or nothing. Scores already set keep their bands until
    the risks are regraded (POST .../risk-settings/regrade)."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    values = _changes(changes)
    with transaction.atomic(), refusals():
        _apply_settings(access, values, changes.reason)
    return _settings_out(access.organisation)


def _apply_settings(access: OrgAccess, values: dict[str, Any], reason: str) -> None:
    org, user = access.organisation, access.user
    current = risk_settings_for(org)
    if any(name in values for name in _MATRIX):
        matrix = {name: values.get(name, getattr(current, name)) for name in _MATRIX}
        settings.update_risk_matrix(user, org, **matrix, reason=reason)
    if "appetite_levels" in values:
        settings.update_appetite_scale(user, org, values["appetite_levels"], reason)
    if any(name in values for name in _STATEMENT):
        chosen = values.get("appetite_approved_by", current.appetite_approved_by)
        if isinstance(chosen, uuid.UUID):
            chosen = committee(org, chosen, "appetite_approved_by")
        try:
            settings.update_appetite_statement(
                user,
                org,
                statement=values.get("appetite_statement", current.appetite_statement),
                approved_on=values.get("appetite_approved_on", current.appetite_approved_on),
                approved_by=chosen,
                reason=reason,
            )
        except ValidationError as e:
            # The service names its own arguments; the client sent the settings' names.
            if not hasattr(e, "error_dict"):
                raise
            named = {f"appetite_{k}" if k in _BARE else k: v for k, v in e.error_dict.items()}
            raise ValidationError(named) from e


@router.post("/{uuid:org}/risk-settings/regrade", response={200: RegradeOut, **WRITE_ERRORS})
def regrade_risks(request: HttpRequest, org: uuid.UUID, regrading: Regrading) -> RegradeOut:
    """Grade every open risk again under today's matrix; closed risks and past reviews
    keep the bands they had."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    with refusals():
        changed = settings.regrade_risks(access.user, access.organisation, regrading.reason)
    return RegradeOut(regraded=[RiskRef.of(risk) for risk in changed])


# --- appetite categories ---------------------------------------------------------------


def _category(access: OrgAccess, category: uuid.UUID) -> AppetiteCategory:
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    categories = AppetiteCategory.objects.filter(organisation=access.organisation)
    return one(categories, category, "This organisation has no such appetite category.")


def _category_out(category: AppetiteCategory) -> AppetiteCategoryOut:
    return AppetiteCategoryOut.of(category, matrix_for(category.organisation).appetite_levels)


@router.get(CATS, response={200: list[AppetiteCategoryOut], **READ_ERRORS})
def list_appetite_categories(request: HttpRequest, org: uuid.UUID) -> list[AppetiteCategoryOut]:
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    levels = matrix_for(access.organisation).appetite_levels
    categories = AppetiteCategory.objects.filter(organisation=access.organisation)
    return [AppetiteCategoryOut.of(category, levels) for category in categories]


@router.post(CATS, response={201: AppetiteCategoryOut, **WRITE_ERRORS})
def create_appetite_category(
    request: HttpRequest, org: uuid.UUID, new: NewAppetiteCategory
) -> Status[AppetiteCategoryOut]:
    """A kind of risk with the board's appetite for it and the score it tolerates."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    require(access.user, access.organisation, Capability.MANAGE_RISKS)
    with refusals(conflicts={"name"}):
        created = settings.create_appetite_category(
            access.user, access.organisation, **new.model_dump()
        )
    return Status(201, _category_out(created))


@router.patch(CATS + "/{uuid:category}", response={200: AppetiteCategoryOut, **WRITE_ERRORS})
def update_appetite_category(
    request: HttpRequest, org: uuid.UUID, category: uuid.UUID, changes: AppetiteCategoryChanges
) -> AppetiteCategoryOut:
    """Risks in the category are judged against a new tolerance at once."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = _category(access, category)
    with refusals(conflicts={"name"}):
        changed = settings.update_appetite_category(
            access.user, target, changes.reason, **_changes(changes)
        )
    return _category_out(changed)


@router.delete(CATS + "/{uuid:category}", response={204: None, **WRITE_ERRORS})
def delete_appetite_category(
    request: HttpRequest, org: uuid.UUID, category: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    """Only a category no risk uses (409 otherwise: move its risks first)."""
    access = organisation_access(request, org, Capability.VIEW_RISKS)
    target = _category(access, category)
    with refusals():
        settings.delete_appetite_category(access.user, target, query.reason)
    return Status(204, None)
