"""The integrated performance report as a PDF, for board papers.

Made as the plan on a page is (`lodestar.strategy.pdf`): WeasyPrint lays out a print
template with its own small stylesheet, fetches nothing from outside (inline SVG charts
need nothing fetched), and tags the PDF so that screen readers can follow it.
"""

from __future__ import annotations

import datetime

from lodestar.performance.report import Report
from lodestar.strategy.pdf import render_pdf


def render_report_pdf(report: Report, today: datetime.date) -> bytes:
    return render_pdf("performance/print/report.html", {"report": report, "today": today})
