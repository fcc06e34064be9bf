"""`lodestar spc`: Making Data Count SPC for CSV files, a stable command-line contract.

    lodestar spc INPUT.csv --points POINTS.csv --summary SUMMARY.csv

Other tools call this, so what it reads and writes changes only with notice. `-` means
standard input or output; with neither --points nor --summary the summary goes to standard
output. Files are UTF-8 (a byte-order mark is ignored) with a header row; output lines end
with a newline.

Input: one row per point, with a date column (YYYY-MM-DD) and a value column (a number;
blank, NA or NaN for a missing value), and a series column (absent: the file is one series,
reported with a blank series name). Optional columns set things per series or row, over
the options: `improvement_direction` (blank: the option), `target` (one number per series;
a series whose target cells are all blank has no target), and `rebase` (1 on a row that
starts a new baseline, 0 on one that does not, blank: as --rebase says).

Points output, sorted by series then date:
    series,date,value,baseline,mean,lower_limit,upper_limit,rule,point_type
`date` and `value` echo the input cells; `baseline` counts rebases from 0; `rule` is the
rule that decided the point by the method's precedence (outside_limits, trend,
two_in_three, shift or none); `point_type` is common_cause, special_cause_improvement,
special_cause_concern, special_cause_neutral_high or special_cause_neutral_low. Unknown
limits (a single point, a constant series) are blank.

Summary output, one row per series:
    series,points,mean,lower_limit,upper_limit,variation,assurance
with the limits of the last point, `variation` the point type of the last point, and
`assurance` consistent_pass, consistent_fail, inconsistent, or blank (no target, or neutral).

Errors are one line on standard error naming the file, row and column, with exit code 2.
Series with a baseline of fewer than 13 points get a warning line (trial limits).

This module imports the standard library and numpy only, never Django: `lodestar spc` is
dispatched here before Django loads (see `lodestar.cli`), so it starts in a fraction of a
second.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, NoReturn

import numpy as np

from lodestar.performance.spc import csvio, labels
from lodestar.performance.spc.engine import SHORT_GROUP, Result, analyse
from lodestar.performance.spc.errors import SpcInputError
from lodestar.performance.spc.prepare import MIN_FIX_AFTER, as_dates, prepare

#: The warning lists at most this many series by name.
NAMED_IN_WARNING = 5


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line, not a usage block: other tools log our standard error.
        self.exit(2, f"lodestar spc: {message} (see lodestar spc --help)\n")


EPILOG = """\
input columns: the series, date (YYYY-MM-DD) and value columns named above; optional
  improvement_direction, target (blank: none) and rebase (1: a new baseline starts here)
  set those per series or row, over the options.
points output:  series,date,value,baseline,mean,lower_limit,upper_limit,rule,point_type
summary output: series,points,mean,lower_limit,upper_limit,variation,assurance
With neither --points nor --summary, the summary goes to standard output. Errors: one
line on standard error and exit code 2.
"""


def build_parser() -> argparse.ArgumentParser:
    """The command's options; its help is the contract in brief."""
    p = _Parser(
        prog="lodestar spc",
        description="Making Data Count SPC (XmR charts) for every series of a CSV file,\n"
        "exactly as the R package NHSRplotthedots 0.2.2 computes it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", help="CSV file, one row per point ('-' for standard input)")
    p.add_argument("--points", metavar="FILE", help="one row per point ('-': standard output)")
    p.add_argument("--summary", metavar="FILE", help="one row per series ('-': standard output)")
    for name in ("series", "date", "value"):
        p.add_argument(f"--{name}-column", metavar="NAME", default=name, help=f"default: {name}")
    p.add_argument(
        "--improvement-direction",
        choices=list(labels.DIRECTION_CODES),
        default="increase",
        help="default: increase",
    )
    p.add_argument("--target", type=float, metavar="NUMBER", help="a target for every series")
    p.add_argument("--rebase", default="", metavar="DATE[,DATE...]", help="new baselines here")
    p.add_argument(
        "--fix-after", type=int, metavar="N", help="limits from the first N points (N >= 12)"
    )
    p.add_argument(
        "--no-screen-outliers",
        dest="screen_outliers",
        action="store_false",
        help="do not screen moving ranges at 3.267 x their mean",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run `lodestar spc` with `argv` (without the program name); return the exit code."""
    args = build_parser().parse_args(argv)
    if args.points is None and args.summary is None:
        args.summary = "-"
    problem = _option_problem(args)
    if problem:
        sys.stderr.write(f"lodestar spc: {problem}\n")
        return 2
    try:
        table = _read(args.input)
        result, dates, values = run(table, args)
    except SpcInputError as e:
        sys.stderr.write(f"lodestar spc: {describe(e, args)}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"lodestar spc: {e.filename or args.input}: {e.strerror}\n")
        return 2
    try:
        if args.points is not None:
            with _opened(args.points) as out:
                csvio.write_points(out, result, dates, values)
        if args.summary is not None:
            with _opened(args.summary) as out:
                csvio.write_summary(out, result)
    except OSError as e:
        sys.stderr.write(f"lodestar spc: {e.filename}: {e.strerror}\n")
        return 2
    _warn_short_baselines(result)
    return 0


def run(table: csvio.Table, args: argparse.Namespace) -> tuple[Result, np.ndarray, np.ndarray]:
    """Analyse a table read from CSV with the command's options.

    Returns
    -------
    result : Result
    dates, values : ndarray of str
        The input's date and value cells, for echoing in the points output.
    """
    date_col, value_col = args.date_column, args.value_column
    for needed in (date_col, value_col):
        if needed not in table.columns:
            raise SpcInputError(f"no column {needed!r} (columns: {', '.join(table.columns)})")
    rows = csvio.RowLabels(table)
    dates = np.char.strip(table.columns[date_col])
    when = as_dates(_iso_only(dates, rows.__getitem__), rows.__getitem__)
    cols = table.columns
    batch = prepare(
        cols.get(args.series_column),
        when,
        csvio.numbers(table, value_col),
        improvement_direction=_directions(cols, args.improvement_direction),
        target=csvio.numbers(table, "target") if "target" in cols else args.target,
        rebase=_rebase_flags(table, when, _option_dates(args.rebase)),
        fix_after=args.fix_after,
        screen_outliers=args.screen_outliers,
        row_labels=rows,
    )
    values = csvio.blank_to_none(table.columns[value_col])
    return analyse(batch), table.columns[date_col], values


def _option_problem(args: argparse.Namespace) -> str | None:
    if args.points == "-" and args.summary == "-":
        return "only one of --points and --summary can be '-'"
    if args.fix_after is not None and args.fix_after < MIN_FIX_AFTER:
        return f"--fix-after {args.fix_after}: it must be at least {MIN_FIX_AFTER}"
    if args.target is not None and not np.isfinite(args.target):
        return f"--target {args.target}: it must be a finite number"
    return None


def describe(e: SpcInputError, args: argparse.Namespace) -> str:
    """One line naming the file, series, row and column (as the user's file names it)."""
    names = {"value": args.value_column, "date": args.date_column}
    where = ["standard input" if args.input == "-" else args.input]
    if e.series is not None:
        where.append(f"series {e.series!r}")
    if e.row is not None:
        where.append(f"row {e.row}")
    if e.column is not None:
        where.append(f"column {names.get(e.column, e.column)!r}")
    return f"{', '.join(where)}: {e.problem}"


def _read(path: str) -> csvio.Table:
    if path == "-":
        return csvio.read_table(io.TextIOWrapper(sys.stdin.buffer, "utf-8-sig", newline=""))
    with open(path, encoding="utf-8-sig", newline="") as f:
        return csvio.read_table(f)


@contextmanager
def _opened(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with open(path, "w", encoding="utf-8", newline="") as f:
        yield f


def _iso_only(dates: np.ndarray, label: Callable[[int], str]) -> np.ndarray:
    """Refuse words numpy would read as dates ("today", "now"): dates start with a year."""
    bad = np.flatnonzero(~np.char.isdigit(dates.astype("U4")) & (dates != ""))
    if bad.size:
        i = int(bad[0])
        raise SpcInputError(
            f"{str(dates[i])!r} is not a date (use YYYY-MM-DD)", row=label(i), column="date"
        )
    return dates


def _option_dates(text: str) -> np.ndarray:
    words = [w.strip() for w in text.split(",") if w.strip()]
    try:
        return np.array(_iso_only(np.array(words, dtype=np.str_), str), "datetime64[s]")
    except (ValueError, SpcInputError):
        raise SpcInputError(
            f"--rebase {text!r}: give dates as YYYY-MM-DD[,YYYY-MM-DD...]"
        ) from None


def _directions(cols: dict[str, np.ndarray], default: str) -> str | np.ndarray:
    if "improvement_direction" not in cols:
        return default
    words = csvio.blank_to_none(cols["improvement_direction"])
    return np.where(words == "", default, words)


def _rebase_flags(table: csvio.Table, when: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """A row starts a new baseline if its rebase cell is 1, or is blank and --rebase names it."""
    by_option = np.isin(when, dates)
    if "rebase" not in table.columns:
        return by_option
    cells = csvio.blank_to_none(table.columns["rebase"])
    bad = np.flatnonzero(~np.isin(cells, ("", "0", "1")))
    if bad.size:
        i = int(bad[0])
        raise SpcInputError(
            f"{str(cells[i])!r} is not 1, 0 or blank", row=table.row_label(i), column="rebase"
        )
    return np.where(cells == "", by_option, cells == "1")


def _warn_short_baselines(result: Result) -> None:
    """spc-method.md 1.7: limits from fewer than 13 points are trial limits."""
    lim = result.limits
    short_groups = np.flatnonzero(lim.size < SHORT_GROUP)
    short = np.zeros(result.batch.names.size, dtype=np.bool_)
    short[result.batch.series[lim.group.searchsorted(short_groups)]] = True
    if not short.any():
        return
    names = result.batch.names[short].tolist()
    listed = ", ".join(repr(n) for n in names[:NAMED_IN_WARNING])
    more = f" and {len(names) - NAMED_IN_WARNING} more" if len(names) > NAMED_IN_WARNING else ""
    sys.stderr.write(
        f"lodestar spc: warning: {len(names)} of {len(result.batch.names)} series have a "
        f"baseline of fewer than 13 points, so their limits are trial limits: "
        f"{listed}{more}\n"
    )


if __name__ == "__main__":
    sys.exit(main())
