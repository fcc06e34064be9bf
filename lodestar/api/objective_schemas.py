"""What the golden thread and committee endpoints accept and answer."""

from __future__ import annotations

import datetime
from typing import ClassVar, Self
from uuid import UUID

from ninja import Schema
from pydantic import Field

from lodestar.api.fields import Day, NullableInput, Reason
from lodestar.api.schemas import Input, UserRef
from lodestar.api.strategy_schemas import (
    CommitteeRef,
    ElementRef,
    StrategyRef,
    ValueOut,
    user_ref,
)
from lodestar.delivery.models import Objective, Team
from lodestar.delivery.objectives import ThreadCount
from lodestar.governance.models import Committee
from lodestar.strategy.models import Strategy

# --- committees -----------------------------------------------------------------------


class NewCommittee(Input):
    name: str = Field(min_length=1, max_length=200)
    kind: Committee.Kind = Committee.Kind.COMMITTEE
    reports_to: UUID | None = Field(None, description="The board or committee above it.")


class CommitteeChanges(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"reports_to"})

    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Committee.Kind | None = None
    reports_to: UUID | None = Field(None, description="null: it reports to nobody.")
    reason: Reason = ""


class CommitteeOut(Schema):
    uuid: UUID
    name: str
    kind: str
    kind_label: str
    reports_to: CommitteeRef | None

    @classmethod
    def of(cls, committee: Committee) -> Self:
        return cls(
            uuid=committee.uuid,
            name=committee.name,
            kind=committee.kind,
            kind_label=committee.get_kind_display(),
            reports_to=CommitteeRef.maybe(committee.reports_to),
        )


# --- objectives and teams -------------------------------------------------------------


class NewObjective(Input):
    element: UUID = Field(description="The element of one of our strategies it serves.")
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    due_date: Day | None = None


class ObjectiveChanges(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"due_date"})

    element: UUID | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    due_date: Day | None = Field(None, description="null: no due date.")


class NewTeam(Input):
    name: str = Field(min_length=1, max_length=200)


class NewTeamMember(Input):
    person: UUID = Field(description="Someone who works here.")


class TeamRef(Schema):
    uuid: UUID
    name: str

    @classmethod
    def of(cls, team: Team) -> Self:
        return cls(uuid=team.uuid, name=team.name)


class ObjectiveOut(Schema):
    """An objective and how it connects upward: element, then strategy."""

    uuid: UUID
    title: str
    description: str
    due_date: datetime.date | None
    owner: UserRef | None = Field(description="Set for a personal objective.")
    team: TeamRef | None = Field(description="Set for a team objective.")
    element: ElementRef
    strategy: StrategyRef

    @classmethod
    def of(cls, objective: Objective) -> Self:
        return cls(
            uuid=objective.uuid,
            title=objective.title,
            description=objective.description,
            due_date=objective.due_date,
            owner=user_ref(objective.owner),
            team=TeamRef.of(objective.team) if objective.team else None,
            element=ElementRef.of(objective.element),
            strategy=StrategyRef.of(objective.element.strategy),
        )


class TeamOut(Schema):
    uuid: UUID
    name: str
    members: list[UserRef]
    objectives: list[ObjectiveOut]

    @classmethod
    def of(cls, team: Team) -> Self:
        return cls(
            uuid=team.uuid,
            name=team.name,
            members=[UserRef.of(user) for user in team.members.all()],
            objectives=[ObjectiveOut.of(objective) for objective in team.objectives.all()],
        )


class StrategyInForce(StrategyRef):
    vision: str
    mission: str
    purpose: str
    values: list[ValueOut]

    @classmethod
    def of(cls, strategy: Strategy) -> Self:
        return cls(
            uuid=strategy.uuid,
            title=strategy.title,
            version=strategy.version,
            status=strategy.status,
            vision=strategy.vision,
            mission=strategy.mission,
            purpose=strategy.purpose,
            values=[ValueOut.of(v) for v in strategy.values.order_by("order", "id")],
        )


class MyPartOut(Schema):
    """My part in the strategy: where we are heading, and my objectives and my teams'."""

    strategy: StrategyInForce | None = Field(description="The approved strategy in force.")
    objectives: list[ObjectiveOut]
    teams: list[TeamRef]
    team_objectives: list[ObjectiveOut]


class ThreadOut(Schema):
    element: ElementRef
    team: int = Field(description="Team objectives linked to the element.")
    personal: int = Field(description="Personal objectives linked to the element.")
    thin: bool = Field(description="No objectives at all: the thread is broken here.")

    @classmethod
    def of(cls, count: ThreadCount) -> Self:
        return cls(
            element=ElementRef.of(count.element),
            team=count.team,
            personal=count.personal,
            thin=count.is_thin,
        )
