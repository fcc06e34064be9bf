"""The BAF as the board reads it: the one-page overview, the heat map, the Excel and PDF
exports, and the Excel import. Risk detail pages are in `baf_views`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.forms import NHSFormMixin
from lodestar.core.parsing import parse_uuid
from lodestar.core.roles import Capability
from lodestar.governance.models import Committee
from lodestar.risk.exchange import MAX_BYTES, XLSX_CONTENT_TYPE, BafFileError, export_baf
from lodestar.risk.exchange_import import import_baf
from lodestar.risk.overview import Baf, StatusFilter, baf_overview, status_filter
from lodestar.risk.overview import heat_map as place_risks
from lodestar.risk.pdf import render_baf_pdf


def _committee(request: OrgRequest) -> Committee | None:
    """The committee a `?committee=` filter names; anything unknown shows every committee."""
    chosen = parse_uuid(request.GET.get("committee"))
    if chosen is None:
        return None
    return Committee.objects.filter(organisation=request.organisation, uuid=chosen).first()


def _baf(request: OrgRequest, *, status: StatusFilter | None = None) -> Baf:
    return baf_overview(
        request.organisation,
        timezone.localdate(),
        committee=_committee(request),
        status=status or status_filter(request.GET.get("status")),
    )


def _query(baf: Baf) -> str:
    """The filters as a query string, so exports and links keep the board's choice."""
    parts = [f"status={baf.status.value}"]
    if baf.committee is not None:
        parts.append(f"committee={baf.committee.uuid}")
    return "&".join(parts)


def _context(baf: Baf) -> dict[str, Any]:
    return {
        "baf": baf,
        "query": _query(baf),
        "statuses": list(StatusFilter),
        "threshold": baf.matrix.escalation_threshold,
    }


@require_safe
@org_view(Capability.VIEW_RISKS)
def baf(request: OrgRequest) -> HttpResponse:
    return render(request, "risk/baf.html", _context(_baf(request)))


@require_safe
@org_view(Capability.VIEW_RISKS)
def heat_map(request: OrgRequest) -> HttpResponse:
    # The heat map places open risks only: closed ones have no position to manage.
    found = _baf(request, status=StatusFilter.OPEN)
    context = _context(found) | {"heat_map": place_risks(found)}
    return render(request, "risk/heat_map.html", context)


def _filename(baf: Baf, suffix: str) -> str:
    name = f"{baf.organisation.ods_code.lower()}-board-assurance-framework"
    if baf.committee is not None:
        name += f"-{baf.committee.name.lower().replace(' ', '-')}"
    return f"{name}.{suffix}"


@require_safe
@org_view(Capability.VIEW_RISKS)
def baf_xlsx(request: OrgRequest) -> HttpResponse:
    found = _baf(request)
    response = HttpResponse(export_baf(found), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "xlsx")}"'
    return response


@require_safe
@org_view(Capability.VIEW_RISKS)
def baf_pdf(request: OrgRequest) -> HttpResponse:
    found = _baf(request)
    response = HttpResponse(render_baf_pdf(found, place_risks(found)), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(found, "pdf")}"'
    return response


class BafImportForm(NHSFormMixin, forms.Form):
    file = forms.FileField(
        label="BAF workbook",
        help_text="An Excel workbook (.xlsx) exported from Lodestar or laid out the same way.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError("Choose an Excel workbook (.xlsx).")
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // 2**20} MB.")
        return upload


@require_http_methods(["GET", "POST"])
@org_view(Capability.MANAGE_RISKS)
def baf_import(request: OrgRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = BafImportForm(request.POST, request.FILES) if posted else BafImportForm()
    problems: list[Any] = []
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_baf(request.user, request.organisation, upload.read())
        except BafFileError as e:
            problems = list(e.problems)
        else:
            messages.success(request, result.summary())
            return redirect("risk:baf", request.organisation.uuid)
    upload = request.FILES.get("file")
    context = {"form": form, "problems": problems, "filename": upload.name if upload else ""}
    return render(request, "risk/import.html", context, status=400 if posted else 200)
