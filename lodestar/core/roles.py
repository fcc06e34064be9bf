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
    # Strategy and delivery (issue 3).
    VIEW_STRATEGY = "view_strategy"
    EDIT_STRATEGY = "edit_strategy"
    APPROVE_STRATEGY = "approve_strategy"
    EDIT_DELIVERY_PLAN = "edit_delivery_plan"
    POST_PROGRESS_UPDATE = "post_progress_update"
    MANAGE_TEAM_OBJECTIVES = "manage_team_objectives"
    MANAGE_COMMITTEES = "manage_committees"
    # Performance monitoring (issue 4).
    VIEW_PERFORMANCE = "view_performance"
    MANAGE_METRICS = "manage_metrics"
    SUBMIT_METRIC_DATA = "submit_metric_data"
    WRITE_METRIC_NARRATIVE = "write_metric_narrative"
    # The Board Assurance Framework and risk register (issue 5). Executives may edit only
    # the risks they lead; the services check that.
    VIEW_RISKS = "view_risks"
    EDIT_OWN_RISKS = "edit_own_risks"
    MANAGE_RISKS = "manage_risks"


# How each capability reads in "Your role here does not let you ...".
CAPABILITY_PHRASES: dict[Capability, str] = {
    Capability.VIEW_ORGANISATION: "see this organisation",
    Capability.EDIT_ORGANISATION: "change the organisation's details",
    Capability.MANAGE_MEMBERS: "add or remove people",
    Capability.MANAGE_PARTNER_GRANTS: "change what is shared with partners",
    Capability.VIEW_AUDIT: "read the audit trail",
    Capability.VIEW_STRATEGY: "read the strategy",
    Capability.EDIT_STRATEGY: "change the strategy",
    Capability.APPROVE_STRATEGY: "record the board's approval of a strategy",
    Capability.EDIT_DELIVERY_PLAN: "change the delivery plan",
    Capability.POST_PROGRESS_UPDATE: "post progress updates",
    Capability.MANAGE_TEAM_OBJECTIVES: "manage team objectives",
    Capability.MANAGE_COMMITTEES: "manage boards and committees",
    Capability.VIEW_PERFORMANCE: "read the performance report",
    Capability.MANAGE_METRICS: "change metric definitions",
    Capability.SUBMIT_METRIC_DATA: "submit metric data",
    Capability.WRITE_METRIC_NARRATIVE: "write the commentary on metrics",
    Capability.VIEW_RISKS: "read the Board Assurance Framework or the risk register",
    Capability.EDIT_OWN_RISKS: "change the risks you lead",
    Capability.MANAGE_RISKS: "manage the Board Assurance Framework and the risk register",
}

_EVERY_MEMBER = frozenset(
    {Capability.VIEW_ORGANISATION, Capability.VIEW_STRATEGY, Capability.VIEW_PERFORMANCE}
)
# Board members read the BAF; other roles see nothing of it.
_BOARD = _EVERY_MEMBER | {Capability.VIEW_AUDIT, Capability.VIEW_RISKS}
_DELIVERY = frozenset(
    {
        Capability.EDIT_DELIVERY_PLAN,
        Capability.POST_PROGRESS_UPDATE,
        Capability.MANAGE_TEAM_OBJECTIVES,
    }
)

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(Capability),
    # The chair records the board's decisions; strategy itself is written by executives.
    Role.CHAIR: _BOARD | {Capability.APPROVE_STRATEGY},
    Role.NON_EXECUTIVE_DIRECTOR: _EVERY_MEMBER | {Capability.VIEW_RISKS},
    Role.EXECUTIVE_DIRECTOR: _EVERY_MEMBER
    | _DELIVERY
    | {
        Capability.EDIT_STRATEGY,
        Capability.WRITE_METRIC_NARRATIVE,
        Capability.VIEW_RISKS,
        Capability.EDIT_OWN_RISKS,
    },
    Role.MANAGER: _EVERY_MEMBER | _DELIVERY,
    # Analysts keep the metrics and their data, and draft commentary for executives.
    Role.ANALYST: _EVERY_MEMBER
    | {
        Capability.MANAGE_METRICS,
        Capability.SUBMIT_METRIC_DATA,
        Capability.WRITE_METRIC_NARRATIVE,
    },
    # Governance teams keep the audit trail, the strategy documents and the committees.
    Role.GOVERNANCE_OFFICER: _BOARD
    | {
        Capability.EDIT_STRATEGY,
        Capability.APPROVE_STRATEGY,
        Capability.EDIT_DELIVERY_PLAN,
        Capability.MANAGE_COMMITTEES,
        Capability.MANAGE_METRICS,
        Capability.WRITE_METRIC_NARRATIVE,
        Capability.MANAGE_RISKS,
    },
    Role.STAFF_MEMBER: _EVERY_MEMBER,
    Role.SPEAK_UP_GUARDIAN: _EVERY_MEMBER,
}


def capabilities_of(roles: set[Role]) -> frozenset[Capability]:
    result: frozenset[Capability] = frozenset()
    for role in roles:
        result |= ROLE_CAPABILITIES[role]
    return result
