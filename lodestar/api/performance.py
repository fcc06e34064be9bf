"""Performance metrics: their definitions, observations, rebases, target changes and
narratives, and what the Making Data Count analysis of them shows.

Observations are pushed in batches, all or nothing: a batch with any bad row is answered
400 naming each row by its index and field (`observations.3.value`), and nothing is
saved. Sending a period already recorded corrects it. The same roles as on the pages:
every member reads; analysts, governance officers and administrators keep the metric
definitions, rebases and target changes; analysts and administrators submit data;
executives, analysts, governance officers and administrators write narratives.
"""

from __future__ import annotations

import calendar
import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from lodestar.api.auth import organisation_access
from lodestar.api.errors import field_error
from lodestar.api.lookups import committee, member, one, refusals
from lodestar.api.performance_schemas import (
    MetricChanges,
    MetricOut,
    MetricQuery,
    MonthQuery,
    NarrativeIn,
    NarrativeOut,
    NewMetric,
    NewRebase,
    NewTargetChange,
    ObservationBatch,
    ObservationOut,
    ObservationQuery,
    RebaseOut,
    RecordedOut,
    SpcOut,
    SummaryOut,
    SummaryRow,
    TargetChangeOut,
    parse_month,
)
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ReasonQuery
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.performance import services, target_services
from lodestar.performance.analysis import analyse_metrics, latest_month
from lodestar.performance.models import Metric, Narrative, Rebase, TargetChange
from lodestar.performance.services import ObservationRow
from lodestar.strategy.models import Element

router = Router(tags=["Performance"])

M = "/{uuid:org}/metrics/{uuid:metric}"
# A code or frequency that clashes with what is stored is a conflict, not a bad request.
_CONFLICTS = {"code", "frequency"}


def find_metric(organisation: Organisation, metric: uuid.UUID) -> Metric:
    metrics = (
        Metric.objects.filter(organisation=organisation)
        .select_related("organisation", "lead_executive", "committee")
        .prefetch_related("elements__kind", "target_changes")
    )
    return one(metrics, metric, "This organisation has no such metric.")


def _links(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """The UUIDs of people, committees and elements in a request, as records."""
    if "lead_executive" in values:
        values["lead_executive"] = member(
            organisation,
            values["lead_executive"],
            "lead_executive",
            f"Choose an executive director of {organisation.name} to lead this metric.",
        )
    if values.get("committee") is not None:
        values["committee"] = committee(organisation, values["committee"], "committee")
    if values.get("elements") is not None:
        chosen = set(values["elements"])
        found = list(Element.objects.filter(organisation=organisation, uuid__in=chosen))
        if len(found) != len(chosen):
            raise field_error(
                "elements", f"Link only elements of {organisation.name}'s strategies."
            )
        values["elements"] = found
    return values


def _month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@router.get("/{uuid:org}/metrics", response={200: list[MetricOut], **READ_ERRORS})
def list_metrics(
    request: HttpRequest, org: uuid.UUID, query: Query[MetricQuery]
) -> list[MetricOut]:
    """This organisation's metrics by domain and name, optionally of one domain."""
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    metrics = (
        Metric.objects.filter(organisation=access.organisation)
        .select_related("lead_executive", "committee")
        .prefetch_related("elements__kind", "target_changes")
        .order_by("domain", "name", "code")
    )
    if query.domain is not None:
        metrics = metrics.filter(domain=query.domain)
    if query.active is not None:
        metrics = metrics.filter(active=query.active)
    return [MetricOut.of(metric) for metric in metrics]


@router.post("/{uuid:org}/metrics", response={201: MetricOut, **WRITE_ERRORS})
def create_metric(request: HttpRequest, org: uuid.UUID, new: NewMetric) -> Status[MetricOut]:
    """A metric definition. A code already in use here is a 409."""
    access = organisation_access(request, org, Capability.MANAGE_METRICS)
    values = _links(access.organisation, new.model_dump())
    with refusals(conflicts=_CONFLICTS):
        created = services.create_metric(access.user, access.organisation, **values)
    return Status(201, MetricOut.of(find_metric(access.organisation, created.uuid)))


@router.get(M, response={200: MetricOut, **READ_ERRORS})
def get_metric(request: HttpRequest, org: uuid.UUID, metric: uuid.UUID) -> MetricOut:
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    return MetricOut.of(find_metric(access.organisation, metric))


@router.patch(M, response={200: MetricOut, **WRITE_ERRORS})
def update_metric(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, changes: MetricChanges
) -> MetricOut:
    """Fields left out are left alone. A frequency that existing data does not fit is a 409."""
    access = organisation_access(request, org, Capability.MANAGE_METRICS)
    target = find_metric(access.organisation, metric)
    values = changes.model_dump(exclude_unset=True, exclude={"reason"})
    if not values:
        fields = ", ".join(sorted(set(MetricChanges.model_fields) - {"reason"}))
        raise ValidationError(f"Send at least one field to change: {fields}.")
    values = _links(access.organisation, values)
    with refusals(conflicts=_CONFLICTS):
        services.update_metric(access.user, target, changes.reason, **values)
    return MetricOut.of(find_metric(access.organisation, metric))


@router.delete(M, response={204: None, **WRITE_ERRORS})
def delete_metric(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, query: Query[ReasonQuery]
) -> Status[None]:
    """Only a metric without observations (409 otherwise): set `active` to false instead."""
    access = organisation_access(request, org, Capability.MANAGE_METRICS)
    target = find_metric(access.organisation, metric)
    with refusals():
        services.delete_metric(access.user, target, query.reason)
    return Status(204, None)


@router.get(M + "/observations", response={200: list[ObservationOut], **READ_ERRORS})
def list_observations(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, query: Query[ObservationQuery]
) -> list[ObservationOut]:
    """The metric's observations in period order."""
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    observations = find_metric(access.organisation, metric).observations.order_by("period")
    if query.since is not None:
        observations = observations.filter(period__gte=query.since)
    if query.until is not None:
        observations = observations.filter(period__lte=query.until)
    return [ObservationOut.of(o) for o in observations]


@router.post(M + "/observations", response={200: RecordedOut, **WRITE_ERRORS})
def push_observations(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, batch: ObservationBatch
) -> RecordedOut:
    """Add or correct observations by period, all or nothing, with one audit entry. An
    inactive metric takes no data (409): make it active again first."""
    access = organisation_access(request, org, Capability.SUBMIT_METRIC_DATA)
    target = find_metric(access.organisation, metric)
    if not target.active:
        # As in a file import: data for a metric no longer monitored is most likely a mistake.
        raise HttpError(409, f"{target.name} is no longer active; make it active again first.")
    rows = [
        ObservationRow(o.period, o.value, o.numerator, o.denominator, o.note)
        for o in batch.observations
    ]
    # The services' own row checks first, so that each problem names its row's index.
    problems: dict[str, list[str]] = {}
    for problem in services.check_observation_rows(target, rows):
        problems.setdefault(f"observations.{problem.index}.{problem.field}", []).append(
            problem.message
        )
    if problems:
        raise ValidationError(problems)
    with refusals():
        recorded = services.record_observations(access.user, target, rows, batch.reason)
    return RecordedOut(
        created=recorded.created, changed=recorded.changed, unchanged=recorded.unchanged
    )


@router.get(M + "/rebases", response={200: list[RebaseOut], **READ_ERRORS})
def list_rebases(request: HttpRequest, org: uuid.UUID, metric: uuid.UUID) -> list[RebaseOut]:
    """Where the limits are recalculated after a known change in the process."""
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    rebases = find_metric(access.organisation, metric).rebases.order_by("period")
    return [RebaseOut.of(r) for r in rebases]


@router.post(M + "/rebases", response={201: RebaseOut, **WRITE_ERRORS})
def add_rebase(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, new: NewRebase
) -> Status[RebaseOut]:
    """Recalculate the limits from `period` on. The period must start one of the metric's."""
    access = organisation_access(request, org, Capability.MANAGE_METRICS)
    target = find_metric(access.organisation, metric)
    with refusals():
        created = services.add_rebase(access.user, target, period=new.period, reason=new.reason)
    return Status(201, RebaseOut.of(created))


@router.delete(M + "/rebases/{uuid:rebase}", response={204: None, **WRITE_ERRORS})
def remove_rebase(
    request: HttpRequest,
    org: uuid.UUID,
    metric: uuid.UUID,
    rebase: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    access = organisation_access(request, org, Capability.MANAGE_METRICS)
    target = find_metric(access.organisation, metric)
    found = one(Rebase.objects.filter(metric=target), rebase, "This metric has no such rebase.")
    with refusals():
        services.remove_rebase(access.user, found, query.reason)
    return Status(204, None)


@router.get(M + "/targets", response={200: list[TargetChangeOut], **READ_ERRORS})
def list_target_changes(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID
) -> list[TargetChangeOut]:
    """Where the target changes: each replaces the one before from its period on."""
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    changes = find_metric(access.organisation, metric).target_changes.order_by("period")
    return [TargetChangeOut.of(c) for c in changes]


@router.post(M + "/targets", response={201: TargetChangeOut, **WRITE_ERRORS})
def add_target_change(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, new: NewTargetChange
) -> Status[TargetChangeOut]:
    """A new target (null: none) from `period` on, which must start one of the metric's
    periods; earlier periods keep the target of their time."""
    access = organisation_access(request, org, Capability.MANAGE_METRICS)
    target = find_metric(access.organisation, metric)
    with refusals():
        created = target_services.change_target(access.user, target, **new.model_dump())
    return Status(201, TargetChangeOut.of(created))


@router.delete(M + "/targets/{uuid:change}", response={204: None, **WRITE_ERRORS})
def remove_target_change(
    request: HttpRequest,
    org: uuid.UUID,
    metric: uuid.UUID,
    change: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    """Undo a target change: the target before it applies again from its period on."""
    access = organisation_access(request, org, Capability.MANAGE_METRICS)
    target = find_metric(access.organisation, metric)
    found = one(
        TargetChange.objects.filter(metric=target),
        change,
        "This metric has no such target change.",
    )
    with refusals():
        target_services.remove_target_change(access.user, found, query.reason)
    return Status(204, None)


def _month(period: str) -> datetime.date:
    try:
        return parse_month(period)
    except ValueError as e:
        raise field_error("period", str(e)) from e


@router.get(M + "/narratives/{period}", response={200: NarrativeOut, **READ_ERRORS})
def get_narrative(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, period: str
) -> NarrativeOut:
    """The commentary on the metric for one report month (YYYY-MM); 404 if none yet."""
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    target = find_metric(access.organisation, metric)
    month = _month(period)
    found = Narrative.objects.filter(metric=target, period=month).select_related("author").first()
    if found is None:
        raise Http404(f"There is no narrative for {target.name} for {month:%B %Y} yet.")
    return NarrativeOut.of(found)


@router.put(M + "/narratives/{period}", response={200: NarrativeOut, **WRITE_ERRORS})
def save_narrative(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, period: str, narrative: NarrativeIn
) -> NarrativeOut:
    """Write or rewrite the commentary for a report month (YYYY-MM). Parts left out are
    saved empty: this replaces the whole narrative."""
    access = organisation_access(request, org, Capability.WRITE_METRIC_NARRATIVE)
    target = find_metric(access.organisation, metric)
    month = _month(period)
    with refusals():
        saved = services.save_narrative(
            access.user, target, period=month, **narrative.model_dump()
        )
    return NarrativeOut.of(saved)


@router.get(M + "/spc", response={200: SpcOut, 400: ErrorOut, **READ_ERRORS})
def spc(
    request: HttpRequest, org: uuid.UUID, metric: uuid.UUID, query: Query[MonthQuery]
) -> SpcOut:
    """The chart's points with mean, limits, rule and point type, and the Making Data Count
    variation and assurance icons; up to the end of the month `period`, if given."""
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    target = find_metric(access.organisation, metric)
    up_to = _month_end(query.period) if query.period else None
    [analysis] = analyse_metrics([target], up_to=up_to)
    return SpcOut.of(analysis)


@router.get(
    "/{uuid:org}/performance/summary",
    response={200: SummaryOut, 400: ErrorOut, **READ_ERRORS},
)
def summary(request: HttpRequest, org: uuid.UUID, query: Query[MonthQuery]) -> SummaryOut:
    """Every active metric's latest value and icons, as of the end of the month `period`
    (YYYY-MM) if given: the integrated performance report's summary matrix. `data_late`
    flags the metrics whose data have not yet arrived for that month."""
    access = organisation_access(request, org, Capability.VIEW_PERFORMANCE)
    metrics = Metric.objects.filter(organisation=access.organisation).active()
    up_to = _month_end(query.period) if query.period else None
    found = analyse_metrics(metrics, up_to=up_to)
    month = query.period or latest_month(found)
    return SummaryOut(
        period=f"{query.period:%Y-%m}" if query.period else None,
        metrics=[SummaryRow.of(analysis, month) for analysis in found],
    )
