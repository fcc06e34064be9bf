"""Checks that pages, the API and services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import CAPABILITY_PHRASES, Capability, Role, capabilities_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lodestar.accounts.models import User


def capabilities(user: User | AnonymousUser, organisation: Organisation) -> frozenset[Capability]:
    roles: set[Role] = Membership.objects.roles_of(user, organisation)
    return capabilities_of(roles)


def can(user: User | AnonymousUser, organisation: Organisation, capability: Capability) -> bool:
    return capability in capabilities(user, organisation)


def require(
    user: User | AnonymousUser, organisation: Organisation, capability: Capability
) -> None:
    if not can(user, organisation, capability):
        phrase = CAPABILITY_PHRASES[capability]
        raise PermissionDenied(f"You do not have permission to {phrase}.")
