"""The shape of a strategy file: its levels, their columns, and how problems are named.

YAML and Excel files carry the same levels with the same columns, so one specification
drives export, import and the error messages of both. Records refer to one another by
`ref` (an element's deliverables name the element's ref), people by username and
committees by name, never by database ids, so a file can move between installations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from lodestar.delivery.models import Brag, Deliverable, ProgressUpdate
from lodestar.strategy.models import AlignmentLink, Domain, EngagementActivity, Strategy


class Type(StrEnum):
    TEXT = "text"
    LIST = "list"  # one item a line in Excel, a list in YAML
    DATE = "date"
    INT = "int"
    BOOL = "bool"
    CHOICE = "choice"
    USER = "user"  # a username
    COMMITTEE = "committee"  # a committee's name
    REF = "ref"  # another row's ref
    LINKS = "links"  # evidence links: "Title | URL" a line in Excel


@dataclass(frozen=True)
class Column:
    name: str
    type: Type = Type.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level:
    key: str  # the YAML section
    sheet: str  # the Excel sheet
    columns: tuple[Column, ...]
    single: bool = False  # the strategy itself: one record, not a list

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _choice(name: str, values: list[str], required: bool = True) -> Column:
    return Column(name, Type.CHOICE, required, tuple(values))


def _component(*first: Column) -> tuple[Column, ...]:
    """What deliverables and milestones share, after what places them in the plan."""
    return (
        *first,
        Column("title", required=True),
        Column("description"),
        Column("start_date", Type.DATE),
        Column("due_date", Type.DATE, required=True),
        Column("completed_on", Type.DATE),
        Column("accountable_executive", Type.USER, required=True),
        Column("responsible_manager", Type.USER),
        Column("committee", Type.COMMITTEE),
        Column("illustrative", Type.BOOL),
    )


STRATEGY = Level(
    "strategy",
    "Strategy",
    (
        Column("title", required=True),
        _choice("kind", Strategy.Kind.values),
        Column("start_year", Type.INT, required=True),
        Column("end_year", Type.INT, required=True),
        _choice("status", Strategy.Status.values),
        Column("version", Type.INT, required=True),
        Column("approved_by", Type.COMMITTEE),
        Column("approved_on", Type.DATE),
        Column("vision", required=True),
        Column("mission"),
        Column("purpose"),
        Column("summary"),
        Column("source_url"),
        Column("illustrative", Type.BOOL),
        Column("joint_owners", Type.LIST),
    ),
    single=True,
)
VALUES = Level(
    "values",
    "Values",
    (Column("name", required=True), Column("description"), Column("behaviours", Type.LIST)),
)
ELEMENTS = Level(
    "elements",
    "Elements",
    (
        Column("ref", required=True),
        Column("kind", required=True),
        Column("title", required=True),
        Column("description"),
        Column("statements", Type.LIST),
        Column("outcomes", Type.LIST),
        Column("indicators", Type.LIST),
        Column("domains", Type.LIST, choices=tuple(Domain.values)),
        Column("executive_lead", Type.USER),
    ),
)
ENGAGEMENT = Level(
    "engagement",
    "Engagement",
    (
        Column("held_on", Type.DATE, required=True),
        Column("title", required=True),
        Column("method", required=True),
        _choice("level", EngagementActivity.Level.values),
        Column("people_using_services", Type.INT),
        Column("carers", Type.INT),
        Column("staff", Type.INT),
        Column("partners", Type.INT),
        Column("public", Type.INT),
        Column("what_was_said", required=True),
        Column("what_changed"),
        Column("elements", Type.LIST),
    ),
)
DELIVERABLES = Level(
    "deliverables",
    "Deliverables",
    _component(
        Column("ref", required=True),
        Column("element", Type.REF, required=True),
        _choice("kind", Deliverable.Kind.values),
    ),
)
MILESTONES = Level(
    "milestones", "Milestones", _component(Column("deliverable", Type.REF, required=True))
)
UPDATES = Level(
    "updates",
    "Updates",
    (
        Column("deliverable", Type.REF, required=True),
        Column("period", Type.DATE, required=True),
        _choice("status", Brag.values),
        _choice("confidence", ProgressUpdate.Confidence.values),
        Column("author", Type.USER, required=True),
        Column("narrative", required=True),
        Column("evidence_links", Type.LINKS),
    ),
)
ALIGNMENT = Level(
    "alignment",
    "Alignment",
    (
        Column("element", Type.REF, required=True),
        Column("partner_ods_code", required=True),
        Column("partner_strategy", required=True),
        Column("partner_element", required=True),
        _choice("relationship", AlignmentLink.Relationship.values),
        Column("note"),
    ),
)

LEVELS: tuple[Level, ...] = (
    STRATEGY,
    VALUES,
    ELEMENTS,
    ENGAGEMENT,
    DELIVERABLES,
    MILESTONES,
    UPDATES,
    ALIGNMENT,
)
LEVELS_BY_KEY = {level.key: level for level in LEVELS}
LEVELS_BY_SHEET = {level.sheet: level for level in LEVELS}

# The plain data a file holds: for each level's key, its records in order.
Records = dict[str, list[dict[str, object]]]


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: "Elements sheet, row 4" or "elements, item 3"."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.where}, {self.field}" if self.field else self.where
        return f"{place}: {self.message}"


@dataclass
class Row:
    """One record read from a file, with where it came from for error messages."""

    where: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class Document:
    """Rows as a reader found them, by level key."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    # Levels whose rows could not be read at all (a sheet missing a column): other rows
    # that refer to them are not reported again, since the cause is already named.
    broken: set[str] = field(default_factory=set)


class StrategyFileError(Exception):
    """The file was refused as a whole; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
        )
