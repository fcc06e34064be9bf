"""Observations from a CSV or Excel file in long format, saved all or nothing.

A file has a heading row and then one row per observation: `metric` (the metric's code),
`period`, `value`, and optionally `numerator`, `denominator` and `note`, in any order and
any case. Every problem found is reported with the file, the row as a spreadsheet numbers
it (the heading row is row 1) and the field, so one attempt lists all that needs fixing.
A file with any problem changes nothing; a clean one is saved in one transaction through
`services.record_observations`, which writes one audit entry per metric.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.performance import import_cells, services
from lodestar.performance.import_cells import WORKBOOK_ERRORS, Bad, Unreadable, blank, shown
from lodestar.performance.models import Metric
from lodestar.performance.services import ObservationRow, Recorded

if TYPE_CHECKING:
    from lodestar.accounts.models import User
    from lodestar.core.models import Organisation

REQUIRED = ("metric", "period", "value")
OPTIONAL = ("numerator", "denominator", "note")
COLUMNS = (*REQUIRED, *OPTIONAL)
SUFFIXES = (".csv", ".xlsx")
# Ten years of daily data for a few dozen metrics fits well inside these.
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
# Past this many problems the file is probably laid out differently from what we
# expect; the first ones say how.
MAX_PROBLEMS = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: "ae.csv, row 14", field "value"."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.where}, field {self.field}" if self.field else self.where
        return f"{place}: {self.message}"


class ImportFileError(Exception):
    """The file cannot be imported; nothing was saved."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
        )


@dataclass(frozen=True)
class ParsedRow:
    row: int
    metric: Metric
    observation: ObservationRow


@dataclass(frozen=True)
class MetricImported:
    metric: Metric
    rows: int
    recorded: Recorded


@dataclass(frozen=True)
class ImportResult:
    filename: str
    metrics: list[MetricImported]

    @property
    def rows(self) -> int:
        return sum(m.rows for m in self.metrics)

    @property
    def created(self) -> int:
        return sum(m.recorded.created for m in self.metrics)

    @property
    def changed(self) -> int:
        return sum(m.recorded.changed for m in self.metrics)

    @property
    def unchanged(self) -> int:
        return sum(m.recorded.unchanged for m in self.metrics)


def clean_filename(name: str) -> str:
    """The file's own name, without folders or control characters, for messages and audit."""
    base = PurePath(name.replace("\\", "/")).name
    return _CONTROL.sub("", base)[:100] or "The file"


def import_observations(
    actor: User | None, organisation: Organisation, filename: str, content: bytes
) -> ImportResult:
    """Save every observation in the file, or raise ImportFileError and save nothing.

    `actor` is None for the system (the demo data); a person needs SUBMIT_METRIC_DATA.
    """
    if actor is not None:
        require(actor, organisation, Capability.SUBMIT_METRIC_DATA)
    name = clean_filename(filename)
    metrics = Metric.objects.filter(organisation=organisation).order_by("code")
    rows = read_observations(name, content, {m.code: m for m in metrics})
    return _apply(actor, name, rows)


def read_observations(
    filename: str, content: bytes, metrics: Mapping[str, Metric]
) -> list[ParsedRow]:
    """Every row of the file checked against the organisation's metrics (code -> metric)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError([Problem(filename, "", "choose a .csv or .xlsx file.")])
    if len(content) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise ImportFileError([Problem(filename, "", f"the file is larger than {limit} MB.")])
    reader = _Reader(filename, metrics)
    if suffix == ".csv":
        reader.read_csv(content)
    else:
        reader.read_workbook(content)
    return reader.result()


# --- checking the rows ------------------------------------------------------------------


_T = TypeVar("_T")


class _Failed:
    """Stands for a field whose problem has already been reported."""


FAILED = _Failed()


class _Reader:
    """Reads rows into observations, collecting every problem on the way."""

    def __init__(self, filename: str, metrics: Mapping[str, Metric]) -> None:
        self.filename = filename
        self.metrics = dict(metrics)
        self.folded = {code.casefold(): m for code, m in metrics.items()}
        self.problems: list[Problem] = []
        self.rows: list[ParsedRow] = []
        self.seen: dict[tuple[int, datetime.date], int] = {}
        self.unknown: dict[str, int] = {}
        self.last = 0  # the number of the last row read

    def add(self, row: int | None, field: str, message: str) -> None:
        where = self.filename if row is None else f"{self.filename}, row {row}"
        self.problems.append(Problem(where, field, message))

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def fail(self, row: int | None, message: str) -> ImportFileError:
        self.add(row, "", message)
        return ImportFileError(self.problems)

    def read_csv(self, content: bytes) -> None:
        try:
            self.read(import_cells.csv_lines(content))
        except Unreadable as e:
            raise self.fail(e.row, e.message) from e
        except csv.Error as e:
            # Such as a cell longer than the CSV reader allows (131,072 characters).
            raise self.fail(self.last + 1, f"this row cannot be read as CSV: {e}.") from e

    def read_workbook(self, content: bytes) -> None:
        try:
            self.read(import_cells.workbook_lines(content))
        except Unreadable as e:
            raise self.fail(e.row, e.message) from e
        except WORKBOOK_ERRORS as e:
            message = "the file is not an Excel workbook (.xlsx), or it is damaged."
            raise self.fail(None, message) from e

    def read(self, lines: Iterable[Sequence[object]]) -> None:
        numbered = enumerate(lines, start=1)
        first = next(numbered, None)
        if first is None:
            raise self.fail(None, "the file is empty; the first row must name the columns.")
        self.last = 1
        names = self.headings(first[1])
        data_rows = 0
        for number, cells in numbered:
            self.last = number
            if all(blank(c) for c in cells):
                if number > 2 * MAX_ROWS:
                    raise self.fail(None, f"the file has more than {2 * MAX_ROWS:,} rows.")
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                # The problems found so far matter less than this one.
                message = f"the file has more than {MAX_ROWS:,} rows of data; split it up."
                raise ImportFileError([Problem(self.filename, "", message)])
            self.row(number, names, cells)
            if self.full:
                self.add(None, "", f"checking stopped after {MAX_PROBLEMS} problems.")
                return
        if data_rows == 0:
            self.add(None, "", "the file has headings but no rows of data.")

    def headings(self, cells: Sequence[object]) -> list[str]:
        names = ["" if blank(c) else str(c).strip().lower() for c in cells]
        for name in names:
            if name and name not in COLUMNS:
                known = ", ".join(COLUMNS)
                self.add(1, name[:40], f"{shown(name)} is not a column we know; use {known}.")
        for name in sorted({n for n in names if n and names.count(n) > 1}):
            self.add(1, name, "this column appears more than once; keep one.")
        for name in REQUIRED:
            if name not in names:
                self.add(1, name, "this column is missing.")
        if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
            self.add(1, "", "the columns must be separated by commas.")
        if self.problems:
            raise ImportFileError(self.problems)
        return names

    def row(self, number: int, names: list[str], cells: Sequence[object]) -> None:
        values: dict[str, object] = {}
        for index, cell in enumerate(cells):
            name = names[index] if index < len(names) else ""
            if name:
                values[name] = cell
            elif not blank(cell):
                self.add(number, "", f"{shown(cell)} is in a column without a heading.")
        metric = self.metric(number, values.get("metric"))
        parsed = self.fields(number, values, metric)
        if parsed is None or metric is None:
            return
        period = parsed.period
        first = self.seen.setdefault((metric.pk, period), number)
        if first != number:
            self.add(
                number,
                "period",
                f"{metric.code} for {period.isoformat()} is also in row {first}; "
                "keep one row for each metric and period.",
            )
            return
        self.rows.append(ParsedRow(number, metric, parsed))

    def metric(self, number: int, cell: object) -> Metric | None:
        code = "" if blank(cell) else str(cell).strip()
        if not code:
            self.add(number, "metric", "the cell is blank; give the metric's code.")
            return None
        metric = self.metrics.get(code) or self.folded.get(code.casefold())
        if metric is None:
            self.add(number, "metric", self.unknown_code(code, number))
            return None
        if not metric.active:
            self.add(
                number,
                "metric",
                f"'{metric.code}' ({metric.name}) is no longer active; "
                "make it active again before adding data to it.",
            )
            return None
        return metric

    def unknown_code(self, code: str, number: int) -> str:
        first = self.unknown.setdefault(code, number)
        if first != number:
            return f"{shown(code)} is not a metric code here (see row {first})."
        active = [c for c, m in self.metrics.items() if m.active]
        if not active:
            return f"{shown(code)} is not a metric code here, and there are no metrics yet."
        close = difflib.get_close_matches(code, active, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        listed = ", ".join(active[:8]) + (
            f" and {len(active) - 8} more" if len(active) > 8 else ""
        )
        return f"{shown(code)} is not a metric code here.{hint} Codes here: {listed}."

    def field(
        self, number: int, name: str, parse: Callable[[object], _T], cell: object
    ) -> _T | _Failed:
        try:
            return parse(cell)
        except Bad as e:
            self.add(number, e.field or name, str(e))
            return FAILED

    def fields(
        self, number: int, values: dict[str, object], metric: Metric | None
    ) -> ObservationRow | None:
        period = self.field(
            number, "period", lambda c: import_cells.period(c, metric), values.get("period")
        )
        value = self.field(number, "value", import_cells.number, values.get("value"))
        numerator = self.field(number, "numerator", import_cells.number, values.get("numerator"))
        denominator = self.field(
            number, "denominator", import_cells.number, values.get("denominator")
        )
        checked: float | _Failed | None = FAILED
        if not (
            isinstance(value, _Failed)
            or isinstance(numerator, _Failed)
            or isinstance(denominator, _Failed)
        ):
            given = (value, numerator, denominator)
            checked = self.field(
                number, "value", lambda _: import_cells.rate(metric, *given), None
            )
        note = self.field(number, "note", import_cells.note, values.get("note"))
        if (
            isinstance(period, _Failed)
            or isinstance(checked, _Failed)
            or isinstance(note, _Failed)
            or checked is None
        ):
            return None
        return ObservationRow(period, checked, *given[1:], note)

    def result(self) -> list[ParsedRow]:
        if self.problems:
            raise ImportFileError(self.problems)
        return self.rows


# --- saving -----------------------------------------------------------------------------


def _apply(actor: User | None, filename: str, rows: list[ParsedRow]) -> ImportResult:
    batches: dict[int, list[ParsedRow]] = {}
    for row in rows:
        batches.setdefault(row.metric.pk, []).append(row)
    # The services' own checks, row by row, so that a refusal names the row at fault.
    problems = [
        Problem(f"{filename}, row {batch[p.index].row}", p.field, p.message)
        for batch in batches.values()
        for p in services.check_observation_rows(
            batch[0].metric, [row.observation for row in batch]
        )
    ]
    if problems:
        raise ImportFileError(problems[:MAX_PROBLEMS])
    done: list[MetricImported] = []
    with transaction.atomic():
        for batch in batches.values():
            metric = batch[0].metric
            try:
                recorded = services.record_observations(
                    actor, metric, [row.observation for row in batch], f"Imported from {filename}"
                )
            except ValidationError as e:
                # Raising inside the transaction undoes the metrics already saved.
                raise ImportFileError(_refusals(filename, batch, e)) from e
            done.append(MetricImported(metric, len(batch), recorded))
    return ImportResult(filename, done)


def _refusals(filename: str, batch: list[ParsedRow], error: ValidationError) -> list[Problem]:
    """A service's refusal, placed at the row it is about where the message names a period."""
    rows = {row.observation.period.isoformat(): row.row for row in batch}
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    problems = []
    for name, messages in fields.items():
        for message in messages:
            row = next((r for period, r in rows.items() if message.startswith(period)), None)
            where = f"{filename}, row {row}" if row else f"{filename}, {batch[0].metric.code}"
            problems.append(Problem(where, "" if name == "__all__" else name, message))
    return problems
