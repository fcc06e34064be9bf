from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.governance import services
from lodestar.governance.forms import CommitteeForm
from lodestar.governance.models import Committee


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _committees_page(request: OrgRequest, form: CommitteeForm, status: int = 200) -> HttpResponse:
    committees = Committee.objects.filter(organisation=request.organisation).select_related(
        "reports_to"
    )
    template = "governance/committees.html"
    if request.htmx:
        template += "#committees"
    return render(request, template, {"committees": committees, "form": form}, status=status)


@org_view()
def committees(request: OrgRequest) -> HttpResponse:
    return _committees_page(request, CommitteeForm(organisation=request.organisation))


@require_POST
@org_view(Capability.MANAGE_COMMITTEES)
def add_committee(request: OrgRequest) -> HttpResponse:
    form = CommitteeForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            created = services.create_committee(
                request.user, request.organisation, **form.values()
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, f"{created} added.")
            if not request.htmx:
                return redirect("governance:committees", request.organisation.uuid)
            return _committees_page(request, CommitteeForm(organisation=request.organisation))
    return _committees_page(request, form, status=400)


@org_view(Capability.MANAGE_COMMITTEES)
def edit_committee(request: OrgRequest, committee: uuid.UUID) -> HttpResponse:
    target = get_object_or_404(Committee, uuid=committee, organisation=request.organisation)
    form = CommitteeForm(request.POST or None, organisation=request.organisation, editing=target)
    form.initial = {"name": target.name, "kind": target.kind, "reports_to": target.reports_to}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_committee(
                request.user, target, form.cleaned_data["reason"], **form.values()
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, "Committee saved.")
            return redirect("governance:committees", request.organisation.uuid)
    status = 400 if form.is_bound else 200
    context = {"form": form, "committee": target}
    return render(request, "governance/edit_committee.html", context, status=status)
