"""What the endpoints for a strategic risk's controls, assurances, gaps in assurance and
actions accept and answer, and the risk with all of them (`StrategicRiskDetail`)."""

from __future__ import annotations

import datetime
from typing import Self
from uuid import UUID

from ninja import Schema
from pydantic import Field

from lodestar.api.fields import Day, Flag, Reason
from lodestar.api.risk_schemas import ReviewOut, RiskRef, StrategicRiskOut
from lodestar.api.schemas import Input, UserRef
from lodestar.delivery.models import Brag
from lodestar.risk.matrix import Matrix
from lodestar.risk.models import Assurance, AssuranceGap, Control, RiskAction
from lodestar.risk.overview import BafRow

# --- inputs ---------------------------------------------------------------------------


class NewControl(Input):
    kind: Control.Kind = Field(description="control (in place) or gap (a gap in control).")
    description: str = Field(min_length=1)


class ControlChanges(Input):
    kind: Control.Kind | None = None
    description: str | None = Field(None, min_length=1)
    reason: Reason = ""


class NewAssurance(Input):
    line: Assurance.Line = Field(description="first, second or third line of defence.")
    source: str = Field(min_length=1, max_length=300, description="Like Internal audit.")
    positive: Flag = Field(description="Does it show the controls working?")
    level: Assurance.Level
    dated: Day
    description: str = ""
    document: str = Field("", max_length=300)
    document_url: str = Field("", max_length=200, description="http:// or https://")


class AssuranceChanges(Input):
    line: Assurance.Line | None = None
    source: str | None = Field(None, min_length=1, max_length=300)
    positive: Flag | None = None
    level: Assurance.Level | None = None
    dated: Day | None = None
    description: str | None = None
    document: str | None = Field(None, max_length=300)
    document_url: str | None = Field(None, max_length=200)
    reason: Reason = ""


class NewGap(Input):
    description: str = Field(min_length=1)


class GapChanges(Input):
    description: str | None = Field(None, min_length=1)
    reason: Reason = ""


class NewAction(Input):
    description: str = Field(min_length=1)
    owner: UUID = Field(description="A member of the organisation.")
    due_date: Day
    status: Brag = Brag.GREEN


class ActionChanges(Input):
    description: str | None = Field(None, min_length=1)
    owner: UUID | None = None
    due_date: Day | None = None
    status: Brag | None = None
    reason: Reason = ""


# --- outputs --------------------------------------------------------------------------


class ControlOut(Schema):
    uuid: UUID
    kind: str
    kind_label: str
    description: str

    @classmethod
    def of(cls, control: Control) -> Self:
        return cls(
            uuid=control.uuid,
            kind=control.kind,
            kind_label=control.get_kind_display(),
            description=control.description,
        )


class AssuranceOut(Schema):
    uuid: UUID
    line: str
    line_label: str
    source: str
    description: str
    positive: bool
    level: str
    document: str
    document_url: str
    dated: datetime.date

    @classmethod
    def of(cls, assurance: Assurance) -> Self:
        return cls(
            uuid=assurance.uuid,
            line=assurance.line,
            line_label=assurance.get_line_display(),
            source=assurance.source,
            description=assurance.description,
            positive=assurance.positive,
            level=assurance.level,
            document=assurance.document,
            document_url=assurance.document_url,
            dated=assurance.dated,
        )


class GapOut(Schema):
    uuid: UUID
    description: str

    @classmethod
    def of(cls, gap: AssuranceGap) -> Self:
        return cls(uuid=gap.uuid, description=gap.description)


class ActionOut(Schema):
    uuid: UUID
    description: str
    owner: UserRef
    due_date: datetime.date
    status: str
    completed_on: datetime.date | None
    overdue: bool

    @classmethod
    def of(cls, action: RiskAction, today: datetime.date) -> Self:
        return cls(
            uuid=action.uuid,
            description=action.description,
            owner=UserRef.of(action.owner),
            due_date=action.due_date,
            status=action.status,
            completed_on=action.completed_on,
            overdue=action.completed_on is None and action.due_date < today,
        )


class StrategicRiskDetail(StrategicRiskOut):
    controls: list[ControlOut] = Field(description="Key controls and gaps in control.")
    assurances: list[AssuranceOut]
    assurance_gaps: list[GapOut]
    actions: list[ActionOut]
    reviews: list[ReviewOut] = Field(description="Oldest first: the history of scores.")
    operational_risks: list[RiskRef] = Field(description="Register risks that feed it.")

    @classmethod
    def of_detail(cls, row: BafRow, matrix: Matrix, today: datetime.date) -> Self:
        risk = row.risk
        actions = risk.actions.select_related("owner")
        reviews = risk.reviews.select_related("reviewer", "committee")
        return cls.model_validate(
            {
                **StrategicRiskOut.fields_of(row, matrix),
                "controls": [ControlOut.of(c) for c in risk.controls.all()],
                "assurances": [AssuranceOut.of(a) for a in risk.assurances.all()],
                "assurance_gaps": [GapOut.of(g) for g in risk.assurance_gaps.all()],
                "actions": [ActionOut.of(a, today) for a in actions],
                "reviews": [ReviewOut.of(r) for r in reviews],
                "operational_risks": [RiskRef.of(o) for o in risk.operational_risks.all()],
            }
        )
