"""Reporting progress: updates with evidence, milestones completed, and the exceptions.

An update is never changed once posted: a later update for the same period corrects
it, and the whole history is kept. Evidence can be links (in JSON) or files (sent as
multipart form data to .../updates/with-files), checked as the page checks them.
"""

from __future__ import annotations

import uuid

from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict, Field

from lodestar.api.auth import organisation_access
from lodestar.api.delivery import find_deliverable, find_milestone
from lodestar.api.delivery_schemas import (
    Completion,
    ExceptionsOut,
    MilestoneOut,
    NewUpdate,
    UpdateOut,
)
from lodestar.api.fields import Day
from lodestar.api.lookups import refusals
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ReasonQuery
from lodestar.core.roles import Capability
from lodestar.delivery import services
from lodestar.delivery.downloads import evidence_download
from lodestar.delivery.models import Brag, Evidence, ProgressUpdate
from lodestar.delivery.plan import exceptions_for, history_of

router = Router(tags=["Progress"])

D = "/{uuid:org}/deliverables/{uuid:deliverable}"
M = "/{uuid:org}/milestones/{uuid:milestone}"


@router.post(M + "/complete", response={200: MilestoneOut, **WRITE_ERRORS})
def complete_milestone(
    request: HttpRequest, org: uuid.UUID, milestone: uuid.UUID, completion: Completion
) -> MilestoneOut:
    """Mark a milestone complete, on `completed_on` or today; not in the future."""
    access = organisation_access(request, org, Capability.POST_PROGRESS_UPDATE)
    target = find_milestone(access.organisation, milestone)
    done = completion.completed_on or timezone.localdate()
    with refusals():
        changed = services.complete_milestone(access.user, target, done, completion.reason)
    return MilestoneOut.of(changed, timezone.localdate())


@router.delete(M + "/complete", response={200: MilestoneOut, **WRITE_ERRORS})
def reopen_milestone(
    request: HttpRequest, org: uuid.UUID, milestone: uuid.UUID, query: Query[ReasonQuery]
) -> MilestoneOut:
    """Mark a milestone not complete after all."""
    access = organisation_access(request, org, Capability.POST_PROGRESS_UPDATE)
    target = find_milestone(access.organisation, milestone)
    with refusals():
        changed = services.complete_milestone(access.user, target, None, query.reason)
    return MilestoneOut.of(changed, timezone.localdate())


@router.get(D + "/updates", response={200: list[UpdateOut], **READ_ERRORS})
def list_updates(request: HttpRequest, org: uuid.UUID, deliverable: uuid.UUID) -> list[UpdateOut]:
    """Every update of a deliverable, newest period first, with its evidence."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    target = find_deliverable(access.organisation, deliverable)
    return [UpdateOut.of(update) for update in history_of(target)]


def _posted(update: ProgressUpdate) -> UpdateOut:
    fresh = ProgressUpdate.objects.select_related("author", "deliverable").get(pk=update.pk)
    return UpdateOut.of(fresh)


@router.post(D + "/updates", response={201: UpdateOut, **WRITE_ERRORS})
def post_update(
    request: HttpRequest, org: uuid.UUID, deliverable: uuid.UUID, new: NewUpdate
) -> Status[UpdateOut]:
    """Report on a period once it has ended, with links as evidence. Blue (complete and
    evidenced) needs evidence and every milestone complete, unless the organisation has
    relaxed that rule. All of it is saved, or none."""
    access = organisation_access(request, org, Capability.POST_PROGRESS_UPDATE)
    target = find_deliverable(access.organisation, deliverable)
    links = [(link.title, link.url) for link in new.evidence_links]
    with refusals():
        update = services.post_progress_update(
            access.user,
            target,
            period=new.period,
            status=new.status,
            narrative=new.narrative,
            confidence=new.confidence,
            links=links,
        )
    return Status(201, _posted(update))


class UpdateForm(BaseModel):
    """The fields of an update sent as multipart form data, as the page sends them."""

    model_config = ConfigDict(str_strip_whitespace=True)

    period: Day = Field(description="YYYY-MM-DD: the first day of the period.")
    status: Brag
    narrative: str = Field(min_length=1)
    confidence: ProgressUpdate.Confidence
    evidence_links: str = Field(
        "", description="One a line: a title, then the web address, as on the page."
    )


def _links(text: str) -> list[tuple[str, str]]:
    links = []
    for line in text.splitlines():
        words = line.split()
        if words:
            links.append((" ".join(words[:-1]), words[-1]))
    return links


@router.post(D + "/updates/with-files", response={201: UpdateOut, **WRITE_ERRORS})
def post_update_with_files(
    request: HttpRequest,
    org: uuid.UUID,
    deliverable: uuid.UUID,
    form: Form[UpdateForm],
    evidence_files: File[list[UploadedFile] | None] = None,
) -> Status[UpdateOut]:
    """The same as posting an update, as multipart form data with evidence files
    (`evidence_files`, any number). Each file must be a PDF, Word, Excel, PowerPoint,
    PNG, JPEG, CSV or text file whose contents match its name."""
    access = organisation_access(request, org, Capability.POST_PROGRESS_UPDATE)
    target = find_deliverable(access.organisation, deliverable)
    with refusals():
        update = services.post_progress_update(
            access.user,
            target,
            period=form.period,
            status=form.status,
            narrative=form.narrative,
            confidence=form.confidence,
            files=evidence_files or [],
            links=_links(form.evidence_links),
        )
    return Status(201, _posted(update))


@router.get(
    "/{uuid:org}/evidence/{uuid:evidence}/file",
    response={**READ_ERRORS},
    openapi_extra={"responses": {"200": {"description": "The file, as an attachment."}}},
)
def evidence_file(request: HttpRequest, org: uuid.UUID, evidence: uuid.UUID) -> FileResponse:
    """Download an evidence file. It is never served from a public address."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    target = Evidence.objects.filter(organisation=access.organisation, uuid=evidence).first()
    if target is None:
        raise Http404("This organisation has no such evidence.")
    return evidence_download(target)


@router.get(
    "/{uuid:org}/delivery/exceptions", response={200: ExceptionsOut, 400: ErrorOut, **READ_ERRORS}
)
def exceptions(request: HttpRequest, org: uuid.UUID) -> ExceptionsOut:
    """Overdue milestones, and deliverables missing an update for the last period."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    return ExceptionsOut.of(exceptions_for(access.organisation, timezone.localdate()))
