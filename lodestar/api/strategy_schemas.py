"""What the strategy endpoints accept and answer: strategies, values, elements, engagement."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import ClassVar, Self
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from ninja import Schema
from pydantic import Field

from lodestar.accounts.models import User
from lodestar.api.fields import (
    Count,
    Day,
    Domains,
    Flag,
    Lines,
    NullableInput,
    Reason,
    UUIDs,
    Year,
)
from lodestar.api.schemas import Input, OrganisationRef, UserRef
from lodestar.governance.models import Committee
from lodestar.strategy.models import Element, ElementKind, EngagementActivity, Strategy, Value

# --- inputs ---------------------------------------------------------------------------


class NewStrategy(Input):
    title: str = Field(min_length=1, max_length=200)
    kind: Strategy.Kind = Strategy.Kind.ORGANISATIONAL
    start_year: Year
    end_year: Year
    vision: str = Field(min_length=1)
    mission: str = ""
    purpose: str = ""
    summary: str = ""
    source_url: str = Field("", max_length=200)
    illustrative: Flag = False
    reason: Reason = ""


class StrategyChanges(Input):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Strategy.Kind | None = None
    start_year: Year | None = None
    end_year: Year | None = None
    vision: str | None = Field(None, min_length=1)
    mission: str | None = None
    purpose: str | None = None
    summary: str | None = None
    source_url: str | None = Field(None, max_length=200)
    illustrative: Flag | None = None
    reason: Reason = ""


class StatusMove(StrEnum):
    CONSULTATION = "consultation"
    DRAFT = "draft"


class StatusChange(Input):
    status: StatusMove = Field(description="consultation from draft, or back to draft.")
    reason: Reason = ""


class Approval(Input):
    approved_by: UUID = Field(description="The board or committee that approved it.")
    approved_on: Day
    reason: Reason = ""


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class Move(Input):
    direction: Direction


class NewElementKind(Input):
    name: str = Field(min_length=1, max_length=100)
    plural: str = Field("", max_length=100, description='Made by adding "s" if left out.')


class NewValue(Input):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    behaviours: Lines = []
    reason: Reason = ""


class ValueChanges(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    behaviours: Lines | None = None
    reason: Reason = ""


class NewElement(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"executive_lead"})

    kind: UUID = Field(description="One of the organisation's element kinds.")
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    statements: Lines = []
    outcomes: Lines = Field([], description='Intended outcomes: "what success will look like".')
    indicators: Lines = []
    domains: Domains = []
    executive_lead: UUID | None = Field(None, description="An executive director here.")
    reason: Reason = ""


class ElementChanges(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"executive_lead"})

    kind: UUID | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    statements: Lines | None = None
    outcomes: Lines | None = None
    indicators: Lines | None = None
    domains: Domains | None = None
    executive_lead: UUID | None = Field(None, description="null: no executive lead.")
    reason: Reason = ""


class NewEngagement(Input):
    held_on: Day
    title: str = Field(min_length=1, max_length=200)
    method: str = Field(min_length=1, max_length=200, description="Workshop, survey...")
    level: EngagementActivity.Level
    people_using_services: Count = 0
    carers: Count = 0
    staff: Count = 0
    partners: Count = 0
    public: Count = 0
    what_was_said: str = Field(min_length=1, description='"You said".')
    what_changed: str = Field("", description='"We did".')
    elements: UUIDs = Field([], description="Elements of this strategy it shaped.")
    reason: Reason = ""


class EngagementChanges(Input):
    held_on: Day | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    method: str | None = Field(None, min_length=1, max_length=200)
    level: EngagementActivity.Level | None = None
    people_using_services: Count | None = None
    carers: Count | None = None
    staff: Count | None = None
    partners: Count | None = None
    public: Count | None = None
    what_was_said: str | None = Field(None, min_length=1)
    what_changed: str | None = None
    elements: UUIDs | None = None
    reason: Reason = ""


# --- outputs --------------------------------------------------------------------------


class CommitteeRef(Schema):
    uuid: UUID
    name: str

    @classmethod
    def of(cls, committee: Committee) -> Self:
        return cls(uuid=committee.uuid, name=committee.name)

    @classmethod
    def maybe(cls, committee: Committee | None) -> Self | None:
        return cls.of(committee) if committee is not None else None


def user_ref(user: User | None) -> UserRef | None:
    return UserRef.of(user) if user is not None else None


class StrategyRef(Schema):
    uuid: UUID
    title: str
    version: int
    status: str

    @classmethod
    def of(cls, strategy: Strategy) -> Self:
        return cls(
            uuid=strategy.uuid,
            title=strategy.title,
            version=strategy.version,
            status=strategy.status,
        )


def _next_version(strategy: Strategy) -> UUID | None:
    try:
        return strategy.next_version.uuid
    except ObjectDoesNotExist:
        return None


class StrategyOut(Schema):
    uuid: UUID
    organisation: OrganisationRef
    title: str
    kind: str
    kind_label: str
    start_year: int
    end_year: int
    period: str
    vision: str
    mission: str
    purpose: str
    summary: str
    status: str
    status_label: str
    frozen: bool = Field(description="Approved or superseded: it can no longer change.")
    approved_by: CommitteeRef | None
    approved_on: datetime.date | None
    version: int
    previous_version: UUID | None
    next_version: UUID | None
    joint_owners: list[OrganisationRef]
    source_url: str
    illustrative: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def of(cls, strategy: Strategy) -> Self:
        previous = strategy.previous_version
        return cls(
            uuid=strategy.uuid,
            organisation=OrganisationRef.of(strategy.organisation),
            title=strategy.title,
            kind=strategy.kind,
            kind_label=strategy.get_kind_display(),
            start_year=strategy.start_year,
            end_year=strategy.end_year,
            period=strategy.period,
            vision=strategy.vision,
            mission=strategy.mission,
            purpose=strategy.purpose,
            summary=strategy.summary,
            status=strategy.status,
            status_label=strategy.get_status_display(),
            frozen=strategy.is_frozen,
            approved_by=CommitteeRef.maybe(strategy.approved_by),
            approved_on=strategy.approved_on,
            version=strategy.version,
            previous_version=previous.uuid if previous else None,
            next_version=_next_version(strategy),
            joint_owners=[OrganisationRef.of(o) for o in strategy.joint_owners.all()],
            source_url=strategy.source_url,
            illustrative=strategy.illustrative,
            created_at=strategy.created_at,
            updated_at=strategy.updated_at,
        )


class ElementKindOut(Schema):
    uuid: UUID
    name: str
    plural: str
    order: int

    @classmethod
    def of(cls, kind: ElementKind) -> Self:
        return cls(uuid=kind.uuid, name=kind.name, plural=kind.plural, order=kind.order)


class ValueOut(Schema):
    uuid: UUID
    order: int
    name: str
    description: str
    behaviours: list[str]

    @classmethod
    def of(cls, value: Value) -> Self:
        return cls(
            uuid=value.uuid,
            order=value.order,
            name=value.name,
            description=value.description,
            behaviours=list(value.behaviours),
        )


class ElementRef(Schema):
    uuid: UUID
    kind: str
    title: str

    @classmethod
    def of(cls, element: Element) -> Self:
        return cls(uuid=element.uuid, kind=element.kind.name, title=element.title)


class ElementOut(Schema):
    uuid: UUID
    kind: ElementKindOut
    order: int
    title: str
    description: str
    statements: list[str]
    outcomes: list[str]
    indicators: list[str]
    domains: list[str]
    executive_lead: UserRef | None
    copied_from: UUID | None

    @classmethod
    def of(cls, element: Element) -> Self:
        source = element.copied_from
        return cls(
            uuid=element.uuid,
            kind=ElementKindOut.of(element.kind),
            order=element.order,
            title=element.title,
            description=element.description,
            statements=list(element.statements),
            outcomes=list(element.outcomes),
            indicators=list(element.indicators),
            domains=list(element.domains),
            executive_lead=user_ref(element.executive_lead),
            copied_from=source.uuid if source else None,
        )


class EngagementOut(Schema):
    uuid: UUID
    held_on: datetime.date
    title: str
    method: str
    level: str
    level_label: str
    people_using_services: int
    carers: int
    staff: int
    partners: int
    public: int
    participants: int
    what_was_said: str
    what_changed: str
    elements: list[UUID]

    @classmethod
    def of(cls, activity: EngagementActivity) -> Self:
        return cls(
            uuid=activity.uuid,
            held_on=activity.held_on,
            title=activity.title,
            method=activity.method,
            level=activity.level,
            level_label=activity.get_level_display(),
            people_using_services=activity.people_using_services,
            carers=activity.carers,
            staff=activity.staff,
            partners=activity.partners,
            public=activity.public,
            participants=activity.participants,
            what_was_said=activity.what_was_said,
            what_changed=activity.what_changed,
            elements=[element.uuid for element in activity.elements.all()],
        )


class StrategyDetail(StrategyOut):
    values: list[ValueOut]
    elements: list[ElementOut]
    engagement: list[EngagementOut]
