"""Recording co-production: who helped shape a strategy and what changed as a result."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.strategy import services
from lodestar.strategy.element_views import form_page
from lodestar.strategy.forms import EngagementForm
from lodestar.strategy.models import EngagementActivity, Strategy
from lodestar.strategy.views import detail_url, frozen_redirect, own_strategy

FIELDS = [f for f in EngagementForm.Meta.fields if f != "elements"]


def _save(
    request: OrgRequest,
    strategy: Strategy,
    form: EngagementForm,
    activity: EngagementActivity | None,
) -> HttpResponse | None:
    data = form.cleaned_data
    fields = {f: data[f] for f in FIELDS}
    try:
        if activity is None:
            activity = services.record_engagement(
                request.user, strategy, data["reason"], elements=data["elements"], **fields
            )
        else:
            activity = services.update_engagement(
                request.user, activity, data["reason"], elements=data["elements"], **fields
            )
    except ValidationError as e:
        form.add_error(None, e)
        return None
    messages.success(request, f"{activity.title} saved.")
    return redirect(detail_url(strategy, "engagement"))


@org_view(Capability.EDIT_STRATEGY)
def new_engagement(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    form = EngagementForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _save(request, target, form, None)
        if done:
            return done
    heading = "Record an engagement activity"
    return frozen_redirect(request, target) or form_page(request, target, form, heading)


@org_view(Capability.EDIT_STRATEGY)
def edit_engagement(request: OrgRequest, strategy: uuid.UUID, activity: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(EngagementActivity, uuid=activity, strategy=target)
    copy = EngagementActivity.objects.get(pk=item.pk)
    form = EngagementForm(target, request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        done = _save(request, target, form, item)
        if done:
            return done
    heading = f"Change {item.title}"
    remove_url = reverse(
        "strategy:remove_engagement", args=[request.organisation.uuid, target.uuid, item.uuid]
    )
    return frozen_redirect(request, target) or form_page(
        request, target, form, heading, remove_url=remove_url, removing=item.title
    )


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def remove_engagement(
    request: OrgRequest, strategy: uuid.UUID, activity: uuid.UUID
) -> HttpResponse:
    target = own_strategy(request, strategy)
    item = get_object_or_404(EngagementActivity, uuid=activity, strategy=target)
    try:
        services.remove_engagement(request.user, item)
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        messages.success(request, f"{item.title} removed.")
    return redirect(detail_url(target, "engagement"))
