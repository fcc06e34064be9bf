"""The BAF as a PDF for board papers: the overview table and the heat map, A4 landscape.

Made like the plan on a page (`lodestar.strategy.pdf`): WeasyPrint with the print
template's own stylesheet, the machine's fonts, and every remote fetch refused.
"""

from __future__ import annotations

from lodestar.risk.overview import Baf, HeatMap
from lodestar.strategy.pdf import render_pdf


def render_baf_pdf(baf: Baf, heat_map: HeatMap) -> bytes:
    context = {
        "baf": baf,
        "heat_map": heat_map,
        "organisation": baf.organisation,
        "threshold": baf.matrix.escalation_threshold,
    }
    return render_pdf("risk/print/baf.html", context)
