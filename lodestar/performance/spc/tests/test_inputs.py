"""Bad input gets an SpcInputError naming series, row and column; missing values never crash."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from lodestar.performance.spc import SpcInputError, analyse, labels, prepare

MONTHS = [datetime.date(2022 + m // 12, m % 12 + 1, 1) for m in range(24)]
NAN = float("nan")


def _refusal(**kwargs: object) -> SpcInputError:
    args = {"series": ["a"] * 3, "dates": MONTHS[:3], "values": [1.0, 2.0, 3.0]}
    args.update(kwargs)
    series, dates, values = args.pop("series"), args.pop("dates"), args.pop("values")
    with pytest.raises(SpcInputError) as caught:
        prepare(series, dates, values, **args)  # type: ignore[arg-type]
    return caught.value


def test_a_date_twice_in_a_series_names_the_series_and_both_rows() -> None:
    e = _refusal(
        series=["a", "b", "a"],
        dates=[MONTHS[0], MONTHS[0], MONTHS[0]],
        row_labels=["r1", "r2", "r3"],
    )
    assert (e.series, e.row, e.column) == ("a", "r3", "date")
    assert "2022-01-01 appears twice" in str(e)
    assert "also on row r1" in str(e)


def test_the_same_date_in_two_series_is_fine() -> None:
    batch = prepare(["a", "b"], [MONTHS[0], MONTHS[0]], [1.0, 2.0])
    assert batch.names.tolist() == ["a", "b"]


def test_text_among_the_values_names_the_row() -> None:
    e = _refusal(values=[1.0, "lots", 3.0])
    assert (e.row, e.column) == ("1", "value")
    assert "'lots' is not a number" in str(e)


def test_true_or_false_is_not_a_number() -> None:
    assert _refusal(values=[True, False, True]).row == "0"


def test_an_infinite_value_is_refused() -> None:
    assert "infinite" in str(_refusal(values=[1.0, float("inf"), 3.0]))


def test_a_missing_or_unreadable_date_names_the_row() -> None:
    assert _refusal(dates=["2022-01-01", "", "2022-03-01"]).row == "1"
    e = _refusal(dates=["2022-01-01", "2022-02-01", "01/03/2022"])
    assert (e.row, e.column) == ("2", "date")
    assert "is not a date" in str(e)


@pytest.mark.parametrize("fix", [11, 0.5, -12, 12.5, "twelve"])
def test_fix_after_below_12_or_not_a_whole_number_is_refused(fix: object) -> None:
    e = _refusal(fix_after=fix)
    assert e.column == "fix_after"
    assert "greater than or equal to 12" in str(e)


def test_fix_after_per_row_names_the_series_and_row() -> None:
    e = _refusal(series=["a", "b", "b"], fix_after=[12, 5, 5])
    assert (e.series, e.row) == ("b", "1")


def test_an_unknown_improvement_direction_is_refused() -> None:
    e = _refusal(improvement_direction="up")
    assert "'up' is not one of increase, decrease, neutral" in str(e)
    e = _refusal(improvement_direction=["increase", "increase", "sideways"])
    assert e.row == "2"


def test_two_targets_for_one_series_are_refused_but_blanks_do_not_count() -> None:
    e = _refusal(target=[80.0, NAN, 90.0])
    assert (e.series, e.row, e.column) == ("a", "2", "target")
    batch = prepare(["a"] * 3, MONTHS[:3], [1.0, 2.0, 3.0], target=[NAN, 80.0, NAN])
    assert batch.target.tolist() == [80.0]


def test_two_directions_for_one_series_are_refused() -> None:
    e = _refusal(improvement_direction=["increase", "decrease", "increase"])
    assert (e.series, e.column) == ("a", "improvement_direction")


def test_rows_are_sorted_by_series_then_date_and_remember_their_input_position() -> None:
    batch = prepare(
        ["b", "a", "b", "a"], [MONTHS[1], MONTHS[1], MONTHS[0], MONTHS[0]], [1.0, 2.0, 3.0, 4.0]
    )
    assert batch.names[batch.series].tolist() == ["a", "a", "b", "b"]
    assert batch.values.tolist() == [4.0, 2.0, 3.0, 1.0]
    assert batch.order.tolist() == [3, 1, 2, 0]


def test_a_missing_value_is_common_cause_and_left_out_of_the_mean() -> None:
    y = [10.0, 12.0, NAN, 11.0, 13.0]
    r = analyse(prepare(None, MONTHS[:5], y))
    assert r.limits.mean[0] == pytest.approx(11.5)
    assert not r.judged[2]
    assert np.isnan(r.relative_to_mean[2])
    assert labels.POINT_TYPES[r.point_type[2]] == "common_cause"
    # the moving ranges either side of the gap are dropped: (2 + 2) / 2
    assert r.limits.upper[0] - r.limits.mean[0] == pytest.approx(2.66 * 2)


@pytest.mark.parametrize("where", [0, 6, 12, 23])
def test_a_missing_value_anywhere_in_a_series_with_every_rule_never_crashes(where: int) -> None:
    y = [50.0] * 6 + [float(v) for v in range(51, 58)] + [40.0, 60.0] * 4 + [70.0, 45, 55]
    y[where] = NAN
    r = analyse(prepare(None, MONTHS, y, target=55.0))
    assert r.point_type[where] == labels.COMMON
    assert r.rule[where] == labels.RULE_NONE


def test_a_series_of_missing_values_has_no_limits_and_no_special_cause() -> None:
    r = analyse(prepare(["a"] * 3 + ["b"] * 3, MONTHS[:3] * 2, [NAN] * 3 + [1.0, 2.0, 3.0]))
    assert np.isnan(r.limits.mean[0])
    assert np.isnan(r.limits.upper[0])
    assert (r.rule[:3] == labels.RULE_NONE).all()
    assert r.limits.mean[1] == 2.0


def test_no_rows_give_an_empty_result() -> None:
    r = analyse(prepare([], [], []))
    assert r.batch.values.size == 0
    assert r.last_row.size == 0
