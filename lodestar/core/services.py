"""Every change to organisations, memberships and partner grants, each with its audit entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.models import (
    IntegratedCareSystem,
    Membership,
    Organisation,
    OrgOwnedModel,
    PartnerGrant,
)
from lodestar.core.permissions import require
from lodestar.core.roles import Capability, Role

if TYPE_CHECKING:
    from lodestar.accounts.models import User

ORGANISATION_FIELDS = ("name", "ods_code", "kind", "ics", "summary", "website")


def get_or_create_ics(name: str) -> IntegratedCareSystem:
    ics, _ = IntegratedCareSystem.objects.get_or_create(name=name)
    return ics


@transaction.atomic
def create_organisation(
    actor: User | None,
    *,
    name: str,
    ods_code: str,
    kind: Organisation.Kind,
    ics: IntegratedCareSystem,
    summary: str = "",
    website: str = "",
) -> Organisation:
    """Only site staff (or the system, for demo data) may add an organisation."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("Only site administrators can add organisations.")
    organisation = Organisation(
        name=name,
        ods_code=ods_code.strip().upper(),
        kind=kind,
        ics=ics,
        summary=summary,
        website=website,
    )
    organisation.full_clean()
    organisation.save()
    record_create(actor, organisation, organisation)
    return organisation


@transaction.atomic
def update_organisation(
    actor: User, organisation: Organisation, reason: str = "", **values: object
) -> Organisation:
    require(actor, organisation, Capability.EDIT_ORGANISATION)
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of an organisation.")
    before = snapshot(organisation)
    for field, value in values.items():
        setattr(organisation, field, value)
    organisation.ods_code = organisation.ods_code.strip().upper()
    organisation.full_clean()
    organisation.save()
    record_update(actor, organisation, organisation, before, reason)
    return organisation


@transaction.atomic
def add_member(
    actor: User | None,
    organisation: Organisation,
    user: User,
    role: Role,
    job_title: str = "",
) -> Membership:
    if actor is not None:
        require(actor, organisation, Capability.MANAGE_MEMBERS)
    if Membership.objects.filter(organisation=organisation, user=user, role=role).exists():
        raise ValidationError(f"{user.display_name} already holds the role {role.label} here.")
    membership = Membership.objects.create(
        organisation=organisation, user=user, role=role, job_title=job_title
    )
    record_create(actor, organisation, membership)
    return membership


@transaction.atomic
def remove_member(actor: User, membership: Membership, reason: str = "") -> None:
    organisation = membership.organisation
    require(actor, organisation, Capability.MANAGE_MEMBERS)
    # An organisation must never be left with nobody able to manage it.
    if membership.role == Role.ADMINISTRATOR:
        others = Membership.objects.filter(
            organisation=organisation, role=Role.ADMINISTRATOR
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError("You cannot remove the last administrator.")
    before = snapshot(membership)
    record_delete(actor, organisation, membership, before, reason)
    membership.delete()


@transaction.atomic
def grant_partner_access(
    actor: User,
    organisation: Organisation,
    partner: Organisation,
    item: OrgOwnedModel,
    note: str = "",
) -> PartnerGrant:
    """Let `partner` read one of `organisation`'s items."""
    require(actor, organisation, Capability.MANAGE_PARTNER_GRANTS)
    if partner == organisation:
        raise ValidationError("An organisation cannot share an item with itself.")
    if item.organisation_id != organisation.pk:
        raise ValidationError("You can only share your own organisation's items.")
    content_type = ContentType.objects.get_for_model(item)
    object_uuid = item.uuid
    if PartnerGrant.objects.filter(
        organisation=organisation,
        partner=partner,
        content_type=content_type,
        object_uuid=object_uuid,
    ).exists():
        raise ValidationError(f"{partner} can already read this item.")
    grant = PartnerGrant.objects.create(
        organisation=organisation,
        partner=partner,
        content_type=content_type,
        object_uuid=object_uuid,
        note=note,
        granted_by=actor,
    )
    record_create(actor, organisation, grant)
    return grant


@transaction.atomic
def revoke_partner_access(actor: User, grant: PartnerGrant, reason: str = "") -> None:
    require(actor, grant.organisation, Capability.MANAGE_PARTNER_GRANTS)
    before = snapshot(grant)
    record_delete(actor, grant.organisation, grant, before, reason)
    grant.delete()
