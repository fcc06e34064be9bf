"""Changes of a metric's target over time, each audited.

A metric keeps the target it started with (`Metric.target`); each `TargetChange` replaces
it from its period on. Boards judge a month against the target of its time, so a new
planning year's target must not rewrite how earlier months looked.
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from lodestar.audit.services import record_create, record_delete, snapshot
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.performance.models import Metric, TargetChange
from lodestar.performance.services import MAX_MAGNITUDE, describe_period, period_start_problem

if TYPE_CHECKING:
    from lodestar.accounts.models import User


def _target_problem(target: float | None) -> str | None:
    if target is None:
        return None
    if isinstance(target, bool) or not isinstance(target, int | float):
        return "Enter the target as a number, or leave it blank for no target."
    # As for observations: the engine must be able to compare it with limits.
    if not math.isfinite(target) or abs(target) > MAX_MAGNITUDE:
        return f"Enter the target as a finite number below {MAX_MAGNITUDE:,.0f}."
    return None


def _change_errors(
    metric: Metric, period: datetime.date, target: float | None, reason: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if problem := period_start_problem(metric.frequency, period):
        errors["period"] = [problem]
    elif metric.target_changes.filter(period=period).exists():
        label = describe_period(metric.frequency, period)
        errors["period"] = [f"The target already changes from {label}: remove that first."]
    if problem := _target_problem(target):
        errors["target"] = [problem]
    if not reason.strip():
        errors["reason"] = ["Say why the target changed: the board sees the reason."]
    return errors


@transaction.atomic
def change_target(
    actor: User | None,
    metric: Metric,
    *,
    period: datetime.date,
    target: float | None,
    reason: str,
    source: str = "",
) -> TargetChange:
    """Set a new target (or none) for `metric` from `period` on; earlier periods keep theirs."""
    if actor is not None:
        require(actor, metric.organisation, Capability.MANAGE_METRICS)
    if errors := _change_errors(metric, period, target, reason):
        raise ValidationError(errors)
    change = TargetChange(
        organisation=metric.organisation,
        metric=metric,
        period=period,
        target=None if target is None else float(target),
        source=source.strip(),
        reason=reason.strip(),
    )
    change.full_clean()
    change.save()
    record_create(actor, metric.organisation, change)
    return change


@transaction.atomic
def remove_target_change(actor: User | None, change: TargetChange, reason: str = "") -> None:
    """Undo a target change: the target before it applies again from its period on."""
    if actor is not None:
        require(actor, change.organisation, Capability.MANAGE_METRICS)
    record_delete(actor, change.organisation, change, snapshot(change), reason)
    change.delete()
