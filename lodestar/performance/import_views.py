"""Uploading a file of observations, and downloading a template to fill in.

The import is all or nothing: a file with any problem is answered with every problem
listed (file, row, field) and nothing saved. After a clean import the browser is sent
back to the page (so a refresh cannot post the file again) with a summary of what changed.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django import forms
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.forms import NHSFormMixin
from lodestar.core.roles import Capability
from lodestar.performance.import_cells import period_start
from lodestar.performance.imports import (
    COLUMNS,
    MAX_BYTES,
    SUFFIXES,
    ImportFileError,
    ImportResult,
    Problem,
    clean_filename,
    import_observations,
)
from lodestar.performance.models import Frequency, Metric

SESSION_KEY = "performance_import_result"
_MONTHS: dict[str, int] = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3}


class ImportForm(NHSFormMixin, forms.Form):
    file = forms.FileField(
        label="File of observations",
        help_text=f"A .csv or .xlsx file, up to {MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(
            attrs={"class": "nhsuk-file-upload__input", "accept": ",".join(SUFFIXES)}
        ),
        error_messages={"required": "Choose a .csv or .xlsx file to import."},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(SUFFIXES):
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        if upload.size is not None and upload.size > MAX_BYTES:
            limit = MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file is larger than {limit} MB.")
        return upload


def _metric_link(request: OrgRequest, metric: Metric) -> str:
    """The metric's page, once the report pages are in place; until then, no link."""
    try:
        return reverse("performance:metric", args=[request.organisation.uuid, metric.uuid])
    except NoReverseMatch:
        return ""


def _summary(request: OrgRequest, result: ImportResult) -> dict[str, Any]:
    """What the import did, as plain data the session can keep until the next page."""
    return {
        "filename": result.filename,
        "rows": result.rows,
        "created": result.created,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "metrics": [
            {
                "code": done.metric.code,
                "name": done.metric.name,
                "link": _metric_link(request, done.metric),
                "rows": done.rows,
                "created": done.recorded.created,
                "changed": done.recorded.changed,
                "unchanged": done.recorded.unchanged,
            }
            for done in result.metrics
        ],
    }


@require_http_methods(["GET", "POST"])
@org_view(Capability.SUBMIT_METRIC_DATA)
def import_file(request: OrgRequest) -> HttpResponse:
    problems: list[Problem] = []
    filename = ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            filename = clean_filename(upload.name or "")
            try:
                result = import_observations(
                    request.user, request.organisation, filename, upload.read()
                )
            except ImportFileError as e:
                problems = e.problems
                # The problems are the file field's errors, though the form itself is valid.
                form.fields["file"].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": "id_file_helptext id_file_error"}
                )
            else:
                request.session[SESSION_KEY] = _summary(request, result)
                return redirect("performance:import", request.organisation.uuid)
    else:
        form = ImportForm()
    metrics = Metric.objects.filter(organisation=request.organisation).active().order_by("code")
    context = {
        "form": form,
        "problems": problems,
        "filename": filename,
        "done": request.session.pop(SESSION_KEY, None) if request.method == "GET" else None,
        "metrics": metrics,
        "columns": COLUMNS,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "performance/import.html", context, status=status)


def _shift(period: datetime.date, frequency: str, steps: int) -> datetime.date:
    """The period `steps` periods after (or before, if negative) `period`."""
    if frequency == Frequency.DAILY:
        return period + datetime.timedelta(days=steps)
    if frequency == Frequency.WEEKLY:
        return period + datetime.timedelta(weeks=steps)
    months = period.year * 12 + period.month - 1 + steps * _MONTHS[frequency]
    return datetime.date(months // 12, months % 12 + 1, 1)


def _suggested_period(metric: Metric, latest: datetime.date | None) -> datetime.date:
    """The period after the latest one recorded, or else the last complete period."""
    if latest is not None:
        return _shift(latest, metric.frequency, 1)
    return _shift(period_start(timezone.localdate(), metric.frequency), metric.frequency, -1)


@require_safe
@org_view(Capability.SUBMIT_METRIC_DATA)
def template(request: OrgRequest) -> HttpResponse:
    """A CSV with the expected columns and a row for each active metric's next period."""
    metrics = (
        Metric.objects.filter(organisation=request.organisation)
        .active()
        .annotate(latest=Max("observations__period"))
        .order_by("code")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for metric in metrics:
        period = _suggested_period(metric, metric.latest)  # type: ignore[attr-defined]
        writer.writerow([metric.code, period.isoformat(), "", "", "", ""])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{request.organisation.ods_code.lower()}-observations-template.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
