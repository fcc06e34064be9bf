"""Every golden vector of NHSRplotthedots 0.2.2, reproduced: numbers to 1e-9, labels exactly.

All cases run through the engine in ONE batch, each case a series with its own options, so
the test also proves that batching many series changes nothing.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from lodestar.performance.spc import SpcInputError, analyse, labels, prepare
from lodestar.performance.spc.engine import Result
from lodestar.performance.spc.tests.vectors import Case, cases, number

RTOL = 1e-9
NUMBERS = {
    "mean": "mean",
    "lpl": "lower",
    "upl": "upper",
    "nlpl": "near_lower",
    "nupl": "near_upper",
}


def _batch_inputs(chosen: list[Case]) -> dict[str, list[object]]:
    cols: dict[str, list[object]] = {
        k: []
        for k in ("series", "dates", "values", "direction", "target", "fix", "screen", "rebase")
    }
    for case in chosen:
        for date, value in zip(case.dates, case.values, strict=True):
            for key, item in (
                ("series", case.case_id),
                ("dates", date),
                ("values", value),
                ("direction", case.improvement_direction),
                ("target", case.target),
                ("fix", case.fix_after),
                ("screen", case.screen_outliers),
                ("rebase", date in case.rebase_dates),
            ):
                cols[key].append(item)
    return cols


def _run(chosen: list[Case]) -> Result:
    cols = _batch_inputs(chosen)
    return analyse(
        prepare(
            cols["series"],
            cols["dates"],
            cols["values"],
            improvement_direction=cols["direction"],
            target=cols["target"],
            fix_after=cols["fix"],
            screen_outliers=cols["screen"],
            rebase=cols["rebase"],
        )
    )


@functools.cache
def _everything() -> Result:
    return _run([c for c in cases().values() if c.summary["error"] in ("", "NA")])


def _rows_of(result: Result, case_id: str) -> np.ndarray:
    index = int(np.searchsorted(result.batch.names, case_id))
    assert result.batch.names[index] == case_id
    return np.flatnonzero(result.batch.series == index)


def _close(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return abs(actual - expected) <= RTOL * abs(expected)


def _tristate(judged: bool, flag: bool) -> str:
    return "NA" if not judged else ("TRUE" if flag else "FALSE")


def test_the_vectors_hold_every_case_the_readme_describes() -> None:
    assert len(cases()) == 59 + 7
    assert sum(len(c.points) for c in cases().values()) == 1374 + 120


@pytest.mark.parametrize("case_id", sorted(cases()))
def test_each_point_matches_the_package(case_id: str) -> None:
    case = cases()[case_id]
    if case.summary["error"] not in ("", "NA"):
        with pytest.raises(SpcInputError):
            _run([case])
        return
    r = _everything()
    rows = _rows_of(r, case_id)
    g = r.limits.group
    types = r.special_cause_types()
    assert len(rows) == len(case.points)
    for i, expected in zip(rows, case.points, strict=True):
        where = f"{case_id} {expected['x']}"
        assert np.datetime_as_string(r.batch.dates[i], unit="D") == expected["x"], where
        assert _close(r.batch.values[i], number(expected["y"])), where
        for column, field in NUMBERS.items():
            actual = float(getattr(r.limits, field)[g[i]])
            assert _close(actual, number(expected[column])), (where, column, actual)
        assert str(r.baseline[i]) == expected["rebase_group"], where
        assert str(bool(r.short_baseline[i])).upper() == expected["short_group_warning"], where
        judged = bool(r.judged[i])
        assert _tristate(judged, r.outside_limits[i]) == expected["outside_limits"], where
        assert _tristate(judged, r.close_to_limits[i]) == expected["close_to_limits"], where
        rtm = r.relative_to_mean[i]
        assert ("NA" if np.isnan(rtm) else str(int(rtm))) == expected["relative_to_mean"], where
        assert types[i] == expected["special_cause_type"], where
        assert str(bool(r.rule[i])).upper() == expected["special_cause_flag"], where
        assert labels.POINT_TYPES[r.point_type[i]] == expected["point_type"], where
        assert _close(r.batch.target[r.batch.series[i]], number(expected["target"])), where


@pytest.mark.parametrize("case_id", sorted(cases()))
def test_each_summary_matches_the_package(case_id: str) -> None:
    case = cases()[case_id]
    if case.summary["error"] not in ("", "NA"):
        return  # the points test expects the clear error
    r, s = _everything(), case.summary
    rows = _rows_of(r, case_id)
    series = r.batch.series[rows[0]]
    last = r.last_row[series]
    assert last == rows[-1]
    g = r.limits.group[last]
    assert len(rows) == int(s["n"])
    assert len(np.unique(r.limits.group[rows])) == int(s["n_rebase_groups"])
    assert np.datetime_as_string(r.batch.dates[last], unit="D") == s["last_x"]
    assert _close(r.limits.mean[g], number(s["last_mean"]))
    assert _close(r.limits.lower[g], number(s["last_lpl"]))
    assert _close(r.limits.upper[g], number(s["last_upl"]))
    variation = labels.POINT_TYPES[r.point_type[last]]
    assert variation == s["variation_type"]
    assert labels.variation_icon(variation, case.improvement_direction) == s["variation_icon"]  # type: ignore[arg-type]
    assurance = labels.ASSURANCES[r.assurance[series]]
    assert (assurance or "NA") == s["assurance_type"]
    assert (labels.assurance_icon(assurance) or "NA") == s["assurance_icon"]
    types = r.point_type[rows]
    assert (types == labels.IMPROVEMENT).sum() == int(s["n_special_cause_improvement"])
    assert (types == labels.CONCERN).sum() == int(s["n_special_cause_concern"])
    neutral = (types == labels.NEUTRAL_HIGH) | (types == labels.NEUTRAL_LOW)
    assert neutral.sum() == int(s["n_special_cause_neutral"])
    assert bool(r.short_baseline[rows].any()) == (s["warnings"] != "")


def test_a_case_analysed_alone_gives_what_it_gives_in_the_batch() -> None:
    alone = _run([cases()["rebase__increase__rebase21_fix12"]])
    together = _everything()
    rows = _rows_of(together, "rebase__increase__rebase21_fix12")
    g_alone, g_together = alone.limits.group, together.limits.group[rows]
    assert np.array_equal(alone.limits.upper[g_alone], together.limits.upper[g_together])
    assert np.array_equal(alone.point_type, together.point_type[rows])
