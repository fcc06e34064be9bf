"""Letting a partner organisation read one chosen item."""

from __future__ import annotations

import uuid

from django.apps import apps
from django.http import Http404, HttpRequest
from django.utils.text import capfirst
from ninja import Query, Router, Status

from lodestar.api.auth import organisation_access
from lodestar.api.errors import conflict_on_refusal, field_error
from lodestar.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    GrantOut,
    NewPartnerGrant,
    PartnerGrantsOut,
    ReasonQuery,
)
from lodestar.core import services
from lodestar.core.models import Organisation, OrgOwnedModel, PartnerGrant
from lodestar.core.roles import Capability

router = Router(tags=["Partner grants"])

_RELATED = ("organisation", "partner", "content_type")


@router.get("/{uuid:org}/partner-grants", response={200: PartnerGrantsOut, **READ_ERRORS})
def list_partner_grants(request: HttpRequest, org: uuid.UUID) -> PartnerGrantsOut:
    """Items this organisation shares with partners, and items partners share with it."""
    access = organisation_access(request, org)
    grants = PartnerGrant.objects.select_related(*_RELATED)
    return PartnerGrantsOut(
        given=[GrantOut.of(g) for g in grants.filter(organisation=access.organisation)],
        received=[GrantOut.of(g) for g in grants.filter(partner=access.organisation)],
    )


@router.post("/{uuid:org}/partner-grants", response={201: GrantOut, **WRITE_ERRORS})
def grant_partner_access(
    request: HttpRequest, org: uuid.UUID, grant: NewPartnerGrant
) -> Status[GrantOut]:
    """Let the partner with `partner_ods_code` read one item of this organisation's."""
    access = organisation_access(request, org, Capability.MANAGE_PARTNER_GRANTS)
    code = grant.partner_ods_code.upper()
    partner = Organisation.objects.filter(ods_code=code).first()
    if partner is None:
        raise field_error(
            "partner_ods_code", f"There is no organisation with the ODS code {code}."
        )
    if partner == access.organisation:
        raise field_error("partner_ods_code", "An organisation cannot share an item with itself.")
    item = _own_item(access.organisation, grant.item_type, grant.item_uuid)
    with conflict_on_refusal():
        created = services.grant_partner_access(
            access.user, access.organisation, partner, item, grant.note
        )
    return Status(201, GrantOut.of(created))


def _own_item(organisation: Organisation, item_type: str, item_uuid: uuid.UUID) -> OrgOwnedModel:
    try:
        model = apps.get_model(item_type)
    except (LookupError, ValueError):
        raise field_error(
            "item_type", f'There is no kind of item called {item_type!r}; use "app_label.model".'
        ) from None
    if not issubclass(model, OrgOwnedModel):
        label = capfirst(model._meta.verbose_name)
        raise field_error(
            "item_type", f"{label} records cannot be shared: they belong to no organisation."
        )
    item = model._default_manager.filter(organisation=organisation, uuid=item_uuid).first()
    if item is None:
        raise field_error(
            "item_uuid", f"This organisation has no {model._meta.verbose_name} with that UUID."
        )
    return item


@router.delete("/{uuid:org}/partner-grants/{uuid:grant}", response={204: None, **WRITE_ERRORS})
def revoke_partner_access(
    request: HttpRequest, org: uuid.UUID, grant: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    """Stop a partner reading an item. `reason` goes in the audit trail."""
    access = organisation_access(request, org, Capability.MANAGE_PARTNER_GRANTS)
    target = (
        PartnerGrant.objects.filter(organisation=access.organisation, uuid=grant)
        .select_related(*_RELATED)
        .first()
    )
    if target is None:
        raise Http404("This organisation has given no such grant.")
    services.revoke_partner_access(access.user, target, query.reason)
    return Status(204, None)
