"""Evidence files as downloads, for the pages and the API alike."""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, Http404

from lodestar.delivery.evidence_files import CONTENT_TYPES, extension
from lodestar.delivery.models import Evidence


def evidence_download(target: Evidence) -> FileResponse:
    """The file of a piece of evidence, as an attachment that a browser will not run."""
    if not target.file:
        raise Http404("This evidence is a link, not a file.")
    name = PurePath(target.file.name or "evidence").name
    content_type = CONTENT_TYPES.get(extension(name), "application/octet-stream")
    try:
        handle = target.file.open("rb")
    except FileNotFoundError as e:
        raise Http404("The evidence file is missing from storage.") from e
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    # Downloaded, never rendered: a browser must not guess the type and run it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
