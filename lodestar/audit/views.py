from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from lodestar.audit.models import AuditEntry
from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability

CSV_COLUMNS = [
    "entry",
    "uuid",
    "when",
    "who",
    "action",
    "record_type",
    "record_uuid",
    "record",
    "changes",
    "reason",
    "hash",
]


def _filtered(request: OrgRequest) -> tuple[QuerySet[AuditEntry], dict[str, str]]:
    entries = AuditEntry.objects.in_organisation(request.organisation)
    filters = {
        "action": request.GET.get("action", ""),
        "record_type": request.GET.get("record_type", ""),
    }
    if filters["action"] in AuditEntry.Action.values:
        entries = entries.filter(action=filters["action"])
    if filters["record_type"]:
        entries = entries.filter(model_label=filters["record_type"])
    return entries, filters


@org_view(Capability.VIEW_AUDIT)
def organisation_log(request: OrgRequest) -> HttpResponse:
    entries, filters = _filtered(request)
    page: Page[AuditEntry] = Paginator(entries, 50).get_page(request.GET.get("page"))
    record_types = (
        AuditEntry.objects.filter(organisation=request.organisation)
        .order_by("model_label")
        .values_list("model_label", flat=True)
        .distinct()
    )
    context = {
        "page": page,
        "filters": filters,
        "actions": AuditEntry.Action.choices,
        "record_types": record_types,
    }
    return render(request, "audit/organisation_log.html", context)


@org_view(Capability.VIEW_AUDIT)
def record_history(request: OrgRequest, record: str) -> HttpResponse:
    entries = AuditEntry.objects.in_organisation(request.organisation).filter(object_uuid=record)
    first = entries.last()
    context = {"entries": entries, "record": first, "record_uuid": record}
    return render(request, "audit/record_history.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@org_view(Capability.VIEW_AUDIT)
def export_csv(request: OrgRequest) -> StreamingHttpResponse:
    entries, _ = _filtered(request)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for e in entries.iterator(1000):
            yield writer.writerow(
                [
                    e.pk,
                    e.uuid,
                    timezone.localtime(e.created_at).isoformat(),
                    e.actor_label,
                    e.action,
                    e.model_label,
                    e.object_uuid,
                    e.object_repr,
                    json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
                    e.reason,
                    e.hash,
                ]
            )

    stamp = timezone.localdate().isoformat()
    filename = f"audit-{request.organisation.ods_code}-{stamp}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
