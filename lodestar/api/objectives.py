"""The golden thread: team and personal objectives linked up to the strategy.

Anyone here may set and change their own objectives; someone else's personal objective
is not found, not forbidden. Teams and their objectives need MANAGE_TEAM_OBJECTIVES.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from lodestar.accounts.models import User
from lodestar.api.auth import OrgAccess, organisation_access
from lodestar.api.errors import field_error
from lodestar.api.lookups import clash, member, one, own_strategy, refusals
from lodestar.api.objective_schemas import (
    MyPartOut,
    NewObjective,
    NewTeam,
    NewTeamMember,
    ObjectiveChanges,
    ObjectiveOut,
    StrategyInForce,
    TeamOut,
    TeamRef,
    ThreadOut,
)
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ReasonQuery
from lodestar.api.strategies import S
from lodestar.core.models import Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.delivery import objectives
from lodestar.delivery.models import Objective, Team
from lodestar.strategy.models import Element, Strategy

router = Router(tags=["Objectives"])

OBJECTIVE_RELATED = ("owner", "team", "element__kind", "element__strategy")


def _element(organisation: Organisation, element: uuid.UUID) -> Element:
    found = objectives.linkable_elements(organisation).filter(uuid=element).first()
    if found is None:
        raise field_error("element", "Choose an element of one of our strategies.")
    return found


def _team(organisation: Organisation, team: uuid.UUID) -> Team:
    return one(
        Team.objects.filter(organisation=organisation), team, "This organisation has no such team."
    )


def _fresh(objective: Objective) -> ObjectiveOut:
    return ObjectiveOut.of(
        Objective.objects.select_related(*OBJECTIVE_RELATED).get(pk=objective.pk)
    )


def _manageable(access: OrgAccess, objective: uuid.UUID) -> Objective:
    """Mine, or a team's; a team's needs the capability, checked before the body is."""
    mine_or_a_team = Q(owner=access.user) | Q(team__isnull=False)
    found = one(
        Objective.objects.filter(mine_or_a_team, organisation=access.organisation),
        objective,
        "This organisation has no such objective of yours or of a team.",
    )
    if found.team_id is not None:
        require(access.user, access.organisation, Capability.MANAGE_TEAM_OBJECTIVES)
    return found


@router.get("/{uuid:org}/my-objectives", response={200: MyPartOut, **READ_ERRORS})
def my_part(request: HttpRequest, org: uuid.UUID) -> MyPartOut:
    """My part in the strategy: the strategy in force with its vision and values, my
    objectives, my teams and their objectives, each linked to the element it serves."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    organisation, user = access.organisation, access.user
    strategy = Strategy.objects.current_for(organisation, timezone.localdate())
    teams = Team.objects.filter(organisation=organisation, members=user)
    mine = objectives.objectives_of(user, organisation).select_related("owner", "team")
    theirs = objectives.team_objectives_of(user, organisation).select_related("owner")
    return MyPartOut(
        strategy=StrategyInForce.of(strategy) if strategy else None,
        objectives=[ObjectiveOut.of(o) for o in mine],
        teams=[TeamRef.of(team) for team in teams],
        team_objectives=[ObjectiveOut.of(o) for o in theirs],
    )


@router.post("/{uuid:org}/my-objectives", response={201: ObjectiveOut, **WRITE_ERRORS})
def add_my_objective(
    request: HttpRequest, org: uuid.UUID, new: NewObjective
) -> Status[ObjectiveOut]:
    """Set an objective for yourself, linked to an element of one of our strategies."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    element = _element(access.organisation, new.element)
    with refusals():
        created = objectives.add_personal_objective(
            access.user,
            element,
            title=new.title,
            description=new.description,
            due_date=new.due_date,
        )
    return Status(201, _fresh(created))


@router.patch(
    "/{uuid:org}/objectives/{uuid:objective}", response={200: ObjectiveOut, **WRITE_ERRORS}
)
def change_objective(
    request: HttpRequest, org: uuid.UUID, objective: uuid.UUID, changes: ObjectiveChanges
) -> ObjectiveOut:
    """Your own objective, or (with the capability) a team's. null clears the due date."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    target = _manageable(access, objective)
    values = changes.model_dump(exclude_unset=True)
    if not values:
        raise ValidationError(
            "Send at least one field to change: description, due_date, element, title."
        )
    if "element" in values:
        values["element"] = _element(access.organisation, values["element"])
    with refusals():
        objectives.change_objective(access.user, target, **values)
    return _fresh(target)


@router.delete("/{uuid:org}/objectives/{uuid:objective}", response={204: None, **WRITE_ERRORS})
def remove_objective(
    request: HttpRequest, org: uuid.UUID, objective: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    target = _manageable(access, objective)
    with refusals():
        objectives.remove_objective(access.user, target, query.reason)
    return Status(204, None)


@router.get(S + "/thread", response={200: list[ThreadOut], **READ_ERRORS})
def thread(request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID) -> list[ThreadOut]:
    """Team and personal objectives per element: `thin` where there are none."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    counts = objectives.thread_counts(own_strategy(access.organisation, strategy))
    return [ThreadOut.of(count) for count in counts]


# Teams ------------------------------------------------------------------------------


def _team_out(team: Team) -> TeamOut:
    teams = Team.objects.prefetch_related("members", "objectives__element__kind")
    return TeamOut.of(teams.prefetch_related("objectives__element__strategy").get(pk=team.pk))


@router.get("/{uuid:org}/teams", response={200: list[TeamOut], **READ_ERRORS})
def list_teams(request: HttpRequest, org: uuid.UUID) -> list[TeamOut]:
    """Every team here, with its members and its objectives."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    teams = Team.objects.filter(organisation=access.organisation).prefetch_related(
        "members", "objectives__element__kind", "objectives__element__strategy"
    )
    return [TeamOut.of(team) for team in teams]


@router.post("/{uuid:org}/teams", response={201: TeamOut, **WRITE_ERRORS})
def create_team(request: HttpRequest, org: uuid.UUID, new: NewTeam) -> Status[TeamOut]:
    """A team. A name already in use here is a 409."""
    access = organisation_access(request, org, Capability.MANAGE_TEAM_OBJECTIVES)
    with refusals(conflicts={"name"}):
        team = objectives.create_team(access.user, access.organisation, new.name)
    return Status(201, _team_out(team))


@router.post("/{uuid:org}/teams/{uuid:team}/members", response={200: TeamOut, **WRITE_ERRORS})
def add_team_member(
    request: HttpRequest, org: uuid.UUID, team: uuid.UUID, new: NewTeamMember
) -> TeamOut:
    """Add someone who works here to the team; someone already in it is a 409."""
    access = organisation_access(request, org, Capability.MANAGE_TEAM_OBJECTIVES)
    target = _team(access.organisation, team)
    person = member(access.organisation, new.person, "person", "Choose someone who works here.")
    if target.members.filter(pk=person.pk).exists():
        raise clash("person", f"{person} is already in {target}.")
    with refusals():
        objectives.add_team_member(access.user, target, person)
    return _team_out(target)


@router.delete(
    "/{uuid:org}/teams/{uuid:team}/members/{uuid:person}", response={200: TeamOut, **WRITE_ERRORS}
)
def remove_team_member(
    request: HttpRequest, org: uuid.UUID, team: uuid.UUID, person: uuid.UUID
) -> TeamOut:
    access = organisation_access(request, org, Capability.MANAGE_TEAM_OBJECTIVES)
    target = _team(access.organisation, team)
    user = one(User.objects.filter(teams=target), person, "This team has no such member.")
    with refusals():
        objectives.remove_team_member(access.user, target, user)
    return _team_out(target)


@router.post(
    "/{uuid:org}/teams/{uuid:team}/objectives", response={201: ObjectiveOut, **WRITE_ERRORS}
)
def add_team_objective(
    request: HttpRequest, org: uuid.UUID, team: uuid.UUID, new: NewObjective
) -> Status[ObjectiveOut]:
    access = organisation_access(request, org, Capability.MANAGE_TEAM_OBJECTIVES)
    target = _team(access.organisation, team)
    element = _element(access.organisation, new.element)
    with refusals():
        created = objectives.add_team_objective(
            access.user,
            target,
            element,
            title=new.title,
            description=new.description,
            due_date=new.due_date,
        )
    return Status(201, _fresh(created))
