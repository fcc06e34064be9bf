"""The Making Data Count XmR calculation for a whole batch of series at once.

`analyse` takes a `Batch` (built and validated by `lodestar.performance.spc.prepare`) and
returns a `Result`. There is no Python loop over series or points: the series sit one after
another in flat arrays, each baseline group (a series, or its part after a rebase) is a
contiguous segment, and per-group sums are `np.add.reduceat` over the segment starts. Group
results are broadcast back to rows by indexing with the row's group number.

Numbers follow NHSRplotthedots 0.2.2 (spc-method.md 1.3): the mean is R's `mean()`, a long
double sum divided by n plus a second pass over the residuals, so results agree with the
package to the last bit or very nearly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lodestar.performance.spc import labels, rules

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]

#: spc-method.md 1.3: the package uses 2.66 itself, not 3/1.128, and 2/3 of it for "near".
LIMIT = 2.66
LIMIT_CLOSE = 2 * (LIMIT / 3)
#: spc-method.md 1.3 step 5: a moving range is kept only if below 3.267 x its mean.
SCREEN = 3.267
#: spc-method.md 1.7: groups of fewer than 13 points get the short-baseline warning.
SHORT_GROUP = 13


@dataclass(frozen=True)
class Batch:
    """Many series, validated and sorted, ready for `analyse`.

    Row arrays have one entry per point, sorted by series then date; series arrays have one
    entry per series, in the order of `names`.

    Attributes
    ----------
    names : ndarray of str
        Series names (per series).
    series : ndarray of intp
        Series index of each row, non-decreasing.
    dates : ndarray of datetime64
        Strictly increasing within each series.
    values : ndarray of float64
        NaN for a missing value.
    rebase : ndarray of bool
        True on a row that starts a new baseline (spc-method.md 1.2).
    order : ndarray of intp
        For each row, its position in the caller's input.
    direction : ndarray of int8
        +1 increase, -1 decrease, 0 neutral (per series).
    target : ndarray of float64
        NaN for no target (per series).
    fix_after : ndarray of intp
        Limits from the first n points of each group; 0 for no fix (per series).
    screen_outliers : ndarray of bool
        Whether moving ranges are screened (per series).
    """

    names: npt.NDArray[np.str_]
    series: Ints
    dates: npt.NDArray[np.datetime64]
    values: Floats
    rebase: Bools
    order: Ints
    direction: Codes
    target: Floats
    fix_after: Ints
    screen_outliers: Bools


@dataclass(frozen=True)
class Limits:
    """Per baseline group: its rows, centre line and limits (spc-method.md 1.2-1.3)."""

    group: Ints  # per row: its group
    pos: Ints  # per row: its position within the group
    size: Ints  # per group: number of rows
    mean: Floats
    lower: Floats
    upper: Floats
    near_lower: Floats
    near_upper: Floats


@dataclass(frozen=True)
class Result:
    """What `analyse` found, row by row (sorted as in the batch) and series by series.

    Attributes
    ----------
    batch : Batch
    limits : Limits
        Group-level centre lines and limits; ``limits.mean[limits.group]`` is per row.
    baseline : ndarray of intp
        How many rebases precede or start at each row within its series (from 0).
    judged : ndarray of bool
        The row has a value and its group has limits, so the flags below are known; where
        False, NHSRplotthedots reports NA for `outside_limits` and `close_to_limits`.
    outside_limits, close_to_limits : ndarray of bool
        False where not judged.
    relative_to_mean : ndarray of float64
        -1, 0 or +1; NaN where the value or the mean is missing.
    rule : ndarray of int8
        Code into `labels.RULES`: the rule that decided the point by precedence.
    side : ndarray of int8
        +1 above / increasing, -1 below / decreasing, 0 for no rule.
    point_type : ndarray of int8
        Code into `labels.POINT_TYPES`.
    last_row : ndarray of intp
        Per series: its last row, whose point type and limits make the summary.
    assurance : ndarray of int8
        Per series: code into `labels.ASSURANCES`.
    """

    batch: Batch
    limits: Limits
    baseline: Ints
    judged: Bools
    outside_limits: Bools
    close_to_limits: Bools
    relative_to_mean: Floats
    rule: Codes
    side: Codes
    point_type: Codes
    last_row: Ints
    assurance: Codes

    @property
    def short_baseline(self) -> Bools:
        """Per row: its baseline group has fewer than 13 points (spc-method.md 1.7)."""
        return (self.limits.size < SHORT_GROUP)[self.limits.group]

    def special_cause_types(self) -> npt.NDArray[np.str_]:
        """Per row: the NHSRplotthedots `special_cause_type` label (spc-method.md 1.4)."""
        table = np.array(labels.SPECIAL_CAUSE_TYPES)
        return table[self.rule, self.side + 1]


def r_mean(x: Floats, starts: Ints, group: Ints) -> Floats:
    """Compute R's ``mean(x, na.rm = TRUE)`` of every group at once (spc-method.md 1.8).

    Parameters
    ----------
    x : ndarray of float64
        Per row; NaN is skipped.
    starts : ndarray of intp
        First row of each group (strictly increasing, groups non-empty).
    group : ndarray of intp
        Group of each row.

    Returns
    -------
    ndarray of float64
        Per group; NaN for a group with no values. Like R, a long double sum divided by n,
        corrected by the long double mean of the residuals.
    """
    valid = ~np.isnan(x)
    n = np.add.reduceat(valid.astype(np.intp), starts)
    xl = np.where(valid, x, 0).astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.add.reduceat(xl, starts) / n
        residuals = np.where(valid, xl - s[group], 0)
        s = s + np.add.reduceat(residuals, starts) / n
    return s.astype(np.float64)


def baseline_groups(batch: Batch) -> tuple[Ints, Ints, Ints]:
    """Split the rows into baseline groups (spc-method.md 1.2).

    A group starts at each series' first row and at each rebase row; the rebase point is
    the first point of its new group.

    Parameters
    ----------
    batch : Batch

    Returns
    -------
    group, pos, starts : ndarray of intp
        Each row's group and position within it, and each group's first row.
    """
    n = batch.values.size
    begins = batch.rebase.copy()
    if n:
        begins[0] = True
        begins[1:] |= batch.series[1:] != batch.series[:-1]
    starts = np.flatnonzero(begins)
    group = np.cumsum(begins, dtype=np.intp) - 1
    pos = np.arange(n, dtype=np.intp) - starts[group]
    return group, pos, starts


def process_limits(batch: Batch) -> Limits:
    """Compute each group's mean, moving-range limits and near limits (spc-method.md 1.3).

    With `fix_after` n, only the first n rows of a group count (row numbers include missing
    values, as in R). Moving ranges are screened once at 3.267 x their mean when
    `screen_outliers`; the mean itself is never screened. Limits are not truncated.

    Parameters
    ----------
    batch : Batch

    Returns
    -------
    Limits
    """
    group, pos, starts = baseline_groups(batch)
    series_of_group = batch.series[starts]
    fix = batch.fix_after[batch.series]
    fixed_y = np.where((fix == 0) | (pos < fix), batch.values, np.nan)
    mean = r_mean(fixed_y, starts, group)
    mr = np.full_like(fixed_y, np.nan)
    mr[1:] = np.abs(np.diff(fixed_y))
    mr[pos == 0] = np.nan
    amr = r_mean(mr, starts, group)
    with np.errstate(invalid="ignore"):
        kept = ~batch.screen_outliers[series_of_group][group] | (mr < SCREEN * amr[group])
    amr = r_mean(np.where(kept, mr, np.nan), starts, group)
    return Limits(
        group=group,
        pos=pos,
        size=np.diff(np.append(starts, batch.values.size)),
        mean=mean,
        lower=mean - LIMIT * amr,
        upper=mean + LIMIT * amr,
        near_lower=mean - LIMIT_CLOSE * amr,
        near_upper=mean + LIMIT_CLOSE * amr,
    )


def analyse(batch: Batch) -> Result:
    """Run the whole method on every series of the batch (spc-method.md 1.2-1.6).

    Parameters
    ----------
    batch : Batch
        From `lodestar.performance.spc.prepare.prepare`.

    Returns
    -------
    Result

    Notes
    -----
    A missing value keeps its row: it is left out of the mean and of the moving ranges on
    either side of it, its flags are unknown (``judged`` False), it is common cause, and it
    breaks any 7-point trend, 7-point shift or two-in-three window it falls in. (Where a
    trend window holds a missing value, NHSRplotthedots either finds no trend or stops with
    an error; Lodestar always takes the first reading.)
    """
    lim = process_limits(batch)
    g, y = lim.group, batch.values
    judged = ~np.isnan(y) & ~np.isnan(lim.upper[g])
    with np.errstate(invalid="ignore"):
        outside = judged & ((y > lim.upper[g]) | (y < lim.lower[g]))
        close = judged & ~outside & ((y < lim.near_lower[g]) | (y > lim.near_upper[g]))
        rtm = np.sign(y - lim.mean[g])
    rule, side = decide(y, rtm, outside, close, lim)
    last_row = series_last_rows(batch.series, len(batch.names))
    return Result(
        batch=batch,
        limits=lim,
        baseline=baselines(batch),
        judged=judged,
        outside_limits=outside,
        close_to_limits=close,
        relative_to_mean=rtm,
        rule=rule,
        side=side,
        point_type=point_types(side, batch.direction[batch.series]),
        last_row=last_row,
        assurance=assurances(batch, lim, last_row),
    )


def decide(
    y: Floats, rtm: Floats, outside: Bools, close: Bools, lim: Limits
) -> tuple[Codes, Codes]:
    """Apply the rules in their order of precedence (spc-method.md 1.4, the label table).

    Outside the limits beats a 7-point trend, which beats two-in-three, which beats a
    7-point shift.

    Parameters
    ----------
    y, rtm : ndarray of float64
        Values and their side of the mean.
    outside, close : ndarray of bool
    lim : Limits

    Returns
    -------
    rule, side : ndarray of int8
        Codes into `labels.RULES`, and +1 / -1 (0 where no rule fired).
    """
    steps = rules.step_signs(y, lim.pos)
    in_trend = rules.leading_any(rules.trend_ends(steps) != 0, rules.RUN)
    in_two = rules.two_in_three_points(close, rtm, lim.group)
    in_shift = rules.leading_any(rules.shift_ends(rtm, lim.pos), rules.RUN)
    rule = np.select(
        [outside, in_trend, in_two, in_shift],
        [labels.RULE_OUTSIDE, labels.RULE_TREND, labels.RULE_TWO_IN_THREE, labels.RULE_SHIFT],
        labels.RULE_NONE,
    ).astype(np.int8)
    above = np.where(rtm > 0, 1, -1)
    side = np.select(
        [outside, in_trend, in_two | in_shift],
        [np.where(rtm == 1, 1, -1), rules.trend_sides(y, steps, in_trend, lim.group), above],
        0,
    ).astype(np.int8)
    return rule, side


def point_types(side: Codes, direction: Codes) -> Codes:
    """Turn each point's side into its point type (spc-method.md 1.4, `ptd_point_type`).

    Parameters
    ----------
    side : ndarray of int8
        +1, -1 or 0 per row.
    direction : ndarray of int8
        The row's improvement direction: +1, -1, or 0 for neutral.

    Returns
    -------
    ndarray of int8
        Codes into `labels.POINT_TYPES`. The direction only decides improvement versus
        concern (or neutral high / low); it never changes which points are flagged.
    """
    oriented = side * direction
    return np.select(
        [(direction == 0) & (side > 0), (direction == 0) & (side < 0), oriented > 0, oriented < 0],
        [labels.NEUTRAL_HIGH, labels.NEUTRAL_LOW, labels.IMPROVEMENT, labels.CONCERN],
        labels.COMMON,
    ).astype(np.int8)


def assurances(batch: Batch, lim: Limits, last_row: Ints) -> Codes:
    """Compare each series' target with the limits of its last point (spc-method.md 1.6).

    Parameters
    ----------
    batch : Batch
    lim : Limits
    last_row : ndarray of intp

    Returns
    -------
    ndarray of int8
        Codes into `labels.ASSURANCES`: none without a target or for a neutral direction;
        otherwise pass or fail when the target lies strictly beyond a limit, and
        inconsistent when it lies within (or on) the limits, or the limits are unknown.
    """
    g = lim.group[last_row]
    target, up = batch.target, batch.direction == 1
    with np.errstate(invalid="ignore"):
        above, below = target > lim.upper[g], target < lim.lower[g]
    return np.select(
        [np.isnan(target) | (batch.direction == 0), above, below],
        [
            labels.NO_ASSURANCE,
            np.where(up, labels.FAIL, labels.PASS),
            np.where(up, labels.PASS, labels.FAIL),
        ],
        labels.INCONSISTENT,
    ).astype(np.int8)


def series_last_rows(series: Ints, count: int) -> Ints:
    """Return the last row of each series (rows sorted by series; no series is empty)."""
    return np.searchsorted(series, np.arange(count), side="right") - 1


def baselines(batch: Batch) -> Ints:
    """Number each row's baseline within its series: rebases so far, from 0 (spc-method.md 1.2).

    As R's ``cumsum(rebase)``, a rebase flag on a series' first row counts too.
    """
    counted = np.cumsum(batch.rebase, dtype=np.intp)
    first = np.searchsorted(batch.series, batch.series, side="left")
    return counted - (counted[first] - batch.rebase[first])
