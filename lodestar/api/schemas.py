"""What the API accepts and what it answers with.

Inputs refuse unknown fields, so a typo (`ods_cod`) is reported rather than silently
ignored. Outputs are built from model instances by their `of` class methods.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import UUID

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, field_validator

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Membership, Organisation, PartnerGrant
from lodestar.core.roles import Role

# --- inputs ---------------------------------------------------------------------------


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nulls(cls, value: object) -> object:
        # Fields that may be left out still may not be sent as null: null is not a name.
        if value is None:
            raise ValueError("Give a value or leave the field out; null is not allowed.")
        return value


class OrganisationChanges(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    ods_code: str | None = Field(None, min_length=1, max_length=6)
    kind: Organisation.Kind | None = None
    summary: str | None = Field(None, max_length=5000)
    website: str | None = Field(None, max_length=200)
    reason: str = Field("", max_length=500, description="Saved in the audit trail.")


class NewMember(Input):
    username: str = Field(
        min_length=1, max_length=150, description="Username or email address of an account."
    )
    role: Role
    job_title: str = Field("", max_length=200)


class NewPartnerGrant(Input):
    partner_ods_code: str = Field(min_length=1, max_length=6)
    item_type: str = Field(
        min_length=1, max_length=100, description='"app_label.model", like "grantable.note".'
    )
    item_uuid: UUID
    note: str = Field("", max_length=300)


class ReasonQuery(BaseModel):
    reason: str = Field("", max_length=500, description="Saved in the audit trail.")


class PageQuery(BaseModel):
    limit: int = Field(50, ge=1, le=200)
    # Bounded so that the database never sees a number too large for an integer.
    offset: int = Field(0, ge=0, le=1_000_000_000)


# --- outputs --------------------------------------------------------------------------


class ErrorOut(Schema):
    error: str
    fields: dict[str, list[str]] | None = None


# The errors each kind of endpoint may answer with, for the OpenAPI document.
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 409: ErrorOut, **READ_ERRORS}


class OrganisationRef(Schema):
    uuid: UUID
    name: str
    ods_code: str

    @classmethod
    def of(cls, organisation: Organisation) -> Self:
        return cls(uuid=organisation.uuid, name=organisation.name, ods_code=organisation.ods_code)


class OrganisationOut(Schema):
    uuid: UUID
    name: str
    ods_code: str
    kind: str
    kind_label: str
    ics: str
    summary: str
    website: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, organisation: Organisation, **extra: Any) -> Self:
        return cls(
            uuid=organisation.uuid,
            name=organisation.name,
            ods_code=organisation.ods_code,
            kind=organisation.kind,
            kind_label=organisation.get_kind_display(),
            ics=organisation.ics.name,
            summary=organisation.summary,
            website=organisation.website,
            created_at=organisation.created_at,
            updated_at=organisation.updated_at,
            **extra,
        )


class OrganisationDetail(OrganisationOut):
    capabilities: list[str] = Field(description="What the caller may do here.")


class PublicOrganisation(Schema):
    name: str
    ods_code: str
    kind: str
    ics: str

    @classmethod
    def of(cls, organisation: Organisation) -> Self:
        return cls(
            name=organisation.name,
            ods_code=organisation.ods_code,
            kind=organisation.kind,
            ics=organisation.ics.name,
        )


class UserRef(Schema):
    uuid: UUID
    username: str
    display_name: str

    @classmethod
    def of(cls, user: User) -> Self:
        return cls(uuid=user.uuid, username=user.username, display_name=user.display_name)


class MembershipOut(Schema):
    uuid: UUID
    user: UserRef
    organisation: OrganisationRef
    role: str
    role_label: str
    job_title: str
    created_at: datetime

    @classmethod
    def of(cls, membership: Membership) -> Self:
        return cls(
            uuid=membership.uuid,
            user=UserRef.of(membership.user),
            organisation=OrganisationRef.of(membership.organisation),
            role=membership.role,
            role_label=membership.get_role_display(),
            job_title=membership.job_title,
            created_at=membership.created_at,
        )


class MeOut(Schema):
    uuid: UUID
    username: str
    display_name: str
    email: str
    memberships: list[MembershipOut]


class AuditEntryOut(Schema):
    id: int
    uuid: UUID
    created_at: datetime
    actor: str
    action: str
    model: str
    object_uuid: UUID
    object_repr: str
    changes: dict[str, Any]
    reason: str
    hash: str

    @classmethod
    def of(cls, entry: AuditEntry) -> Self:
        return cls(
            id=entry.pk,
            uuid=entry.uuid,
            created_at=entry.created_at,
            actor=entry.actor_label,
            action=entry.action,
            model=entry.model_label,
            object_uuid=entry.object_uuid,
            object_repr=entry.object_repr,
            changes=entry.changes,
            reason=entry.reason,
            hash=entry.hash,
        )


class AuditPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditEntryOut]


class GrantOut(Schema):
    uuid: UUID
    organisation: OrganisationRef
    partner: OrganisationRef
    item_type: str = Field(description='"app_label.model" of the shared item.')
    item_uuid: UUID
    note: str
    created_at: datetime

    @classmethod
    def of(cls, grant: PartnerGrant) -> Self:
        return cls(
            uuid=grant.uuid,
            organisation=OrganisationRef.of(grant.organisation),
            partner=OrganisationRef.of(grant.partner),
            item_type=f"{grant.content_type.app_label}.{grant.content_type.model}",
            item_uuid=grant.object_uuid,
            note=grant.note,
            created_at=grant.created_at,
        )


class PartnerGrantsOut(Schema):
    given: list[GrantOut]
    received: list[GrantOut]
