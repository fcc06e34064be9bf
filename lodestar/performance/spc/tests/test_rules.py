"""The rule helpers against the unit facts of NHSRplotthedots' own test suite (spc-method.md).

Each test names the package test it mirrors; the engine applies these helpers to a whole
batch at once, so a few tests also check that runs and windows stop at group boundaries.
"""

from __future__ import annotations

import datetime

import numpy as np

from lodestar.performance.spc import analyse, labels, prepare, rules
from lodestar.performance.spc.engine import Batch, Limits, assurances


def _pos(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.intp)


def _steps(y: list[float]) -> np.ndarray:
    return rules.step_signs(np.array(y, dtype=float), _pos(len(y)))


def test_seven_points_on_one_side_end_a_shift_at_the_seventh() -> None:
    # test-ptd_calculate_point_type.R: seven_point_one_side_mean(c(rep(1, 8), -1))
    for side in (1.0, -1.0):
        rtm = np.array([side] * 8 + [-side])
        assert rules.shift_ends(rtm, _pos(9)).astype(int).tolist() == [0] * 6 + [1, 1, 0]
    assert not rules.shift_ends(np.ones(6), _pos(6)).any()


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    rtm = np.array([1.0] * 3 + [0.0] + [1.0] * 6)
    assert not rules.shift_ends(rtm, _pos(10)).any()


def test_every_point_of_a_run_is_part_of_it() -> None:
    # test-ptd_calculate_point_type.R: part_of_seven_trend
    ends = np.array([0] * 6 + [1, 0], dtype=bool)
    assert rules.leading_any(ends, 7).astype(int).tolist() == [1] * 7 + [0]
    ends = np.array([0] * 7 + [1, 0], dtype=bool)
    assert rules.leading_any(ends, 7).astype(int).tolist() == [0] + [1] * 7 + [0]


def test_seven_rising_or_falling_points_end_a_trend() -> None:
    # test-ptd_calculate_point_type.R: seven_point_trend
    assert rules.trend_ends(_steps(list(range(1, 8)))).tolist() == [0] * 6 + [1]
    assert rules.trend_ends(_steps(list(range(7, 0, -1)))).tolist() == [0] * 6 + [-1]
    assert rules.trend_ends(_steps([2, *range(1, 8), 3])).tolist() == [0] * 7 + [1, 0]


def test_a_tie_breaks_a_trend() -> None:
    assert not rules.trend_ends(_steps([1, 2, 3, 3, 4, 5, 6])).any()


def test_a_missing_value_breaks_a_trend_where_the_package_would_stop_with_an_error() -> None:
    # spc-method.md 1.7: R's `if (all(d == 1))` fails on NA; Lodestar reads NA as a break.
    y = [1.0, 2.0, 3.0, float("nan"), 5.0, 6.0, 7.0, 8.0]
    assert not rules.trend_ends(_steps(y)).any()


def test_two_close_points_in_three_on_one_side_qualify() -> None:
    # test-ptd_calculate_point_type.R: two_in_three
    group = np.zeros(7, dtype=np.intp)
    close = np.array([0, 0, 1, 0, 1, 0, 0], dtype=bool)
    windows = rules.two_in_three_windows(close, np.ones(7), group)
    assert windows.astype(int).tolist() == [0, 0, 1, 1, 1, 0, 0]
    close = np.array([0, 0, 1, 1, 0, 0, 0], dtype=bool)
    windows = rules.two_in_three_windows(close, np.ones(7), group)
    assert windows.astype(int).tolist() == [0, 1, 1, 1, 1, 0, 0]
    assert rules.two_in_three_points(close, np.ones(7), group).astype(int).tolist() == [
        0,
        0,
        1,
        1,
        0,
        0,
        0,
    ]


def test_close_points_on_opposite_sides_never_qualify() -> None:
    close = np.array([0, 0, 1, 0, 1, 0, 0], dtype=bool)
    alternating = np.array([1.0, -1.0] * 3 + [1.0])
    group = np.zeros(7, dtype=np.intp)
    assert not rules.two_in_three_windows(close, alternating, group).any()


def test_a_window_never_spans_two_groups() -> None:
    close = np.array([1, 1, 1, 1], dtype=bool)
    group = np.array([0, 0, 1, 1], dtype=np.intp)
    assert not rules.two_in_three_windows(close, np.ones(4), group).any()


def test_runs_and_trends_stop_at_a_rebase() -> None:
    dates = [datetime.date(2020, m, 1) for m in range(1, 13)] + [datetime.date(2021, 1, 1)]
    y = [0, 5, 0, 5, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 5, 0]
    whole = analyse(prepare(None, dates, y))
    split = analyse(prepare(None, dates, y, rebase_dates=[dates[7]]))
    assert [labels.RULES[c] for c in whole.rule[4:11]] == ["trend"] * 7
    assert not (split.rule == labels.RULE_TREND).any()
    assert split.baseline.tolist() == [0] * 7 + [1] * 6


def test_rebase_dates_flag_their_rows_and_count_baselines() -> None:
    # test-ptd_add_rebase_column.R: x 2020-01-02..11, rebase at 01-03 and 01-08.
    dates = [datetime.date(2020, 1, d) for d in range(2, 12)]
    batch = prepare(None, dates, np.arange(10.0), rebase_dates=["2020-01-03", "2020-01-08"])
    assert batch.rebase.astype(int).tolist() == [0, 1, 0, 0, 0, 0, 1, 0, 0, 0]
    assert analyse(batch).baseline.tolist() == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2]


def test_outside_beats_trend_beats_two_in_three_beats_shift() -> None:
    # test-ptd_calculate_point_type.R: ptd_special_cause_type precedence
    y = [10.0, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 10.5, 11, 11.5, 12, 12.5, 30]
    r = analyse(prepare(None, [datetime.date(2020, 1, d) for d in range(1, 20)], y))
    assert labels.RULES[r.rule[-1]] == "outside_limits"  # also the end of a trend
    assert r.outside_limits[-1]
    assert [labels.RULES[c] for c in r.rule[12:18]] == ["trend"] * 6


def _assurance(lower: list[float], upper: list[float], target: float, direction: int) -> list[str]:
    n = len(lower)
    batch = Batch(
        names=np.array([str(i) for i in range(n)]),
        series=np.arange(n, dtype=np.intp),
        dates=np.zeros(n, dtype="datetime64[s]"),
        values=np.zeros(n),
        rebase=np.zeros(n, dtype=bool),
        order=np.arange(n, dtype=np.intp),
        direction=np.full(n, direction, dtype=np.int8),
        target=np.full(n, target),
        fix_after=np.zeros(n, dtype=np.intp),
        screen_outliers=np.ones(n, dtype=bool),
    )
    low, high = np.array(lower), np.array(upper)
    lim = Limits(
        np.arange(n, dtype=np.intp),
        np.zeros(n, dtype=np.intp),
        np.ones(n, np.intp),
        (low + high) / 2,
        low,
        high,
        low,
        high,
    )
    return [labels.ASSURANCES[c] for c in assurances(batch, lim, np.arange(n, dtype=np.intp))]


def test_a_target_beyond_the_limits_passes_or_fails_and_within_them_is_hit_and_miss() -> None:
    # test-ptd_calculate_assurance_type.R: lpl (1, 5, 1), upl (3, 7, 5), target 4
    lower, upper = [1.0, 5, 1], [3.0, 7, 5]
    assert _assurance(lower, upper, 4, 1) == ["consistent_fail", "consistent_pass", "inconsistent"]
    assert _assurance(lower, upper, 4, -1) == [
        "consistent_pass",
        "consistent_fail",
        "inconsistent",
    ]
    assert _assurance(lower, upper, 4, 0) == ["", "", ""]


def test_a_target_exactly_on_a_limit_or_unknown_limits_are_hit_and_miss() -> None:
    assert _assurance([1.0], [3.0], 3.0, 1) == ["inconsistent"]
    assert _assurance([float("nan")], [float("nan")], 3.0, 1) == ["inconsistent"]
    assert _assurance([1.0], [3.0], float("nan"), 1) == [""]
