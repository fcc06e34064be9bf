"""The integrated performance report as a PDF, for board papers.

Made as the plan on a page is (`lodestar.strategy.pdf`): WeasyPrint lays out a print
template with its own small stylesheet, fetches nothing from outside (inline SVG charts
need nothing fetched), and tags the PDF so that screen readers can follow it.

A large report takes WeasyPrint several seconds (about 15 s for 200 metrics), and board
packs are downloaded again and again, so each PDF is kept for a while. The key holds
everything the report is made from: the month, the grouping, the day it is made (printed
in the footer), the organisation's newest audit entry (every change through the services
writes one) and the counts and last-changed times of its metrics, observations, rebases,
target changes and narratives (which also catch rows written directly, as tests and bulk
loads do). Whether a metric's data are late depends only on the month, its frequency and
its latest observation, all in the key already.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, Model

from lodestar.audit.models import AuditEntry
from lodestar.core.models import Organisation
from lodestar.performance.models import Metric, Narrative, Observation, Rebase, TargetChange
from lodestar.performance.report import Report
from lodestar.strategy.pdf import render_pdf

KEEP_SECONDS = 600


def render_report_pdf(report: Report, today: datetime.date) -> bytes:
    return render_pdf("performance/print/report.html", {"report": report, "today": today})


def report_pdf(report: Report, today: datetime.date) -> bytes:
    """The report's PDF, made once for as long as nothing it shows has changed."""
    made_from = f"{report.period}:{report.by}:{today}:{_stamp(report.organisation)}"
    # Hashed: cache keys must be short and free of spaces (memcached refuses them).
    key = f"ipr-pdf:{report.organisation.uuid}:{hashlib.sha256(made_from.encode()).hexdigest()}"
    pdf: bytes | None = cache.get(key)
    if pdf is None:
        pdf = render_report_pdf(report, today)
        cache.set(key, pdf, KEEP_SECONDS)
    return pdf


def _stamp(organisation: Organisation) -> str:
    latest = AuditEntry.objects.filter(organisation=organisation).aggregate(last=Max("id"))
    parts = [str(latest["last"])]
    model: type[Model]
    for model in (Metric, Observation, Rebase, TargetChange, Narrative):
        found = model._default_manager.filter(organisation=organisation).aggregate(
            n=Count("id"), changed=Max("updated_at")
        )
        parts.append(f"{found['n']}@{found['changed']}")
    return ":".join(parts)
