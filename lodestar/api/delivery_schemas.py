"""What the delivery endpoints accept and answer: deliverables, milestones, progress."""

from __future__ import annotations

import datetime
from typing import Annotated, ClassVar, Self
from uuid import UUID

from ninja import Schema
from pydantic import BeforeValidator, Field

from lodestar.api.fields import Day, Flag, NullableInput, Reason, must_be_list
from lodestar.api.schemas import Input, UserRef
from lodestar.api.strategy_schemas import CommitteeRef, ElementRef, StrategyRef, user_ref
from lodestar.delivery.brag import Progress
from lodestar.delivery.models import Brag, Deliverable, Evidence, Milestone, ProgressUpdate
from lodestar.delivery.plan import DeliverableRow, Exceptions, Plan

# --- inputs ---------------------------------------------------------------------------

_CLEARABLE = frozenset({"start_date", "responsible_manager", "committee"})


class NewMilestone(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = _CLEARABLE

    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    start_date: Day | None = None
    due_date: Day
    accountable_executive: UUID = Field(description="Exactly one executive director here.")
    responsible_manager: UUID | None = Field(None, description="A member of the organisation.")
    committee: UUID | None = Field(None, description="The overseeing board or committee.")
    illustrative: Flag = False


class NewDeliverable(NewMilestone):
    # No `completed_on`: as on the pages, a deliverable is finished by reporting it blue,
    # which needs the right to post progress, not the right to plan.
    kind: Deliverable.Kind = Deliverable.Kind.PROJECT


class MilestoneChanges(NullableInput):
    """Fields left out are left alone; null clears an optional one."""

    NULLABLE: ClassVar[frozenset[str]] = _CLEARABLE

    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    start_date: Day | None = None
    due_date: Day | None = None
    accountable_executive: UUID | None = None
    responsible_manager: UUID | None = None
    committee: UUID | None = None
    illustrative: Flag | None = None
    reason: Reason = ""


class DeliverableChanges(MilestoneChanges):
    kind: Deliverable.Kind | None = None


class Completion(Input):
    completed_on: Day | None = Field(None, description="Today if left out.")
    reason: Reason = ""


class EvidenceLink(Input):
    title: str = Field("", max_length=200, description="The address itself if left out.")
    url: str = Field(min_length=1, max_length=200, description="http:// or https://")


class NewUpdate(Input):
    period: Day = Field(description="The first day of the month (or quarter) reported on.")
    status: Brag = Field(description="Blue means complete and evidenced.")
    narrative: str = Field(min_length=1)
    confidence: ProgressUpdate.Confidence
    evidence_links: Annotated[list[EvidenceLink], BeforeValidator(must_be_list)] = []


# --- outputs --------------------------------------------------------------------------


class ProgressOut(Schema):
    status: str | None = Field(description="The worst status reported beneath; null if none.")
    percent: int | None = Field(description="Percent complete; null if nothing is measured.")
    deliverables: int
    reported: int
    unreported: int
    milestones: int
    milestones_complete: int
    overdue_milestones: int

    @classmethod
    def of(cls, progress: Progress) -> Self:
        return cls(
            status=progress.status.value if progress.status else None,
            percent=progress.percent,
            deliverables=progress.deliverables,
            reported=progress.reported,
            unreported=progress.unreported,
            milestones=progress.milestones,
            milestones_complete=progress.milestones_complete,
            overdue_milestones=progress.overdue_milestones,
        )


class MilestoneOut(Schema):
    uuid: UUID
    deliverable: UUID
    title: str
    description: str
    start_date: datetime.date | None
    due_date: datetime.date
    completed_on: datetime.date | None
    overdue: bool
    accountable_executive: UserRef
    responsible_manager: UserRef | None
    committee: CommitteeRef | None
    illustrative: bool

    @classmethod
    def of(cls, milestone: Milestone, today: datetime.date) -> Self:
        return cls(
            uuid=milestone.uuid,
            deliverable=milestone.deliverable.uuid,
            title=milestone.title,
            description=milestone.description,
            start_date=milestone.start_date,
            due_date=milestone.due_date,
            completed_on=milestone.completed_on,
            overdue=milestone.completed_on is None and milestone.due_date < today,
            accountable_executive=UserRef.of(milestone.accountable_executive),
            responsible_manager=user_ref(milestone.responsible_manager),
            committee=CommitteeRef.maybe(milestone.committee),
            illustrative=milestone.illustrative,
        )


class EvidenceOut(Schema):
    uuid: UUID
    title: str
    url: str | None = Field(description="The link, for evidence that is a link.")
    file: str | None = Field(description="The file's name, for evidence that is a file.")

    @classmethod
    def of(cls, evidence: Evidence) -> Self:
        name = (evidence.file.name or "").rsplit("/", 1)[-1] if evidence.file else None
        return cls(uuid=evidence.uuid, title=evidence.title, url=evidence.url or None, file=name)


class UpdateOut(Schema):
    uuid: UUID
    deliverable: UUID
    period: datetime.date
    status: str
    status_label: str
    narrative: str
    confidence: str
    author: UserRef
    created_at: datetime.datetime
    evidence: list[EvidenceOut]

    @classmethod
    def of(cls, update: ProgressUpdate) -> Self:
        return cls(
            uuid=update.uuid,
            deliverable=update.deliverable.uuid,
            period=update.period,
            status=update.status,
            status_label=update.get_status_display(),
            narrative=update.narrative,
            confidence=update.confidence,
            author=UserRef.of(update.author),
            created_at=update.created_at,
            evidence=[EvidenceOut.of(e) for e in update.evidence.all()],
        )


class DeliverableOut(Schema):
    uuid: UUID
    strategy: StrategyRef
    element: ElementRef
    kind: str
    kind_label: str
    title: str
    description: str
    start_date: datetime.date | None
    due_date: datetime.date
    completed_on: datetime.date | None
    accountable_executive: UserRef
    responsible_manager: UserRef | None
    committee: CommitteeRef | None
    illustrative: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def fields_of(cls, deliverable: Deliverable) -> dict[str, object]:
        return {
            "uuid": deliverable.uuid,
            "strategy": StrategyRef.of(deliverable.element.strategy),
            "element": ElementRef.of(deliverable.element),
            "kind": deliverable.kind,
            "kind_label": deliverable.get_kind_display(),
            "title": deliverable.title,
            "description": deliverable.description,
            "start_date": deliverable.start_date,
            "due_date": deliverable.due_date,
            "completed_on": deliverable.completed_on,
            "accountable_executive": UserRef.of(deliverable.accountable_executive),
            "responsible_manager": user_ref(deliverable.responsible_manager),
            "committee": CommitteeRef.maybe(deliverable.committee),
            "illustrative": deliverable.illustrative,
            "created_at": deliverable.created_at,
            "updated_at": deliverable.updated_at,
        }


class DeliverableDetail(DeliverableOut):
    milestones: list[MilestoneOut]
    latest_update: UpdateOut | None
    progress: ProgressOut

    @classmethod
    def of(cls, row: DeliverableRow, today: datetime.date) -> Self:
        return cls.model_validate(
            {
                **DeliverableOut.fields_of(row.deliverable),
                "milestones": [MilestoneOut.of(m, today) for m in row.milestones],
                "latest_update": UpdateOut.of(row.latest) if row.latest else None,
                "progress": ProgressOut.of(row.progress),
            }
        )


class ElementPlanOut(Schema):
    element: ElementRef
    executive_lead: UserRef | None
    progress: ProgressOut
    deliverables: list[DeliverableDetail]


class PlanOut(Schema):
    strategy: StrategyRef
    progress: ProgressOut = Field(description="Rolled up: the worst status beneath.")
    elements: list[ElementPlanOut]

    @classmethod
    def of(cls, plan: Plan, today: datetime.date) -> Self:
        return cls(
            strategy=StrategyRef.of(plan.strategy),
            progress=ProgressOut.of(plan.progress),
            elements=[
                ElementPlanOut(
                    element=ElementRef.of(row.element),
                    executive_lead=user_ref(row.element.executive_lead),
                    progress=ProgressOut.of(row.progress),
                    deliverables=[DeliverableDetail.of(d, today) for d in row.deliverables],
                )
                for row in plan.elements
            ],
        )


class OverdueMilestoneOut(MilestoneOut):
    deliverable_title: str
    strategy: StrategyRef


class ExceptionsOut(Schema):
    today: datetime.date
    expected_period: datetime.date = Field(description="The period an update is owed for.")
    expected_period_name: str
    overdue_milestones: list[OverdueMilestoneOut]
    missing_updates: list[DeliverableDetail]

    @classmethod
    def of(cls, found: Exceptions) -> Self:
        today = found.today
        overdue = [
            OverdueMilestoneOut(
                **MilestoneOut.of(m, today).model_dump(),
                deliverable_title=m.deliverable.title,
                strategy=StrategyRef.of(m.deliverable.element.strategy),
            )
            for m in found.overdue_milestones
        ]
        return cls(
            today=today,
            expected_period=found.expected_period,
            expected_period_name=found.expected_period_name,
            overdue_milestones=overdue,
            missing_updates=[DeliverableDetail.of(row, today) for row in found.missing_updates],
        )
