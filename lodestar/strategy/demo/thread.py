"""Demo teams and objectives: the golden thread from a strategy to people's work.

Strategy files do not carry teams or objectives, so these are made through the
objective services, by the demo people who would make them. All are illustrative.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.delivery import objectives as services
from lodestar.delivery.models import Objective, Team
from lodestar.strategy.models import Element, Strategy

RXM_STRATEGY = "Our Trust strategy"
RY8_STRATEGY = "Organisational strategy – If it matters to you, then it matters to us"
NOTE = "Illustrative objective, invented for the Lodestar demonstration."


@dataclass(frozen=True)
class DemoTeam:
    ods_code: str
    name: str
    lead: str  # the username who sets the team up and its objectives
    members: tuple[str, ...]


@dataclass(frozen=True)
class DemoObjective:
    ods_code: str
    strategy: str
    element: str
    title: str
    due: datetime.date  # as at PLAN_WRITTEN, moved like the plan's dates
    owner: str = ""
    team: str = ""


CMHT = "Community mental health team – Derby City"
PEOPLE_TEAM = "People and inclusion team"

TEAMS = [
    DemoTeam("RXM", CMHT, "manager", ("manager", "staff")),
    DemoTeam("RXM", PEOPLE_TEAM, "people", ("people", "analyst")),
]

_TRAUMA = "Be compassionate and take account of trauma-informed practice"
OBJECTIVES = [
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        "Great care",
        "Everyone on our waiting list has a named contact and a crisis plan",
        datetime.date(2025, 12, 19),
        team=CMHT,
    ),
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        _TRAUMA,
        "Every member of the team completes trauma-informed practice training",
        datetime.date(2026, 3, 31),
        team=CMHT,
    ),
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        "Great place to work",
        "Run two reciprocal mentoring cohorts this year",
        datetime.date(2026, 3, 31),
        team=PEOPLE_TEAM,
    ),
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        "Involve people who use our services in designing their care and treatment, "
        "to meet personal goals throughout their lives.",
        "Write a personalised care plan with everyone on my caseload",
        datetime.date(2026, 3, 31),
        owner="staff",
    ),
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        _TRAUMA,
        "Complete level 2 trauma-informed practice training",
        datetime.date(2025, 12, 19),
        owner="staff",
    ),
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        "Be person-centred and prevent ill health",
        "Offer a physical health check to everyone on my caseload with severe mental illness",
        datetime.date(2026, 3, 31),
        owner="staff",
    ),
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        "Great care",
        "Check my team's waiting list every month and report it to the service line",
        datetime.date(2026, 3, 31),
        owner="manager",
    ),
    DemoObjective(
        "RXM",
        RXM_STRATEGY,
        "Great place to work",
        "Hold a stay conversation with every newly qualified nurse in my team",
        datetime.date(2025, 12, 19),
        owner="manager",
    ),
    DemoObjective(
        "RY8",
        RY8_STRATEGY,
        "Partnership working",
        "Agree virtual ward referral routes with every GP practice in my area",
        datetime.date(2026, 3, 31),
        owner="dchs.manager",
    ),
]


def load_golden_thread(made: list[str], move: Callable[[datetime.date], datetime.date]) -> None:
    """Teams with their members, then objectives; only what is not there already."""
    for team in TEAMS:
        _team(team, made)
    for objective in OBJECTIVES:
        _objective(objective, move, made)


def _team(demo: DemoTeam, made: list[str]) -> None:
    organisation = Organisation.objects.get(ods_code=demo.ods_code)
    lead = User.objects.get(username=demo.lead)
    team = Team.objects.filter(organisation=organisation, name=demo.name).first()
    if team is None:
        team = services.create_team(lead, organisation, demo.name)
        made.append(f"team {demo.ods_code} {demo.name}")
    for username in demo.members:
        if not team.members.filter(username=username).exists():
            services.add_team_member(lead, team, User.objects.get(username=username))
            made.append(f"{username} is in {demo.name}")


def _objective(
    demo: DemoObjective, move: Callable[[datetime.date], datetime.date], made: list[str]
) -> None:
    organisation = Organisation.objects.get(ods_code=demo.ods_code)
    # The newest version still in force: objectives may not hang from a superseded one.
    elements = (
        Element.objects.filter(
            organisation=organisation, strategy__title=demo.strategy, title=demo.element
        )
        .exclude(strategy__status=Strategy.Status.SUPERSEDED)
        .order_by("-strategy__version")
    )
    mine = Objective.objects.filter(organisation=organisation, title=demo.title)
    if demo.team:
        mine = mine.filter(team__name=demo.team)
    else:
        mine = mine.filter(owner__username=demo.owner)
    # The element may be gone if someone edited the demo strategy; then there is no
    # thread to hang the objective from.
    element = elements.first()
    if mine.exists() or element is None:
        return
    due = move(demo.due)
    if demo.team:
        team = Team.objects.get(organisation=organisation, name=demo.team)
        lead = User.objects.get(username=next(t.lead for t in TEAMS if t.name == demo.team))
        services.add_team_objective(
            lead, team, element, title=demo.title, description=NOTE, due_date=due
        )
    else:
        owner = User.objects.get(username=demo.owner)
        services.add_personal_objective(
            owner, element, title=demo.title, description=NOTE, due_date=due
        )
    made.append(f"objective {demo.title}")
