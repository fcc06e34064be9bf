"""The words of the Making Data Count method, and the integer codes the engine uses for them.

The engine works on small integer codes so that a whole batch is a handful of numpy arrays;
these tables turn codes back into the labels NHSRplotthedots prints (spc-method.md 1.4-1.6).
"""

from __future__ import annotations

from typing import Final, Literal

Direction = Literal["increase", "decrease", "neutral"]

#: spc-method.md 1.1: improvement directions become +1, -1 and 0.
DIRECTION_CODES: Final[dict[str, int]] = {"increase": 1, "decrease": -1, "neutral": 0}

#: The rule that decided a point, in the CLI's words; the index is the engine's code.
#: The order of the codes is NOT the precedence (that is outside, trend, 2-in-3, shift:
#: spc-method.md 1.4); code 0 means no rule fired.
RULES: Final[tuple[str, ...]] = ("none", "outside_limits", "trend", "two_in_three", "shift")
RULE_NONE, RULE_OUTSIDE, RULE_TREND, RULE_TWO_IN_THREE, RULE_SHIFT = range(5)

#: `ptd_point_type()` results (spc-method.md 1.4); the index is the engine's code.
POINT_TYPES: Final[tuple[str, ...]] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
COMMON, IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW = range(5)

#: Assurance results (spc-method.md 1.6); code 0 is "no assurance" (no target, or neutral).
ASSURANCES: Final[tuple[str, ...]] = ("", "consistent_pass", "consistent_fail", "inconsistent")
NO_ASSURANCE, PASS, FAIL, INCONSISTENT = range(4)

#: `ptd_special_cause_type()` labels by [rule][side + 1], side being -1 (below or
#: decreasing) or +1 (above or increasing); "Common Cause" has no side.
SPECIAL_CAUSE_TYPES: Final[tuple[tuple[str, str, str], ...]] = (
    ("Common Cause", "Common Cause", "Common Cause"),
    ("Below LCL", "Below LCL", "Above UCL"),
    ("7 Point Trend (Decreasing)", "7 Point Trend (Decreasing)", "7 Point Trend (Increasing)"),
    ("2 in 3 Below CL", "2 in 3 Below CL", "2 in 3 Above CL"),
    ("7 Points Below CL", "7 Points Below CL", "7 Points Above CL"),
)


def variation_icon(point_type: str, improvement_direction: Direction) -> str:
    """Name the Making Data Count variation icon of a series' last point.

    Parameters
    ----------
    point_type : str
        One of `POINT_TYPES`: the point type of the series' last point.
    improvement_direction : {"increase", "decrease", "neutral"}
        The series' improvement direction.

    Returns
    -------
    str
        The icon file name NHSRplotthedots uses (spc-method.md 1.5), e.g. ``concern_low.svg``.
    """
    high = improvement_direction == "increase"
    icons = {
        "common_cause": "common_cause.svg",
        "special_cause_neutral_high": "neutral_high.svg",
        "special_cause_neutral_low": "neutral_low.svg",
        "special_cause_concern": "concern_low.svg" if high else "concern_high.svg",
        "special_cause_improvement": "improvement_high.svg" if high else "improvement_low.svg",
    }
    return icons[point_type]


def assurance_icon(assurance: str) -> str | None:
    """Name the Making Data Count assurance icon, or None when no icon is drawn.

    Parameters
    ----------
    assurance : str
        One of `ASSURANCES` ("" for none).

    Returns
    -------
    str or None
        ``pass.svg``, ``fail.svg`` or ``inconsistent.svg`` (spc-method.md 1.6).
    """
    return {
        "consistent_pass": "pass.svg",
        "consistent_fail": "fail.svg",
        "inconsistent": "inconsistent.svg",
    }.get(assurance)
