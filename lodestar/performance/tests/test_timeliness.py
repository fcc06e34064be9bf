"""When a metric's data are late for a report month: the pure rule, at each frequency's edges."""

from __future__ import annotations

import datetime

import pytest

from lodestar.performance.timeliness import expected_period, is_late

D = datetime.date


@pytest.mark.parametrize(
    ("frequency", "month", "expected"),
    [
        # Monthly: the report month itself, however the month is given.
        ("monthly", D(2026, 10, 1), D(2026, 10, 1)),
        ("monthly", D(2026, 10, 17), D(2026, 10, 1)),
        # Quarterly: the latest quarter ended by the month's end, not the one holding it.
        ("quarterly", D(2026, 9, 1), D(2026, 7, 1)),  # Jul to Sep ends with September
        ("quarterly", D(2026, 10, 1), D(2026, 7, 1)),
        ("quarterly", D(2026, 11, 1), D(2026, 7, 1)),
        ("quarterly", D(2026, 12, 1), D(2026, 10, 1)),
        ("quarterly", D(2027, 1, 1), D(2026, 10, 1)),  # across the turn of the year
        ("quarterly", D(2026, 2, 1), D(2025, 10, 1)),
        ("quarterly", D(2026, 3, 1), D(2026, 1, 1)),
        # Weekly: a week starting in the month's last 7 days.
        ("weekly", D(2026, 10, 1), D(2026, 10, 25)),  # 31 October 2026 is a Saturday
        ("weekly", D(2025, 3, 1), D(2025, 3, 25)),  # 31 March 2025 is a Monday
        # Daily: the month's last day, leap years included.
        ("daily", D(2026, 10, 1), D(2026, 10, 31)),
        ("daily", D(2026, 2, 1), D(2026, 2, 28)),
        ("daily", D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_each_frequency_expects_its_own_latest_period(
    frequency: str, month: datetime.date, expected: datetime.date
) -> None:
    assert expected_period(frequency, month) == expected


@pytest.mark.parametrize(
    ("frequency", "latest", "month", "late"),
    [
        ("monthly", D(2026, 10, 1), D(2026, 10, 1), False),
        ("monthly", D(2026, 9, 1), D(2026, 10, 1), True),
        ("monthly", D(2026, 8, 1), D(2026, 10, 1), True),
        ("quarterly", D(2026, 7, 1), D(2026, 10, 1), False),
        ("quarterly", D(2026, 10, 1), D(2026, 10, 1), False),  # early data for this quarter
        ("quarterly", D(2026, 4, 1), D(2026, 10, 1), True),
        ("quarterly", D(2026, 4, 1), D(2026, 8, 1), False),  # Jul to Sep has not ended
        ("quarterly", D(2026, 4, 1), D(2026, 9, 1), True),  # it ends with September
        ("weekly", D(2026, 10, 26), D(2026, 10, 1), False),  # holds 31 October
        ("weekly", D(2026, 10, 19), D(2026, 10, 1), True),
        ("weekly", D(2025, 3, 31), D(2025, 3, 1), False),
        # 24 to 30 March is wholly in March, but the week holding its last day is expected.
        ("weekly", D(2025, 3, 24), D(2025, 3, 1), True),
        ("daily", D(2026, 10, 31), D(2026, 10, 1), False),
        ("daily", D(2026, 10, 30), D(2026, 10, 1), True),
        ("daily", D(2024, 2, 28), D(2024, 2, 1), True),
    ],
)
def test_data_are_late_when_older_than_the_month_expects(
    frequency: str, latest: datetime.date, month: datetime.date, late: bool
) -> None:
    assert is_late(frequency, latest, month) is late


def test_an_unknown_frequency_is_refused() -> None:
    with pytest.raises(ValueError, match="fortnightly"):
        expected_period("fortnightly", D(2026, 10, 1))
