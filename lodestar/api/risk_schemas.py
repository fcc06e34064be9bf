"""What the Board Assurance Framework endpoints accept and answer: strategic risks, their
reviews, the board's overview, and operational risks (the corporate register).

A strategic risk's controls, assurances, gaps and actions are in `risk_control_schemas`;
the risk settings are in `risk_settings_schemas`. Scores and bands are never accepted:
they are worked out from the ratings by the organisation's matrix.
"""

from __future__ import annotations

import datetime
from typing import Annotated, ClassVar, Self
from uuid import UUID

from ninja import Schema
from pydantic import Field

from lodestar.api.fields import Day, Flag, NullableInput, Reason, UUIDs
from lodestar.api.schemas import Input, UserRef
from lodestar.api.strategy_schemas import CommitteeRef, ElementRef
from lodestar.performance.models import Metric
from lodestar.risk.matrix import Matrix
from lodestar.risk.models import AppetiteCategory, OperationalRisk, RiskReview
from lodestar.risk.models import StrategicRisk as StrategicRiskModel
from lodestar.risk.overview import Baf, BafRow, Flags, Position
from lodestar.risk.register_services import RegisterRow

# Strict: true and "3" are not ratings (pydantic would otherwise read them as 1 and 3).
Rating = Annotated[int, Field(ge=1, le=5, strict=True)]
Score = Annotated[int, Field(ge=1, le=25, strict=True)]
_DATES = frozenset({"target_date", "last_reviewed_on", "next_review_on"})

# --- inputs ---------------------------------------------------------------------------


class _Ratings(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = _DATES

    inherent_likelihood: Rating
    inherent_consequence: Rating
    current_likelihood: Rating
    current_consequence: Rating
    target_likelihood: Rating
    target_consequence: Rating
    target_date: Day | None = None
    last_reviewed_on: Day | None = None
    next_review_on: Day | None = None
    illustrative: Flag = False


class NewStrategicRisk(_Ratings):
    reference: str = Field(min_length=1, max_length=20, description="Like SR1.")
    title: str = Field(min_length=1, max_length=300)
    cause: str = Field(min_length=1, description="If we do not ... (the cause)")
    event: str = Field(min_length=1, description="there is a risk that ... (the event)")
    effect: str = Field(min_length=1, description="resulting in ... (the effect)")
    executive_lead: UUID = Field(description="An executive director here.")
    committee: UUID = Field(description="The lead committee.")
    appetite_category: UUID
    elements: UUIDs = Field(description="The strategic elements (objectives) it threatens.")
    metrics: UUIDs = Field([], description="Performance metrics that show the risk.")


class _RatingChanges(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = _DATES

    inherent_likelihood: Rating | None = None
    inherent_consequence: Rating | None = None
    current_likelihood: Rating | None = None
    current_consequence: Rating | None = None
    target_likelihood: Rating | None = None
    target_consequence: Rating | None = None
    target_date: Day | None = None
    last_reviewed_on: Day | None = None
    next_review_on: Day | None = None
    illustrative: Flag | None = None
    reason: Reason = ""


class StrategicRiskChanges(_RatingChanges):
    """Fields left out are left alone; null clears a date."""

    reference: str | None = Field(None, min_length=1, max_length=20)
    title: str | None = Field(None, min_length=1, max_length=300)
    cause: str | None = Field(None, min_length=1)
    event: str | None = Field(None, min_length=1)
    effect: str | None = Field(None, min_length=1)
    executive_lead: UUID | None = None
    committee: UUID | None = None
    appetite_category: UUID | None = None
    elements: UUIDs | None = None
    metrics: UUIDs | None = None


class Closing(Input):
    reason: Reason = Field(min_length=1, description="Why; saved in the audit trail.")


class Merging(Input):
    merged_into: UUID = Field(description="The open risk that takes this one's place.")
    reason: Reason = Field(min_length=1, description="Why; saved in the audit trail.")


class NewReview(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"committee", "next_review_on"})

    reviewed_on: Day
    likelihood: Rating
    consequence: Rating
    rationale: str = Field(min_length=1)
    committee: UUID | None = Field(None, description="The committee that reviewed it.")
    next_review_on: Day | None = None


# A register risk's controls, gaps and actions are free text (blank for none), lines kept.
_CONTROLS = "Controls in place, as text."
_GAPS = "Gaps in control, as text."
_ACTIONS = "Further actions planned, with owners and dates, as text."


class NewOperationalRisk(_Ratings):
    reference: str = Field("", max_length=20, description="The next CRn if left out.")
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1)
    owner: UUID = Field(description="A member here; an executive names only themselves.")
    service: str = Field("", max_length=200)
    strategic_risk: UUID | None = Field(None, description="The BAF risk this one feeds.")
    controls: str = Field("", description=_CONTROLS)
    gaps: str = Field("", description=_GAPS)
    actions: str = Field("", description=_ACTIONS)
    NULLABLE: ClassVar[frozenset[str]] = _DATES | {"strategic_risk"}


class OperationalRiskChanges(_RatingChanges):
    NULLABLE: ClassVar[frozenset[str]] = _DATES | {"strategic_risk"}

    reference: str | None = Field(None, min_length=1, max_length=20)
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, min_length=1)
    owner: UUID | None = None
    service: str | None = Field(None, max_length=200)
    strategic_risk: UUID | None = None
    controls: str | None = Field(None, description=_CONTROLS)
    gaps: str | None = Field(None, description=_GAPS)
    actions: str | None = Field(None, description=_ACTIONS)


# --- outputs --------------------------------------------------------------------------


class PositionOut(Schema):
    likelihood: int
    consequence: int
    score: int
    band: str
    colour: str = Field(description="The band's fill as #rrggbb.")

    @classmethod
    def of(cls, position: Position) -> Self:
        return cls(
            likelihood=position.likelihood,
            consequence=position.consequence,
            score=position.score,
            band=position.band,
            colour=position.swatch.fill,
        )


class FlagsOut(Schema):
    above_tolerance: bool
    escalated: bool = Field(description="At or above the escalation threshold.")
    review_overdue: bool
    overdue_actions: int

    @classmethod
    def of(cls, flags: Flags) -> Self:
        return cls(
            above_tolerance=flags.above_tolerance,
            escalated=flags.escalated,
            review_overdue=flags.review_overdue,
            overdue_actions=flags.overdue_actions,
        )


class RiskRef(Schema):
    uuid: UUID
    reference: str
    title: str

    @classmethod
    def of(cls, risk: StrategicRiskModel | OperationalRisk) -> Self:
        return cls(uuid=risk.uuid, reference=risk.reference, title=risk.title)


class MetricRef(Schema):
    uuid: UUID
    code: str
    name: str

    @classmethod
    def of(cls, metric: Metric) -> Self:
        return cls(uuid=metric.uuid, code=metric.code, name=metric.name)


class AppetiteCategoryOut(Schema):
    uuid: UUID
    name: str
    description: str
    level: int
    level_label: str
    tolerance: int
    order: int

    @classmethod
    def of(cls, category: AppetiteCategory, levels: tuple[str, ...]) -> Self:
        return cls(
            uuid=category.uuid,
            name=category.name,
            description=category.description,
            level=category.level,
            level_label=levels[category.level - 1],
            tolerance=category.tolerance,
            order=category.order,
        )


class StrategicRiskOut(Schema):
    uuid: UUID
    reference: str
    title: str
    cause: str
    event: str
    effect: str
    executive_lead: UserRef
    committee: CommitteeRef
    appetite_category: AppetiteCategoryOut
    elements: list[ElementRef]
    metrics: list[MetricRef]
    inherent: PositionOut
    current: PositionOut
    target: PositionOut
    trend: str = Field(description="up, down, same, or new (fewer than two reviews).")
    assurance: str = Field(description="The weakest latest level across the three lines.")
    flags: FlagsOut
    target_date: datetime.date | None
    last_reviewed_on: datetime.date | None
    next_review_on: datetime.date | None
    status: str
    merged_into: RiskRef | None
    illustrative: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def fields_of(cls, row: BafRow, matrix: Matrix) -> dict[str, object]:
        risk = row.risk
        return {
            "uuid": risk.uuid,
            "reference": risk.reference,
            "title": risk.title,
            "cause": risk.cause,
            "event": risk.event,
            "effect": risk.effect,
            "executive_lead": UserRef.of(risk.executive_lead),
            "committee": CommitteeRef.of(risk.committee),
            "appetite_category": AppetiteCategoryOut.of(
                risk.appetite_category, matrix.appetite_levels
            ),
            "elements": [ElementRef.of(e) for e in row.objectives],
            "metrics": [MetricRef.of(m) for m in risk.metrics.all()],
            "inherent": PositionOut.of(row.inherent),
            "current": PositionOut.of(row.current),
            "target": PositionOut.of(row.target),
            "trend": row.trend.value,
            "assurance": row.assurance,
            "flags": FlagsOut.of(row.flags),
            "target_date": risk.target_date,
            "last_reviewed_on": risk.last_reviewed_on,
            "next_review_on": risk.next_review_on,
            "status": risk.status,
            "merged_into": RiskRef.of(risk.merged_into) if risk.merged_into else None,
            "illustrative": risk.illustrative,
            "created_at": risk.created_at,
            "updated_at": risk.updated_at,
        }

    @classmethod
    def of(cls, row: BafRow, matrix: Matrix) -> Self:
        return cls.model_validate(cls.fields_of(row, matrix))


class ReviewOut(Schema):
    uuid: UUID
    reviewed_on: datetime.date
    likelihood: int
    consequence: int
    score: int
    band: str
    rationale: str
    reviewer: UserRef
    committee: CommitteeRef | None

    @classmethod
    def of(cls, review: RiskReview) -> Self:
        return cls(
            uuid=review.uuid,
            reviewed_on=review.reviewed_on,
            likelihood=review.likelihood,
            consequence=review.consequence,
            score=review.score,
            band=review.band,
            rationale=review.rationale,
            reviewer=UserRef.of(review.reviewer),
            committee=CommitteeRef.maybe(review.committee),
        )


class BafRowOut(Schema):
    """One line of the board's one-page BAF."""

    risk: RiskRef
    objectives: list[ElementRef]
    executive_lead: UserRef
    committee: CommitteeRef
    current: PositionOut
    target: PositionOut
    trend: str
    assurance: str
    flags: FlagsOut
    escalated_operational_risks: list[RiskRef]

    @classmethod
    def of(cls, row: BafRow) -> Self:
        return cls(
            risk=RiskRef.of(row.risk),
            objectives=[ElementRef.of(e) for e in row.objectives],
            executive_lead=UserRef.of(row.risk.executive_lead),
            committee=CommitteeRef.of(row.risk.committee),
            current=PositionOut.of(row.current),
            target=PositionOut.of(row.target),
            trend=row.trend.value,
            assurance=row.assurance,
            flags=FlagsOut.of(row.flags),
            escalated_operational_risks=[RiskRef.of(r) for r in row.escalated_risks],
        )


class BandCountOut(Schema):
    band: str
    colour: str
    count: int


class BafOut(Schema):
    today: datetime.date
    committee: CommitteeRef | None
    status: str
    escalation_threshold: int
    above_tolerance: int
    escalated: int
    review_overdue: int
    band_counts: list[BandCountOut]
    rows: list[BafRowOut]

    @classmethod
    def of(cls, baf: Baf) -> Self:
        return cls(
            today=baf.today,
            committee=CommitteeRef.maybe(baf.committee),
            status=baf.status.value,
            escalation_threshold=baf.matrix.escalation_threshold,
            above_tolerance=baf.above_tolerance,
            escalated=baf.escalated,
            review_overdue=baf.review_overdue,
            band_counts=[
                BandCountOut(band=c.band, colour=c.swatch.fill, count=c.count)
                for c in baf.band_counts
            ],
            rows=[BafRowOut.of(row) for row in baf.rows],
        )


class OperationalRiskOut(Schema):
    uuid: UUID
    reference: str
    title: str
    description: str
    owner: UserRef
    service: str
    strategic_risk: RiskRef | None = Field(description="The BAF risk it feeds.")
    controls: str = Field(description="Controls in place.")
    gaps: str = Field(description="Gaps in control.")
    actions: str = Field(description="Further actions planned, with owners and dates.")
    inherent: PositionOut
    current: PositionOut
    target: PositionOut
    escalated: bool = Field(description="Open and at or above the escalation threshold.")
    review_overdue: bool
    target_date: datetime.date | None
    last_reviewed_on: datetime.date | None
    next_review_on: datetime.date | None
    status: str
    illustrative: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def of(cls, row: RegisterRow) -> Self:
        risk = row.risk
        fed = risk.strategic_risk
        return cls(
            uuid=risk.uuid,
            reference=risk.reference,
            title=risk.title,
            description=risk.description,
            owner=UserRef.of(risk.owner),
            service=risk.service,
            strategic_risk=RiskRef.of(fed) if fed else None,
            controls=risk.controls,
            gaps=risk.gaps,
            actions=risk.actions,
            inherent=PositionOut.of(row.inherent),
            current=PositionOut.of(row.current),
            target=PositionOut.of(row.target),
            escalated=row.escalated,
            review_overdue=row.review_overdue,
            target_date=risk.target_date,
            last_reviewed_on=risk.last_reviewed_on,
            next_review_on=risk.next_review_on,
            status=risk.status,
            illustrative=risk.illustrative,
            created_at=risk.created_at,
            updated_at=risk.updated_at,
        )
