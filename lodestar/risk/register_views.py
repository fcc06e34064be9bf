"""Pages of the corporate (operational) risk register, and its Excel export.

Board members read the register; governance officers change any risk on it, and an
executive director the risks they own. Other roles are refused it (403), and people of
other trusts find nothing (404).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.delivery.forms import add_service_errors
from lodestar.risk import register_services as services
from lodestar.risk.exchange import XLSX_CONTENT_TYPE
from lodestar.risk.matrix import matrix_for
from lodestar.risk.models import OperationalRisk, RiskStatus
from lodestar.risk.register_export import export_filename, export_register
from lodestar.risk.register_forms import CloseRiskForm, OperationalRiskForm, RegisterFilterForm

_RAISE_REFUSED = "Your role here does not let you raise risks on the register."


def find_risk(request: OrgRequest, risk: uuid.UUID) -> OperationalRisk:
    return get_object_or_404(
        OperationalRisk.objects.select_related("owner", "strategic_risk", "organisation"),
        uuid=risk,
        organisation=request.organisation,
    )


def risk_url(risk: OperationalRisk) -> str:
    return reverse("risk:operational_risk", args=[risk.organisation.uuid, risk.uuid])


def _editable(request: OrgRequest, risk: OperationalRisk) -> OperationalRisk:
    if not services.may_edit(request.user, risk):
        raise PermissionDenied("Your role here lets you change only the risks you own.")
    return risk


def _filtered(request: OrgRequest) -> tuple[RegisterFilterForm, list[services.RegisterRow]]:
    """The filters in the query string and the rows they choose, for the page and export."""
    org = request.organisation
    form = RegisterFilterForm(
        request.GET or None, services=services.services_of(org), matrix=matrix_for(org)
    )
    return form, services.register_of(org, form.filters(), timezone.localdate())


@org_view(Capability.VIEW_RISKS)
def register(request: OrgRequest) -> HttpResponse:
    """The register with its filters; htmx swaps just the table when a filter changes."""
    org = request.organisation
    form, rows = _filtered(request)
    context: dict[str, Any] = {
        "form": form,
        "rows": rows,
        "matrix": form.matrix,
        # The export link keeps the filters, and is in the table htmx swaps.
        "export_query": request.GET.urlencode(),
        "may_raise": services.may_raise(request.user, org),
        "escalated_count": sum(row.escalated for row in rows),
    }
    template = "risk/register.html#register_table" if request.htmx else "risk/register.html"
    return render(request, template, context)


@require_safe
@org_view(Capability.VIEW_RISKS)
def register_export(request: OrgRequest) -> HttpResponse:
    """The register as filtered on the page, as an Excel workbook."""
    org = request.organisation
    _, rows = _filtered(request)
    response = HttpResponse(export_register(org, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(org)}"'
    return response


def _detail_context(
    request: OrgRequest, target: OperationalRisk, close_form: CloseRiskForm
) -> dict[str, Any]:
    matrix = matrix_for(target.organisation)
    row = services.row_of(target, matrix, timezone.localdate())
    # The ratings in the matrix's own words, like "Likelihood 3 (Possible)".
    words = {
        name: f"Likelihood {p.likelihood} ({matrix.likelihood[p.likelihood - 1]}) x "
        f"consequence {p.consequence} ({matrix.consequence[p.consequence - 1]})"
        for name, p in (
            ("inherent", row.inherent),
            ("current", row.current),
            ("target", row.target),
        )
    }
    return {
        "row": row,
        "words": words,
        "control_texts": [
            ("Controls in place", target.controls),
            ("Gaps in control", target.gaps),
            ("Further actions", target.actions),
        ],
        "risk": target,
        "matrix": matrix,
        "may_edit": services.may_edit(request.user, target),
        "close_form": close_form,
    }


@org_view(Capability.VIEW_RISKS)
def operational_risk(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    target = find_risk(request, risk)
    context = _detail_context(request, target, CloseRiskForm())
    return render(request, "risk/operational_risk.html", context)


def _form_page(
    request: OrgRequest, form: OperationalRiskForm, *, heading: str, back: str, submit: str
) -> HttpResponse:
    status = 400 if form.is_bound else 200
    context = {"form": form, "heading": heading, "back": back, "submit": submit}
    return render(request, "risk/operational_risk_form.html", context, status=status)


@org_view(Capability.VIEW_RISKS)
def new_operational_risk(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    if not services.may_raise(request.user, org):
        raise PermissionDenied(_RAISE_REFUSED)
    # An executive director raises risks they own; a governance officer names anyone.
    owners = None if services.may_manage(request.user, org) else [request.user]
    form = OperationalRiskForm(
        request.POST or None, organisation=org, matrix=matrix_for(org), owners=owners
    )
    form.initial = {"owner": request.user.pk} if owners else {}
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_operational_risk(request.user, org, **form.values())
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{created} added to the risk register.")
            return redirect(risk_url(created))
    back = reverse("risk:register", args=[org.uuid])
    return _form_page(request, form, heading="Raise a risk", back=back, submit="Add to register")


@org_view(Capability.VIEW_RISKS)
def edit_operational_risk(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    target = _editable(request, find_risk(request, risk))
    org = request.organisation
    if target.status != RiskStatus.OPEN:
        messages.error(request, f"{target.reference} is closed. Reopen it before changing it.")
        return redirect(risk_url(target))
    owners = None if services.may_manage(request.user, org) else [request.user]
    form = OperationalRiskForm(
        request.POST or None,
        organisation=org,
        matrix=matrix_for(org),
        owners=owners,
        editing=True,
    )
    form.initial = {name: getattr(target, name) for name in services.OPERATIONAL_FIELDS}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_operational_risk(
                request.user, target, form.cleaned_data["reason"], **form.values()
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{target.reference} saved.")
            return redirect(risk_url(target))
    heading = f"Change {target.reference}"
    return _form_page(request, form, heading=heading, back=risk_url(target), submit="Save")


@require_POST
@org_view(Capability.VIEW_RISKS)
def close_operational_risk(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    target = _editable(request, find_risk(request, risk))
    form = CloseRiskForm(request.POST)
    if form.is_valid():
        try:
            services.close_operational_risk(request.user, target, form.cleaned_data["reason"])
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{target.reference} closed.")
            return redirect(risk_url(target))
    context = _detail_context(request, target, form)
    return render(request, "risk/operational_risk.html", context, status=400)


@require_POST
@org_view(Capability.VIEW_RISKS)
def reopen_operational_risk(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    target = _editable(request, find_risk(request, risk))
    try:
        services.reopen_operational_risk(request.user, target)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, f"{target.reference} reopened.")
    return redirect(risk_url(target))
