"""Reading delivery plans: the plan of a strategy with its roll-up, and the exceptions.

The rules live in `brag` and `periods` (pure Python); this module feeds them facts
from the database and hands the pages plain rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from lodestar.core.models import Organisation
from lodestar.delivery.brag import (
    DeliverableFacts,
    MilestoneFacts,
    Progress,
    Status,
    deliverable_progress,
    roll_up,
)
from lodestar.delivery.models import Deliverable, DeliverySettings, Milestone, ProgressUpdate
from lodestar.delivery.periods import (
    Frequency,
    describe_period,
    last_completed_period,
    period_end,
)
from lodestar.strategy.models import Element, Strategy

# A later report for the same period corrects an earlier one; the id breaks exact ties.
NEWEST_FIRST = ("-period", "-created_at", "-id")


def history_of(deliverable: Deliverable) -> QuerySet[ProgressUpdate]:
    """Every update of a deliverable, newest first, with its author and evidence."""
    return (
        deliverable.updates.select_related("author")
        .prefetch_related("evidence")
        .order_by(*NEWEST_FIRST)
    )


def delivery_settings_for(organisation: Organisation) -> DeliverySettings:
    """An organisation's settings, made with the defaults the first time they are asked for."""
    found, _ = DeliverySettings.objects.get_or_create(organisation=organisation)
    return found


@dataclass
class DeliverableRow:
    deliverable: Deliverable
    milestones: list[Milestone]
    latest: ProgressUpdate | None
    progress: Progress


@dataclass
class ElementRow:
    element: Element
    deliverables: list[DeliverableRow]
    progress: Progress


@dataclass
class Plan:
    strategy: Strategy
    elements: list[ElementRow] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)


def _deliverables() -> QuerySet[Deliverable]:
    milestones: QuerySet[Milestone] = Milestone.objects.select_related(
        "accountable_executive", "responsible_manager"
    )
    updates: QuerySet[ProgressUpdate] = ProgressUpdate.objects.order_by(*NEWEST_FIRST)
    return Deliverable.objects.select_related(
        "accountable_executive", "responsible_manager", "committee"
    ).prefetch_related(
        Prefetch("milestones", queryset=milestones), Prefetch("updates", queryset=updates)
    )


def deliverable_row(deliverable: Deliverable, today: datetime.date) -> DeliverableRow:
    """Needs `milestones` and `updates` prefetched (or it asks the database twice)."""
    milestones = list(deliverable.milestones.all())
    # Prefetched newest first: the latest period, and the latest report within it.
    latest = next(iter(deliverable.updates.all()), None)
    facts = DeliverableFacts(
        milestones=tuple(MilestoneFacts(m.due_date, m.completed_on) for m in milestones),
        latest_status=Status(latest.status) if latest else None,
        completed_on=deliverable.completed_on,
    )
    return DeliverableRow(deliverable, milestones, latest, deliverable_progress(facts, today))


def plan_of(strategy: Strategy, today: datetime.date) -> Plan:
    """Elements → deliverables → milestones, each level with its roll-up."""
    elements = strategy.elements.select_related("kind", "executive_lead").prefetch_related(
        Prefetch("deliverables", queryset=_deliverables())
    )
    plan = Plan(strategy)
    for element in elements:
        rows = [deliverable_row(d, today) for d in element.deliverables.all()]
        plan.elements.append(ElementRow(element, rows, roll_up(r.progress for r in rows)))
    plan.progress = roll_up(e.progress for e in plan.elements)
    return plan


def one_deliverable(deliverable: Deliverable, today: datetime.date) -> DeliverableRow:
    return deliverable_row(_deliverables().get(pk=deliverable.pk), today)


def live_deliverables(organisation: Organisation) -> QuerySet[Deliverable]:
    """Deliverables of the organisation's strategies that are still being delivered."""
    return Deliverable.objects.filter(organisation=organisation).exclude(
        element__strategy__status=Strategy.Status.SUPERSEDED
    )


@dataclass
class Exceptions:
    today: datetime.date
    expected_period: datetime.date
    expected_period_name: str
    overdue_milestones: list[Milestone]
    missing_updates: list[DeliverableRow]


def exceptions_for(organisation: Organisation, today: datetime.date) -> Exceptions:
    """Overdue milestones, and deliverables with no update for the last completed period.

    A deliverable owes an update only if it had started by the end of that period (its
    start date, or the day it was added) and is not finished (marked complete, or its
    latest report is blue). An update for a later period counts too.
    """
    frequency = Frequency(delivery_settings_for(organisation).update_frequency)
    expected = last_completed_period(today, frequency)
    live = live_deliverables(organisation)
    overdue = (
        Milestone.objects.filter(deliverable__in=live)
        .overdue(today)
        .select_related("deliverable__element__strategy", "accountable_executive")
        .order_by("due_date", "id")
    )
    owing = (
        _deliverables()
        .select_related("element__strategy")
        .filter(pk__in=live.filter(completed_on__isnull=True).values("pk"))
    )
    missing = []
    for deliverable in owing.order_by("element__strategy", "element", "due_date", "id"):
        began = deliverable.start_date or timezone.localdate(deliverable.created_at)
        row = deliverable_row(deliverable, today)
        if began > period_end(expected, frequency) or row.progress.status is Status.BLUE:
            continue
        if row.latest is None or row.latest.period < expected:
            missing.append(row)
    return Exceptions(
        today=today,
        expected_period=expected,
        expected_period_name=describe_period(expected, frequency),
        overdue_milestones=list(overdue),
        missing_updates=missing,
    )


def strategies_with_plans(organisation: Organisation, today: datetime.date) -> list[Plan]:
    """Each current strategy's plan, for the delivery index."""
    strategies = Strategy.objects.filter(organisation=organisation).exclude(
        status=Strategy.Status.SUPERSEDED
    )
    return [plan_of(strategy, today) for strategy in strategies]
