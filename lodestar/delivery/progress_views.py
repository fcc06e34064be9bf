"""Pages for reporting progress: updates with evidence, milestones done, and exceptions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.delivery import services
from lodestar.delivery.downloads import evidence_download
from lodestar.delivery.forms import CompleteMilestoneForm, ProgressUpdateForm, add_service_errors
from lodestar.delivery.models import Evidence
from lodestar.delivery.periods import Frequency
from lodestar.delivery.plan import delivery_settings_for, exceptions_for
from lodestar.delivery.views import (
    deliverable_context,
    deliverable_url,
    find_deliverable,
    find_milestone,
)


@org_view(Capability.POST_PROGRESS_UPDATE)
def new_update(request: OrgRequest, deliverable: uuid.UUID) -> HttpResponse:
    target = find_deliverable(request, deliverable)
    rules = delivery_settings_for(request.organisation)
    form = ProgressUpdateForm(
        request.POST or None,
        request.FILES or None,
        frequency=Frequency(rules.update_frequency),
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_progress_update(
                request.user,
                target,
                period=data["period"],
                status=data["status"],
                narrative=data["narrative"],
                confidence=data["confidence"],
                files=data["evidence_files"],
                links=data["evidence_links"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "Progress update posted.")
            return redirect(deliverable_url(target))
    context = {"form": form, "deliverable": target, "rules": rules}
    status = 400 if form.is_bound else 200
    return render(request, "delivery/update_form.html", context, status=status)


@require_POST
@org_view(Capability.POST_PROGRESS_UPDATE)
def complete_milestone(request: OrgRequest, milestone: uuid.UUID) -> HttpResponse:
    """Mark done (on the date given, or today) or, with `reopen`, not done after all."""
    target = find_milestone(request, milestone)
    form = CompleteMilestoneForm(request.POST)
    completed_on = form.cleaned_data["completed_on"] if form.is_valid() else None
    status = 200
    try:
        if "reopen" in request.POST:
            services.complete_milestone(request.user, target, None)
            messages.success(request, f"{target} is open again.")
        elif not form.is_valid():
            raise ValidationError("Enter the date the milestone was completed, like 2025-04-30.")
        else:
            done = completed_on or timezone.localdate()
            services.complete_milestone(request.user, target, done)
            messages.success(request, f"{target} marked complete.")
    except ValidationError as e:
        messages.error(request, f"{target} was not changed: {' '.join(e.messages)}")
        status = 400
    if not request.htmx:
        return redirect(deliverable_url(target.deliverable))
    context = deliverable_context(target.deliverable)
    return render(request, "delivery/deliverable.html#milestones", context, status=status)


@org_view(Capability.VIEW_STRATEGY)
def evidence_file(request: OrgRequest, evidence: uuid.UUID) -> FileResponse:
    """The only way to read an evidence file: it is never served from a public URL."""
    target = get_object_or_404(Evidence, uuid=evidence, organisation=request.organisation)
    return evidence_download(target)


@org_view(Capability.VIEW_STRATEGY)
def exceptions(request: OrgRequest) -> HttpResponse:
    found = exceptions_for(request.organisation, timezone.localdate())
    return render(request, "delivery/exceptions.html", {"exceptions": found})
