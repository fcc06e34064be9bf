"""CSV in and out for `lodestar spc`: the file formats of the command-line contract.

Reading is the standard library's `csv` module (C-speed) and numpy for turning whole
columns into numbers and dates at once; only when a column fails to convert is it walked
value by value, to name the row at fault. Writing formats each baseline group's mean and
limits once and repeats the strings, since 36 rows share them.

Rows are named as a spreadsheet shows them: the header is row 1, the first data row row 2.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np
import numpy.typing as npt

from lodestar.performance.spc import labels
from lodestar.performance.spc.engine import Result
from lodestar.performance.spc.errors import SpcInputError

Texts = npt.NDArray[np.str_]

#: Cells read as a missing value: blank, and what R and pandas write for one.
MISSING = ("", "NA", "NaN", "nan")

#: Rows read or written per step: large enough for numpy, small enough to bound memory.
CHUNK = 50_000

#: The contract's columns, in order (see `lodestar.performance.spc.cli`).
POINTS_HEADER = (
    "series",
    "date",
    "value",
    "baseline",
    "mean",
    "lower_limit",
    "upper_limit",
    "rule",
    "point_type",
)
SUMMARY_HEADER = (
    "series",
    "points",
    "mean",
    "lower_limit",
    "upper_limit",
    "variation",
    "assurance",
)


@dataclass(frozen=True)
class Table:
    """A CSV file's data rows, column by column, as text."""

    columns: dict[str, Texts]
    rows: npt.NDArray[np.intp]  # spreadsheet row number of each data row

    def __len__(self) -> int:
        return int(self.rows.size)

    def row_label(self, i: int) -> str:
        """Name data row `i` (0-based) as a spreadsheet would."""
        return str(self.rows[i])


class RowLabels(Sequence[str]):
    """Row names for error messages, made only when an error needs one."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self.table.row_label(i)


def read_table(stream: IO[str]) -> Table:
    """Read a CSV file with a header row into text columns.

    The file is read in chunks of `CHUNK` rows, each turned into numpy text columns at once,
    so memory holds numpy arrays rather than a Python string per cell. Wholly empty lines
    are skipped; a row with more or fewer cells than the header is refused.

    Raises
    ------
    SpcInputError
    """
    reader = csv.reader(stream)
    header = next(reader, None)
    if not header:
        raise SpcInputError("the file is empty: it needs a header row")
    header = [h.strip() for h in header]
    parts: list[list[Texts]] = [[] for _ in header]
    rows: list[npt.NDArray[np.intp]] = []
    first_row = 2
    while chunk := list(itertools.islice(reader, CHUNK)):
        kept = _check_widths(chunk, len(header), first_row)
        first_row += len(chunk)
        rows.append(kept)
        if kept.size < len(chunk):
            chunk = [r for r in chunk if r]
        for part, cells in zip(parts, zip(*chunk, strict=True), strict=True):
            part.append(np.array(cells, dtype=np.str_))
    columns = {
        name: np.concatenate(part) if part else np.array([], dtype=np.str_)
        for name, part in zip(header, parts, strict=True)
    }
    return Table(columns, np.concatenate(rows) if rows else np.array([], dtype=np.intp))


def _check_widths(chunk: list[list[str]], width: int, first_row: int) -> npt.NDArray[np.intp]:
    """Spreadsheet row numbers of the chunk's non-empty rows, refusing a ragged row."""
    lengths = np.fromiter(map(len, chunk), dtype=np.intp, count=len(chunk))
    keep = lengths > 0
    wrong = np.flatnonzero(keep & (lengths != width))
    if wrong.size:
        i = int(wrong[0])
        raise SpcInputError(
            f"the row has {lengths[i]} cells but the header has {width}", row=str(first_row + i)
        )
    return (np.flatnonzero(keep) + first_row).astype(np.intp)


def numbers(table: Table, column: str) -> npt.NDArray[np.float64]:
    """Convert a text column to float64; blank, NA and NaN cells become NaN.

    Raises
    ------
    SpcInputError
        Naming the first row whose cell is not a number.
    """
    text = np.char.strip(table.columns[column])
    blank = np.isin(text, MISSING)
    try:
        return np.where(blank, "nan", text).astype(np.float64)
    except ValueError:
        for i, cell in enumerate(text):
            if not blank[i]:
                try:
                    float(cell)
                except ValueError:
                    raise SpcInputError(
                        f"{str(cell)!r} is not a number", row=table.row_label(i), column=column
                    ) from None
        raise


def blank_to_none(text: Texts) -> Texts:
    """Strip cells and turn the missing-value spellings into blanks."""
    text = np.char.strip(text)
    return np.where(np.isin(text, MISSING), "", text)


def write_points(stream: IO[str], result: Result, dates: Texts, values: Texts) -> None:
    """Write one row per point (the points CSV of the contract), sorted by series then date.

    Parameters
    ----------
    stream : text stream
    result : Result
    dates, values : ndarray of str
        The input's date and value cells, in input order, echoed as given.
    """
    batch, lim = result.batch, result.limits
    per_group = [_floats(lim.mean), _floats(lim.lower), _floats(lim.upper)]
    names = _quoted(batch.names)
    rules, types = np.array(labels.RULES), np.array(labels.POINT_TYPES)
    stream.write(",".join(POINTS_HEADER) + "\n")
    for start in range(0, batch.values.size, CHUNK):
        rows = slice(start, start + CHUNK)
        order, group = batch.order[rows], lim.group[rows]
        columns = [
            names[batch.series[rows]],
            dates[order],
            values[order],
            result.baseline[rows].astype(np.str_),
            *(texts[group] for texts in per_group),
            rules[result.rule[rows]],
            types[result.point_type[rows]],
        ]
        lines = map(",".join, zip(*(c.tolist() for c in columns), strict=True))
        stream.write("\n".join(lines) + "\n")


def write_summary(stream: IO[str], result: Result) -> None:
    """Write one row per series (the summary CSV of the contract).

    The limits are those of the series' last point, `variation` is its point type, and
    `assurance` is blank without a target or for a neutral direction.
    """
    batch, lim = result.batch, result.limits
    last_group = lim.group[result.last_row]
    counts = np.diff(np.append(-1, result.last_row))
    columns = [
        _quoted(batch.names).tolist(),
        counts.astype(np.str_).tolist(),
        _floats(lim.mean[last_group]).tolist(),
        _floats(lim.lower[last_group]).tolist(),
        _floats(lim.upper[last_group]).tolist(),
        np.array(labels.POINT_TYPES)[result.point_type[result.last_row]].tolist(),
        np.array(labels.ASSURANCES)[result.assurance].tolist(),
    ]
    stream.write(",".join(SUMMARY_HEADER) + "\n")
    if batch.names.size and batch.values.size:
        stream.write("\n".join(map(",".join, zip(*columns, strict=True))) + "\n")


def _floats(x: npt.NDArray[np.float64]) -> Texts:
    """Shortest text that reads back as the same float; blank for NaN."""
    return np.array(["" if math.isnan(v) else repr(v) for v in x.tolist()], dtype=np.str_)


def _quoted(names: Texts) -> Texts:
    """Series names as CSV cells, quoted only where they need it (RFC 4180)."""
    special = np.char.find(names, ",") >= 0
    for ch in ('"', "\n", "\r"):
        special |= np.char.find(names, ch) >= 0
    quoted = np.char.add(np.char.add('"', np.char.replace(names, '"', '""')), '"')
    return np.where(special, quoted, names)
