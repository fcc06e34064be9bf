"""Strategy files as Excel workbooks: one sheet per level, a heading row, a row per record.

Lists sit one item a line in a cell, evidence links as "Title | URL" lines. The
workbook is written byte for byte the same for the same strategy (fixed timestamps
inside the zip), so an export can be compared with an earlier one.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from lodestar.strategy.exchange_spec import (
    LEVELS,
    LEVELS_BY_SHEET,
    Column,
    Document,
    Level,
    Problem,
    Records,
    Row,
    Type,
)

# A spreadsheet this long is not a strategy; stop before it costs the server.
MAX_ROWS = 5000
_FIXED_TIME = datetime.datetime(2000, 1, 1)  # noqa: DTZ001 - workbook times carry no zone
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_WIDTHS = {Type.DATE: 12, Type.INT: 10, Type.BOOL: 10, Type.TEXT: 40, Type.LIST: 50}
LINK_SEPARATOR = " | "


def _cell(value: object, column: Column) -> object:
    if column.type == Type.LINKS and isinstance(value, list):
        lines = [f"{link['title']}{LINK_SEPARATOR}{link['url']}" for link in value]
        return "\n".join(lines) or None
    if isinstance(value, list):
        return "\n".join(str(item) for item in value) or None
    if value == "":
        return None
    return value


def _write_sheet(sheet: Worksheet, level: Level, records: list[dict[str, object]]) -> None:
    sheet.append(level.names)
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    for record in records:
        sheet.append([_cell(record[c.name], c) for c in level.columns])
    for column_number, column in enumerate(level.columns, start=1):
        letter = get_column_letter(column_number)
        sheet.column_dimensions[letter].width = _WIDTHS.get(column.type, 20)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column_number, max_col=column_number):
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                # Text that starts with "=" is still text, never a formula to run.
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _repeatable(content: bytes) -> bytes:
    """The same workbook with fixed times, so equal strategies give equal files."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    data,
                )
            target.writestr(zipfile.ZipInfo(info.filename, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def write_excel(records: Records) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for level in LEVELS:
        _write_sheet(workbook.create_sheet(level.sheet), level, records[level.key])
    workbook.properties.creator = "Lodestar"
    workbook.properties.created = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _repeatable(buffer.getvalue())


def _headings(sheet_name: str, level: Level, cells: tuple[object, ...]) -> list[Problem]:
    where = f"{sheet_name} sheet, row 1"
    names = [str(c).strip() if c is not None else "" for c in cells]
    problems = []
    for number, name in enumerate(names, start=1):
        if not name:
            continue
        if name not in level.names:
            expected = ", ".join(level.names)
            problems.append(Problem(where, name, f"is not a column here; expected {expected}."))
        elif names.index(name) != number - 1:
            problems.append(Problem(where, name, "appears twice; keep one column of it."))
    for column in level.columns:
        if column.required and column.name not in names:
            problems.append(Problem(where, column.name, "this column is missing."))
    return problems


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_sheet(sheet_name: str, level: Level, sheet: object, document: Document) -> list[Problem]:
    lines = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    headings: tuple[object, ...] = next(lines, ())
    problems = _headings(sheet_name, level, headings)
    if problems:
        document.broken.add(level.key)
        return problems
    names = [str(c).strip() if c is not None else "" for c in headings]
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=2):
        if all(_blank(c) for c in cells):
            continue
        if number > MAX_ROWS:
            document.broken.add(level.key)
            return [Problem(f"{sheet_name} sheet", "", f"has more than {MAX_ROWS} rows.")]
        where = f"{sheet_name} sheet, row {number}"
        values = {name: cell for name, cell in zip(names, cells, strict=False) if name}
        stray = [c for i, c in enumerate(cells) if i >= len(names) or not names[i]]
        if not all(_blank(c) for c in stray):
            problems.append(Problem(where, "", "has a value in a column without a heading."))
        rows.append(Row(where, values))
    document.rows[level.key] = rows
    return problems


def read_excel(content: bytes) -> tuple[Document, list[Problem]]:
    """The rows of an Excel strategy file, and what is wrong with its shape."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        return Document(), [Problem("The file", "", "is not an Excel workbook (.xlsx).")]
    document = Document()
    problems: list[Problem] = []
    try:
        for name in workbook.sheetnames:
            level = LEVELS_BY_SHEET.get(name.strip())
            if level is None:
                expected = ", ".join(LEVELS_BY_SHEET)
                problems.append(
                    Problem(f"{name} sheet", "", f"is not a level; expected {expected}.")
                )
                continue
            problems += _read_sheet(name, level, workbook[name], document)
    finally:
        workbook.close()
    return document, problems
