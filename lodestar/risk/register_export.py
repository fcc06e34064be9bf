"""The corporate risk register as an Excel workbook, for committee papers.

One sheet, **Risk register**, with a row per operational risk in the order the register
page shows them (highest current score first) and under the same filters. Columns follow
a trust's register as kept in Datix or Excel: the risk, its owner and service, the BAF
risk it feeds, the three positions on the matrix with their bands, the controls, gaps
and further actions, status, review dates and the flags the page shows.

It is written with the BAF export's helpers (`exchange`), so it looks the same, and the
same register always gives the same bytes. It is for reading: there is no import.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from lodestar.core.models import Organisation
from lodestar.risk.exchange import (
    Column,
    Kind,
    Sheet,
    fill_swatch,
    person,
    position_values,
    put_row,
    saved,
    style_header,
)
from lodestar.risk.overview import Position, swatch
from lodestar.risk.register_services import POSITIONS, RegisterRow


def _position_columns(position: str) -> tuple[Column, ...]:
    title = position.capitalize()
    return (
        Column(f"{title} likelihood", f"{position}_likelihood", Kind.RATING, width=11),
        Column(f"{title} consequence", f"{position}_consequence", Kind.RATING, width=12),
        Column(f"{title} score", f"{position}_score", Kind.DERIVED, width=9),
        Column(f"{title} band", f"{position}_band", Kind.DERIVED, width=11),
    )


REGISTER = Sheet(
    "Risk register",
    (
        Column("Reference", "reference", width=10),
        Column("Title", "title", width=34),
        Column("Description", "description", width=44),
        Column("Service", "service", width=22),
        Column("Owner", "owner", Kind.PERSON, width=22),
        Column("Feeds BAF risk", "strategic_risk", width=28),
        *_position_columns("inherent"),
        *_position_columns("current"),
        *_position_columns("target"),
        Column("Target date", "target_date", Kind.DATE, width=12),
        Column("Controls in place", "controls", width=44),
        Column("Gaps in control", "gaps", width=40),
        Column("Further actions", "actions", width=48),
        Column("Status", "status", Kind.CHOICE, width=10),
        Column("Last reviewed", "last_reviewed_on", Kind.DATE, width=12),
        Column("Next review", "next_review_on", Kind.DATE, width=12),
        Column("Flags", "flags", Kind.DERIVED, width=22),
        Column("Illustrative", "illustrative", Kind.YES_NO, width=11),
    ),
)
_BAND_COLUMNS = {
    c.key: number for number, c in enumerate(REGISTER.columns, start=1) if c.key.endswith("_band")
}
_FLAGS_COLUMN = REGISTER.headings.index("Flags") + 1


def _values(row: RegisterRow) -> dict[str, object]:
    risk = row.risk
    fed = risk.strategic_risk
    values: dict[str, object] = {
        "reference": risk.reference,
        "title": risk.title,
        "description": risk.description,
        "service": risk.service,
        "owner": person(risk.owner),
        "strategic_risk": f"{fed.reference} {fed.title}" if fed else "",
        "target_date": risk.target_date,
        "controls": risk.controls,
        "gaps": risk.gaps,
        "actions": risk.actions,
        "status": risk.get_status_display().split(" ")[0],
        "last_reviewed_on": risk.last_reviewed_on,
        "next_review_on": risk.next_review_on,
        "flags": "\n".join(row.flags),
        "illustrative": "Yes" if risk.illustrative else "No",
    }
    for name in POSITIONS:
        values |= position_values(name, getattr(row, name))
    return values


def _write(sheet: Worksheet, rows: list[RegisterRow]) -> None:
    # Reference and title stay in view while the wide sheet scrolls.
    style_header(sheet, REGISTER, freeze="C2")
    for row in rows:
        values = _values(row)
        put_row(sheet, [values[c.key] for c in REGISTER.columns])
        for name in POSITIONS:
            place: Position = getattr(row, name)
            fill_swatch(sheet, sheet.max_row, _BAND_COLUMNS[f"{name}_band"], place.swatch)
        if row.flags:
            fill_swatch(sheet, sheet.max_row, _FLAGS_COLUMN, swatch("red"))


def export_register(organisation: Organisation, rows: list[RegisterRow]) -> bytes:
    """The register's rows (as filtered) as an Excel workbook, byte for byte the same for
    the same rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    _write(workbook.create_sheet(REGISTER.name), rows)
    return saved(workbook, f"Corporate risk register: {organisation.name}")


def export_filename(organisation: Organisation) -> str:
    return f"{organisation.ods_code.lower()}-corporate-risk-register.xlsx"
