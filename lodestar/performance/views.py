"""The integrated performance report, its PDF, and the page of one metric.

The pages that change metrics, their data and commentary are in the metrics and import
views; this module only reads, through `report.py`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.performance import chart
from lodestar.performance.analysis import analyse_metrics
from lodestar.performance.models import Metric, Rebase, TargetChange
from lodestar.performance.pdf import report_pdf as cached_report_pdf
from lodestar.performance.report import (
    BY_DOMAIN,
    GROUPINGS,
    Report,
    available_periods,
    build_report,
    card_for,
    month_end,
    parse_month,
)
from lodestar.performance.wording import format_target

# The metric page's chart is wider and taller than a card's.
DETAIL_SIZE = chart.Size(width=960, height=360, left=64)


@dataclass(frozen=True)
class Choice:
    """What the reader asked for, and what to tell them if that could not be given."""

    period: datetime.date | None
    periods: list[datetime.date]
    by: str
    problem: str = ""


def _choose(request: OrgRequest) -> Choice:
    """The month and grouping asked for; the latest month with data by default.

    A month with no data, or a malformed one, is not an error page: the report shows the
    latest month and says why.
    """
    periods = available_periods(request.organisation)
    by = request.GET.get("by", BY_DOMAIN)
    by = by if by in GROUPINGS else BY_DOMAIN
    latest = periods[0] if periods else None
    raw = request.GET.get("period", "")
    if not raw:
        return Choice(latest, periods, by)
    asked = parse_month(raw)
    if asked in periods:
        return Choice(asked, periods, by)
    problem = f"There is no data for “{raw}”, so this report shows the latest month."
    if parse_month(raw) is None:
        problem = f"“{raw}” is not a month (use the form YYYY-MM), so this shows the latest."
    return Choice(latest, periods, by, problem if latest else "")


def _report(request: OrgRequest) -> tuple[Report, Choice]:
    choice = _choose(request)
    found = build_report(request.organisation, choice.period, choice.by, choice.periods)
    return found, choice


@org_view(Capability.VIEW_PERFORMANCE)
def report(request: OrgRequest) -> HttpResponse:
    found, choice = _report(request)
    context = {
        "report": found,
        "problem": choice.problem,
        "groupings": GROUPINGS,
        "query": _query(found),
        "links": _report_links(request),
    }
    return render(request, "performance/report.html", context)


@org_view(Capability.VIEW_PERFORMANCE)
def report_pdf(request: OrgRequest) -> HttpResponse:
    found, _ = _report(request)
    pdf = cached_report_pdf(found, timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    month = f"-{found.period:%Y-%m}" if found.period else ""
    filename = f"{request.organisation.ods_code.lower()}-performance-report{month}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view(Capability.VIEW_PERFORMANCE)
def metric(request: OrgRequest, metric: uuid.UUID) -> HttpResponse:
    target = get_object_or_404(
        Metric.objects.select_related("lead_executive", "committee"),
        uuid=metric,
        organisation=request.organisation,
    )
    period = parse_month(request.GET.get("period", ""))
    [analysis] = analyse_metrics([target], up_to=month_end(period) if period else None)
    narratives = list(target.narratives.select_related("author").order_by("-period"))
    current = next((n for n in narratives if period is None or n.period == period), None)
    context: dict[str, Any] = {
        "metric": target,
        "card": card_for(analysis, current, size=DETAIL_SIZE),
        "period": period,
        "narratives": narratives,
        "elements": list(target.elements.select_related("strategy")),
        "actions": _metric_links(request, target, period or _latest_month(analysis)),
        "rebases": _rebases(request, target, analysis.rebases),
        "target_changes": _target_changes(request, target, analysis.target_changes),
    }
    return render(request, "performance/metric.html", context)


def _latest_month(analysis: Any) -> datetime.date | None:
    latest = analysis.latest
    return latest.period.replace(day=1) if latest else None


def _query(found: Report) -> str:
    month = f"period={found.period:%Y-%m}&" if found.period else ""
    return f"?{month}by={found.by}"


def _reverse(name: str, **kwargs: Any) -> str | None:
    """The URL of a page other helpers' code provides, or None if it does not exist yet."""
    try:
        return reverse(f"performance:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def _allowed(
    request: OrgRequest, actions: list[tuple[str, Capability, str, dict[str, Any]]]
) -> list[tuple[str, str]]:
    links = []
    for name, capability, label, kwargs in actions:
        url = _reverse(name, org=request.organisation.uuid, **kwargs)
        if url and capability in request.capabilities:
            links.append((label, url))
    return links


def _report_links(request: OrgRequest) -> list[tuple[str, str]]:
    return _allowed(
        request,
        [
            ("metrics", Capability.VIEW_PERFORMANCE, "All metric definitions", {}),
            ("import", Capability.SUBMIT_METRIC_DATA, "Import metric data", {}),
        ],
    )


def _metric_links(
    request: OrgRequest, metric: Metric, month: datetime.date | None
) -> list[tuple[str, str]]:
    one = {"metric": metric.uuid}
    links = _allowed(
        request,
        [
            ("edit_metric", Capability.MANAGE_METRICS, "Change the definition", one),
            ("new_observation", Capability.SUBMIT_METRIC_DATA, "Add or correct a value", one),
            ("new_rebase", Capability.MANAGE_METRICS, "Add a rebase", one),
            ("new_target_change", Capability.MANAGE_METRICS, "Change the target", one),
        ],
    )
    narrative = _allowed(
        request,
        [("narrative", Capability.WRITE_METRIC_NARRATIVE, "Write the commentary", one)],
    )
    for label, url in narrative:
        suffix = f"?period={month:%Y-%m}" if month else ""
        when = f" for {month:%B %Y}" if month else ""
        links.append((label + when, url + suffix))
    return links


def _rebases(
    request: OrgRequest, metric: Metric, rebases: Sequence[Rebase]
) -> list[tuple[Rebase, str | None]]:
    """Each rebase with its removal page, for those who may remove it."""
    org = request.organisation.uuid
    found = []
    for rebase in rebases:
        url = None
        if Capability.MANAGE_METRICS in request.capabilities:
            url = _reverse("delete_rebase", org=org, rebase=rebase.uuid) or _reverse(
                "delete_rebase", org=org, metric=metric.uuid, rebase=rebase.uuid
            )
        found.append((rebase, url))
    return found


def _target_changes(
    request: OrgRequest, metric: Metric, changes: Sequence[TargetChange]
) -> list[tuple[TargetChange, str, str | None]]:
    """Each change of target, the new target as shown, and its removal page if allowed."""
    allowed = Capability.MANAGE_METRICS in request.capabilities
    org = request.organisation.uuid
    return [
        (
            change,
            format_target(change.target, metric.unit),
            _reverse("delete_target_change", org=org, metric=metric.uuid, change=change.uuid)
            if allowed
            else None,
        )
        for change in changes
    ]
