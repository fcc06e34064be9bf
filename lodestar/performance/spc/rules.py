"""The special-cause rules of spc-method.md 1.4, vectorised over a whole batch of series.

Every function takes flat arrays holding many baseline groups one after another (rows
sorted by series, then date) plus `pos`, each row's position within its group. Runs and
windows must never cross a group boundary; the functions guarantee that by requiring the
differences or neighbours they use to lie inside the group (``pos > 0``) rather than by
looping over groups. Missing values (NaN) break every run and window they touch.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]

#: spc-method.md 1.4: run lengths are hard-coded at 7 in NHSRplotthedots.
RUN = 7


def trailing_count(flags: Bools, width: int) -> Ints:
    """Count the true flags in the window of `width` rows ending at each row.

    Parameters
    ----------
    flags : ndarray of bool
    width : int

    Returns
    -------
    ndarray of intp
        ``out[i] = flags[max(0, i - width + 1) : i + 1].sum()``, by one cumulative sum.
    """
    cs = np.concatenate(([0], np.cumsum(flags, dtype=np.intp)))
    idx = np.arange(1, flags.size + 1)
    return cs[idx] - cs[np.maximum(idx - width, 0)]


def leading_any(flags: Bools, width: int) -> Bools:
    """Say whether any flag is true in the window of `width` rows starting at each row.

    This is `ptd_part_of_seven_trend` (spc-method.md 1.4): a point is part of a run if the
    run ends at it or at one of the next ``width - 1`` points. A run that ends in a later
    group cannot reach back into this one, since it needs ``width`` points of its own group.

    Parameters
    ----------
    flags : ndarray of bool
        Where runs end.
    width : int

    Returns
    -------
    ndarray of bool
    """
    cs = np.concatenate(([0], np.cumsum(flags, dtype=np.intp)))
    idx = np.arange(flags.size)
    return (cs[np.minimum(idx + width, flags.size)] - cs[idx]) > 0


def step_signs(y: Floats, pos: Ints) -> Floats:
    """Return ``sign(y[i] - y[i-1])`` within each group: 0 at a group's first row, NaN by NaN.

    Parameters
    ----------
    y : ndarray of float64
    pos : ndarray of intp
        Position of each row within its group.

    Returns
    -------
    ndarray of float64
    """
    d = np.zeros_like(y)
    if y.size > 1:
        d[1:] = np.sign(y[1:] - y[:-1])
    d[pos == 0] = 0.0
    return d


def shift_ends(relative_to_mean: Floats, pos: Ints) -> Bools:
    """Flag the points that end a 7-point shift (spc-method.md 1.4, "Shift").

    A run ends at a point whose ``relative_to_mean`` is non-zero and equal to that of the
    6 points before it in the same group (`ptd_seven_point_one_side_mean`). A point exactly
    on the mean (0) breaks the run, and so does a missing value (NaN equals nothing).

    Parameters
    ----------
    relative_to_mean : ndarray of float64
        ``sign(y - mean)``: -1, 0, +1 or NaN.
    pos : ndarray of intp
        Position of each row within its group.

    Returns
    -------
    ndarray of bool
    """
    same = np.zeros(relative_to_mean.size, dtype=np.bool_)
    if relative_to_mean.size > 1:
        rtm = relative_to_mean
        same[1:] = (rtm[1:] == rtm[:-1]) & (rtm[1:] != 0)
    same &= pos > 0
    ends: Bools = trailing_count(same, RUN - 1) == RUN - 1
    return ends


def trend_ends(steps: Floats) -> npt.NDArray[np.int8]:
    """Mark the points that end a 7-point trend: +1 rising, -1 falling, else 0.

    spc-method.md 1.4, "Trend" (`ptd_seven_point_trend`): the 6 steps into a point all rise,
    or all fall. Equal consecutive values (step 0) break a trend, and so does a missing
    value; the first step of a group is 0, so trends never cross a rebase. The mean plays no
    part, so trends may cross it.

    Parameters
    ----------
    steps : ndarray of float64
        `step_signs` of the values.

    Returns
    -------
    ndarray of int8
    """
    up = trailing_count(steps == 1, RUN - 1) == RUN - 1
    down = trailing_count(steps == -1, RUN - 1) == RUN - 1
    ends: npt.NDArray[np.int8] = up.astype(np.int8) - down.astype(np.int8)
    return ends


def trend_sides(y: Floats, steps: Floats, in_trend: Bools, group: Ints) -> npt.NDArray[np.int8]:
    """Say whether each trend point is labelled Increasing (+1) or Decreasing (-1).

    spc-method.md 1.4: a point takes the step to its right when it and the next point are
    both part of a trend, otherwise the step to its left; any step other than +1 (a fall, a
    tie, or none at a group's start) reads as Decreasing, as in NHSRplotthedots.

    Parameters
    ----------
    y, steps : ndarray of float64
        The values and their `step_signs`.
    in_trend : ndarray of bool
        Part of a trend: `leading_any` of `trend_ends`.
    group : ndarray of intp
        The baseline group of each row.

    Returns
    -------
    ndarray of int8
    """
    side = steps.copy()
    if y.size > 1:
        both = in_trend[:-1] & in_trend[1:] & (group[:-1] == group[1:])
        side[:-1] = np.where(both, steps[1:], steps[:-1])
    return np.where(side == 1, 1, -1).astype(np.int8)


def two_in_three_windows(close_to_limits: Bools, relative_to_mean: Floats, group: Ints) -> Bools:
    """Flag the points in a qualifying two-in-three window (spc-method.md 1.4, `ptd_two_in_three`).

    A window of 3 consecutive points of one group qualifies when at least 2 are close to a
    limit (beyond the 2-sigma lines but not beyond the process limits) and all 3 lie
    strictly on the same side of the mean. A missing value (NaN side) spoils every window it
    is in. Only the close points of these windows are flagged: see `two_in_three_points`.

    Parameters
    ----------
    close_to_limits : ndarray of bool
        False where unknown.
    relative_to_mean : ndarray of float64
        -1, 0, +1 or NaN.
    group : ndarray of intp

    Returns
    -------
    ndarray of bool
    """
    n = close_to_limits.size
    qualifies = np.zeros(n + 2, dtype=np.bool_)  # qualifies[k + 2]: window starting at k
    if n >= 3:
        c = close_to_limits.astype(np.intp)
        rtm = relative_to_mean
        closes = c[:-2] + c[1:-1] + c[2:]
        sides = rtm[:-2] + rtm[1:-1] + rtm[2:]
        one_group = group[:-2] == group[2:]
        qualifies[2:n] = one_group & (closes >= 2) & (np.abs(sides) == 3)
    return qualifies[2:] | qualifies[1:-1] | qualifies[:-2]


def two_in_three_points(close_to_limits: Bools, relative_to_mean: Floats, group: Ints) -> Bools:
    """Flag the points that are part of a two-in-three (spc-method.md 1.4, "Two-in-three").

    A point is flagged when it is itself close to a limit and lies in a qualifying window
    (`two_in_three_windows`; `ptd_part_of_two_in_three`). Points beyond the limits are not
    "close", and close points on opposite sides of the mean never qualify.

    Parameters
    ----------
    close_to_limits : ndarray of bool
    relative_to_mean : ndarray of float64
    group : ndarray of intp

    Returns
    -------
    ndarray of bool
    """
    return close_to_limits & two_in_three_windows(close_to_limits, relative_to_mean, group)
