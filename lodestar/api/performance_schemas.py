"""What the performance endpoints accept and answer: metrics, observations, rebases,
target changes, narratives, and the SPC analysis of each metric."""

from __future__ import annotations

import datetime
import math
import re
from typing import Annotated, ClassVar, Self
from uuid import UUID

from django.utils import timezone
from ninja import Schema
from pydantic import BaseModel, BeforeValidator, Field

from lodestar.api.fields import Day, Flag, NullableInput, Reason, UUIDs
from lodestar.api.schemas import Input, UserRef
from lodestar.api.strategy_schemas import CommitteeRef, ElementRef
from lodestar.performance import report
from lodestar.performance.analysis import MetricAnalysis, Point, TargetStep, step_at, target_steps
from lodestar.performance.models import (
    DataQuality,
    Domain,
    Frequency,
    ImprovementDirection,
    Metric,
    Narrative,
    Observation,
    Rebase,
    TargetChange,
    Unit,
)
from lodestar.performance.services import MAX_MAGNITUDE

MONTH_MESSAGE = "Give the month as YYYY-MM, like 2025-04."
# As many rows as a file import takes; a bigger batch should be split.
MAX_BATCH = 100_000
_CODE = re.compile(r"[A-Za-z0-9_-]+")


def parse_month(value: object) -> datetime.date:
    """The first day of the month "YYYY-MM" names; ValueError with MONTH_MESSAGE otherwise."""
    found = report.parse_month(value.strip()) if isinstance(value, str) else None
    if found is None:
        raise ValueError(MONTH_MESSAGE)
    return found


def _number(value: object) -> object:
    # JSON numbers only: a string "95" is refused, and so are NaN and Infinity, which
    # Python's JSON reader accepts but a chart cannot draw.
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Give a number, like 95.2.")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"Give a number below {MAX_MAGNITUDE:,.0f}.") from None
    if not math.isfinite(number):
        raise ValueError("Give a finite number: not NaN or infinity.")
    if abs(number) > MAX_MAGNITUDE:
        raise ValueError(f"Give a number below {MAX_MAGNITUDE:,.0f}.")
    return number


def _code(value: object) -> object:
    if isinstance(value, str) and not _CODE.fullmatch(value.strip()):
        raise ValueError("Use only letters, digits, hyphens and underscores, like ae-4hr.")
    return value


Number = Annotated[float, BeforeValidator(_number)]
Code = Annotated[str, BeforeValidator(_code), Field(min_length=1, max_length=40)]
Month = Annotated[datetime.date, BeforeValidator(parse_month)]
Text = Annotated[str, Field(max_length=300)]
FixAfter = Annotated[
    int, Field(ge=12, le=10_000, description="Fix the limits after this many points (12+).")
]


# --- inputs ---------------------------------------------------------------------------

_CLEARABLE = frozenset({"target", "committee", "fix_after"})


class NewMetric(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = _CLEARABLE

    code: Code = Field(description="Unique here; names the metric in files, like ae-4hr.")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    unit: Unit
    improvement_direction: ImprovementDirection
    target: Number | None = None
    target_source: Text = ""
    frequency: Frequency
    data_source: Text = ""
    lead_executive: UUID = Field(description="An executive director here.")
    committee: UUID | None = Field(None, description="The overseeing board or committee.")
    domain: Domain
    elements: UUIDs = Field([], description="Strategic elements of this organisation.")
    data_quality: DataQuality = DataQuality.NOT_ASSESSED
    data_quality_note: str = ""
    fix_after: FixAfter | None = None
    screen_outliers: Flag = True
    active: Flag = True
    illustrative: Flag = False


class MetricChanges(NullableInput):
    """Fields left out are left alone; null clears target, committee or fix_after."""

    NULLABLE: ClassVar[frozenset[str]] = _CLEARABLE

    code: Code | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    unit: Unit | None = None
    improvement_direction: ImprovementDirection | None = None
    target: Number | None = None
    target_source: Text | None = None
    frequency: Frequency | None = None
    data_source: Text | None = None
    lead_executive: UUID | None = None
    committee: UUID | None = None
    domain: Domain | None = None
    elements: UUIDs | None = None
    data_quality: DataQuality | None = None
    data_quality_note: str | None = None
    fix_after: FixAfter | None = None
    screen_outliers: Flag | None = None
    active: Flag | None = None
    illustrative: Flag | None = None
    reason: Reason = ""


class MetricQuery(BaseModel):
    domain: Domain | None = Field(None, description="Only metrics of this domain.")
    active: bool | None = Field(None, description="Only active (true) or inactive (false).")


class ObservationIn(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"numerator", "denominator"})

    period: Day = Field(description="The first day of the period (a Monday for weekly).")
    value: Number = Field(description="A percentage must be numerator / denominator x 100.")
    numerator: Number | None = None
    denominator: Number | None = Field(None, description="More than 0; with a numerator.")
    note: Text = ""


class ObservationBatch(Input):
    observations: list[ObservationIn] = Field(min_length=1, max_length=MAX_BATCH)
    reason: Reason = ""


class ObservationQuery(BaseModel):
    since: Day | None = Field(None, description="Only periods on or after this day.")
    until: Day | None = Field(None, description="Only periods on or before this day.")


class NewRebase(Input):
    period: Day = Field(description="The first period of the new process.")
    reason: str = Field(min_length=1, max_length=2000, description="Shown on the chart.")


class NewTargetChange(NullableInput):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"target"})

    period: Day = Field(description="The first period the new target applies to.")
    target: Number | None = Field(description="The new target; null for no target from then.")
    source: Text = Field("", description="Like the 2025/26 operational planning guidance.")
    reason: str = Field(min_length=1, max_length=2000, description="Shown on the metric's page.")


class NarrativeIn(Input):
    what_the_chart_shows: str = Field("", max_length=5000)
    root_cause: str = Field("", max_length=5000)
    actions: str = Field("", max_length=5000)
    risks: str = Field("", max_length=5000)


class MonthQuery(BaseModel):
    period: Month | None = Field(None, description="The report month, YYYY-MM; else all data.")


# --- outputs --------------------------------------------------------------------------


class MetricRef(Schema):
    uuid: UUID
    code: str
    name: str

    @classmethod
    def of(cls, metric: Metric) -> Self:
        return cls(uuid=metric.uuid, code=metric.code, name=metric.name)


class MetricOut(Schema):
    uuid: UUID
    code: str
    name: str
    description: str
    unit: str
    unit_label: str
    improvement_direction: str
    target: float | None = Field(description="The target from the first period.")
    target_source: str
    target_now: float | None = Field(
        description="The target in force today: `target`, or the latest target change begun."
    )
    target_now_source: str
    frequency: str
    data_source: str
    lead_executive: UserRef
    committee: CommitteeRef | None
    domain: str
    domain_label: str
    elements: list[ElementRef]
    data_quality: str
    data_quality_note: str
    fix_after: int | None
    screen_outliers: bool
    active: bool
    illustrative: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @classmethod
    def of(cls, metric: Metric, today: datetime.date | None = None) -> Self:
        """`metric`, best with its target changes prefetched; its target as of `today`."""
        today = today or timezone.localdate()
        now = step_at(target_steps(metric, metric.target_changes.all()), today)
        return cls(
            uuid=metric.uuid,
            code=metric.code,
            name=metric.name,
            description=metric.description,
            unit=metric.unit,
            unit_label=metric.get_unit_display(),
            improvement_direction=metric.improvement_direction,
            target=metric.target,
            target_source=metric.target_source,
            target_now=now.target,
            target_now_source=now.source,
            frequency=metric.frequency,
            data_source=metric.data_source,
            lead_executive=UserRef.of(metric.lead_executive),
            committee=CommitteeRef.maybe(metric.committee),
            domain=metric.domain,
            domain_label=metric.get_domain_display(),
            elements=[ElementRef.of(e) for e in metric.elements.all()],
            data_quality=metric.data_quality,
            data_quality_note=metric.data_quality_note,
            fix_after=metric.fix_after,
            screen_outliers=metric.screen_outliers,
            active=metric.active,
            illustrative=metric.illustrative,
            created_at=metric.created_at,
            updated_at=metric.updated_at,
        )


class ObservationOut(Schema):
    uuid: UUID
    period: datetime.date
    value: float
    numerator: float | None
    denominator: float | None
    note: str
    updated_at: datetime.datetime

    @classmethod
    def of(cls, observation: Observation) -> Self:
        return cls(
            uuid=observation.uuid,
            period=observation.period,
            value=observation.value,
            numerator=observation.numerator,
            denominator=observation.denominator,
            note=observation.note,
            updated_at=observation.updated_at,
        )


class RecordedOut(Schema):
    created: int = Field(description="Periods that had no value before.")
    changed: int = Field(description="Periods whose value, counts or note were corrected.")
    unchanged: int = Field(description="Periods sent exactly as already recorded.")


class RebaseOut(Schema):
    uuid: UUID
    period: datetime.date
    reason: str
    created_at: datetime.datetime

    @classmethod
    def of(cls, rebase: Rebase) -> Self:
        return cls(
            uuid=rebase.uuid,
            period=rebase.period,
            reason=rebase.reason,
            created_at=rebase.created_at,
        )


class TargetChangeOut(Schema):
    uuid: UUID
    period: datetime.date
    target: float | None
    source: str
    reason: str
    created_at: datetime.datetime

    @classmethod
    def of(cls, change: TargetChange) -> Self:
        return cls(
            uuid=change.uuid,
            period=change.period,
            target=change.target,
            source=change.source,
            reason=change.reason,
            created_at=change.created_at,
        )


class TargetStepOut(Schema):
    period: datetime.date | None = Field(description="From this period on; null: from the start.")
    target: float | None
    source: str

    @classmethod
    def of(cls, step: TargetStep) -> Self:
        return cls(period=step.period, target=step.target, source=step.source)


class NarrativeOut(Schema):
    metric: MetricRef
    period: str = Field(description="The report month, YYYY-MM.")
    what_the_chart_shows: str
    root_cause: str
    actions: str
    risks: str
    author: UserRef
    updated_at: datetime.datetime

    @classmethod
    def of(cls, narrative: Narrative) -> Self:
        return cls(
            metric=MetricRef.of(narrative.metric),
            period=f"{narrative.period:%Y-%m}",
            what_the_chart_shows=narrative.what_the_chart_shows,
            root_cause=narrative.root_cause,
            actions=narrative.actions,
            risks=narrative.risks,
            author=UserRef.of(narrative.author),
            updated_at=narrative.updated_at,
        )


class PointOut(Schema):
    period: datetime.date
    value: float
    baseline: int = Field(description="Which stretch between rebases: 0, 1, …")
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    rule: str = Field(description="The special cause rule this point meets, or none.")
    point_type: str = Field(description="common_cause, special_cause_improvement, …")

    @classmethod
    def of(cls, point: Point) -> Self:
        return cls(
            period=point.period,
            value=point.value,
            baseline=point.baseline,
            mean=point.mean,
            lower_limit=point.lower_limit,
            upper_limit=point.upper_limit,
            rule=point.rule,
            point_type=point.point_type,
        )


class IconsOut(Schema):
    variation: str = Field(description="Variation: the last point's point type, or empty.")
    assurance: str = Field(description="consistent_pass, consistent_fail, inconsistent or empty.")
    variation_icon: str = Field(description="Making Data Count icon, like concern_low.")
    assurance_icon: str = Field(description="pass, fail, inconsistent, or empty.")
    is_exception: bool = Field(description="Special cause concern, or consistently failing.")

    @classmethod
    def fields_of(cls, analysis: MetricAnalysis) -> dict[str, object]:
        return {
            "variation": analysis.variation,
            "assurance": analysis.assurance,
            "variation_icon": analysis.variation_icon,
            "assurance_icon": analysis.assurance_icon,
            "is_exception": analysis.is_exception,
        }


class SpcOut(IconsOut):
    metric: MetricRef
    improvement_direction: str
    target: float | None = Field(description="The target in force at the latest point.")
    targets: list[TargetStepOut] = Field(description="Every target, in period order.")
    short_baseline: bool = Field(description="Too few points for reliable limits.")
    points: list[PointOut]
    rebases: list[RebaseOut]

    @classmethod
    def of(cls, analysis: MetricAnalysis) -> Self:
        metric = analysis.metric
        return cls.model_validate(
            {
                **IconsOut.fields_of(analysis),
                "metric": MetricRef.of(metric),
                "improvement_direction": metric.improvement_direction,
                "target": analysis.target,
                "targets": [TargetStepOut.of(s) for s in analysis.targets],
                "short_baseline": analysis.short_baseline,
                "points": [PointOut.of(p) for p in analysis.points],
                "rebases": [RebaseOut.of(r) for r in analysis.rebases],
            }
        )


class SummaryRow(IconsOut):
    metric: MetricRef
    domain: str
    unit: str
    target: float | None = Field(description="The target in force at the latest point.")
    latest: PointOut | None
    data_late: bool = Field(
        description="The latest data are older than the report month expects: for a daily "
        "metric its last day, weekly the week holding its last day, monthly the month, "
        "quarterly the last quarter ended by its end. Without `period`, the report month is "
        "the latest month with any data, as the report's. False when there is no data."
    )

    @classmethod
    def of(cls, analysis: MetricAnalysis, month: datetime.date | None) -> Self:
        """One metric's row, late or not for the report `month`."""
        metric, latest = analysis.metric, analysis.latest
        return cls.model_validate(
            {
                **IconsOut.fields_of(analysis),
                "metric": MetricRef.of(metric),
                "domain": metric.domain,
                "unit": metric.unit,
                "target": analysis.target,
                "latest": PointOut.of(latest) if latest else None,
                "data_late": analysis.is_late(month),
            }
        )


class SummaryOut(Schema):
    period: str | None = Field(description="The report month, YYYY-MM; null for all data.")
    metrics: list[SummaryRow]
