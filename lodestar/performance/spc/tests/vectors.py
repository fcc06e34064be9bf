"""Load the golden vectors (NHSRplotthedots 0.2.2 output, see vectors/SOURCE.md) as cases.

Each case is one call of the R package: a series with its options, the package's row per
point and its summary row. The options of the 7 `pkgtest_*` cases are not in a cases file;
they are read off the package's own tests, as the vectors' README describes them.
"""

from __future__ import annotations

import csv
import functools
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

VECTORS = Path(__file__).parent / "vectors"

#: The pkgtest cases' options (from test-ptd_spc_standard.R and the snapshot files).
PKGTEST_OPTIONS: dict[str, dict[str, object]] = {
    "pkgtest_rnorm20": {},
    "pkgtest_rnorm20_y15_10_screen_on": {},
    "pkgtest_rnorm20_y15_10_screen_off": {"screen_outliers": False},
    "pkgtest_rnorm20_first10": {},
    "pkgtest_rnorm20_last10": {},
    "pkgtest_rnorm20_fix12": {"fix_after": 12},
    "pkgtest_rnorm20_target_0.5": {"target": 0.5},
}


@dataclass(frozen=True)
class Case:
    """One golden case: what went into the R package and what came out."""

    case_id: str
    dates: list[str]
    values: list[float]
    improvement_direction: str
    target: float
    rebase_dates: list[str]
    fix_after: int
    screen_outliers: bool
    points: list[dict[str, str]]
    summary: dict[str, str]


def number(text: str) -> float:
    """R's CSV numbers, with NA and NaN both read as NaN."""
    return math.nan if text in ("NA", "NaN", "") else float(text)


def _read(name: str) -> list[dict[str, str]]:
    with (VECTORS / name).open(newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def cases() -> dict[str, Case]:
    """Every case of both sets of vectors, by case id."""
    found: dict[str, Case] = {}
    for prefix in ("synthetic", "pkgtest"):
        points: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in _read(f"{prefix}_points.csv"):
            points[row["case_id"]].append(row)
        for summary in _read(f"{prefix}_summary.csv"):
            case_id = summary["case_id"]
            found[case_id] = _case(case_id, points[case_id], summary)
    return found


def _case(case_id: str, points: list[dict[str, str]], summary: dict[str, str]) -> Case:
    options = _synthetic_options().get(case_id)
    if options is not None:
        rows = synthetic_inputs()[str(options["series"])]
    else:
        rows = [(p["x"], number(p["y"])) for p in points]
        raw = PKGTEST_OPTIONS[case_id]
        options = {
            "improvement_direction": "increase",
            "target": raw.get("target", "NA"),
            "rebase_dates": "",
            "fix_after_n_points": raw.get("fix_after", "NA"),
            "screen_outliers": "FALSE" if raw.get("screen_outliers") is False else "TRUE",
        }
    fix_text = str(options["fix_after_n_points"])
    return Case(
        case_id=case_id,
        dates=[d for d, _ in rows],
        values=[v for _, v in rows],
        improvement_direction=str(options["improvement_direction"]),
        target=number(str(options["target"])),
        rebase_dates=[d for d in str(options["rebase_dates"]).split(";") if d],
        fix_after=0 if fix_text == "NA" else int(fix_text),
        screen_outliers=options["screen_outliers"] == "TRUE",
        points=points,
        summary=summary,
    )


@functools.cache
def _synthetic_options() -> dict[str, dict[str, object]]:
    """The synthetic cases' options; their values come from synthetic_input.csv."""
    return {row["case_id"]: dict(row) for row in _read("synthetic_cases.csv")}


@functools.cache
def synthetic_inputs() -> dict[str, list[tuple[str, float]]]:
    """synthetic_input.csv: each series' (date, value) rows."""
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in _read("synthetic_input.csv"):
        series[row["series"]].append((row["x"], number(row["y"])))
    return dict(series)
