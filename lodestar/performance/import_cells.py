"""Reading the cells of a file of observations: the rows of a CSV file or an Excel sheet,
and the numbers, dates and periods in them, each refused with a message a person can act
on. `imports` puts the messages together with the file, row and field."""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from lodestar.performance.models import Frequency, Metric, Unit
from lodestar.performance.services import MAX_MAGNITUDE, RATIO_TOLERANCE

# A workbook is a zip: refuse one that would unpack to far more than any real file.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
NOTE_LENGTH = 300
SHEET_NAME = "observations"

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
# Plain decimal numbers only: float() would also take "1_000", "nan" and "infinity".
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# What a damaged or disguised workbook can raise while it is opened or read (SyntaxError
# is the XML parser's ParseError).
WORKBOOK_ERRORS = (
    *(zipfile.BadZipFile, zlib.error, InvalidFileException, EOFError, OSError),
    *(KeyError, ValueError, TypeError, IndexError, AttributeError, SyntaxError),
)


class Unreadable(Exception):  # noqa: N818 - says what it is, like Django's Http404
    """The file cannot be read at all; `row` is where it goes wrong, if known."""

    def __init__(self, row: int | None, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


def csv_lines(content: bytes) -> Iterator[Sequence[object]]:
    """The rows of a CSV file as lists of text."""
    try:
        # utf-8-sig drops the byte order mark Excel writes at the start of "CSV UTF-8".
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        row = content[: e.start].count(b"\n") + 1
        message = (
            'the file is not UTF-8 text. In Excel, save it as "CSV UTF-8 (Comma delimited)" '
            "and upload it again."
        )
        raise Unreadable(row, message) from e
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        message = "the file contains a NUL character, so it cannot be a CSV file."
        raise Unreadable(row, message)
    yield from csv.reader(io.StringIO(text, newline=""))


def unpacked_size(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def workbook_lines(content: bytes) -> Iterator[Sequence[object]]:
    """The rows of the sheet named "observations", or else of the first sheet."""
    if unpacked_size(content) > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // (1024 * 1024)
        raise Unreadable(None, f"the workbook would be larger than {limit} MB once unpacked.")
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet = workbook[names.get(SHEET_NAME, workbook.sheetnames[0])]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def shown(cell: object) -> str:
    text = str(cell).strip()
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


class Bad(Exception):  # noqa: N818 - a signal to the reader, which reports it
    """A value is wrong; the message says how. `field` names another field to blame."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def note(cell: object) -> str:
    text = "" if blank(cell) else str(cell).strip()
    if len(text) > NOTE_LENGTH:
        raise Bad(f"the note is {len(text)} characters long; the limit is {NOTE_LENGTH}.")
    if "\x00" in text:
        raise Bad("the note contains a NUL character, which is not allowed.")
    return text


def number(cell: object) -> float | None:
    """A finite number, or None for a blank cell."""
    if blank(cell):
        return None
    if isinstance(cell, bool):
        raise Bad(f"{shown(cell)} is not a number.")
    if isinstance(cell, int | float):
        found = float(cell)
    else:
        text = str(cell).strip()
        if not _NUMBER.fullmatch(text):
            hint = " Leave out thousands separators and % signs." if text[:1].isdigit() else ""
            raise Bad(f"{shown(cell)} is not a number.{hint}")
        found = float(text)
    if not math.isfinite(found) or abs(found) > MAX_MAGNITUDE:
        raise Bad(f"{shown(cell)} is too large; numbers must be below {MAX_MAGNITUDE:,.0f}.")
    return found


def day_of(cell: object) -> tuple[datetime.date, bool]:
    """The date a cell gives, and whether it gave only a month (YYYY-MM)."""
    if isinstance(cell, datetime.datetime):
        if cell.time() != datetime.time(0):
            raise Bad(f"{cell:%Y-%m-%d %H:%M} has a time of day; give the date only.")
        return cell.date(), False
    if isinstance(cell, datetime.date):
        return cell, False
    text = "" if cell is None else str(cell).strip()
    if not text:
        raise Bad("the cell is blank; give the period as YYYY-MM-DD, like 2025-04-01.")
    try:
        if _DAY.fullmatch(text):
            return datetime.date.fromisoformat(text), False
        if month := _MONTH.fullmatch(text):
            return datetime.date(int(month[1]), int(month[2]), 1), True
    except ValueError:
        raise Bad(f"{shown(cell)} is not a date in the calendar.") from None
    # Excel rewrites ISO dates in a CSV in the computer's own format when it saves it.
    hint = (
        " If Excel changed the dates on saving, upload the workbook instead."
        if "/" in text
        else ""
    )
    raise Bad(
        f"{shown(cell)} is not a date. Write it as YYYY-MM-DD, like 2025-04-01, "
        f"or as YYYY-MM for a monthly or quarterly metric.{hint}"
    )


def period_start(day: datetime.date, frequency: str) -> datetime.date:
    """The first day of the day, week (Monday), month or quarter that holds `day`."""
    if frequency == Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    if frequency == Frequency.QUARTERLY:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day


def period(cell: object, metric: Metric | None) -> datetime.date:
    day, month_only = day_of(cell)
    if metric is None:
        return day
    frequency = metric.frequency
    label = metric.get_frequency_display().lower()
    if month_only and frequency in (Frequency.DAILY, Frequency.WEEKLY):
        raise Bad(f"{shown(cell)} is a month; give a date (YYYY-MM-DD) for a {label} metric.")
    start = period_start(day, frequency)
    if start == day:
        return day
    if frequency == Frequency.WEEKLY:
        raise Bad(
            f"{day.isoformat()} is a {day:%A}; weekly periods start on a Monday, "
            f"so this week is {start.isoformat()}."
        )
    if frequency == Frequency.MONTHLY:
        raise Bad(
            f"{day.isoformat()} is not the start of a month; "
            f"give {start.isoformat()} or {start:%Y-%m}."
        )
    raise Bad(
        f"{day.isoformat()} is not the start of a quarter (1 January, April, July or "
        f"October); this quarter starts {start.isoformat()}."
    )


def expected_value(metric: Metric, numerator: float, denominator: float) -> float:
    """The value a numerator and denominator give (x 100 for percentages), as the services
    check it."""
    return numerator / denominator * (100 if metric.unit == Unit.PERCENT else 1)


def rate(
    metric: Metric | None, value: float | None, numerator: float | None, den: float | None
) -> float | None:
    """The value, checked against (or worked out from) the numerator and denominator."""
    if numerator is None and den is None:
        if value is None:
            raise Bad("the cell is blank; give a number.")
        return value
    if den is None or numerator is None:
        missing = "denominator" if den is None else "numerator"
        raise Bad(
            "the cell is blank; give both a numerator and a denominator, or neither.", missing
        )
    if den <= 0:
        raise Bad(f"{den:g} is not allowed; a denominator must be more than 0.", "denominator")
    if metric is None:  # already reported: there is nothing to check against
        return value
    expected = expected_value(metric, numerator, den)
    if value is not None and not math.isclose(value, expected, rel_tol=RATIO_TOLERANCE):
        percent = " (as a percentage)" if metric.unit == Unit.PERCENT else ""
        raise Bad(
            f"{value:g} does not agree with {numerator:g} / {den:g}, which gives "
            f"{expected:.6g}{percent}. Correct one of them, or leave the value blank "
            "to have it worked out."
        )
    return expected if value is None else value
