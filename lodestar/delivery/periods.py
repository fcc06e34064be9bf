"""Reporting periods: a month, or a quarter of the NHS financial year.

Pure Python, no Django. A period is named by its first day. Quarters start in April,
July, October and January, which are also calendar quarters, so one rule serves both.

Which period is "due"? Updates report on a period once it has ended, so a deliverable is
missing an update when nothing has been posted for the *last completed* period (or any
later one). Asking for the current period would flag every deliverable on the first
day of each month, before anyone could reasonably have written anything.
"""

from __future__ import annotations

import datetime
from enum import StrEnum


class Frequency(StrEnum):
    """The values of `DeliverySettings.Frequency`, without Django."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


def _months(frequency: Frequency) -> int:
    return 1 if frequency is Frequency.MONTHLY else 3


def period_start(day: datetime.date, frequency: Frequency) -> datetime.date:
    """The first day of the period containing `day`."""
    month = day.month - (day.month - 1) % _months(frequency)
    return datetime.date(day.year, month, 1)


def is_period_start(day: datetime.date, frequency: Frequency) -> bool:
    return period_start(day, frequency) == day


def _shift(start: datetime.date, months: int) -> datetime.date:
    index = start.year * 12 + start.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def next_period(start: datetime.date, frequency: Frequency) -> datetime.date:
    return _shift(period_start(start, frequency), _months(frequency))


def previous_period(start: datetime.date, frequency: Frequency) -> datetime.date:
    return _shift(period_start(start, frequency), -_months(frequency))


def period_end(start: datetime.date, frequency: Frequency) -> datetime.date:
    return next_period(start, frequency) - datetime.timedelta(days=1)


def last_completed_period(today: datetime.date, frequency: Frequency) -> datetime.date:
    """The period an update is expected for on `today` (see the module's docstring)."""
    return previous_period(period_start(today, frequency), frequency)


def recent_periods(today: datetime.date, frequency: Frequency, count: int) -> list[datetime.date]:
    """The current period and the `count - 1` before it, newest first."""
    periods = [period_start(today, frequency)]
    while len(periods) < count:
        periods.append(previous_period(periods[-1], frequency))
    return periods


def describe_period(start: datetime.date, frequency: Frequency) -> str:
    """'April 2025', or 'April to June 2025' for a quarter."""
    if frequency is Frequency.MONTHLY:
        return f"{start:%B %Y}"
    end = period_end(start, frequency)
    return f"{start:%B} to {end:%B %Y}"
