"""An organisation's own details and its audit trail."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from lodestar.api.auth import caller, organisation_access
from lodestar.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AuditEntryOut,
    AuditPage,
    ErrorOut,
    OrganisationChanges,
    OrganisationDetail,
    OrganisationOut,
    PageQuery,
)
from lodestar.audit.models import AuditEntry
from lodestar.core import services
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability

router = Router(tags=["Organisations"])


@router.get("", response={200: list[OrganisationOut], 401: ErrorOut})
def list_organisations(request: HttpRequest) -> list[OrganisationOut]:
    """Organisations the caller is a member of."""
    mine = Organisation.objects.for_user(caller(request)).select_related("ics")
    return [OrganisationOut.of(organisation) for organisation in mine]


@router.get("/{uuid:org}", response={200: OrganisationDetail, **READ_ERRORS})
def get_organisation(request: HttpRequest, org: uuid.UUID) -> OrganisationDetail:
    access = organisation_access(request, org)
    return _detail(access.organisation, access.capabilities)


@router.patch("/{uuid:org}", response={200: OrganisationDetail, **WRITE_ERRORS})
def update_organisation(
    request: HttpRequest, org: uuid.UUID, changes: OrganisationChanges
) -> OrganisationDetail:
    """Change any of name, ods_code, kind, summary and website; `reason` goes in the audit."""
    access = organisation_access(request, org, Capability.EDIT_ORGANISATION)
    values = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        fields = ", ".join(sorted(set(OrganisationChanges.model_fields) - {"reason"}))
        raise ValidationError(f"Send at least one field to change: {fields}.")
    organisation = services.update_organisation(
        access.user, access.organisation, reason=changes.reason, **values
    )
    return _detail(organisation, access.capabilities)


def _detail(organisation: Organisation, granted: frozenset[Capability]) -> OrganisationDetail:
    return OrganisationDetail.of(organisation, capabilities=sorted(granted))


@router.get("/{uuid:org}/audit", response={200: AuditPage, **READ_ERRORS, 400: ErrorOut})
def audit_log(request: HttpRequest, org: uuid.UUID, page: Query[PageQuery]) -> AuditPage:
    """The organisation's audit trail, newest first, `limit` entries from `offset`."""
    access = organisation_access(request, org, Capability.VIEW_AUDIT)
    entries = AuditEntry.objects.in_organisation(access.organisation)
    window = entries[page.offset : page.offset + page.limit]
    return AuditPage(
        count=entries.count(),
        limit=page.limit,
        offset=page.offset,
        items=[AuditEntryOut.of(entry) for entry in window],
    )
