"""An organisation's strategy for the public, and strategy files for its members.

Public pages show only the approved strategy in force: never a draft, never the
delivery plan, and no one's name; the approving board and date are the public record.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.strategy.exchange import (
    Format,
    Problem,
    StrategyFileError,
    export_filename,
    export_strategy,
    import_strategy,
)
from lodestar.strategy.exchange_export import ordered_elements
from lodestar.strategy.exchange_forms import ImportForm
from lodestar.strategy.models import Element, ElementKind, Strategy
from lodestar.strategy.pdf import render_pdf


@dataclass(frozen=True)
class Section:
    """The elements of one kind, under the kind's plural name."""

    kind: ElementKind
    elements: list[Element]

    @property
    def detailed(self) -> bool:
        # A kind whose elements are single sentences (like clinical ambitions) reads
        # best as a list; one with statements or outcomes needs a heading for each.
        return any(
            e.description or e.statements or e.outcomes or e.indicators for e in self.elements
        )


def _sections(strategy: Strategy) -> list[Section]:
    grouped = itertools.groupby(ordered_elements(strategy), key=lambda e: e.kind)
    return [Section(kind, list(elements)) for kind, elements in grouped]


def _published(request: HttpRequest, ods_code: str) -> tuple[Organisation, Strategy | None]:
    public = get_object_or_404(Organisation, ods_code=ods_code.upper())
    return public, Strategy.objects.current_for(public, timezone.localdate())


def _no_strategy(request: HttpRequest, public: Organisation) -> HttpResponse:
    return render(request, "strategy/public_no_strategy.html", {"public": public}, status=404)


_WIDTHS = {1: "full", 2: "one-half", 3: "one-third", 4: "one-quarter"}


def _width(count: int) -> str:
    """The NHS.UK grid column that fits `count` cards in a row (more wrap in threes)."""
    return _WIDTHS.get(count, "one-third")


def _context(public: Organisation, strategy: Strategy) -> dict[str, object]:
    sections = _sections(strategy)
    values = list(strategy.values.order_by("order", "id"))
    return {
        "public": public,
        "strategy": strategy,
        "sections": sections,
        "values": values,
        "column_width": _width(len(sections)),
        "value_width": _width(len(values)),
    }


@require_safe
def our_strategy(request: HttpRequest, ods_code: str) -> HttpResponse:
    public, strategy = _published(request, ods_code)
    if strategy is None:
        return _no_strategy(request, public)
    return render(request, "strategy/public_strategy.html", _context(public, strategy))


@require_safe
def plan_on_a_page(request: HttpRequest, ods_code: str) -> HttpResponse:
    public, strategy = _published(request, ods_code)
    if strategy is None:
        return _no_strategy(request, public)
    return render(request, "strategy/public_plan.html", _context(public, strategy))


@require_safe
def plan_on_a_page_pdf(request: HttpRequest, ods_code: str) -> HttpResponse:
    public, strategy = _published(request, ods_code)
    if strategy is None:
        return _no_strategy(request, public)
    # WeasyPrint takes a noticeable moment and anyone may ask, so a PDF is kept a while.
    # An approved strategy is frozen; the names of its kinds and its board may still
    # change, which the short lifetime allows for.
    stamps = f"{strategy.updated_at.timestamp()}:{public.updated_at.timestamp()}"
    key = f"plan-pdf:{strategy.uuid}:{stamps}"
    pdf = cache.get_or_set(
        key, lambda: render_pdf("strategy/print_plan.html", _context(public, strategy)), 600
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{public.ods_code.lower()}-plan-on-a-page.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _export(request: OrgRequest, strategy: uuid.UUID, fmt: Format) -> HttpResponse:
    chosen = get_object_or_404(Strategy, organisation=request.organisation, uuid=strategy)
    response = HttpResponse(export_strategy(chosen, fmt), content_type=fmt.content_type)
    filename = export_filename(chosen, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@org_view(Capability.VIEW_STRATEGY)
def export_yaml(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    return _export(request, strategy, Format.YAML)


@require_safe
@org_view(Capability.VIEW_STRATEGY)
def export_xlsx(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    return _export(request, strategy, Format.XLSX)


@require_http_methods(["GET", "POST"])
@org_view(Capability.EDIT_STRATEGY)
def import_file(request: OrgRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = import_strategy(
                request.user,
                request.organisation,
                upload.read(),
                form.chosen_format(),
                create_kinds=form.cleaned_data["create_kinds"],
            )
        except StrategyFileError as e:
            problems = list(e.problems)
        else:
            messages.success(request, f"Imported {imported}.")
            return redirect("strategy:detail", request.organisation.uuid, imported.uuid)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "problems": problems, "filename": _name(request)}
    return render(request, "strategy/public_import.html", context, status=status)


def _name(request: HttpRequest) -> str:
    upload = request.FILES.get("file")
    return upload.name if upload is not None and upload.name else ""
