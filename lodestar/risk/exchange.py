"""The Board Assurance Framework as an Excel workbook, in the layout boards use.

The **BAF** sheet has a row per strategic risk with the columns of nhs-conventions.md
section 2: reference and title, linked objectives, cause, event and effect, executive
lead and committee, appetite, the inherent, current and target positions with their
bands, trend, controls, assurances by line, gaps, actions and review dates. Five more
sheets, **Controls**, **Assurances**, **Assurance gaps**, **Actions** and **Reviews**,
hold the same detail one record a row, which is what an import reads back
(`exchange_import`). Columns marked `derived` (scores, bands, trend, the summaries of
controls and assurances, flags) are worked out by Lodestar and ignored on import.

Stable keys, so a workbook can move between organisations and installations:
people are written "Name (username)" and read by username or email; committees and
appetite categories by name; objectives by the title of an element of the strategy in
force; metrics by their code; risks by reference.

The same BAF always gives the same bytes (fixed times in the workbook and its zip).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lodestar.risk.models import (
    Assurance,
    AssuranceGap,
    Control,
    RiskAction,
    RiskReview,
    StrategicRisk,
)
from lodestar.risk.overview import Baf, BafRow, Position, Swatch, natural_key, swatch

if TYPE_CHECKING:
    from lodestar.accounts.models import User

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Far more than any BAF needs, and little enough to read into memory safely.
MAX_BYTES = 5 * 1024 * 1024
_FIXED_TIME = datetime.datetime(2000, 1, 1)  # noqa: DTZ001 - workbook times carry no zone
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_HEADER_FILL = PatternFill("solid", fgColor="005EB8")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_THIN = Side(style="thin", color="AEB7BD")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


# --- The layout ------------------------------------------------------------------------


class Kind(StrEnum):
    TEXT = "text"
    LINES = "lines"  # one item a line
    RATING = "rating"  # 1 to 5
    DATE = "date"
    PERSON = "person"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DERIVED = "derived"  # written by Lodestar, ignored on import


@dataclass(frozen=True)
class Column:
    heading: str
    key: str
    kind: Kind = Kind.TEXT
    required: bool = False
    width: int = 20


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]


def _position_columns(position: str) -> tuple[Column, ...]:
    title = position.capitalize()
    return (
        Column(f"{title} likelihood", f"{position}_likelihood", Kind.RATING, True, 11),
        Column(f"{title} consequence", f"{position}_consequence", Kind.RATING, True, 12),
        Column(f"{title} score", f"{position}_score", Kind.DERIVED, width=9),
        Column(f"{title} band", f"{position}_band", Kind.DERIVED, width=11),
    )


REFERENCE = Column("Risk reference", "risk", required=True, width=11)

BAF = Sheet(
    "BAF",
    (
        Column("Reference", "reference", required=True, width=10),
        Column("Title", "title", required=True, width=34),
        Column("Linked objectives", "objectives", Kind.LINES, True, 30),
        Column("Cause", "cause", required=True, width=34),
        Column("Event", "event", required=True, width=34),
        Column("Effect", "effect", required=True, width=34),
        Column("Executive lead", "executive_lead", Kind.PERSON, True, 20),
        Column("Committee", "committee", required=True, width=20),
        Column("Appetite category", "appetite_category", required=True, width=16),
        Column("Appetite level", "appetite_level", Kind.DERIVED, width=11),
        Column("Tolerance", "tolerance", Kind.DERIVED, width=10),
        *_position_columns("inherent"),
        *_position_columns("current"),
        *_position_columns("target"),
        Column("Target date", "target_date", Kind.DATE, width=12),
        Column("Trend", "trend", Kind.DERIVED, width=10),
        Column("Key controls", "controls", Kind.DERIVED, width=40),
        Column("Gaps in control", "control_gaps", Kind.DERIVED, width=36),
        Column("Assurances", "assurances", Kind.DERIVED, width=48),
        Column("Overall assurance", "assurance", Kind.DERIVED, width=13),
        Column("Gaps in assurance", "assurance_gaps", Kind.DERIVED, width=36),
        Column("Actions", "actions", Kind.DERIVED, width=48),
        Column("Flags", "flags", Kind.DERIVED, width=22),
        Column("Escalated register risks", "escalated", Kind.DERIVED, width=30),
        Column("Linked metrics", "metrics", Kind.LINES, width=16),
        Column("Last reviewed", "last_reviewed_on", Kind.DATE, width=12),
        Column("Next review", "next_review_on", Kind.DATE, width=12),
        Column("Status", "status", Kind.CHOICE, width=10),
        Column("Merged into", "merged_into", width=10),
        Column("Illustrative", "illustrative", Kind.YES_NO, width=11),
    ),
)
CONTROLS = Sheet(
    "Controls",
    (
        REFERENCE,
        Column("Kind", "kind", Kind.CHOICE, True, 16),
        Column("Description", "description", required=True, width=80),
    ),
)
ASSURANCES = Sheet(
    "Assurances",
    (
        REFERENCE,
        Column("Line", "line", Kind.CHOICE, True, 12),
        Column("Source", "source", required=True, width=30),
        Column("Description", "description", width=50),
        Column("Positive or negative", "positive", Kind.CHOICE, True, 12),
        Column("Level", "level", Kind.CHOICE, True, 12),
        Column("Document", "document", width=30),
        Column("Document link", "document_url", width=30),
        Column("Date", "dated", Kind.DATE, True, 12),
    ),
)
ASSURANCE_GAPS = Sheet(
    "Assurance gaps", (REFERENCE, Column("Description", "description", required=True, width=80))
)
ACTIONS = Sheet(
    "Actions",
    (
        REFERENCE,
        Column("Description", "description", required=True, width=60),
        Column("Owner", "owner", Kind.PERSON, True, 22),
        Column("Due date", "due_date", Kind.DATE, True, 12),
        Column("Status", "status", Kind.CHOICE, True, 10),
        Column("Completed on", "completed_on", Kind.DATE, width=12),
    ),
)
REVIEWS = Sheet(
    "Reviews",
    (
        REFERENCE,
        Column("Reviewed on", "reviewed_on", Kind.DATE, True, 12),
        Column("Likelihood", "likelihood", Kind.RATING, True, 11),
        Column("Consequence", "consequence", Kind.RATING, True, 12),
        Column("Score", "score", Kind.DERIVED, width=8),
        Column("Band", "band", Kind.DERIVED, width=11),
        Column("Rationale", "rationale", required=True, width=60),
        Column("Reviewer", "reviewer", Kind.PERSON, width=22),
        Column("Committee", "committee", width=24),
    ),
)
SHEETS: tuple[Sheet, ...] = (BAF, CONTROLS, ASSURANCES, ASSURANCE_GAPS, ACTIONS, REVIEWS)

LINE_WORDS = {"first": "First line", "second": "Second line", "third": "Third line"}
TREND_WORDS = {"up": "↑ Up", "down": "↓ Down", "same": "→ Same", "new": "New"}


# --- Problems --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: "sheet BAF, row 7, field current likelihood: ..."."""

    sheet: str
    row: int | None
    field: str
    message: str

    @property
    def where(self) -> str:
        if not self.sheet:
            return "The file"
        return f"sheet {self.sheet}" + (f", row {self.row}" if self.row else "")

    def __str__(self) -> str:
        field_part = f", field {self.field.lower()}" if self.field else ""
        return f"{self.where}{field_part}: {self.message}"


class BafFileError(Exception):
    """A workbook that cannot be imported; nothing was changed."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


# --- Writing ---------------------------------------------------------------------------


def person(user: User) -> str:
    """A person as the workbook names them: readable, and with a key to read them back."""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


@dataclass
class Details:
    """A risk's parts, for the summary columns and the long sheets."""

    controls: list[Control] = field(default_factory=list)
    assurances: list[Assurance] = field(default_factory=list)
    assurance_gaps: list[AssuranceGap] = field(default_factory=list)
    actions: list[RiskAction] = field(default_factory=list)
    reviews: list[RiskReview] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)


def details_of(rows: list[BafRow]) -> dict[int, Details]:
    """Every part of the risks in `rows`, one query per kind of part."""
    ids = [row.risk.pk for row in rows]
    found: dict[int, Details] = defaultdict(Details)
    for control in Control.objects.filter(risk_id__in=ids):
        found[control.risk_id].controls.append(control)
    for assurance in Assurance.objects.filter(risk_id__in=ids):
        found[assurance.risk_id].assurances.append(assurance)
    for gap in AssuranceGap.objects.filter(risk_id__in=ids):
        found[gap.risk_id].assurance_gaps.append(gap)
    for action in RiskAction.objects.filter(risk_id__in=ids).select_related("owner"):
        found[action.risk_id].actions.append(action)
    reviews = RiskReview.objects.filter(risk_id__in=ids).select_related("reviewer", "committee")
    for review in reviews:
        found[review.risk_id].reviews.append(review)
    links = StrategicRisk.metrics.through.objects.filter(strategicrisk_id__in=ids)
    for link in links.select_related("metric").order_by("metric__code"):
        found[link.strategicrisk_id].metrics.append(link.metric.code)
    return found


def _date(value: datetime.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _assurance_line(a: Assurance) -> str:
    sign = "+" if a.positive else "-"
    level = Assurance.Level(a.level).label
    return f"{LINE_WORDS[a.line]}: {a.source}, {sign}, {level}, {_date(a.dated)}"


def _action_line(a: RiskAction) -> str:
    status = "Complete" if a.completed_on else a.status.capitalize()
    return f"{a.description} ({person(a.owner)}, due {_date(a.due_date)}, {status})"


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def _baf_values(row: BafRow, parts: Details, baf: Baf) -> dict[str, object]:
    risk = row.risk
    category = risk.appetite_category
    values: dict[str, object] = {
        "reference": risk.reference,
        "title": risk.title,
        "objectives": "\n".join(e.title for e in row.objectives),
        "cause": risk.cause,
        "event": risk.event,
        "effect": risk.effect,
        "executive_lead": person(risk.executive_lead),
        "committee": risk.committee.name,
        "appetite_category": category.name,
        "appetite_level": baf.matrix.appetite_levels[category.level - 1],
        "tolerance": category.tolerance,
        "target_date": risk.target_date,
        "trend": TREND_WORDS[row.trend.value],
        "controls": _bullets(c.description for c in parts.controls if c.kind == "control"),
        "control_gaps": _bullets(c.description for c in parts.controls if c.kind == "gap"),
        "assurances": _bullets(_assurance_line(a) for a in parts.assurances),
        "assurance": row.assurance,
        "assurance_gaps": _bullets(g.description for g in parts.assurance_gaps),
        "actions": _bullets(_action_line(a) for a in parts.actions),
        "flags": "\n".join(row.flags.labels()),
        "escalated": "\n".join(
            f"{op.reference} {op.title} ({op.current_score})" for op in row.escalated_risks
        ),
        "metrics": "\n".join(parts.metrics),
        "last_reviewed_on": risk.last_reviewed_on,
        "next_review_on": risk.next_review_on,
        "status": risk.get_status_display().split(" ")[0],
        "merged_into": risk.merged_into.reference if risk.merged_into else "",
        "illustrative": "Yes" if risk.illustrative else "No",
    }
    for name, place in (("inherent", row.inherent), ("current", row.current)):
        values |= position_values(name, place)
    return values | position_values("target", row.target)


def position_values(name: str, place: Position) -> dict[str, object]:
    """A position's cells, keyed as the columns name them (the register's export too)."""
    return {
        f"{name}_likelihood": place.likelihood,
        f"{name}_consequence": place.consequence,
        f"{name}_score": place.score,
        f"{name}_band": place.band,
    }


def _long_rows(rows: list[BafRow], details: dict[int, Details]) -> dict[str, list[list[object]]]:
    out: dict[str, list[list[object]]] = defaultdict(list)
    for row in rows:
        ref, parts = row.risk.reference, details[row.risk.pk]
        for c in parts.controls:
            out["Controls"].append([ref, Control.Kind(c.kind).label, c.description])
        for a in parts.assurances:
            sign = "Positive" if a.positive else "Negative"
            level = Assurance.Level(a.level).label
            out["Assurances"].append(
                [
                    *(ref, LINE_WORDS[a.line], a.source, a.description, sign, level),
                    *(a.document, a.document_url, a.dated),
                ]
            )
        for g in parts.assurance_gaps:
            out["Assurance gaps"].append([ref, g.description])
        for x in parts.actions:
            status = x.status.capitalize()
            out["Actions"].append(
                [ref, x.description, person(x.owner), x.due_date, status, x.completed_on]
            )
        for r in parts.reviews:
            committee = r.committee.name if r.committee else ""
            out["Reviews"].append(
                [
                    *(ref, r.reviewed_on, r.likelihood, r.consequence, r.score, r.band),
                    *(r.rationale, person(r.reviewer), committee),
                ]
            )
    return out


def style_header(sheet: Worksheet, spec: Sheet, freeze: str = "B2") -> None:
    """The heading row, bold on NHS blue and frozen with the columns before `freeze`."""
    sheet.append(spec.headings)
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = _BORDER
    for number, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = freeze


def put_row(sheet: Worksheet, values: list[object]) -> None:
    """A row of values: dates as Excel dates, text always as text."""
    sheet.append([None if v in ("", None) else _cell_safe(v) for v in values])
    for cell in sheet[sheet.max_row]:
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(cell.value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(cell.value, str):
            # Text that starts with "=" is still text, never a formula to run.
            cell.data_type = "s"


def _cell_safe(value: object) -> object:
    # Excel cannot hold most control characters (text pasted from Word may carry a
    # vertical tab); openpyxl refuses them, which would fail the whole export.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def fill_swatch(sheet: Worksheet, row: int, column: int, colour: Swatch) -> None:
    cell = sheet.cell(row, column)
    cell.fill = PatternFill("solid", fgColor=colour.fill.lstrip("#").upper())
    cell.font = Font(color=colour.text.lstrip("#").upper(), bold=True)


def _write_baf(sheet: Worksheet, baf: Baf, details: dict[int, Details]) -> None:
    style_header(sheet, BAF, freeze="C2")
    band_columns = {
        c.key: n for n, c in enumerate(BAF.columns, start=1) if c.key.endswith("_band")
    }
    for row in baf.rows:
        values = _baf_values(row, details[row.risk.pk], baf)
        put_row(sheet, [values[c.key] for c in BAF.columns])
        for name, place in (("inherent", row.inherent), ("current", row.current)):
            fill_swatch(sheet, sheet.max_row, band_columns[f"{name}_band"], place.swatch)
        fill_swatch(sheet, sheet.max_row, band_columns["target_band"], row.target.swatch)
        if row.flags.any:
            flags_column = BAF.headings.index("Flags") + 1
            fill_swatch(sheet, sheet.max_row, flags_column, swatch("red"))


def _repeatable(content: bytes) -> bytes:
    """The same workbook with fixed times, so equal BAFs give equal files."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    data,
                )
            target.writestr(zipfile.ZipInfo(info.filename, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def export_baf(baf: Baf) -> bytes:
    """The BAF (as filtered) as an Excel workbook, byte for byte the same for the same BAF."""
    rows = sorted(baf.rows, key=lambda r: natural_key(r.risk.reference))
    details = details_of(rows)
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    _write_baf(workbook.create_sheet(BAF.name), baf, details)
    long_rows = _long_rows(rows, details)
    for spec in SHEETS[1:]:
        sheet = workbook.create_sheet(spec.name)
        style_header(sheet, spec)
        for values in long_rows[spec.name]:
            put_row(sheet, values)
    return saved(workbook, f"Board Assurance Framework: {baf.organisation.name}")


def saved(workbook: Workbook, title: str) -> bytes:
    """The workbook's bytes, with fixed times so that the same content gives the same file."""
    workbook.properties.creator = "Lodestar"
    workbook.properties.title = title
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _repeatable(buffer.getvalue())
