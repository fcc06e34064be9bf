"""The golden thread: teams, and team and personal objectives linked to the strategy.

Anyone in an organisation may set their own objectives; team objectives and teams are
managed by people with MANAGE_TEAM_OBJECTIVES. Every change writes its audit entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.models import Membership, Organisation, OrgOwnedQuerySet
from lodestar.core.permissions import can, require
from lodestar.core.roles import Capability
from lodestar.delivery.models import Objective, Team
from lodestar.strategy.models import Element, Strategy

if TYPE_CHECKING:
    from lodestar.accounts.models import User

OBJECTIVE_FIELDS = ("element", "title", "description", "due_date")


# Reads -----------------------------------------------------------------------------


def linkable_elements(organisation: Organisation) -> OrgOwnedQuerySet[Element]:
    """Elements an objective may hang from: those of strategies still in force or coming."""
    return (
        Element.objects.filter(organisation=organisation)
        .exclude(strategy__status=Strategy.Status.SUPERSEDED)
        .select_related("kind", "strategy")
    )


def objectives_of(user: User, organisation: Organisation) -> OrgOwnedQuerySet[Objective]:
    """The user's own objectives here."""
    return Objective.objects.filter(organisation=organisation, owner=user).select_related(
        "element__kind", "element__strategy"
    )


def team_objectives_of(user: User, organisation: Organisation) -> OrgOwnedQuerySet[Objective]:
    """Objectives of the teams the user belongs to here."""
    return Objective.objects.filter(organisation=organisation, team__members=user).select_related(
        "team", "element__kind", "element__strategy"
    )


@dataclass(frozen=True)
class ThreadCount:
    element: Element
    team: int
    personal: int

    @property
    def is_thin(self) -> bool:
        return self.team + self.personal == 0


def thread_counts(strategy: Strategy) -> list[ThreadCount]:
    """Team and personal objectives per element, to show where the thread is thin."""
    elements = strategy.elements.select_related("kind").annotate(
        team_count=Count("objectives", filter=Q(objectives__team__isnull=False)),
        personal_count=Count("objectives", filter=Q(objectives__owner__isnull=False)),
    )
    return [ThreadCount(e, e.team_count, e.personal_count) for e in elements]


# Objectives ------------------------------------------------------------------------


def _may_manage(actor: User, objective: Objective) -> None:
    """Personal objectives are their owner's alone; team ones need the capability."""
    if objective.team_id is not None:
        require(actor, objective.organisation, Capability.MANAGE_TEAM_OBJECTIVES)
    elif objective.owner_id != actor.pk:
        raise PermissionDenied("You can only change your own personal objectives.")


def _validate(objective: Objective) -> None:
    errors: dict[str, str] = {}
    if not linkable_elements(objective.organisation).filter(pk=objective.element_id).exists():
        errors["element"] = "Choose an element of one of this organisation's strategies."
    team = objective.team
    if team is not None and team.organisation_id != objective.organisation_id:
        errors["team"] = "Choose one of this organisation's teams."
    if errors:
        raise ValidationError(errors)
    objective.full_clean()


@transaction.atomic
def add_personal_objective(
    actor: User,
    element: Element,
    *,
    title: str,
    description: str = "",
    due_date: datetime.date | None = None,
) -> Objective:
    """Any member may set objectives for themselves."""
    organisation = element.organisation
    require(actor, organisation, Capability.VIEW_STRATEGY)
    objective = Objective(
        organisation=organisation,
        element=element,
        owner=actor,
        title=title.strip(),
        description=description.strip(),
        due_date=due_date,
    )
    _validate(objective)
    objective.save()
    record_create(actor, organisation, objective)
    return objective


@transaction.atomic
def add_team_objective(
    actor: User,
    team: Team,
    element: Element,
    *,
    title: str,
    description: str = "",
    due_date: datetime.date | None = None,
) -> Objective:
    organisation = team.organisation
    require(actor, organisation, Capability.MANAGE_TEAM_OBJECTIVES)
    objective = Objective(
        organisation=organisation,
        element=element,
        team=team,
        title=title.strip(),
        description=description.strip(),
        due_date=due_date,
    )
    _validate(objective)
    objective.save()
    record_create(actor, organisation, objective)
    return objective


@transaction.atomic
def change_objective(actor: User, objective: Objective, **values: Any) -> Objective:
    _may_manage(actor, objective)
    unknown = set(values) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of an objective.")
    before = snapshot(objective)
    for field, value in values.items():
        setattr(objective, field, value.strip() if isinstance(value, str) else value)
    _validate(objective)
    objective.save()
    record_update(actor, objective.organisation, objective, before)
    return objective


@transaction.atomic
def remove_objective(actor: User, objective: Objective, reason: str = "") -> None:
    _may_manage(actor, objective)
    before = snapshot(objective)
    record_delete(actor, objective.organisation, objective, before, reason)
    objective.delete()


def may_manage(actor: User, objective: Objective) -> bool:
    """For pages: whether to offer the change and remove buttons."""
    if objective.team_id is not None:
        return can(actor, objective.organisation, Capability.MANAGE_TEAM_OBJECTIVES)
    return objective.owner_id == actor.pk


# Teams -----------------------------------------------------------------------------


@transaction.atomic
def create_team(actor: User, organisation: Organisation, name: str) -> Team:
    require(actor, organisation, Capability.MANAGE_TEAM_OBJECTIVES)
    name = name.strip()
    if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a team called {name}."})
    team = Team(organisation=organisation, name=name)
    team.full_clean()
    team.save()
    record_create(actor, organisation, team, extra={"members": []})
    return team


def _member_names(team: Team) -> list[str]:
    return [f"{u} ({u.uuid})" for u in team.members.order_by("username")]


@transaction.atomic
def add_team_member(actor: User, team: Team, user: User) -> None:
    organisation = team.organisation
    require(actor, organisation, Capability.MANAGE_TEAM_OBJECTIVES)
    if not Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"person": f"{user} is not a member of {organisation}."})
    if team.members.filter(pk=user.pk).exists():
        raise ValidationError({"person": f"{user} is already in {team}."})
    before = snapshot(team) | {"members": _member_names(team)}
    team.members.add(user)
    record_update(actor, organisation, team, before, extra={"members": _member_names(team)})


@transaction.atomic
def remove_team_member(actor: User, team: Team, user: User) -> None:
    organisation = team.organisation
    require(actor, organisation, Capability.MANAGE_TEAM_OBJECTIVES)
    before = snapshot(team) | {"members": _member_names(team)}
    team.members.remove(user)
    record_update(actor, organisation, team, before, extra={"members": _member_names(team)})
