"""Invented monthly series for the illustrative demo metrics: realistic, and the same every time.

Each series is a level with steps and slopes where the story needs a change, plus noise
from a random generator seeded by the series' own name. Python's `random.Random` seeded
with a string gives the same numbers on every platform and in every run (the seed is
hashed with SHA-512, not with the per-process string hash), so the demo's charts, icons
and exceptions never change between loads. Plain Python: no Django, no database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CUT = 2.5


@dataclass(frozen=True)
class Shape:
    """How an invented series behaves over its months (month 0 is the oldest).

    `steps` are (month, change): the level moves by `change` from that month on, as after
    a change in the process. `slope` is added each month from `slope_from` on. `last`
    moves the latest month alone, in units of `spread`, for a one-off high or low.
    With `denominator` (mean, spread) the series is a percentage of whole numbers: each
    month gets a whole denominator and a whole numerator, and the value is their ratio,
    so the numbers agree with each other exactly as real data would.
    """

    level: float
    spread: float
    steps: tuple[tuple[int, float], ...] = ()
    slope: float = 0.0
    slope_from: int = 0
    last: float = 0.0
    denominator: tuple[float, float] | None = None
    decimals: int = 1
    low: float = 0.0
    high: float | None = None


@dataclass(frozen=True)
class Value:
    value: float
    numerator: float | None = None
    denominator: float | None = None


def expected_level(shape: Shape, month: int) -> float:
    """The process level in a month, before noise."""
    level = shape.level + sum(change for start, change in shape.steps if month >= start)
    return level + shape.slope * max(0, month - shape.slope_from + 1)


def generate(shape: Shape, seed: str, months: int) -> list[Value]:
    """`months` values of the series; the same `seed` always gives the same values."""
    rng = random.Random(seed)  # noqa: S311 - demo numbers, not security
    values: list[Value] = []
    for month in range(months):
        centre = expected_level(shape, month)
        if month == months - 1:
            centre += shape.last * shape.spread
        # Noise is cut at 2.5 spreads so that chance alone never makes a point outside
        # the limits: every special cause in the demo is one the story put there.
        noise = max(-CUT, min(CUT, rng.gauss(0.0, 1.0)))
        raw = _clamped(shape, centre + noise * shape.spread)
        if shape.denominator is None:
            values.append(Value(round(raw, shape.decimals)))
            continue
        mean, spread = shape.denominator
        denominator = max(1, round(rng.gauss(mean, spread)))
        numerator = min(denominator, max(0, round(raw / 100 * denominator)))
        values.append(Value(100 * numerator / denominator, numerator, denominator))
    return values


def _clamped(shape: Shape, value: float) -> float:
    value = max(shape.low, value)
    return value if shape.high is None else min(shape.high, value)
