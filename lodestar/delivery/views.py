"""Pages for the delivery plan itself: the plan of a strategy, and its components.

Progress updates, evidence and exceptions are in `progress_views`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.forms import ReasonForm
from lodestar.core.roles import Capability
from lodestar.delivery import services
from lodestar.delivery.forms import (
    ComponentForm,
    DeliverableForm,
    MilestoneForm,
    add_service_errors,
)
from lodestar.delivery.models import Deliverable, Milestone
from lodestar.delivery.plan import history_of, one_deliverable, plan_of, strategies_with_plans
from lodestar.strategy.models import Element, Strategy


def find_deliverable(request: OrgRequest, deliverable: uuid.UUID) -> Deliverable:
    return get_object_or_404(
        Deliverable.objects.select_related("element__strategy", "element__kind"),
        uuid=deliverable,
        organisation=request.organisation,
    )


def find_milestone(request: OrgRequest, milestone: uuid.UUID) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("deliverable__element__strategy"),
        uuid=milestone,
        organisation=request.organisation,
    )


def deliverable_url(deliverable: Deliverable) -> str:
    return reverse("delivery:deliverable", args=[deliverable.organisation.uuid, deliverable.uuid])


def plan_url(strategy: Strategy) -> str:
    return reverse("delivery:plan", args=[strategy.organisation.uuid, strategy.uuid])


@org_view(Capability.VIEW_STRATEGY)
def index(request: OrgRequest) -> HttpResponse:
    plans = strategies_with_plans(request.organisation, timezone.localdate())
    return render(request, "delivery/index.html", {"plans": plans})


@org_view(Capability.VIEW_STRATEGY)
def plan(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = get_object_or_404(Strategy, uuid=strategy, organisation=request.organisation)
    today = timezone.localdate()
    context = {"plan": plan_of(target, today), "strategy": target, "today": today}
    return render(request, "delivery/plan.html", context)


@org_view(Capability.VIEW_STRATEGY)
def deliverable(request: OrgRequest, deliverable: uuid.UUID) -> HttpResponse:
    target = find_deliverable(request, deliverable)
    return render(request, "delivery/deliverable.html", deliverable_context(target))


def deliverable_context(target: Deliverable) -> dict[str, Any]:
    return {
        "row": one_deliverable(target, timezone.localdate()),
        "deliverable": target,
        "strategy": target.element.strategy,
        "updates": history_of(target),
        "today": timezone.localdate(),
    }


def _form_page(
    request: OrgRequest, form: ComponentForm, *, heading: str, back: str, submit: str
) -> HttpResponse:
    status = 400 if form.is_bound else 200
    context = {"form": form, "heading": heading, "back": back, "submit": submit}
    return render(request, "delivery/component_form.html", context, status=status)


@org_view(Capability.EDIT_DELIVERY_PLAN)
def new_deliverable(request: OrgRequest, element: uuid.UUID) -> HttpResponse:
    parent = get_object_or_404(
        Element.objects.select_related("strategy"), uuid=element, organisation=request.organisation
    )
    form = DeliverableForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_deliverable(request.user, parent, **form.values())
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{created} added to the delivery plan.")
            return redirect(deliverable_url(created))
    heading = f"Add a deliverable to {parent}"
    return _form_page(
        request, form, heading=heading, back=plan_url(parent.strategy), submit="Add deliverable"
    )


def _initial(component: Deliverable | Milestone, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(component, name) for name in fields if name != "reason"}


@org_view(Capability.EDIT_DELIVERY_PLAN)
def edit_deliverable(request: OrgRequest, deliverable: uuid.UUID) -> HttpResponse:
    target = find_deliverable(request, deliverable)
    form = DeliverableForm(request.POST or None, organisation=request.organisation, editing=True)
    form.initial = _initial(target, list(form.fields))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_deliverable(
                request.user, target, form.cleaned_data["reason"], **form.values()
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "Deliverable saved.")
            return redirect(deliverable_url(target))
    return _form_page(
        request, form, heading=f"Change {target}", back=deliverable_url(target), submit="Save"
    )


@org_view(Capability.EDIT_DELIVERY_PLAN)
def new_milestone(request: OrgRequest, deliverable: uuid.UUID) -> HttpResponse:
    parent = find_deliverable(request, deliverable)
    form = MilestoneForm(request.POST or None, organisation=request.organisation)
    form.initial = {"accountable_executive": parent.accountable_executive_id}
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_milestone(request.user, parent, **form.values())
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"Milestone {created} added.")
            return redirect(deliverable_url(parent))
    return _form_page(
        request,
        form,
        heading=f"Add a milestone to {parent}",
        back=deliverable_url(parent),
        submit="Add milestone",
    )


@org_view(Capability.EDIT_DELIVERY_PLAN)
def edit_milestone(request: OrgRequest, milestone: uuid.UUID) -> HttpResponse:
    target = find_milestone(request, milestone)
    form = MilestoneForm(request.POST or None, organisation=request.organisation, editing=True)
    form.initial = _initial(target, list(form.fields))
    back = deliverable_url(target.deliverable)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_milestone(
                request.user, target, form.cleaned_data["reason"], **form.values()
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "Milestone saved.")
            return redirect(back)
    return _form_page(request, form, heading=f"Change {target}", back=back, submit="Save")


def _confirm_delete(
    request: OrgRequest, target: Deliverable | Milestone, back: str, error: str = ""
) -> HttpResponse:
    context = {"target": target, "back": back, "error": error, "form": ReasonForm()}
    return render(request, "delivery/confirm_delete.html", context, status=400 if error else 200)


@org_view(Capability.EDIT_DELIVERY_PLAN)
def delete_deliverable(request: OrgRequest, deliverable: uuid.UUID) -> HttpResponse:
    target = find_deliverable(request, deliverable)
    if request.method != "POST":
        return _confirm_delete(request, target, deliverable_url(target))
    form = ReasonForm(request.POST)
    try:
        services.delete_deliverable(
            request.user, target, form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ValidationError as e:
        return _confirm_delete(request, target, deliverable_url(target), e.messages[0])
    messages.success(request, f"{target} deleted from the delivery plan.")
    return redirect(plan_url(target.element.strategy))


@org_view(Capability.EDIT_DELIVERY_PLAN)
def delete_milestone(request: OrgRequest, milestone: uuid.UUID) -> HttpResponse:
    target = find_milestone(request, milestone)
    back = deliverable_url(target.deliverable)
    if request.method != "POST":
        return _confirm_delete(request, target, back)
    form = ReasonForm(request.POST)
    try:
        services.delete_milestone(
            request.user, target, form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ValidationError as e:
        return _confirm_delete(request, target, back, e.messages[0])
    messages.success(request, f"Milestone {target} deleted.")
    return redirect(back)
