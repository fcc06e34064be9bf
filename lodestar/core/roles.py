"""Roles people hold in an organisation, and what each role may do.

One table answers every "may this person do that?" question, so that pages, the API
and the command line cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    CHAIR = "chair", "Chair"
    NON_EXECUTIVE_DIRECTOR = "non_executive_director", "Non-executive director"
    EXECUTIVE_DIRECTOR = "executive_director", "Executive director"
    MANAGER = "manager", "Manager"
    ANALYST = "analyst", "Analyst"
    GOVERNANCE_OFFICER = "governance_officer", "Governance officer"
    STAFF_MEMBER = "staff_member", "Staff member"
    # Reserved for the Freedom to Speak Up capability: it grants nothing yet.
    SPEAK_UP_GUARDIAN = "speak_up_guardian", "Freedom to Speak Up guardian"


class Capability(StrEnum):
    VIEW_ORGANISATION = "view_organisation"
    EDIT_ORGANISATION = "edit_organisation"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_PARTNER_GRANTS = "manage_partner_grants"
    VIEW_AUDIT = "view_audit"


# How each capability reads in "Your role here does not let you ...".
CAPABILITY_PHRASES: dict[Capability, str] = {
    Capability.VIEW_ORGANISATION: "see this organisation",
    Capability.EDIT_ORGANISATION: "change the organisation's details",
    Capability.MANAGE_MEMBERS: "add or remove people",
    Capability.MANAGE_PARTNER_GRANTS: "change what is shared with partners",
    Capability.VIEW_AUDIT: "read the audit trail",
}

_EVERY_MEMBER = frozenset({Capability.VIEW_ORGANISATION})
_BOARD = _EVERY_MEMBER | {Capability.VIEW_AUDIT}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(Capability),
    Role.CHAIR: _BOARD,
    Role.NON_EXECUTIVE_DIRECTOR: _EVERY_MEMBER,
    Role.EXECUTIVE_DIRECTOR: _EVERY_MEMBER,
    Role.MANAGER: _EVERY_MEMBER,
    Role.ANALYST: _EVERY_MEMBER,
    # Governance teams keep the audit trail and answer auditors' questions about it.
    Role.GOVERNANCE_OFFICER: _BOARD,
    Role.STAFF_MEMBER: _EVERY_MEMBER,
    Role.SPEAK_UP_GUARDIAN: _EVERY_MEMBER,
}


def capabilities_of(roles: set[Role]) -> frozenset[Capability]:
    result: frozenset[Capability] = frozenset()
    for role in roles:
        result |= ROLE_CAPABILITIES[role]
    return result
