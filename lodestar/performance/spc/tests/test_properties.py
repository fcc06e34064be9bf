"""Properties the method must have whatever the data (hypothesis).

Values are drawn on a grid of quarters so that shifting by whole numbers and scaling by
powers of two are exact in floating point: then the engine's answers must move exactly
with the data, and labels may differ only where a value sits on a limit to the last bit.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lodestar.performance.spc import Result, analyse, labels, prepare

MONTHS = np.arange("2020-01", "2024-01", dtype="datetime64[M]").astype("datetime64[s]")

values = st.lists(st.integers(0, 400).map(lambda v: v / 4), min_size=1, max_size=40)
with_gaps = st.lists(
    st.one_of(st.integers(0, 400).map(lambda v: v / 4), st.just(float("nan"))),
    min_size=1,
    max_size=40,
)
batches = st.lists(values, min_size=1, max_size=6)
directions = st.sampled_from(list(labels.DIRECTION_CODES))


def run(series: list[list[float]], **options: object) -> Result:
    names = [f"s{i}" for i, ys in enumerate(series) for _ in ys]
    dates = np.concatenate([MONTHS[: len(ys)] for ys in series])
    return analyse(prepare(names, dates, [y for ys in series for y in ys], **options))  # type: ignore[arg-type]


def rows_of(r: Result, index: int) -> np.ndarray:
    return np.flatnonzero(r.batch.series == index)


def labels_of(r: Result, rows: np.ndarray | slice = slice(None)) -> list[tuple[int, int, int]]:
    return list(
        zip(r.rule[rows].tolist(), r.side[rows].tolist(), r.point_type[rows].tolist(), strict=True)
    )


def on_a_limit(r: Result) -> bool:
    """A value within rounding of a limit of non-zero width: its side may flip."""
    g = r.limits.group
    width = r.limits.upper[g] - r.limits.mean[g]
    y = r.batch.values
    scale = 1e-9 * (1 + np.nanmax(np.abs(y), initial=0))
    for lim in (r.limits.lower, r.limits.upper, r.limits.near_lower, r.limits.near_upper):
        near = (np.abs(y - lim[g]) < scale) & (width > 0)
        if near.any():
            return True
    return False


@given(batches)
def test_limits_are_symmetric_about_the_mean_and_near_limits_two_thirds_out(
    series: list[list[float]],
) -> None:
    lim = run(series).limits
    known = ~np.isnan(lim.upper)
    up, down = (lim.upper - lim.mean)[known], (lim.mean - lim.lower)[known]
    assert np.allclose(up, down, rtol=1e-12, atol=1e-9)
    assert np.allclose(lim.near_upper[known] - lim.mean[known], up * 2 / 3, atol=1e-9)
    assert (up >= 0).all()


@given(batches, st.integers(-1000, 1000))
def test_shifting_every_value_shifts_the_mean_and_limits_and_keeps_the_labels(
    series: list[list[float]], c: int
) -> None:
    before = run(series)
    after = run([[y + c for y in ys] for ys in series])
    assume(not on_a_limit(before) and not on_a_limit(after))
    for name in ("mean", "lower", "upper"):
        a, b = getattr(after.limits, name), getattr(before.limits, name)
        assert np.allclose(a, b + c, rtol=0, atol=1e-9, equal_nan=True)
    assert labels_of(after) == labels_of(before)


@given(batches, st.sampled_from([0.25, 0.5, 2.0, 8.0, 1024.0]))
def test_scaling_by_a_power_of_two_scales_everything_exactly(
    series: list[list[float]], k: float
) -> None:
    before = run(series)
    after = run([[y * k for y in ys] for ys in series])
    for name in ("mean", "lower", "upper", "near_lower", "near_upper"):
        a, b = getattr(after.limits, name), getattr(before.limits, name)
        assert np.array_equal(a, b * k, equal_nan=True)
    assert labels_of(after) == labels_of(before)


@given(values, directions)
def test_negating_the_values_mirrors_the_limits_and_the_opposite_direction_agrees(
    ys: list[float], direction: str
) -> None:
    assume(all(a != b for a, b in itertools.pairwise(ys)))  # see spc-method.md 1.4 peak
    opposite = {"increase": "decrease", "decrease": "increase", "neutral": "neutral"}
    before = run([ys], improvement_direction=direction)
    after = run([[-y for y in ys]], improvement_direction=opposite[direction])
    assert np.array_equal(after.limits.lower, -before.limits.upper, equal_nan=True)
    assert np.array_equal(after.outside_limits, before.outside_limits)
    assert np.array_equal(after.close_to_limits, before.close_to_limits)
    assert np.array_equal(after.rule, before.rule)
    assert np.array_equal(after.side, -before.side)
    if direction != "neutral":
        assert np.array_equal(after.point_type, before.point_type)


@given(batches, st.randoms(use_true_random=False))
def test_the_order_of_series_and_of_rows_changes_nothing(
    series: list[list[float]], random: object
) -> None:
    together = run(series)
    for i, ys in enumerate(series):
        alone = run([ys])
        rows = rows_of(together, i)
        g = together.limits.group[rows]
        assert np.array_equal(
            alone.limits.upper[alone.limits.group], together.limits.upper[g], equal_nan=True
        )
        assert labels_of(alone) == labels_of(together, rows)
    names = [f"s{i}" for i, ys in enumerate(series) for _ in ys]
    dates = np.concatenate([MONTHS[: len(ys)] for ys in series])
    flat = [y for ys in series for y in ys]
    shuffled = list(range(len(flat)))
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    mixed = analyse(
        prepare([names[i] for i in shuffled], dates[shuffled], [flat[i] for i in shuffled])
    )
    assert np.array_equal(mixed.batch.values, together.batch.values)
    assert labels_of(mixed) == labels_of(together)


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(1, 40), st.booleans())
def test_a_constant_series_has_no_width_and_no_special_cause(
    c: float, n: int, screen: bool
) -> None:
    r = run([[c] * n], screen_outliers=screen)
    assert (r.rule == labels.RULE_NONE).all()
    if screen or n == 1:
        assert np.isnan(r.limits.upper).all()  # every moving range of 0 is screened out
    else:
        assert r.limits.lower[0] == r.limits.mean[0] == r.limits.upper[0] == c


@given(values)
def test_the_improvement_direction_never_changes_which_points_are_flagged(
    ys: list[float],
) -> None:
    results = [run([ys], improvement_direction=d) for d in labels.DIRECTION_CODES]
    for other in results[1:]:
        assert np.array_equal(other.rule, results[0].rule)
        assert np.array_equal(other.side, results[0].side)


@given(st.data())
def test_a_rebase_is_the_same_as_two_separate_series(data: st.DataObject) -> None:
    ys = data.draw(values.filter(lambda v: len(v) > 1))
    k = data.draw(st.integers(1, len(ys) - 1))
    rebased = run([ys], rebase_dates=[MONTHS[k]])
    separate = run([ys[:k], ys[k:]])
    assert np.array_equal(rebased.limits.mean, separate.limits.mean, equal_nan=True)
    assert np.array_equal(rebased.limits.upper, separate.limits.upper, equal_nan=True)
    assert labels_of(rebased) == labels_of(separate)
    assert rebased.baseline.tolist() == [0] * k + [1] * (len(ys) - k)


@given(values, st.integers(12, 40))
def test_fixing_after_n_points_takes_the_limits_from_the_first_n(ys: list[float], n: int) -> None:
    fixed = run([ys], fix_after=n)
    first = run([ys[:n]])
    assert np.array_equal(fixed.limits.upper, first.limits.upper, equal_nan=True)
    assert np.array_equal(fixed.limits.mean, first.limits.mean, equal_nan=True)
    if n >= len(ys):
        assert labels_of(fixed) == labels_of(run([ys]))


@given(with_gaps)
def test_screening_never_widens_the_limits_and_missing_values_never_crash(
    ys: list[float],
) -> None:
    on, off = run([ys]), run([ys], screen_outliers=False)
    width_on = on.limits.upper - on.limits.mean
    width_off = off.limits.upper - off.limits.mean
    assert (np.isnan(width_on) | (width_on <= width_off + 1e-9)).all()
    missing = np.isnan(on.batch.values)
    assert (on.rule[missing] == labels.RULE_NONE).all()


@settings(max_examples=25)
@given(batches, st.one_of(st.none(), st.integers(0, 100)), directions)
def test_assurance_follows_the_last_limits_strictly(
    series: list[list[float]], target: int | None, direction: str
) -> None:
    r = run(series, target=target, improvement_direction=direction)
    g = r.limits.group[r.last_row]
    words = [labels.ASSURANCES[a] for a in r.assurance]
    if target is None or direction == "neutral":
        assert set(words) == {""}
        return
    for word, low, high in zip(words, r.limits.lower[g], r.limits.upper[g], strict=True):
        beyond = (
            "consistent_fail"
            if (target > high) == (direction == "increase")
            else "consistent_pass"
        )
        expected = beyond if (target > high or target < low) else "inconsistent"
        assert word == expected
