"""Turn columns of data into a validated, sorted `Batch` for the engine (spc-method.md 1.1-1.2).

Everything a caller can get wrong is caught here, with an `SpcInputError` naming the series
and the row: a value that is not a number, a missing or unreadable date, a date that appears
twice in one series, an unknown improvement direction, a fix-after below 12, and per-row
options (target, direction, fix-after, screening) that disagree within one series.

Options may be given once for every series (a scalar) or per row (an array as long as the
data), which is how a long CSV file or a DataFrame carries per-series settings: every row of
a series must then agree, except that a missing target (NaN) on some rows simply does not
repeat the target given on others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lodestar.performance.spc import labels
from lodestar.performance.spc.engine import Batch
from lodestar.performance.spc.errors import SpcInputError

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
_Label = Callable[[int], str]
#: A column of input: a numpy array, a list (of numbers, dates, text, None...), a Series.
Column = npt.ArrayLike | Sequence[Any]
_WORDS = {code: word for word, code in labels.DIRECTION_CODES.items()}

#: spc-method.md 1.1: `fix_after_n_points` must be NULL or at least 12.
MIN_FIX_AFTER = 12
DATE_UNIT = "datetime64[s]"


def prepare(
    series: Column | None,
    dates: Column,
    values: Column,
    *,
    improvement_direction: str | Column = "increase",
    target: float | Column | None = None,
    rebase: Column | None = None,
    rebase_dates: Column = (),
    fix_after: int | Column | None = None,
    screen_outliers: bool | Column = True,
    row_labels: Sequence[str] | None = None,
) -> Batch:
    """Validate and sort many series for `lodestar.performance.spc.engine.analyse`.

    Parameters
    ----------
    series : array_like of str, or None
        The series (facet) of each row; None makes every row one series named "".
    dates : array_like
        Dates or datetimes (datetime64, `datetime.date`, or ISO 8601 strings).
    values : array_like
        Numbers; NaN or None for a missing value (see `engine.analyse` for what that does).
    improvement_direction : {"increase", "decrease", "neutral"} or array_like of str
    target : float, None, or array_like of float
        None or NaN for no target.
    rebase : array_like of bool, optional
        True on a row that starts a new baseline (spc-method.md 1.2).
    rebase_dates : array_like
        Dates that start a new baseline in every series; a date matching no row does nothing.
    fix_after : int, None, or array_like of int
        Limits from the first n points of each baseline; n >= 12 (spc-method.md 1.1). 0 or
        None for no fix.
    screen_outliers : bool or array_like of bool
        Screen moving ranges at 3.267 x their mean (spc-method.md 1.3 step 5).
    row_labels : sequence of str, optional
        How to name input rows in error messages (default: 0-based positions).

    Returns
    -------
    Batch

    Raises
    ------
    SpcInputError
        Naming the series, row and column at fault.
    """
    label = _labeller(row_labels)
    y = as_values(values, label)
    when = as_dates(dates, label)
    if when.size != y.size:
        raise SpcInputError(f"{when.size} dates for {y.size} values")
    names, codes = _series_codes(series, y.size)
    begins = _per_row(rebase, False, y.size, np.bool_) | np.isin(when, _dates(rebase_dates))
    order = np.lexsort((when, codes)).astype(np.intp)
    codes, when, y, begins = codes[order], when[order], y[order], begins[order]
    _refuse_duplicate_dates(names, codes, when, order, label)
    per = _PerSeries(names, codes, order, label)
    return Batch(
        names=names,
        series=codes,
        dates=when,
        values=y,
        rebase=begins,
        order=order,
        direction=per.directions(improvement_direction),
        target=per.targets(target),
        fix_after=per.fix_after(fix_after),
        screen_outliers=per.values(screen_outliers, np.bool_, "screen_outliers"),
    )


def as_values(values: Column, label: _Label, column: str = "value") -> Floats:
    """Convert values to float64, refusing text, true/false and infinities (spc-method.md 1.1).

    Parameters
    ----------
    values : array_like
    label : callable
        Names a row from its input position.
    column : str
        The column named in errors.

    Returns
    -------
    ndarray of float64
        None and NaN become NaN (missing).
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "iuf":
        y = arr.astype(np.float64).reshape(-1)
    else:
        # Keep each item's own type: a list mixing numbers and text must not become text.
        items = arr if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        y = _object_floats(items.astype(object).reshape(-1), label, column)
    bad = np.flatnonzero(np.isinf(y))
    if bad.size:
        raise SpcInputError("the value is infinite", row=label(int(bad[0])), column=column)
    return y


def as_dates(dates: Column, label: _Label) -> npt.NDArray[np.datetime64]:
    """Convert dates to datetime64, refusing missing and unreadable ones (spc-method.md 1.1).

    Parameters
    ----------
    dates : array_like
    label : callable

    Returns
    -------
    ndarray of datetime64[s]
    """
    try:
        when = np.asarray(dates).astype(DATE_UNIT)
    except (TypeError, ValueError):
        raw = np.asarray(dates, dtype=object)
        for i, d in enumerate(raw):
            try:
                np.datetime64(d, "s")
            except (TypeError, ValueError):
                raise SpcInputError(
                    f"{d!r} is not a date (use YYYY-MM-DD)", row=label(i), column="date"
                ) from None
        raise SpcInputError("the dates mix kinds numpy cannot compare", column="date") from None
    missing = np.flatnonzero(np.isnat(when))
    if missing.size:
        raise SpcInputError("the date is missing", row=label(int(missing[0])), column="date")
    return when


def _dates(dates: Column) -> npt.NDArray[np.datetime64]:
    try:
        return np.asarray(dates).astype(DATE_UNIT)
    except (TypeError, ValueError):
        raise SpcInputError(f"rebase dates {dates!r} are not all dates") from None


def _labeller(row_labels: Sequence[str] | None) -> _Label:
    if row_labels is None:
        return str
    return lambda i: row_labels[i]


def _object_floats(raw: npt.NDArray[Any], label: _Label, column: str) -> Floats:
    """The slow path: convert one by one so that the first bad row can be named."""
    out = np.empty(raw.size, dtype=np.float64)
    for i, v in enumerate(raw):
        if v is None:
            out[i] = np.nan
            continue
        try:
            if isinstance(v, str | bytes | bool | np.bool_):
                raise TypeError
            out[i] = float(v)
        except (TypeError, ValueError):
            raise SpcInputError(f"{v!r} is not a number", row=label(i), column=column) from None
    return out


def _series_codes(series: Column | None, n: int) -> tuple[npt.NDArray[np.str_], Ints]:
    if series is None:
        return np.array([""]), np.zeros(n, dtype=np.intp)
    names, codes = np.unique(np.asarray(series).astype(np.str_), return_inverse=True)
    if codes.size != n:
        raise SpcInputError(f"{codes.size} series names for {n} values")
    return names, codes.astype(np.intp)


def _refuse_duplicate_dates(
    names: npt.NDArray[np.str_],
    codes: Ints,
    when: npt.NDArray[np.datetime64],
    order: Ints,
    label: _Label,
) -> None:
    """spc-method.md 1.1: within a series a date may appear only once."""
    twice = np.flatnonzero((codes[1:] == codes[:-1]) & (when[1:] == when[:-1]))
    if twice.size:
        i = int(twice[0])
        first, second = sorted((int(order[i]), int(order[i + 1])))
        raise SpcInputError(
            f"the date {np.datetime_as_string(when[i], unit='D')} appears twice in the series "
            f"(also on row {label(first)})",
            series=str(names[codes[i]]),
            row=label(second),
            column="date",
        )


def _per_row(value: Any, default: Any, n: int, dtype: type[np.generic]) -> npt.NDArray[Any]:
    if value is None:
        value = default
    arr = np.asarray(value)
    if arr.ndim == 0:
        return np.full(n, arr, dtype=dtype)
    if arr.size != n:
        raise SpcInputError(f"{arr.size} per-row settings for {n} values")
    return arr.astype(dtype)


class _PerSeries:
    """Reduces per-row options to one value per series, refusing disagreements."""

    def __init__(
        self, names: npt.NDArray[np.str_], codes: Ints, order: Ints, label: _Label
    ) -> None:
        self.names, self.codes, self.order, self.label = names, codes, order, label
        self.starts = np.searchsorted(codes, np.arange(names.size))

    def values(self, value: Any, dtype: type[np.generic], column: str) -> npt.NDArray[Any]:
        """One value per series; every row of a series must agree."""
        arr = np.asarray(value)
        if arr.ndim == 0:
            return np.full(self.names.size, arr, dtype=dtype)
        rows = _per_row(arr, None, self.codes.size, dtype)[self.order]
        first = rows[self.starts]
        self._refuse_disagreement(rows != first[self.codes], rows, column)
        return first

    def targets(self, target: float | Column | None) -> Floats:
        """spc-method.md 1.1: one target per series; rows with no target (NaN) do not count."""
        if target is None:
            return np.full(self.names.size, np.nan)
        rows = as_values(target, self.label, "target")
        if np.ndim(target) == 0:
            return np.full(self.names.size, rows[0])
        rows = _per_row(rows, None, self.codes.size, np.float64)[self.order]
        given = ~np.isnan(rows)
        where = np.where(given, np.arange(rows.size), rows.size)
        first = np.minimum.reduceat(where, self.starts)  # first row with a target, if any
        chosen = np.append(rows, np.nan)[first]
        self._refuse_disagreement(given & (rows != chosen[self.codes]), rows, "target")
        return chosen

    def directions(self, direction: str | Column) -> npt.NDArray[np.int8]:
        """spc-method.md 1.1: increase, decrease or neutral, as +1, -1 and 0."""
        words = np.asarray(direction).astype(np.str_)
        codes = np.select(
            [words == word for word in labels.DIRECTION_CODES],
            list(labels.DIRECTION_CODES.values()),
            99,
        )
        bad = np.flatnonzero(codes == 99)
        if bad.size:
            i = int(bad[0])
            word = str(words.flat[i])
            where = self.label(i) if words.ndim else None
            raise SpcInputError(
                f"improvement direction {word!r} is not one of increase, decrease, neutral",
                row=where,
                column="improvement_direction",
            )
        return self.values(codes, np.int8, "improvement_direction")

    def fix_after(self, fix: int | Column | None) -> Ints:
        """spc-method.md 1.1: a whole number of at least 12, or none (0 or None)."""
        arr = np.asarray(0 if fix is None else fix)
        rows = np.full(arr.shape, np.nan)
        if arr.dtype.kind in "iuf":
            rows = arr.astype(np.float64)
        ok = (rows == 0) | ((rows >= MIN_FIX_AFTER) & (rows == np.floor(rows)))
        if not ok.all():
            i = int(np.flatnonzero(~np.atleast_1d(ok))[0])
            where = self._name(i) if arr.ndim else {}
            raise SpcInputError(
                "fix_after_n_points must be a single numeric that is greater than or "
                f"equal to 12 (got {arr.flat[i].item()!r})",
                column="fix_after",
                **where,
            )
        return self.values(rows.astype(np.intp), np.intp, "fix_after")

    def _name(self, input_row: int) -> dict[str, str]:
        sorted_row = int(np.flatnonzero(self.order == input_row)[0])
        return {"series": str(self.names[self.codes[sorted_row]]), "row": self.label(input_row)}

    def _refuse_disagreement(self, differs: npt.NDArray[np.bool_], rows: Any, column: str) -> None:
        hits = np.flatnonzero(differs)
        if hits.size:
            i = int(hits[0])
            value = rows[i].item()
            shown = _WORDS.get(value, value) if column == "improvement_direction" else value
            raise SpcInputError(
                f"{column} {shown!r} differs from an earlier row of the same series; "
                "a series has one setting",
                series=str(self.names[self.codes[i]]),
                row=self.label(int(self.order[i])),
                column=column,
            )
