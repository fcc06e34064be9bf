"""Reading a BAF workbook into checked rows, before anything in the database is touched.

Every sheet of `exchange.SHEETS` must be there with its required columns. Each cell is
turned into its type (text, lines, a 1-5 rating, a date, a choice, yes or no) and each
mistake becomes a `Problem` naming the sheet, row and field. Derived columns (scores,
bands, summaries) are skipped. Names of people, committees and so on are resolved
later, by `exchange_import`, against the organisation.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from lodestar.risk.exchange import (
    ACTIONS,
    ASSURANCES,
    BAF,
    CONTROLS,
    SHEETS,
    Column,
    Kind,
    Problem,
    Sheet,
)

# A spreadsheet this long is not a BAF; stop before it costs the server.
MAX_ROWS = 2000


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int
    values: dict[str, Any]

    def problem(self, heading: str, message: str) -> Problem:
        return Problem(self.sheet, self.number, heading, message)

    def values_for(self, *names: str) -> dict[str, Any]:
        return {name: self.values[name] for name in names}


@dataclass
class Workbook:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# --- Choices ---------------------------------------------------------------------------

_Chooser = Callable[[str], object]


def _words(*pairs: tuple[tuple[str, ...], object]) -> Callable[[str], object]:
    table = {word: value for words, value in pairs for word in words}

    def choose(text: str) -> object:
        plain = re.sub(r"\s+", " ", text.strip().lower())
        if plain in table:
            return table[plain]
        # "First line: management reports" and "Green, on track" read by their first word.
        first = re.split(r"[\s:–-]+", plain, maxsplit=1)[0]
        return table.get(first)

    return choose


_CHOICES: dict[tuple[str, str], tuple[_Chooser, str]] = {
    (BAF.name, "status"): (
        _words((("open",), "open"), (("closed",), "closed"), (("merged",), "merged")),
        "Open, Closed or Merged",
    ),
    (CONTROLS.name, "kind"): (
        _words(
            (("key control", "control", "key"), "control"),
            (("gap in control", "gap"), "gap"),
        ),
        "Key control or Gap in control",
    ),
    (ASSURANCES.name, "line"): (
        _words(
            (("first", "1st", "1"), "first"),
            (("second", "2nd", "2"), "second"),
            (("third", "3rd", "3"), "third"),
        ),
        "First line, Second line or Third line",
    ),
    (ASSURANCES.name, "positive"): (
        _words((("positive", "+", "yes"), True), (("negative", "-", "no"), False)),
        "Positive or Negative",
    ),
    (ASSURANCES.name, "level"): (
        _words(
            (("substantial",), "substantial"),
            (("reasonable",), "reasonable"),
            (("limited",), "limited"),
            (("none",), "none"),
        ),
        "Substantial, Reasonable, Limited or None",
    ),
    (ACTIONS.name, "status"): (
        _words(
            (("blue",), "blue"), (("green",), "green"), (("amber",), "amber"), (("red",), "red")
        ),
        "Blue, Green, Amber or Red",
    ),
}


# --- Cells -----------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message says why."""


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value).strip()


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rating(value: object) -> int:
    """A likelihood or consequence: a whole number from 1 to 5 (NPSA 2008)."""
    number: float | None = None
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric or (isinstance(value, str) and re.fullmatch(r"\s*\d+(\.0+)?\s*", value)):
        number = float(value)  # type: ignore[arg-type]
    if number is None or not number.is_integer() or not 1 <= number <= 5:
        raise CellError(f"{_shown(value)} is not a rating from 1 to 5")
    return int(number)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")


def read_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _shown(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise CellError(f"{text} is not a date; write it like 2026-03-31 or 31/03/2026")


def read_lines(value: object) -> list[str]:
    """One item a line; bullets and numbering that a person may add are dropped."""
    lines = (re.sub(r"^\s*(?:[•*-]|\d+[.)])\s+", "", line) for line in _shown(value).splitlines())
    return [line.strip() for line in lines if line.strip()]


def read_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _shown(value).lower()
    if text in {"yes", "y", "true", "1"}:
        return True
    if text in {"no", "n", "false", "0"}:
        return False
    raise CellError(f"{_shown(value)} is not Yes or No")


def read_cell(sheet: Sheet, column: Column, value: object) -> object:
    """The value of one filled cell, or CellError saying what is wrong with it."""
    if column.kind == Kind.RATING:
        return read_rating(value)
    if column.kind == Kind.DATE:
        return read_date(value)
    if column.kind == Kind.LINES:
        return read_lines(value)
    if column.kind == Kind.YES_NO:
        return read_yes_no(value)
    if column.kind == Kind.CHOICE:
        choose, expected = _CHOICES[(sheet.name, column.key)]
        chosen = choose(_shown(value))
        if chosen is None:
            raise CellError(f"{_shown(value)} is not one of {expected}")
        return chosen
    return _shown(value)


# --- Sheets ----------------------------------------------------------------------------


def _normal(heading: object) -> str:
    return re.sub(r"\s+", " ", _shown(heading)).lower() if not blank(heading) else ""


def _columns(
    sheet: Sheet, headings: tuple[object, ...]
) -> tuple[list[Column | None], list[Problem]]:
    """Which column each position holds, and what is wrong with the heading row."""
    known = {c.heading.lower(): c for c in sheet.columns}
    found: list[Column | None] = []
    problems: list[Problem] = []
    for heading in headings:
        name = _normal(heading)
        column = known.get(name)
        if name and column is None:
            problems.append(
                Problem(sheet.name, 1, _shown(heading), "is not a column of this sheet")
            )
        elif column is not None and column in found:
            problems.append(Problem(sheet.name, 1, column.heading, "appears twice; keep one"))
        found.append(column)
    for column in sheet.columns:
        if column.required and column not in found:
            problems.append(Problem(sheet.name, 1, column.heading, "this column is missing"))
    return found, problems


def _read_row(
    sheet: Sheet, columns: list[Column | None], number: int, cells: tuple[object, ...]
) -> tuple[Row, list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, value in zip(columns, cells, strict=False):
        if column is None or column.kind == Kind.DERIVED:
            if column is None and not blank(value):
                problems.append(
                    Problem(sheet.name, number, "", "has a value in a column without a heading")
                )
            continue
        if blank(value):
            if column.required:
                problems.append(Problem(sheet.name, number, column.heading, "is empty"))
            continue
        try:
            values[column.key] = read_cell(sheet, column, value)
        except CellError as e:
            problems.append(Problem(sheet.name, number, column.heading, str(e)))
    return Row(sheet.name, number, values), problems


def _read_sheet(sheet: Sheet, worksheet: Any, into: Workbook) -> None:
    lines = worksheet.iter_rows(values_only=True)
    columns, problems = _columns(sheet, next(lines, ()))
    into.problems += problems
    if problems:
        return
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=2):
        if all(blank(c) for c in cells):
            continue
        if number > MAX_ROWS:
            into.problems.append(Problem(sheet.name, None, "", f"has more than {MAX_ROWS} rows"))
            return
        row, found = _read_row(sheet, columns, number, cells)
        into.problems += found
        rows.append(row)
    into.rows[sheet.name] = rows


def read_workbook(content: bytes) -> Workbook:
    """The rows of each sheet, typed, and every problem with the workbook's shape or cells."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _DAMAGED:
        return Workbook(problems=[_damaged()])
    try:
        return _read_sheets(book)
    except _DAMAGED:
        # A workbook whose parts open but whose sheets cannot be read is damaged too.
        return Workbook(problems=[_damaged()])
    finally:
        book.close()


# What openpyxl raises for a file that is not a workbook, or a broken one (a bad zip,
# missing parts, XML that does not parse: ParseError is a SyntaxError).
_DAMAGED = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    SyntaxError,
)


def _damaged() -> Problem:
    return Problem("", None, "", "it is not an Excel workbook (.xlsx), or it is damaged")


def _read_sheets(book: Any) -> Workbook:
    result = Workbook()
    names = {name.strip().lower(): name for name in book.sheetnames}
    for sheet in SHEETS:
        name = names.get(sheet.name.lower())
        if name is None:
            expected = ", ".join(s.name for s in SHEETS)
            message = f"the workbook has no {sheet.name} sheet; it needs {expected}"
            result.problems.append(Problem("", None, "", message))
            continue
        _read_sheet(sheet, book[name], result)
    return result
