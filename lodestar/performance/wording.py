"""How the report words values and periods: 94.1%, £12,500, "Apr to Jun 2025".

Shared by the report, its PDF, the metric pages and the API, so that a value or a period
reads the same wherever it appears.
"""

from __future__ import annotations

import datetime
import functools
from typing import Final

from lodestar.performance import timeliness
from lodestar.performance.models import Frequency, Unit

# Decimal places a value is shown with; means and limits get one more.
_PLACES: Final[dict[str, int]] = {
    Unit.PERCENT: 1,
    Unit.COUNT: 0,
    Unit.POUNDS: 0,
    Unit.MINUTES: 0,
    Unit.RATE: 2,
    Unit.RATIO: 2,
}
_SUFFIXES: Final[dict[str, str]] = {
    Unit.PERCENT: "%",
    Unit.DAYS: " days",
    Unit.HOURS: " hours",
    Unit.MINUTES: " minutes",
}


def format_target(target: float | None, unit: str) -> str:
    return "No target" if target is None else format_value(target, unit)


def format_value(value: float | None, unit: str, extra: int = 0) -> str:
    """A value as people read it in the unit: 94.1%, 1,204, £12,500, 3.5 days."""
    if value is None:
        return "–"
    places = _PLACES.get(unit, 1) + extra
    number = f"{abs(value):,.{places}f}"
    sign = "-" if value < 0 and float(number.replace(",", "")) != 0 else ""
    if unit == Unit.POUNDS:
        return f"{sign}£{number}"
    return f"{sign}{number}{_SUFFIXES.get(unit, '')}"


def format_tick(value: float, unit: str) -> str:
    """An axis label: the round number itself, with % or £ but no long unit words."""
    number = f"{value:,.10g}"
    if unit == Unit.PERCENT:
        return f"{number}%"
    if unit == Unit.POUNDS:
        return f"-£{number[1:]}" if number.startswith("-") else f"£{number}"
    return number


@functools.lru_cache(maxsize=4096)
def period_label(period: datetime.date, frequency: str) -> str:
    """How a period reads in tables: March 2025, Apr to Jun 2025, week of 3 Mar 2025."""
    if frequency == Frequency.MONTHLY:
        return period.strftime("%B %Y")
    if frequency == Frequency.QUARTERLY:
        # Quarters start in January, April, July or October, so never end in another year.
        end = period.replace(day=1, month=min(period.month + 2, 12))
        return f"{period:%b} to {end:%b %Y}"
    if frequency == Frequency.WEEKLY:
        return f"Week of {period.day} {period:%b %Y}"
    return f"{period.day} {period:%b %Y}"


def in_sentence(period: datetime.date, frequency: str) -> str:
    """A period as a sentence names it: as in tables, but "the week of 3 Mar 2025"."""
    label = period_label(period, frequency)
    return f"the w{label[1:]}" if frequency == Frequency.WEEKLY else label


def expected_label(frequency: str, month: datetime.date) -> str:
    """The period the report of `month` expects data for: "October 2026", "Jul to Sep
    2026", "the week of 26 Oct 2026" (the week holding the month's last day), "31 Oct 2026".
    """
    expected = timeliness.expected_period(frequency, month)
    if frequency == Frequency.WEEKLY:  # the rule gives the earliest day; name its Monday
        expected += datetime.timedelta(days=-expected.weekday() % 7)
    return in_sentence(expected, frequency)


@functools.lru_cache(maxsize=4096)
def short_period(period: datetime.date, frequency: str) -> str:
    """An axis label: Mar 2025, or 3 Mar 25 for days and weeks."""
    if frequency in (Frequency.DAILY, Frequency.WEEKLY):
        return f"{period.day} {period:%b %y}"
    return period.strftime("%b %Y")
