"""Whether a metric's data are late for a report month: the pure rule, with no Django.

A board reads the report for a month. A metric whose latest data are older than that
month expects is still shown with its latest value and icons, which would pass for
current; the report flags it instead, so the board can chase the data.

Periods are as `Observation.period` stores them: the first day of the day, week (a
Monday), month or quarter. Frequencies are the values of `models.Frequency`, spelled out
here because this module must not import the models.
"""

from __future__ import annotations

import calendar
import datetime

DAILY, WEEKLY, MONTHLY, QUARTERLY = "daily", "weekly", "monthly", "quarterly"


def expected_period(frequency: str, report_month: datetime.date) -> datetime.date:
    """The earliest period whose data count as current for the report of `report_month`.

    Daily: the month's last day. Weekly: a week starting in the month's last 7 days (a
    week begins on a Monday, so exactly one does: the week holding the month's last day).
    Monthly: the month itself. Quarterly: the latest quarter that ended by the month's end.
    """
    month = report_month.replace(day=1)
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    if frequency == DAILY:
        return last_day
    if frequency == WEEKLY:
        return last_day - datetime.timedelta(days=6)
    if frequency == MONTHLY:
        return month
    if frequency == QUARTERLY:
        # Not the quarter holding the month: a quarter's figures are counted after it
        # ends, so in November the board can expect July to September, not October to
        # December. A quarter ending with the month (Jul to Sep in September) is expected.
        # Months counted from January of year 0; quarters end in months 2, 5, 8 and 11.
        index = month.year * 12 + month.month - 1
        start = index - (index + 1) % 3 - 2  # the last quarter ended ends at start + 2
        return datetime.date(start // 12, start % 12 + 1, 1)
    raise ValueError(f"Unknown frequency {frequency!r}.")


def is_late(frequency: str, latest_period: datetime.date, report_month: datetime.date) -> bool:
    """True when the latest period with data is older than the report month expects."""
    return latest_period < expected_period(frequency, report_month)
