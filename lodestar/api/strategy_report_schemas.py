"""What the API answers about a strategy as a whole: comparisons, the check, alignment,
and the public strategy."""

from __future__ import annotations

import datetime
from typing import Self
from uuid import UUID

from ninja import Schema
from pydantic import BaseModel, Field

from lodestar.api.schemas import Input, OrganisationRef
from lodestar.api.strategy_schemas import ElementRef, StrategyRef
from lodestar.core.models import Organisation
from lodestar.strategy.alignment import Matrix
from lodestar.strategy.check import StrategyCheck
from lodestar.strategy.compare import Comparison, FieldChange, ItemComparison
from lodestar.strategy.models import AlignmentLink, Element, Strategy, Value

# --- comparing two versions -----------------------------------------------------------


class FieldChangeOut(Schema):
    label: str
    before: str | list[str]
    after: str | list[str]
    changed: bool
    added: list[str] = Field(description="Lines in `after` but not in `before`.")
    removed: list[str] = Field(description="Lines in `before` but not in `after`.")

    @classmethod
    def of(cls, change: FieldChange) -> Self:
        return cls(
            label=change.label,
            before=change.before,
            after=change.after,
            changed=change.changed,
            added=change.added,
            removed=change.removed,
        )


class ItemChangeOut(Schema):
    status: str = Field(description="added, removed, changed or unchanged.")
    before: UUID | None
    after: UUID | None
    name: str
    changes: list[FieldChangeOut]

    @classmethod
    def of(cls, item: ItemComparison[Value] | ItemComparison[Element]) -> Self:
        shown = item.item
        return cls(
            status=item.status,
            before=item.before.uuid if item.before else None,
            after=item.after.uuid if item.after else None,
            name=shown.name if isinstance(shown, Value) else shown.title,
            changes=[FieldChangeOut.of(change) for change in item.changes],
        )


class ComparisonOut(Schema):
    earlier: StrategyRef
    later: StrategyRef
    counts: dict[str, int]
    fields: list[FieldChangeOut]
    values: list[ItemChangeOut]
    elements: list[ItemChangeOut]

    @classmethod
    def of(cls, comparison: Comparison) -> Self:
        return cls(
            earlier=StrategyRef.of(comparison.earlier),
            later=StrategyRef.of(comparison.later),
            counts=comparison.counts,
            fields=[FieldChangeOut.of(change) for change in comparison.fields],
            values=[ItemChangeOut.of(item) for item in comparison.values],
            elements=[ItemChangeOut.of(item) for item in comparison.elements],
        )


# --- the strategy check ---------------------------------------------------------------


class GapOut(Schema):
    area: str
    problem: str
    remedy: str = Field(description="What would close the gap.")


class CheckOut(Schema):
    strategy: StrategyRef
    ok: bool = Field(description="True when there are no gaps.")
    passed: list[str]
    gaps: list[GapOut]

    @classmethod
    def of(cls, check: StrategyCheck) -> Self:
        return cls(
            strategy=StrategyRef.of(check.strategy),
            ok=check.ok,
            passed=check.passed,
            gaps=[GapOut(area=g.area, problem=g.problem, remedy=g.remedy) for g in check.gaps],
        )


# --- alignment ------------------------------------------------------------------------


class NewLink(Input):
    element: UUID = Field(description="One of this strategy's elements.")
    partner_element: UUID = Field(description="A priority of the partner strategy.")
    relationship: AlignmentLink.Relationship
    note: str = Field("", max_length=500)


class PartnerStrategyOut(Schema):
    uuid: UUID
    organisation: OrganisationRef
    title: str
    kind: str
    kind_label: str
    period: str
    status: str
    in_system: bool = Field(description="A partner in the same integrated care system.")

    @classmethod
    def of(cls, strategy: Strategy, in_system: bool) -> Self:
        return cls(
            uuid=strategy.uuid,
            organisation=OrganisationRef.of(strategy.organisation),
            title=strategy.title,
            kind=strategy.kind,
            kind_label=strategy.get_kind_display(),
            period=strategy.period,
            status=strategy.status,
            in_system=in_system,
        )


class LinkOut(Schema):
    uuid: UUID
    element: ElementRef
    partner_element: ElementRef
    relationship: str
    relationship_label: str
    note: str

    @classmethod
    def of(cls, link: AlignmentLink) -> Self:
        return cls(
            uuid=link.uuid,
            element=ElementRef.of(link.element),
            partner_element=ElementRef.of(link.partner_element),
            relationship=link.relationship,
            relationship_label=link.get_relationship_display(),
            note=link.note,
        )


class MatrixRowOut(Schema):
    element: ElementRef
    cells: list[LinkOut | None] = Field(description="One per column: the link, or null.")
    serves_nothing: bool


class MatrixOut(Schema):
    strategy: StrategyRef
    partner: PartnerStrategyOut | None = Field(description="null when there is no partner.")
    columns: list[ElementRef] = Field(description="The partner strategy's elements.")
    rows: list[MatrixRowOut] = Field(description="Our elements, each against every column.")
    own_gaps: list[ElementRef] = Field(description="Our elements serving no partner priority.")
    partner_gaps: list[ElementRef] = Field(
        description="Partner priorities that none of our elements serves."
    )

    @classmethod
    def of(cls, matrix: Matrix, in_system: bool) -> Self:
        return cls(
            strategy=StrategyRef.of(matrix.strategy),
            partner=PartnerStrategyOut.of(matrix.partner, in_system),
            columns=[ElementRef.of(column) for column in matrix.columns],
            rows=[
                MatrixRowOut(
                    element=ElementRef.of(row.element),
                    cells=[LinkOut.of(cell) if cell else None for cell in row.cells],
                    serves_nothing=row.serves_nothing,
                )
                for row in matrix.rows
            ],
            own_gaps=[ElementRef.of(element) for element in matrix.own_gaps],
            partner_gaps=[ElementRef.of(element) for element in matrix.partner_gaps],
        )


class PartnerQuery(BaseModel):
    partner: UUID | None = Field(
        None, description="A partner strategy; without it, the first of the system's."
    )


# --- the public strategy --------------------------------------------------------------


class PublicValue(Schema):
    name: str
    description: str
    behaviours: list[str]


class PublicElement(Schema):
    title: str
    description: str
    statements: list[str]
    outcomes: list[str]
    indicators: list[str]


class PublicSection(Schema):
    kind: str
    plural: str
    elements: list[PublicElement]


class PublicStrategyOut(Schema):
    """Only what the public page shows: no drafts, no delivery plan, no one's name."""

    organisation_name: str
    ods_code: str
    title: str
    kind_label: str
    start_year: int
    end_year: int
    vision: str
    mission: str
    purpose: str
    summary: str
    values: list[PublicValue]
    sections: list[PublicSection]
    approved_by: str
    approved_on: datetime.date | None
    version: int
    source_url: str
    illustrative: bool

    @classmethod
    def of(cls, organisation: Organisation, strategy: Strategy, elements: list[Element]) -> Self:
        sections: list[PublicSection] = []
        for element in elements:
            if not sections or sections[-1].kind != element.kind.name:
                sections.append(
                    PublicSection(kind=element.kind.name, plural=element.kind.plural, elements=[])
                )
            sections[-1].elements.append(
                PublicElement(
                    title=element.title,
                    description=element.description,
                    statements=list(element.statements),
                    outcomes=list(element.outcomes),
                    indicators=list(element.indicators),
                )
            )
        values = strategy.values.order_by("order", "id")
        return cls(
            organisation_name=organisation.name,
            ods_code=organisation.ods_code,
            title=strategy.title,
            kind_label=strategy.get_kind_display(),
            start_year=strategy.start_year,
            end_year=strategy.end_year,
            vision=strategy.vision,
            mission=strategy.mission,
            purpose=strategy.purpose,
            summary=strategy.summary,
            values=[
                PublicValue(name=v.name, description=v.description, behaviours=list(v.behaviours))
                for v in values
            ],
            sections=sections,
            approved_by=strategy.approved_by.name if strategy.approved_by else "",
            approved_on=strategy.approved_on,
            version=strategy.version,
            source_url=strategy.source_url,
            illustrative=strategy.illustrative,
        )
