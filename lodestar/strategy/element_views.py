"""Pages that change a strategy's values and elements.

Moving and removing answer HTMX with the refreshed list alone (a partial of the
strategy page); without JavaScript they go back to the strategy page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.strategy import services
from lodestar.strategy.forms import ElementForm, ValueForm
from lodestar.strategy.models import Element, Strategy, Value
from lodestar.strategy.views import detail_url, frozen_redirect, own_strategy, render_detail


def form_page(
    request: OrgRequest, strategy: Strategy, form: BaseForm, heading: str, **extra: object
) -> HttpResponse:
    context = {"form": form, "strategy": strategy, "heading": heading, **extra}
    status = 400 if form.errors else 200
    return render(request, "strategy/item_form.html", context, status=status)


def _change_listed(
    request: OrgRequest, strategy: Strategy, partial: str, change: Callable[[], object]
) -> HttpResponse:
    try:
        change()
    except ValidationError as e:
        messages.error(request, e.messages[0])
    if request.htmx:
        return render_detail(request, strategy, partial)
    return redirect(detail_url(strategy, partial))


# Values ---------------------------------------------------------------------------------


def _save_value(
    request: OrgRequest, strategy: Strategy, form: ValueForm, value: Value | None
) -> HttpResponse | None:
    fields = {f: form.cleaned_data[f] for f in ValueForm.Meta.fields}
    reason = form.cleaned_data["reason"]
    try:
        if value is None:
            value = services.add_value(request.user, strategy, reason, **fields)
        else:
            value = services.update_value(request.user, value, reason, **fields)
    except ValidationError as e:
        form.add_error(None, e)
        return None
    messages.success(request, f"{value.name} saved.")
    return redirect(detail_url(strategy, "values"))


@org_view(Capability.EDIT_STRATEGY)
def new_value(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    form = ValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _save_value(request, target, form, None)
        if done:
            return done
    return frozen_redirect(request, target) or form_page(request, target, form, "Add a value")


@org_view(Capability.EDIT_STRATEGY)
def edit_value(request: OrgRequest, strategy: uuid.UUID, value: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(Value, uuid=value, strategy=target)
    form = ValueForm(request.POST or None, instance=Value.objects.get(pk=item.pk))
    if request.method == "POST" and form.is_valid():
        done = _save_value(request, target, form, item)
        if done:
            return done
    heading = f"Change the value {item.name}"
    return frozen_redirect(request, target) or form_page(request, target, form, heading)


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def remove_value(request: OrgRequest, strategy: uuid.UUID, value: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(Value, uuid=value, strategy=target)

    def remove() -> None:
        services.remove_value(request.user, item)
        messages.success(request, f"{item.name} removed.")

    return _change_listed(request, target, "values", remove)


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def move_value(request: OrgRequest, strategy: uuid.UUID, value: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(Value, uuid=value, strategy=target)
    direction = request.POST.get("direction", "")
    return _change_listed(
        request, target, "values", lambda: services.move_value(request.user, item, direction)
    )


# Elements -------------------------------------------------------------------------------


def _save_element(
    request: OrgRequest, strategy: Strategy, form: ElementForm, element: Element | None
) -> HttpResponse | None:
    fields = {f: form.cleaned_data[f] for f in ElementForm.Meta.fields}
    reason = form.cleaned_data["reason"]
    try:
        if element is None:
            element = services.add_element(request.user, strategy, reason, **fields)
        else:
            element = services.update_element(request.user, element, reason, **fields)
    except ValidationError as e:
        form.add_error(None, e)
        return None
    messages.success(request, f"{element.title} saved.")
    return redirect(detail_url(strategy, "elements"))


@org_view(Capability.EDIT_STRATEGY)
def new_element(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    # Strategies made by an import or in the admin may reach here before any kinds exist.
    services.ensure_element_kinds(request.organisation, request.user)
    form = ElementForm(request.organisation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _save_element(request, target, form, None)
        if done:
            return done
    heading = "Add a strategic element"
    return frozen_redirect(request, target) or form_page(request, target, form, heading)


@org_view(Capability.EDIT_STRATEGY)
def edit_element(request: OrgRequest, strategy: uuid.UUID, element: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(Element, uuid=element, strategy=target)
    copy = Element.objects.get(pk=item.pk)
    form = ElementForm(request.organisation, request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        done = _save_element(request, target, form, item)
        if done:
            return done
    heading = f"Change {item.title}"
    return frozen_redirect(request, target) or form_page(request, target, form, heading)


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def remove_element(request: OrgRequest, strategy: uuid.UUID, element: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(Element, uuid=element, strategy=target)

    def remove() -> None:
        services.remove_element(request.user, item)
        messages.success(request, f"{item.title} removed.")

    return _change_listed(request, target, "elements", remove)


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def move_element(request: OrgRequest, strategy: uuid.UUID, element: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(Element, uuid=element, strategy=target)
    direction = request.POST.get("direction", "")
    return _change_listed(
        request, target, "elements", lambda: services.move_element(request.user, item, direction)
    )
