"""Small builders for performance tests, shared by the metric, import and report tests.

Like the strategy and delivery builders, they write rows directly so that a test of one
service or page does not depend on every other service working.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.core.testing import PersonaTestCase
from lodestar.governance.models import Committee
from lodestar.performance.models import (
    Domain,
    Frequency,
    ImprovementDirection,
    Metric,
    Observation,
    Unit,
)
from lodestar.strategy.models import Element, Strategy
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

DEFAULT_START = datetime.date(2023, 4, 1)
# 1 April 2023 is a Saturday; weekly metrics start on a Monday.
DEFAULT_WEEKLY_START = datetime.date(2023, 4, 3)


def make_metric(organisation: Organisation, executive: User, **kw: Any) -> Metric:
    """A monthly percentage metric (A&E 4-hour performance) unless `kw` says otherwise.

    `elements` (a list) is linked after saving. Each call gets a fresh code unless given.
    """
    elements: Sequence[Element] = kw.pop("elements", ())
    number = Metric.objects.filter(organisation=organisation).count() + 1
    fields: dict[str, Any] = {
        "code": f"metric-{number}",
        "name": "Four-hour A&E performance",
        "description": "Patients seen within four hours of arrival at A&E.",
        "unit": Unit.PERCENT,
        "improvement_direction": ImprovementDirection.INCREASE,
        "target": 95.0,
        "target_source": "NHS constitutional standard",
        "frequency": Frequency.MONTHLY,
        "data_source": "Emergency Care Data Set",
        "domain": Domain.ACCESS,
    }
    fields.update(kw)
    metric = Metric.objects.create(organisation=organisation, lead_executive=executive, **fields)
    if elements:
        metric.elements.set(elements)
    return metric


def next_period(period: datetime.date, frequency: str) -> datetime.date:
    if frequency == Frequency.DAILY:
        return period + datetime.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return period + datetime.timedelta(days=7)
    months = 3 if frequency == Frequency.QUARTERLY else 1
    month = period.month - 1 + months
    return period.replace(year=period.year + month // 12, month=month % 12 + 1, day=1)


def add_observations(
    metric: Metric,
    values: Sequence[float | None],
    start: datetime.date | None = None,
) -> list[Observation]:
    """One observation a period from `start`; a None leaves that period without data."""
    if start is None:
        start = DEFAULT_WEEKLY_START if metric.frequency == Frequency.WEEKLY else DEFAULT_START
    made: list[Observation] = []
    period = start
    for value in values:
        if value is not None:
            made.append(
                Observation(
                    organisation=metric.organisation, metric=metric, period=period, value=value
                )
            )
        period = next_period(period, metric.frequency)
    return Observation.objects.bulk_create(made)


class PerformanceTestCase(PersonaTestCase):
    """The personas, a strategy with one element, and a committee of the organisation."""

    strategy: Strategy
    element: Element
    committee: Committee

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.strategy = make_strategy(cls.org, title="Our strategy")
        cls.element = make_element(cls.strategy, title="Great care, every time")
        cls.committee = make_committee(
            cls.org, "Quality and Safety Committee", kind=Committee.Kind.COMMITTEE
        )
