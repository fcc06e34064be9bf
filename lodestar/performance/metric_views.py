"""Pages that keep metric definitions: the list, the definition form, rebases, target
changes, narratives and single observations. The chart of one metric and the report are in
`views`."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.forms import ReasonForm
from lodestar.core.roles import Capability
from lodestar.delivery.forms import add_service_errors
from lodestar.performance import services, target_services
from lodestar.performance.analysis import TargetStep, step_at, target_steps
from lodestar.performance.forms import (
    MetricForm,
    NarrativeForm,
    ObservationForm,
    RebaseForm,
    TargetChangeForm,
)
from lodestar.performance.models import (
    Domain,
    Metric,
    Narrative,
    Observation,
    Rebase,
    TargetChange,
)
from lodestar.performance.services import ObservationRow, describe_period
from lodestar.performance.wording import format_target


def find_metric(request: OrgRequest, metric: uuid.UUID) -> Metric:
    return get_object_or_404(
        Metric.objects.select_related("lead_executive", "committee"),
        uuid=metric,
        organisation=request.organisation,
    )


def metrics_url(request: OrgRequest) -> str:
    return reverse("performance:metrics", args=[request.organisation.uuid])


def metric_url(metric: Metric) -> str:
    """The metric's own page where it exists, or else the list of metrics."""
    org = metric.organisation.uuid
    try:
        return reverse("performance:metric", args=[org, metric.uuid])
    except NoReverseMatch:
        return reverse("performance:metrics", args=[org])


def _import_url(request: OrgRequest) -> str:
    """The import page, for those who may submit data, once it exists."""
    if Capability.SUBMIT_METRIC_DATA not in request.capabilities:
        return ""
    try:
        return reverse("performance:import", args=[request.organisation.uuid])
    except NoReverseMatch:
        return ""


def _render(
    request: OrgRequest, template: str, context: dict[str, Any], *, bound: bool
) -> HttpResponse:
    """A form page: 400 when it comes back with errors, so tools and htmx can tell."""
    return render(request, template, context, status=400 if bound else 200)


# The list of metrics ----------------------------------------------------------------------


@dataclass(frozen=True)
class MetricRow:
    metric: Metric
    url: str
    observations: int
    latest: str
    # The target in force at the latest data, as the report's card shows it.
    target: TargetStep


def _metric_rows(found: Iterable[Metric]) -> list[MetricRow]:
    metrics = list(found)
    counts = {
        row["metric"]: (row["n"], row["latest"])
        for row in Observation.objects.filter(metric__in=metrics)
        .values("metric")
        .annotate(n=Count("id"), latest=Max("period"))
    }
    changes: dict[int, list[TargetChange]] = {}
    for change in TargetChange.objects.filter(metric__in=metrics):
        changes.setdefault(change.metric_id, []).append(change)
    rows = []
    for metric in metrics:
        number, latest = counts.get(metric.pk, (0, None))
        label = describe_period(metric.frequency, latest) if latest else ""
        step = step_at(target_steps(metric, changes.get(metric.pk, ())), latest)
        rows.append(MetricRow(metric, metric_url(metric), number, label, step))
    return rows


@org_view(Capability.VIEW_PERFORMANCE)
def metrics(request: OrgRequest) -> HttpResponse:
    found = Metric.objects.filter(organisation=request.organisation).select_related(
        "lead_executive", "organisation"
    )
    chosen = request.GET.get("domain", "")
    if chosen in Domain.values:
        found = found.filter(domain=chosen)
    else:
        chosen = ""
    by_domain: dict[str, list[MetricRow]] = {}
    for row in _metric_rows(found.order_by("domain", "name")):
        by_domain.setdefault(row.metric.domain, []).append(row)
    groups = [(label, by_domain[value]) for value, label in Domain.choices if value in by_domain]
    context = {
        "groups": groups,
        "domains": Domain.choices,
        "chosen": chosen,
        "count": sum(len(rows) for _, rows in groups),
        "can_manage": Capability.MANAGE_METRICS in request.capabilities,
        "import_url": _import_url(request),
    }
    return render(request, "performance/metrics.html", context)


# Definitions ------------------------------------------------------------------------------


def _metric_form_page(
    request: OrgRequest,
    form: MetricForm,
    *,
    heading: str,
    back: str,
    submit: str,
    delete_url: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "heading": heading,
        "back": back,
        "submit": submit,
        "delete_url": delete_url,
    }
    return _render(request, "performance/metric_form.html", context, bound=form.is_bound)


@org_view(Capability.MANAGE_METRICS)
def new_metric(request: OrgRequest) -> HttpResponse:
    form = MetricForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_metric(request.user, request.organisation, **form.values())
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{created} added to the metrics.")
            return redirect(metric_url(created))
    return _metric_form_page(
        request, form, heading="Add a metric", back=metrics_url(request), submit="Add metric"
    )


@org_view(Capability.MANAGE_METRICS)
def edit_metric(request: OrgRequest, metric: uuid.UUID) -> HttpResponse:
    target = find_metric(request, metric)
    form = MetricForm(
        request.POST or None,
        organisation=request.organisation,
        metric=target,
        initial=MetricForm.initial_for(target),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_metric(
                request.user, target, form.cleaned_data["reason"], **form.values()
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "Metric saved.")
            return redirect(metric_url(target))
    delete_url = reverse("performance:delete_metric", args=[request.organisation.uuid, metric])
    return _metric_form_page(
        request,
        form,
        heading=f"Change {target}",
        back=metric_url(target),
        submit="Save",
        delete_url=delete_url,
    )


def _confirm(
    request: OrgRequest, *, heading: str, explain: str, back: str, error: str = ""
) -> HttpResponse:
    context = {"heading": heading, "explain": explain, "back": back, "error": error}
    return _render(request, "performance/metric_confirm_delete.html", context, bound=bool(error))


def _reason(request: OrgRequest) -> str:
    form = ReasonForm(request.POST)
    return str(form.cleaned_data["reason"]) if form.is_valid() else ""


@org_view(Capability.MANAGE_METRICS)
def delete_metric(request: OrgRequest, metric: uuid.UUID) -> HttpResponse:
    target = find_metric(request, metric)
    page = {
        "heading": f"Delete {target}?",
        "explain": "This removes the metric's definition. The audit trail keeps a record of it.",
        "back": metric_url(target),
    }
    if request.method != "POST":
        return _confirm(request, **page)
    try:
        services.delete_metric(request.user, target, _reason(request))
    except ValidationError as e:
        return _confirm(request, **page, error=e.messages[0])
    messages.success(request, f"{target} deleted.")
    return redirect(metrics_url(request))


# Rebases ----------------------------------------------------------------------------------


@org_view(Capability.MANAGE_METRICS)
def new_rebase(request: OrgRequest, metric: uuid.UUID) -> HttpResponse:
    target = find_metric(request, metric)
    form = RebaseForm(request.POST or None, frequency=target.frequency)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rebase(request.user, target, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            label = describe_period(target.frequency, form.cleaned_data["period"])
            messages.success(request, f"The limits of {target} are recalculated from {label}.")
            return redirect(metric_url(target))
    context = {
        "form": form,
        "metric": target,
        "rebases": target.rebases.all(),
        "back": metric_url(target),
    }
    return _render(request, "performance/rebase_form.html", context, bound=form.is_bound)


@org_view(Capability.MANAGE_METRICS)
def delete_rebase(request: OrgRequest, metric: uuid.UUID, rebase: uuid.UUID) -> HttpResponse:
    target = find_metric(request, metric)
    found = get_object_or_404(
        Rebase, uuid=rebase, metric=target, organisation=request.organisation
    )
    label = describe_period(target.frequency, found.period)
    page = {
        "heading": f"Remove the rebase of {target} from {label}?",
        "explain": f"The limits will no longer be recalculated from {label}. "
        f"The reason given was: {found.reason}",
        "back": metric_url(target),
    }
    if request.method != "POST":
        return _confirm(request, **page)
    services.remove_rebase(request.user, found, _reason(request))
    messages.success(request, f"The rebase from {label} is removed.")
    return redirect(metric_url(target))


# Target changes ---------------------------------------------------------------------------


@org_view(Capability.MANAGE_METRICS)
def new_target_change(request: OrgRequest, metric: uuid.UUID) -> HttpResponse:
    target = find_metric(request, metric)
    form = TargetChangeForm(request.POST or None, frequency=target.frequency)
    if request.method == "POST" and form.is_valid():
        try:
            target_services.change_target(request.user, target, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            label = describe_period(target.frequency, form.cleaned_data["period"])
            messages.success(request, f"The target of {target} changes from {label}.")
            return redirect(metric_url(target))
    context = {
        "form": form,
        "metric": target,
        "first": format_target(target.target, target.unit),
        "changes": [
            (c, format_target(c.target, target.unit)) for c in target.target_changes.all()
        ],
        "back": metric_url(target),
    }
    return _render(request, "performance/target_form.html", context, bound=form.is_bound)


@org_view(Capability.MANAGE_METRICS)
def delete_target_change(
    request: OrgRequest, metric: uuid.UUID, change: uuid.UUID
) -> HttpResponse:
    target = find_metric(request, metric)
    found = get_object_or_404(
        TargetChange, uuid=change, metric=target, organisation=request.organisation
    )
    label = describe_period(target.frequency, found.period)
    page = {
        "heading": f"Remove the new target of {target} from {label}?",
        "explain": f"The target before it will apply again from {label}. "
        f"The reason given was: {found.reason}",
        "back": metric_url(target),
    }
    if request.method != "POST":
        return _confirm(request, **page)
    target_services.remove_target_change(request.user, found, _reason(request))
    messages.success(request, f"The new target from {label} is removed.")
    return redirect(metric_url(target))


# Narratives -------------------------------------------------------------------------------


def _month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def _report_months(target: Metric) -> list[datetime.date]:
    """Months with data, newest first: the months a narrative can be written for."""
    periods = Observation.objects.filter(metric=target).values_list("period", flat=True)
    return sorted({_month(p) for p in periods}, reverse=True)


def _chosen_month(request: OrgRequest, months: list[datetime.date]) -> datetime.date:
    """?period=YYYY-MM if it is a real month; else the latest month with data; else last month."""
    asked = request.GET.get("period") or request.POST.get("period") or ""
    try:
        return datetime.datetime.strptime(asked, "%Y-%m").date()  # noqa: DTZ007 - a date only
    except ValueError:
        pass
    if months:
        return months[0]
    return _month(_month(timezone.localdate()) - datetime.timedelta(days=1))


@org_view(Capability.WRITE_METRIC_NARRATIVE)
def narrative(request: OrgRequest, metric: uuid.UUID) -> HttpResponse:
    target = find_metric(request, metric)
    months = _report_months(target)
    month = _chosen_month(request, months)
    if month not in months:
        months = sorted([*months, month], reverse=True)
    found = Narrative.objects.filter(metric=target, period=month).select_related("author").first()
    initial = {name: getattr(found, name) for name in NarrativeForm.base_fields} if found else {}
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_narrative(request.user, target, period=month, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"The narrative for {month:%B %Y} is saved.")
            return redirect(metric_url(target))
    context = {
        "form": form,
        "metric": target,
        "month": month,
        "months": months,
        "found": found,
        "back": metric_url(target),
    }
    return _render(request, "performance/narrative_form.html", context, bound=form.is_bound)


# Observations -----------------------------------------------------------------------------


def _observation_initial(request: OrgRequest, target: Metric) -> dict[str, Any]:
    """Correcting a saved value starts from it: ?period=YYYY-MM-DD names the period."""
    try:
        period = datetime.date.fromisoformat(request.GET.get("period", ""))
    except ValueError:
        return {}
    found = Observation.objects.filter(metric=target, period=period).first()
    if found is None:
        return {"period": period}
    names = ("period", "value", "numerator", "denominator", "note")
    return {name: getattr(found, name) for name in names}


@org_view(Capability.SUBMIT_METRIC_DATA)
def new_observation(request: OrgRequest, metric: uuid.UUID) -> HttpResponse:
    target = find_metric(request, metric)
    form = ObservationForm(
        request.POST or None, metric=target, initial=_observation_initial(request, target)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            result = services.record_observations(
                request.user, target, [ObservationRow(**data)], form.cleaned_data["reason"]
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            label = describe_period(target.frequency, data["period"])
            done = "added" if result.created else "corrected" if result.changed else "unchanged"
            messages.success(request, f"The value for {label} is {done}.")
            return redirect(metric_url(target))
    context = {
        "form": form,
        "metric": target,
        "recent": target.observations.order_by("-period")[:6],
        "back": metric_url(target),
    }
    return _render(request, "performance/observation_form.html", context, bound=form.is_bound)
