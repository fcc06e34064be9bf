"""The golden thread: my part in the strategy, teams, objectives and where the thread is thin."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lodestar.accounts.models import User
from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.delivery import objectives
from lodestar.delivery.models import Objective, Team
from lodestar.delivery.objective_forms import (
    ObjectiveForm,
    TeamForm,
    TeamMemberForm,
    TeamObjectiveForm,
)
from lodestar.strategy.models import Strategy

# Enough to show how an objective connects upward without a query per objective.
UPWARD = (
    "element__deliverables__accountable_executive",
    "element__alignments__partner_element__kind",
    "element__alignments__partner_element__strategy__organisation",
)


def _my_part(request: OrgRequest, form: ObjectiveForm, status: int = 200) -> HttpResponse:
    org, user = request.organisation, request.user
    strategy = Strategy.objects.current_for(org, timezone.localdate())
    context = {
        "strategy": strategy,
        "values": strategy.values.all() if strategy else [],
        "mine": objectives.objectives_of(user, org).prefetch_related(*UPWARD),
        "teams": Team.objects.filter(organisation=org, members=user),
        "team_objectives": objectives.team_objectives_of(user, org).prefetch_related(*UPWARD),
        "form": form,
    }
    template = "delivery/my_part.html"
    if request.htmx:
        template += "#my-objectives"
    return render(request, template, context, status=status)


@org_view(Capability.VIEW_STRATEGY)
def my_part(request: OrgRequest) -> HttpResponse:
    return _my_part(request, ObjectiveForm(request.organisation))


@require_POST
@org_view(Capability.VIEW_STRATEGY)
def add_my_objective(request: OrgRequest) -> HttpResponse:
    form = ObjectiveForm(request.organisation, request.POST)
    if not form.is_valid():
        return _my_part(request, form, status=400)
    data = form.cleaned_data
    try:
        objective = objectives.add_personal_objective(
            request.user,
            data["element"],
            title=data["title"],
            description=data["description"],
            due_date=data["due_date"],
        )
    except ValidationError as e:
        form.add_error(None, e)
        return _my_part(request, form, status=400)
    messages.success(request, f"Objective added: {objective}.")
    if not request.htmx:
        return redirect("objectives:my_part", request.organisation.uuid)
    return _my_part(request, ObjectiveForm(request.organisation))


def _objective(request: OrgRequest, objective: uuid.UUID) -> Objective:
    """Someone else's personal objective is not found, not forbidden: it is theirs."""
    mine_or_a_team = Q(owner=request.user) | Q(team__isnull=False)
    found = get_object_or_404(
        Objective.objects.filter(mine_or_a_team).select_related("team", "element__strategy"),
        uuid=objective,
        organisation=request.organisation,
    )
    if not objectives.may_manage(request.user, found):
        raise PermissionDenied("Your role here does not let you manage team objectives.")
    return found


def _after(objective: Objective) -> str:
    return "objectives:teams" if objective.team_id else "objectives:my_part"


@org_view(Capability.VIEW_STRATEGY)
def edit_objective(request: OrgRequest, objective: uuid.UUID) -> HttpResponse:
    target = _objective(request, objective)
    initial = {
        "element": target.element.uuid,
        "title": target.title,
        "description": target.description,
        "due_date": target.due_date,
    }
    form = ObjectiveForm(request.organisation, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            objectives.change_objective(request.user, target, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Objective saved: {target}.")
            return redirect(_after(target), request.organisation.uuid)
    status = 400 if form.errors else 200
    context = {"objective": target, "form": form}
    return render(request, "delivery/objective_edit.html", context, status=status)


@require_POST
@org_view(Capability.VIEW_STRATEGY)
def remove_objective(request: OrgRequest, objective: uuid.UUID) -> HttpResponse:
    target = _objective(request, objective)
    objectives.remove_objective(request.user, target)
    messages.success(request, f"Objective removed: {target}.")
    return redirect(_after(target), request.organisation.uuid)


@org_view(Capability.VIEW_STRATEGY)
def thread(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    own = get_object_or_404(Strategy, uuid=strategy, organisation=request.organisation)
    counts = objectives.thread_counts(own)
    context = {"strategy": own, "counts": counts, "thin": [c for c in counts if c.is_thin]}
    return render(request, "delivery/objective_thread.html", context)


# Teams ------------------------------------------------------------------------------


def _teams_page(
    request: OrgRequest,
    *,
    team_form: TeamForm | None = None,
    objective_form: TeamObjectiveForm | None = None,
    member_form: tuple[Team, TeamMemberForm] | None = None,
) -> HttpResponse:
    org = request.organisation
    teams = Team.objects.filter(organisation=org).prefetch_related(
        "members", "objectives__element__kind"
    )
    rows = [
        (
            team,
            member_form[1]
            if member_form and member_form[0] == team
            else TeamMemberForm(org, prefix=str(team.uuid)),
        )
        for team in teams
    ]
    context = {
        "rows": rows,
        "team_form": team_form or TeamForm(),
        "objective_form": objective_form or TeamObjectiveForm(org),
        "can_manage": Capability.MANAGE_TEAM_OBJECTIVES in request.capabilities,
    }
    # Only a form sent back with its errors is passed in, so any form here means a 400.
    failed = team_form is not None or objective_form is not None or member_form is not None
    status = 400 if failed else 200
    return render(request, "delivery/objective_teams.html", context, status=status)


@org_view(Capability.VIEW_STRATEGY)
def teams(request: OrgRequest) -> HttpResponse:
    return _teams_page(request)


@require_POST
@org_view(Capability.MANAGE_TEAM_OBJECTIVES)
def create_team(request: OrgRequest) -> HttpResponse:
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = objectives.create_team(
                request.user, request.organisation, form.cleaned_data["name"]
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Team added: {team}.")
            return redirect("objectives:teams", request.organisation.uuid)
    return _teams_page(request, team_form=form)


def _team(request: OrgRequest, team: uuid.UUID) -> Team:
    return get_object_or_404(Team, uuid=team, organisation=request.organisation)


@require_POST
@org_view(Capability.MANAGE_TEAM_OBJECTIVES)
def add_team_member(request: OrgRequest, team: uuid.UUID) -> HttpResponse:
    target = _team(request, team)
    form = TeamMemberForm(request.organisation, request.POST, prefix=str(target.uuid))
    if form.is_valid():
        try:
            objectives.add_team_member(request.user, target, form.cleaned_data["person"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"{form.cleaned_data['person']} added to {target}.")
            return redirect("objectives:teams", request.organisation.uuid)
    return _teams_page(request, member_form=(target, form))


@require_POST
@org_view(Capability.MANAGE_TEAM_OBJECTIVES)
def remove_team_member(request: OrgRequest, team: uuid.UUID, person: uuid.UUID) -> HttpResponse:
    target = _team(request, team)
    user = get_object_or_404(User, uuid=person, teams=target)
    objectives.remove_team_member(request.user, target, user)
    messages.success(request, f"{user} is no longer in {target}.")
    return redirect("objectives:teams", request.organisation.uuid)


@require_POST
@org_view(Capability.MANAGE_TEAM_OBJECTIVES)
def add_team_objective(request: OrgRequest) -> HttpResponse:
    form = TeamObjectiveForm(request.organisation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            objective = objectives.add_team_objective(
                request.user,
                data["team"],
                data["element"],
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Objective added for {objective.team}: {objective}.")
            return redirect("objectives:teams", request.organisation.uuid)
    return _teams_page(request, objective_form=form)
