"""Who belongs to an organisation, in which role."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from lodestar.accounts.models import User
from lodestar.api.auth import organisation_access
from lodestar.api.errors import conflict_on_refusal, field_error
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, MembershipOut, NewMember, ReasonQuery
from lodestar.core import services
from lodestar.core.models import Membership
from lodestar.core.roles import Capability

router = Router(tags=["Members"])


@router.get("/{uuid:org}/members", response={200: list[MembershipOut], **READ_ERRORS})
def list_members(request: HttpRequest, org: uuid.UUID) -> list[MembershipOut]:
    access = organisation_access(request, org)
    memberships = Membership.objects.filter(organisation=access.organisation).select_related(
        "user", "organisation"
    )
    return [MembershipOut.of(membership) for membership in memberships]


@router.post("/{uuid:org}/members", response={201: MembershipOut, **WRITE_ERRORS})
def add_member(request: HttpRequest, org: uuid.UUID, member: NewMember) -> Status[MembershipOut]:
    """Give an existing account a role here. New accounts are made on the People page."""
    access = organisation_access(request, org, Capability.MANAGE_MEMBERS)
    user = User.objects.filter(
        Q(username__iexact=member.username) | Q(email__iexact=member.username)
    ).first()
    if user is None:
        raise field_error(
            "username", f"There is no account with the username or email {member.username!r}."
        )
    with conflict_on_refusal():
        membership = services.add_member(
            access.user, access.organisation, user, member.role, member.job_title
        )
    return Status(201, MembershipOut.of(membership))


@router.delete("/{uuid:org}/members/{uuid:membership}", response={204: None, **WRITE_ERRORS})
def remove_member(
    request: HttpRequest, org: uuid.UUID, membership: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    """End one membership (one role). `reason` goes in the audit trail."""
    access = organisation_access(request, org, Capability.MANAGE_MEMBERS)
    target = (
        Membership.objects.filter(organisation=access.organisation, uuid=membership)
        .select_related("user", "organisation")
        .first()
    )
    if target is None:
        raise Http404("This organisation has no such membership.")
    with conflict_on_refusal():
        services.remove_member(access.user, target, query.reason)
    return Status(204, None)
