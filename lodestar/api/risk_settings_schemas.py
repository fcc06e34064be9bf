"""What the risk settings endpoints accept and answer: the risk matrix, the escalation
threshold, the appetite scale and statement, appetite categories, and regrading.

Kept apart from `risk_schemas` (strategic and operational risks) so each stays short.
"""

from __future__ import annotations

import datetime
from typing import Annotated, ClassVar, Self
from uuid import UUID

from ninja import Schema
from pydantic import BeforeValidator, Field

from lodestar.api.fields import Day, NullableInput, Reason, must_be_list
from lodestar.api.risk_schemas import AppetiteCategoryOut, Rating, RiskRef, Score
from lodestar.api.schemas import Input
from lodestar.api.strategy_schemas import CommitteeRef
from lodestar.risk.matrix import Matrix
from lodestar.risk.models import AppetiteCategory, RiskSettings

Texts = Annotated[list[str], BeforeValidator(must_be_list)]

# --- inputs ---------------------------------------------------------------------------


class Band(Input):
    name: str = Field(min_length=1, max_length=40)
    low: Score
    high: Score
    colour: str = Field(min_length=1, max_length=20, description="Like green or amber.")


class RiskSettingsChanges(NullableInput):
    """Send only what changes. The matrix (descriptors, bands, threshold) is checked as a
    whole; the appetite statement with its approval likewise."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset(
        {"appetite_approved_on", "appetite_approved_by"}
    )

    likelihood_descriptors: Texts | None = Field(None, description="Five, Rare first.")
    consequence_descriptors: Texts | None = Field(None, description="Five, Negligible first.")
    bands: Annotated[list[Band], BeforeValidator(must_be_list)] | None = None
    escalation_threshold: Score | None = None
    appetite_levels: Texts | None = Field(None, description="Five, least willing first.")
    appetite_statement: str | None = None
    appetite_approved_on: Day | None = None
    appetite_approved_by: UUID | None = None
    reason: Reason = ""


class Regrading(Input):
    reason: Reason = Field(min_length=1, description="Why; saved in the audit trail.")


class NewAppetiteCategory(Input):
    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    level: Rating = Field(description="1 (least willing) to 5, on the appetite scale.")
    tolerance: Score = Field(description="The highest current score tolerated.")
    order: Annotated[int, Field(ge=0, le=1000, strict=True)] | None = None


class AppetiteCategoryChanges(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = None
    level: Rating | None = None
    tolerance: Score | None = None
    order: Annotated[int, Field(ge=0, le=1000, strict=True)] | None = None
    reason: Reason = ""


# --- outputs --------------------------------------------------------------------------


class BandOut(Schema):
    name: str
    low: int
    high: int
    colour: str


class RiskSettingsOut(Schema):
    likelihood_descriptors: list[str]
    consequence_descriptors: list[str]
    bands: list[BandOut]
    escalation_threshold: int
    appetite_levels: list[str]
    appetite_statement: str
    appetite_approved_on: datetime.date | None
    appetite_approved_by: CommitteeRef | None
    appetite_categories: list[AppetiteCategoryOut]

    @classmethod
    def of(
        cls, settings: RiskSettings, matrix: Matrix, categories: list[AppetiteCategory]
    ) -> Self:
        return cls(
            likelihood_descriptors=list(matrix.likelihood),
            consequence_descriptors=list(matrix.consequence),
            bands=[
                BandOut(name=b.name, low=b.low, high=b.high, colour=b.colour) for b in matrix.bands
            ],
            escalation_threshold=matrix.escalation_threshold,
            appetite_levels=list(matrix.appetite_levels),
            appetite_statement=settings.appetite_statement,
            appetite_approved_on=settings.appetite_approved_on,
            appetite_approved_by=CommitteeRef.maybe(settings.appetite_approved_by),
            appetite_categories=[
                AppetiteCategoryOut.of(c, matrix.appetite_levels) for c in categories
            ],
        )


class RegradeOut(Schema):
    regraded: list[RiskRef] = Field(description="The open risks whose score or band changed.")
