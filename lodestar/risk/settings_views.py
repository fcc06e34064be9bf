"""The risk matrix and risk appetite pages: board members read them, governance edits them."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.forms import ReasonForm
from lodestar.core.roles import Capability
from lodestar.delivery.forms import add_service_errors
from lodestar.risk import settings_services as services
from lodestar.risk.matrix import (
    Matrix,
    matrix_of,
    out_of_date,
    risk_settings_for,
)
from lodestar.risk.models import AppetiteCategory
from lodestar.risk.overview import swatch
from lodestar.risk.scoring import POSSIBLE_SCORES, Band, band_for
from lodestar.risk.settings_forms import (
    AppetiteCategoryForm,
    AppetiteScaleForm,
    AppetiteStatementForm,
    MatrixForm,
    band_formset,
)


def settings_url(request: OrgRequest, anchor: str = "") -> str:
    url = reverse("risk:settings", args=[request.organisation.uuid])
    return f"{url}#{anchor}" if anchor else url


def _matrix(request: OrgRequest) -> Matrix:
    return matrix_of(risk_settings_for(request.organisation))


@org_view(Capability.VIEW_RISKS)
def risk_settings(request: OrgRequest) -> HttpResponse:
    found = risk_settings_for(request.organisation)
    matrix = matrix_of(found)
    categories = [
        (
            category,
            matrix.appetite_levels[category.level - 1],
            f"{category.tolerance} {band.name}",
            swatch(band.colour),
        )
        for category in AppetiteCategory.objects.filter(organisation=request.organisation)
        for band in [_tolerance_band(matrix, category.tolerance)]
    ]
    context: dict[str, Any] = {
        "settings": found,
        "matrix": matrix,
        "grid": [
            (
                row,
                [
                    (f"{cell.score} {cell.band.name}", swatch(cell.band.colour))
                    for cell in row.cells
                ],
            )
            for row in matrix.rows()
        ],
        "consequences": list(enumerate(matrix.consequence, start=1)),
        "bands": [(band, swatch(band.colour)) for band in matrix.bands],
        "categories": categories,
        "can_manage": Capability.MANAGE_RISKS in request.capabilities,
        "out_of_date": out_of_date(request.organisation, matrix),
    }
    return render(request, "risk/settings.html", context)


def _tolerance_band(matrix: Matrix, tolerance: int) -> Band:
    """The band of a tolerance. One at an impossible score (7, say) tolerates no more than
    the highest possible score below it, so it takes that score's band."""
    return band_for(max(s for s in POSSIBLE_SCORES if s <= tolerance), matrix.bands)


@org_view(Capability.MANAGE_RISKS)
def edit_matrix(request: OrgRequest) -> HttpResponse:
    matrix = _matrix(request)
    data = request.POST if request.method == "POST" else None
    form = MatrixForm(data, matrix=matrix)
    bands = band_formset(data, matrix)
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        try:
            services.update_risk_matrix(
                request.user,
                request.organisation,
                bands=bands.bands(),
                reason=form.cleaned_data["reason"],
                **form.values(),
            )
        except ValidationError as e:
            form.add_service_errors(e, bands)
        else:
            messages.success(
                request, "Risk matrix saved. Scores already recorded keep the band they had."
            )
            return redirect(settings_url(request, "matrix"))
    status = 400 if form.is_bound else 200
    context = {"form": form, "bands": bands, "back": settings_url(request, "matrix")}
    return render(request, "risk/settings_matrix.html", context, status=status)


@org_view(Capability.MANAGE_RISKS)
def regrade(request: OrgRequest) -> HttpResponse:
    """Grade open risks again under today's matrix, after a change of bands."""
    matrix = _matrix(request)
    # An empty POST (no reason given) must still act, so bind on the method, not the data.
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"] or "Graded again under the current risk matrix."
        changed = services.regrade_risks(request.user, request.organisation, reason)
        count = len(changed)
        if count:
            done = f"{count} open risk{'' if count == 1 else 's'} graded again."
        else:
            done = "Every open risk already had the band the current matrix gives it."
        messages.success(request, done)
        return redirect(settings_url(request, "matrix"))
    context = {
        "out_of_date": out_of_date(request.organisation, matrix),
        "back": settings_url(request),
    }
    return render(request, "risk/settings_regrade.html", context)


@org_view(Capability.MANAGE_RISKS)
def edit_appetite_statement(request: OrgRequest) -> HttpResponse:
    found = risk_settings_for(request.organisation)
    form = AppetiteStatementForm(request.POST or None, organisation=request.organisation)
    form.initial = {
        "statement": found.appetite_statement,
        "approved_on": found.appetite_approved_on,
        "approved_by": found.appetite_approved_by_id,
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appetite_statement(
                request.user,
                request.organisation,
                reason=form.cleaned_data["reason"],
                **form.values(),
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "Risk appetite statement saved.")
            return redirect(settings_url(request, "appetite"))
    return _form_page(request, form, "risk/appetite_statement.html", "appetite")


@org_view(Capability.MANAGE_RISKS)
def edit_appetite_scale(request: OrgRequest) -> HttpResponse:
    form = AppetiteScaleForm(request.POST or None, levels=_matrix(request).appetite_levels)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appetite_scale(
                request.user, request.organisation, form.levels(), form.cleaned_data["reason"]
            )
        except ValidationError as e:
            for messages_ in e.message_dict.values():
                form.add_error("level_1", messages_)
        else:
            messages.success(request, "Risk appetite scale saved.")
            return redirect(settings_url(request, "appetite"))
    return _form_page(request, form, "risk/appetite_scale.html", "appetite")


def _form_page(
    request: OrgRequest, form: Any, template: str, anchor: str, **extra: Any
) -> HttpResponse:
    status = 400 if form.is_bound else 200
    context = {"form": form, "back": settings_url(request, anchor), **extra}
    return render(request, template, context, status=status)


def _find_category(request: OrgRequest, category: uuid.UUID) -> AppetiteCategory:
    return get_object_or_404(AppetiteCategory, uuid=category, organisation=request.organisation)


@org_view(Capability.MANAGE_RISKS)
def new_appetite_category(request: OrgRequest) -> HttpResponse:
    levels = _matrix(request).appetite_levels
    form = AppetiteCategoryForm(request.POST or None, levels=levels)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_appetite_category(
                request.user, request.organisation, **form.values()
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"Appetite category {created} added.")
            return redirect(settings_url(request, "categories"))
    return _form_page(
        request, form, "risk/appetite_category_form.html", "categories", category=None
    )


@org_view(Capability.MANAGE_RISKS)
def edit_appetite_category(request: OrgRequest, category: uuid.UUID) -> HttpResponse:
    target = _find_category(request, category)
    levels = _matrix(request).appetite_levels
    form = AppetiteCategoryForm(request.POST or None, levels=levels, editing=True)
    form.initial = AppetiteCategoryForm.initial_for(target)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appetite_category(
                request.user, target, form.cleaned_data["reason"], **form.values()
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"Appetite category {target} saved.")
            return redirect(settings_url(request, "categories"))
    return _form_page(
        request, form, "risk/appetite_category_form.html", "categories", category=target
    )


@org_view(Capability.MANAGE_RISKS)
def delete_appetite_category(request: OrgRequest, category: uuid.UUID) -> HttpResponse:
    target = _find_category(request, category)
    back = settings_url(request, "categories")
    refusal = services.why_category_cannot_be_deleted(target)
    context: dict[str, Any] = {"target": target, "back": back, "error": refusal or ""}
    if refusal:
        return render(request, "risk/appetite_category_delete.html", context, status=400)
    if request.method == "POST":
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.delete_appetite_category(request.user, target, reason)
        except ValidationError as e:
            context["error"] = e.messages[0]
            return render(request, "risk/appetite_category_delete.html", context, status=400)
        messages.success(request, f"Appetite category {target} deleted.")
        return redirect(back)
    return render(request, "risk/appetite_category_delete.html", context)


@require_POST
@org_view(Capability.MANAGE_RISKS)
def default_appetite_categories(request: OrgRequest) -> HttpResponse:
    created = services.ensure_default_appetite_categories(request.organisation, request.user)
    messages.success(
        request, f"{len(created)} appetite categories in place: change them to suit the board."
    )
    return redirect(settings_url(request, "categories"))
