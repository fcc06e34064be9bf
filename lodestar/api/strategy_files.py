"""A strategy leaving Lodestar or arriving in it: files, and the public strategy.

Import is all or nothing: a file with any problem saves nothing and is answered 400
with every problem found, each as {where, field, problem}, so one attempt lists all
that needs fixing.
"""

from __future__ import annotations

import uuid

import yaml
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, Field

from lodestar.api.auth import organisation_access
from lodestar.api.errors import error_response, field_error
from lodestar.api.lookups import own_strategy
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from lodestar.api.strategies import S
from lodestar.api.strategy_report_schemas import PublicStrategyOut
from lodestar.api.strategy_schemas import StrategyOut
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.strategy.exchange import (
    MAX_BYTES,
    Format,
    Problem,
    StrategyFileError,
    export_filename,
    export_strategy,
    format_for,
    import_strategy,
)
from lodestar.strategy.exchange_export import ordered_elements
from lodestar.strategy.models import Strategy

router = Router(tags=["Strategy files"])
public_router = Router(tags=["Public"])

_DOWNLOAD = {
    "description": "The strategy file, as an attachment.",
    "content": {
        Format.YAML.content_type.split(";")[0]: {},
        Format.XLSX.content_type: {},
    },
}


class ExportQuery(BaseModel):
    format: Format = Field(Format.YAML, description="yaml, or xlsx for Excel.")


class ProblemOut(BaseModel):
    where: str = Field(description='"Elements sheet, row 4" or "elements, item 3".')
    field: str
    problem: str


class ImportErrorOut(ErrorOut):
    problems: list[ProblemOut] = []


@router.get(
    S + "/export",
    response={**READ_ERRORS, 400: ErrorOut},
    openapi_extra={"responses": {"200": _DOWNLOAD}},
)
def export(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, query: Query[ExportQuery]
) -> HttpResponse:
    """The whole strategy with its delivery plan, as YAML or as Excel (a sheet a level)."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    chosen = own_strategy(access.organisation, strategy)
    response = HttpResponse(
        export_strategy(chosen, query.format), content_type=query.format.content_type
    )
    filename = export_filename(chosen, query.format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _problems_response(problems: list[Problem], message: str) -> JsonResponse:
    return error_response(
        400,
        message,
        problems=[{"where": p.where, "field": p.field, "problem": p.message} for p in problems],
    )


def _holds_nul(content: bytes) -> bool:
    """Whether a YAML file spells a NUL character with an escape, like "\\0".

    The YAML reader refuses a raw NUL byte itself, but an escaped one reaches the text
    of a record, and PostgreSQL cannot store it. The events are read without expanding
    aliases, so this is safe on any file; a file that cannot be read at all is left
    for the importer to describe.
    """
    try:
        events = yaml.parse(content.decode("utf-8"), Loader=yaml.SafeLoader)
        return any(isinstance(e, yaml.ScalarEvent) and "\x00" in e.value for e in events)
    except (UnicodeDecodeError, yaml.YAMLError):
        return False


@router.post(
    "/{uuid:org}/strategies/import",
    response={201: StrategyOut, 400: ImportErrorOut, **WRITE_ERRORS},
)
def import_file(
    request: HttpRequest,
    org: uuid.UUID,
    # Optional here only so that a missing file gets the same message as a wrong one.
    file: File[UploadedFile | None] = None,
    create_kinds: Form[bool] = False,
) -> Status[StrategyOut] | JsonResponse:
    """Upload a .yaml, .yml or .xlsx strategy file as multipart form data (`file`).

    Everything in it is saved and audited, or, if anything is wrong, nothing is and the
    answer lists every problem. Kinds of element the organisation has not named are
    refused unless `create_kinds` is true. An approved strategy in a file needs the
    right to record approvals.
    """
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    fmt = format_for(file.name or "") if file is not None else None
    if file is None or fmt is None:
        raise field_error("file", "Choose a .yaml, .yml or .xlsx file.")
    if file.size is not None and file.size > MAX_BYTES:
        raise field_error("file", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    content = file.read()
    if fmt is Format.YAML and _holds_nul(content):
        problem = Problem("The file", "", "contains a NUL character, which is not allowed.")
        return _problems_response([problem], "1 problem found; nothing was imported.")
    try:
        imported = import_strategy(
            access.user, access.organisation, content, fmt, create_kinds=create_kinds
        )
    except StrategyFileError as e:
        return _problems_response(e.problems, str(e))
    return Status(201, StrategyOut.of(own_strategy(access.organisation, imported.uuid)))


def _published(ods: str) -> tuple[Organisation, Strategy]:
    organisation = Organisation.objects.filter(ods_code=ods.strip().upper()).first()
    if organisation is None:
        raise Http404(f"There is no organisation with the ODS code {ods.upper()}.")
    strategy = Strategy.objects.current_for(organisation, timezone.localdate())
    if strategy is None:
        raise Http404(f"{organisation.name} has no approved strategy in Lodestar yet.")
    return organisation, strategy


@public_router.get(
    "/organisations/{ods}/strategy", auth=None, response={200: PublicStrategyOut, 404: ErrorOut}
)
def public_strategy(request: HttpRequest, ods: str) -> PublicStrategyOut:
    """The approved strategy in force, as the public page shows it. No sign-in needed."""
    organisation, strategy = _published(ods)
    strategy = Strategy.objects.select_related("approved_by").get(pk=strategy.pk)
    return PublicStrategyOut.of(organisation, strategy, ordered_elements(strategy))
