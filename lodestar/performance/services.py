"""Every change to metrics, their observations, rebases and narratives, each audited.

`actor` is None only for the system (demo data, imports run by the command line); then no
permission is checked. Each function runs in one transaction with its audit entry.
Changes of a metric's target over time are in `target_services`.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.models import Membership, Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability, Role
from lodestar.performance.models import Frequency, Metric, Narrative, Observation, Rebase, Unit
from lodestar.strategy.models import Element

if TYPE_CHECKING:
    from lodestar.accounts.models import User

METRIC_FIELDS = frozenset(
    {"code", "name", "description", "unit", "improvement_direction", "target"}
    | {"target_source", "frequency", "data_source", "lead_executive", "committee", "domain"}
    | {"data_quality", "data_quality_note", "fix_after", "screen_outliers", "active"}
    | {"illustrative"}
)
# Agreement of a value with numerator / denominator, relative, to allow for float rounding.
RATIO_TOLERANCE = 1e-6
MIN_FIX_AFTER = 12  # spc-method.md 1.1: `fix_after_n_points` must be NULL or >= 12.
_NOTE_LENGTH = 300
_QUARTER_MONTHS = frozenset({1, 4, 7, 10})


@dataclass(frozen=True)
class ObservationRow:
    period: datetime.date
    value: float
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Recorded:
    created: int
    changed: int
    unchanged: int


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row given to `record_observations` (index into the rows)."""

    index: int
    period: datetime.date | None
    field: str
    message: str


def _require(actor: User | None, organisation: Organisation, capability: Capability) -> None:
    if actor is not None:
        require(actor, organisation, capability)


# Periods -----------------------------------------------------------------------------------


def period_start_problem(frequency: str, period: datetime.date) -> str | None:
    """Why `period` cannot be the first day of a period of this frequency, or None."""
    if isinstance(period, datetime.datetime) or not isinstance(period, datetime.date):
        return "Give the period as a date, like 2025-04-01."
    if frequency == Frequency.MONTHLY and period.day != 1:
        return "This metric is monthly: give the first day of the month."
    if frequency == Frequency.QUARTERLY and (
        period.day != 1 or period.month not in _QUARTER_MONTHS
    ):
        return "This metric is quarterly: give 1 January, 1 April, 1 July or 1 October."
    if frequency == Frequency.WEEKLY and period.weekday() != 0:
        return "This metric is weekly: give the Monday that starts the week."
    return None


def describe_period(frequency: str, period: datetime.date) -> str:
    """A period as people read it: "March 2025", "Quarter from April 2025", "3 March 2025"."""
    if frequency == Frequency.MONTHLY:
        return f"{period:%B %Y}"
    if frequency == Frequency.QUARTERLY:
        return f"Quarter from {period:%B %Y}"
    if frequency == Frequency.WEEKLY:
        return f"Week from {period.day} {period:%B %Y}"
    return f"{period.day} {period:%B %Y}"


# Metric definitions ------------------------------------------------------------------------


def _lead_problem(metric: Metric) -> str | None:
    org = metric.organisation
    lead_id: int | None = metric.lead_executive_id
    if lead_id is None:
        return "Choose the lead executive: every metric has one."
    executives = Membership.objects.filter(organisation=org, role=Role.EXECUTIVE_DIRECTOR)
    if not executives.filter(user_id=lead_id).exists():
        name = metric.lead_executive.display_name
        return f"{name} is not an executive director of {org.name}. The lead must be one."
    return None


def _metric_errors(
    metric: Metric, elements: Sequence[Element] | None, *, check_lead: bool
) -> dict[str, list[str]]:
    org = metric.organisation
    errors: dict[str, list[str]] = {}
    if check_lead and (problem := _lead_problem(metric)):
        errors["lead_executive"] = [problem]
    if metric.committee is not None and metric.committee.organisation_id != org.pk:
        errors["committee"] = [f"Choose one of {org.name}'s own boards or committees."]
    foreign = [e.title for e in elements or () if e.organisation_id != org.pk]
    if foreign:
        errors["elements"] = [
            f"Link only elements of {org.name}'s own strategies, not {', '.join(foreign)}."
        ]
    code = metric.code
    clash = Metric.objects.filter(organisation=org, code=code).exclude(pk=metric.pk)
    if code and clash.exists():
        errors["code"] = [f"Another metric already has the code {code}. Choose another."]
    if metric.fix_after is not None and metric.fix_after < MIN_FIX_AFTER:
        errors["fix_after"] = [
            f"Fix the limits after at least {MIN_FIX_AFTER} points, or leave this empty."
        ]
    if metric.target is not None and not math.isfinite(metric.target):
        errors["target"] = ["Enter the target as a number."]
    return errors


def _validate_metric(
    metric: Metric, elements: Sequence[Element] | None, *, check_lead: bool
) -> None:
    errors = _metric_errors(metric, elements, check_lead=check_lead)
    try:
        metric.full_clean(exclude=list(errors))
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _apply(metric: Metric, values: dict[str, Any]) -> None:
    unknown = set(values) - METRIC_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a metric.")
    for field, value in values.items():
        setattr(metric, field, value)


def _element_names(metric: Metric) -> list[str]:
    return sorted(f"{e.title} ({e.uuid})" for e in metric.elements.all())


@transaction.atomic
def create_metric(
    actor: User | None,
    organisation: Organisation,
    *,
    code: str,
    name: str,
    unit: str,
    improvement_direction: str,
    frequency: str,
    lead_executive: User | None,
    domain: str,
    elements: Sequence[Element] = (),
    **values: Any,
) -> Metric:
    _require(actor, organisation, Capability.MANAGE_METRICS)
    metric = Metric(organisation=organisation)
    values |= {
        "code": code,
        "name": name,
        "unit": unit,
        "improvement_direction": improvement_direction,
        "frequency": frequency,
        "lead_executive": lead_executive,
        "domain": domain,
    }
    _apply(metric, values)
    _validate_metric(metric, elements, check_lead=True)
    metric.save()
    metric.elements.set(elements)
    record_create(actor, organisation, metric, extra={"elements": _element_names(metric)})
    return metric


def _frequency_change_problem(metric: Metric) -> str | None:
    """Existing periods must still start periods of the new frequency."""
    periods = [*metric.observations.values_list("period", flat=True)]
    periods += metric.rebases.values_list("period", flat=True)
    periods += metric.target_changes.values_list("period", flat=True)
    misfits = sorted(p for p in periods if period_start_problem(metric.frequency, p))
    if not misfits:
        return None
    return (
        f"{len(misfits)} saved observations, rebases or target changes, the first for "
        f"{misfits[0]:%Y-%m-%d}, do not start a {metric.frequency} period. Keep the "
        "frequency, or make a new metric."
    )


@transaction.atomic
def update_metric(
    actor: User | None,
    metric: Metric,
    reason: str = "",
    *,
    elements: Sequence[Element] | None = None,
    **values: Any,
) -> Metric:
    _require(actor, metric.organisation, Capability.MANAGE_METRICS)
    # Work on a fresh copy so a refused change leaves the caller's object as it was.
    metric = Metric.objects.select_related("organisation").get(pk=metric.pk)
    before = snapshot(metric) | {"elements": _element_names(metric)}
    old_lead, old_frequency = metric.lead_executive_id, metric.frequency
    _apply(metric, values)
    # A lead who has since left the board does not block other edits; a new lead is checked.
    _validate_metric(metric, elements, check_lead=metric.lead_executive_id != old_lead)
    if metric.frequency != old_frequency and (problem := _frequency_change_problem(metric)):
        raise ValidationError({"frequency": problem})
    metric.save()
    if elements is not None:
        metric.elements.set(elements)
    after = {"elements": _element_names(metric)}
    record_update(actor, metric.organisation, metric, before, reason, extra=after)
    return metric


@transaction.atomic
def delete_metric(actor: User | None, metric: Metric, reason: str = "") -> None:
    """Only a metric with no data: a metric that has been reported on is kept for the record."""
    _require(actor, metric.organisation, Capability.MANAGE_METRICS)
    count = metric.observations.count()
    if count:
        noun = "observation" if count == 1 else "observations"
        raise ValidationError(
            f"{metric} has {count} {noun}, and the record of what was reported is kept, so it "
            "cannot be deleted. Mark it inactive instead."
        )
    org = metric.organisation
    children = [*metric.rebases.all(), *metric.target_changes.all(), *metric.narratives.all()]
    for child in children:
        record_delete(actor, org, child, snapshot(child), reason)
    before = snapshot(metric) | {"elements": _element_names(metric)}
    record_delete(actor, org, metric, before, reason)
    metric.delete()


# Observations ------------------------------------------------------------------------------

# Far beyond any count, rate or budget, and small enough that the SPC arithmetic on it
# (differences and sums of many points) cannot overflow to infinity.
MAX_MAGNITUDE = 1e15


def _number_problem(name: str, number: object) -> str | None:
    if isinstance(number, bool) or not isinstance(number, int | float):
        return f"The {name} must be a number."
    if not math.isfinite(number):
        return f"The {name} must be a finite number."
    if abs(number) > MAX_MAGNITUDE:
        return f"The {name} must be below {MAX_MAGNITUDE:,.0f}."
    return None


def _row_problems(metric: Metric, row: ObservationRow) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with one row, seen on its own."""
    problems: list[tuple[str, str]] = []
    if problem := period_start_problem(metric.frequency, row.period):
        problems.append(("period", problem))
    for name in ("value", "numerator", "denominator"):
        number = getattr(row, name)
        if (name == "value" or number is not None) and (p := _number_problem(name, number)):
            problems.append((name, p))
    if problems:
        return problems
    num, den = row.numerator, row.denominator
    if (num is None) != (den is None):
        missing = "denominator" if den is None else "numerator"
        problems.append((missing, "Give both the numerator and the denominator, or neither."))
    elif num is not None and den is not None:
        if den <= 0:
            problems.append(("denominator", "The denominator must be more than zero."))
        else:
            expected = num / den * (100 if metric.unit == Unit.PERCENT else 1)
            if not math.isclose(row.value, expected, rel_tol=RATIO_TOLERANCE):
                shown = "numerator / denominator" + (
                    " x 100" if metric.unit == Unit.PERCENT else ""
                )
                problems.append(
                    ("value", f"The value {row.value:g} is not {shown} ({expected:g}).")
                )
    if len(row.note) > _NOTE_LENGTH:
        problems.append(("note", f"The note is too long: use {_NOTE_LENGTH} characters or fewer."))
    return problems


def check_observation_rows(metric: Metric, rows: Sequence[ObservationRow]) -> list[RowProblem]:
    """Every problem with the rows, in order, so an importer can name the row at fault."""
    problems: list[RowProblem] = []
    seen: set[object] = set()
    for index, row in enumerate(rows):
        for field, message in _row_problems(metric, row):
            problems.append(RowProblem(index, row.period, field, message))
        # Callers may pass anything; only a date can be a repeated period.
        period: object = row.period
        if isinstance(period, datetime.date) and period in seen:
            message = "This period is given more than once: give each period once."
            problems.append(RowProblem(index, row.period, "period", message))
        seen.add(period)
    return problems


def _problems_error(problems: Sequence[RowProblem]) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for p in problems:
        when = p.period.isoformat() if isinstance(p.period, datetime.date) else "No period"
        errors.setdefault(p.field, []).append(f"{when}: {p.message}")
    return ValidationError(errors)


def _fields_of(row: ObservationRow) -> dict[str, Any]:
    return {
        "value": float(row.value),
        "numerator": None if row.numerator is None else float(row.numerator),
        "denominator": None if row.denominator is None else float(row.denominator),
        "note": row.note,
    }


def _fields_of_saved(observation: Observation) -> dict[str, Any]:
    return {
        "value": observation.value,
        "numerator": observation.numerator,
        "denominator": observation.denominator,
        "note": observation.note,
    }


@dataclass
class _Upsert:
    """What one call of `record_observations` inserts and updates, with its audit log."""

    new: list[Observation] = dataclasses.field(default_factory=list)
    changed: list[Observation] = dataclasses.field(default_factory=list)
    created_log: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    before_log: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    after_log: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


def _plan_upsert(metric: Metric, rows: Sequence[ObservationRow]) -> _Upsert:
    saved = {o.period: o for o in Observation.objects.filter(metric=metric)}
    now = timezone.now()
    plan = _Upsert()
    for row in rows:
        fields, key = _fields_of(row), row.period.isoformat()
        found = saved.get(row.period)
        if found is None:
            org = metric.organisation
            plan.new.append(
                Observation(organisation=org, metric=metric, period=row.period, **fields)
            )
            plan.created_log[key] = fields
        elif _fields_of_saved(found) != fields:
            plan.before_log[key] = _fields_of_saved(found)
            for name, value in fields.items():
                setattr(found, name, value)
            found.updated_at = now
            plan.changed.append(found)
            plan.after_log[key] = fields
    return plan


@transaction.atomic
def record_observations(
    actor: User | None, metric: Metric, rows: Sequence[ObservationRow], reason: str = ""
) -> Recorded:
    """Add or correct observations by period: all of the rows are saved, or none.

    The metric gets one audit entry for the whole call, listing each period created and
    each changed with its values before and after, so an import of thousands of rows
    writes one entry rather than thousands.
    """
    _require(actor, metric.organisation, Capability.SUBMIT_METRIC_DATA)
    if not metric.active:
        # The report leaves inactive metrics out, so data sent to one would vanish unseen.
        raise ValidationError(
            {"metric": f"{metric.name} is no longer active: make it active again first."}
        )
    if problems := check_observation_rows(metric, rows):
        raise _problems_error(problems)
    # Lock the metric so two imports of the same periods cannot both insert them (PostgreSQL;
    # SQLite's IMMEDIATE transactions already queue writers).
    Metric.objects.select_for_update().filter(pk=metric.pk).first()
    plan = _plan_upsert(metric, rows)
    Observation.objects.bulk_create(plan.new, batch_size=500)
    names = ["value", "numerator", "denominator", "note", "updated_at"]
    Observation.objects.bulk_update(plan.changed, names, batch_size=500)
    # Empty logs are left out, so that a call that changes nothing writes no entry.
    before = snapshot(metric)
    extra: dict[str, Any] = {}
    if plan.created_log:
        extra["observations_created"] = plan.created_log
    if plan.changed:
        before["observations_changed"] = plan.before_log
        extra["observations_changed"] = plan.after_log
    record_update(actor, metric.organisation, metric, before, reason, extra=extra)
    created, changed = len(plan.new), len(plan.changed)
    return Recorded(created, changed, len(rows) - created - changed)


@transaction.atomic
def delete_observation(actor: User | None, observation: Observation, reason: str = "") -> None:
    _require(actor, observation.organisation, Capability.SUBMIT_METRIC_DATA)
    record_delete(actor, observation.organisation, observation, snapshot(observation), reason)
    observation.delete()


# Rebases and narratives --------------------------------------------------------------------


@transaction.atomic
def add_rebase(
    actor: User | None, metric: Metric, *, period: datetime.date, reason: str
) -> Rebase:
    """Recalculate the limits from `period` on, after a known change in the process."""
    _require(actor, metric.organisation, Capability.MANAGE_METRICS)
    errors: dict[str, list[str]] = {}
    if problem := period_start_problem(metric.frequency, period):
        errors["period"] = [problem]
    elif metric.rebases.filter(period=period).exists():
        label = describe_period(metric.frequency, period)
        errors["period"] = [f"The limits are already recalculated from {label}."]
    if not reason.strip():
        errors["reason"] = ["Say why the process changed: the reason is shown on the chart."]
    if errors:
        raise ValidationError(errors)
    rebase = Rebase(
        organisation=metric.organisation, metric=metric, period=period, reason=reason.strip()
    )
    rebase.full_clean()
    rebase.save()
    record_create(actor, metric.organisation, rebase)
    return rebase


@transaction.atomic
def remove_rebase(actor: User | None, rebase: Rebase, reason: str = "") -> None:
    _require(actor, rebase.organisation, Capability.MANAGE_METRICS)
    record_delete(actor, rebase.organisation, rebase, snapshot(rebase), reason)
    rebase.delete()


@transaction.atomic
def save_narrative(
    actor: User | None,
    metric: Metric,
    *,
    period: datetime.date,
    what_the_chart_shows: str = "",
    root_cause: str = "",
    actions: str = "",
    risks: str = "",
) -> Narrative:
    """Write or rewrite the commentary on a metric for one report month."""
    _require(actor, metric.organisation, Capability.WRITE_METRIC_NARRATIVE)
    if period_start_problem(Frequency.MONTHLY, period):
        raise ValidationError({"period": "Choose a report month: the first day of a month."})
    texts = {
        "what_the_chart_shows": what_the_chart_shows.strip(),
        "root_cause": root_cause.strip(),
        "actions": actions.strip(),
        "risks": risks.strip(),
    }
    # The system (demo data) writes in the lead executive's name; otherwise the last writer.
    author = actor or metric.lead_executive
    found = Narrative.objects.filter(metric=metric, period=period).first()
    if found is None:
        narrative = Narrative(
            organisation=metric.organisation, metric=metric, period=period, author=author, **texts
        )
        narrative.full_clean()
        narrative.save()
        record_create(actor, metric.organisation, narrative)
        return narrative
    before = snapshot(found)
    for name, text in texts.items():
        setattr(found, name, text)
    if snapshot(found) != before:
        found.author = author
    found.full_clean()
    found.save()
    record_update(actor, metric.organisation, found, before)
    return found
