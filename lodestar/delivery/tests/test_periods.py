from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from lodestar.delivery.models import DeliverySettings
from lodestar.delivery.periods import (
    Frequency,
    describe_period,
    is_period_start,
    last_completed_period,
    next_period,
    period_end,
    period_start,
    recent_periods,
)

D = datetime.date


class PeriodTests(SimpleTestCase):
    def test_every_day_of_a_leap_year_lies_in_its_period(self) -> None:
        day = D(2024, 1, 1)
        while day.year == 2024:
            for frequency in Frequency:
                start = period_start(day, frequency)
                with self.subTest(day=day, frequency=frequency):
                    self.assertTrue(start <= day <= period_end(start, frequency))
                    self.assertTrue(is_period_start(start, frequency))
                    self.assertEqual(
                        next_period(start, frequency),
                        period_end(start, frequency) + datetime.timedelta(days=1),
                    )
            day += datetime.timedelta(days=1)

    def test_quarters_start_in_april_july_october_and_january(self) -> None:
        starts = {period_start(D(2025, m, 10), Frequency.QUARTERLY).month for m in range(1, 13)}
        self.assertEqual(starts, {1, 4, 7, 10})
        self.assertEqual(period_end(D(2025, 1, 1), Frequency.QUARTERLY), D(2025, 3, 31))

    def test_the_update_due_is_for_the_last_completed_period(self) -> None:
        self.assertEqual(last_completed_period(D(2025, 5, 15), Frequency.MONTHLY), D(2025, 4, 1))
        self.assertEqual(last_completed_period(D(2025, 1, 1), Frequency.MONTHLY), D(2024, 12, 1))
        self.assertEqual(last_completed_period(D(2025, 5, 15), Frequency.QUARTERLY), D(2025, 1, 1))
        self.assertEqual(last_completed_period(D(2025, 2, 1), Frequency.QUARTERLY), D(2024, 10, 1))

    def test_recent_periods_run_newest_first_from_the_current_one(self) -> None:
        self.assertEqual(
            recent_periods(D(2025, 2, 14), Frequency.MONTHLY, 3),
            [D(2025, 2, 1), D(2025, 1, 1), D(2024, 12, 1)],
        )
        self.assertEqual(
            recent_periods(D(2025, 2, 14), Frequency.QUARTERLY, 2), [D(2025, 1, 1), D(2024, 10, 1)]
        )

    def test_periods_are_described_in_words(self) -> None:
        self.assertEqual(describe_period(D(2025, 4, 1), Frequency.MONTHLY), "April 2025")
        self.assertEqual(
            describe_period(D(2024, 10, 1), Frequency.QUARTERLY), "October to December 2024"
        )

    def test_a_mid_month_day_is_not_a_period_start(self) -> None:
        self.assertFalse(is_period_start(D(2025, 4, 2), Frequency.MONTHLY))
        self.assertFalse(is_period_start(D(2025, 5, 1), Frequency.QUARTERLY))

    def test_the_pure_frequencies_match_the_models_choices(self) -> None:
        self.assertEqual([f.value for f in Frequency], list(DeliverySettings.Frequency.values))
