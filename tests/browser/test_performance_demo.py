"""An acute trust's executive reads the demo's integrated performance report on real data.

Nottingham University Hospitals (RX1) reports NHS England's published A&E figures. The
icons the page must show are worked out here straight from the shipped CSV with the pure
SPC engine, so the test checks the whole path: demo loader, services, analysis, report,
template and browser.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lodestar.core.models import Organisation
from lodestar.performance.spc import analyse, labels, prepare
from tests.browser.helpers import Axe, SignIn, expect_heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AE_CSV = Path(__file__).resolve().parents[2] / "lodestar/performance/demo/ae_derbyshire_notts.csv"
FOUR_HOURS = "A&E 4-hour performance (all types)"
# The accessible names the Making Data Count icons carry, by icon.
NAMES = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement (high)",
    "improvement_low": "Special cause improvement (low)",
    "concern_high": "Special cause concern (high)",
    "concern_low": "Special cause concern (low)",
    "pass.svg": "Consistently passes the target",
    "fail.svg": "Consistently fails the target",
    "inconsistent.svg": "Inconsistently passes and fails the target",
}


def expected_icons(ods_code: str) -> tuple[str, str]:
    """Variation and assurance icon names for a trust's 4-hour performance against 95%."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with AE_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["org_code"] == ods_code:
                totals[row["period"]][0] += int(row["attendances"])
                totals[row["period"]][1] += int(row["breaches"])
    dates = sorted(totals)
    values = [100 * (totals[d][0] - totals[d][1]) / totals[d][0] for d in dates]
    result = analyse(prepare(None, dates, values, target=95.0))
    last = int(result.last_row[0])
    point_type = labels.POINT_TYPES[int(result.point_type[last])]
    variation = labels.variation_icon(point_type, "increase").removesuffix(".svg")
    assurance = labels.assurance_icon(labels.ASSURANCES[int(result.assurance[0])])
    assert assurance is not None
    return NAMES[variation], NAMES[assurance]


def test_an_executive_reads_real_ae_data_with_the_right_icons_and_downloads_the_pdf(
    page: Page, demo: dict[str, Organisation], sign_in: SignIn, axe: Axe
) -> None:
    variation, assurance = expected_icons("RX1")
    sign_in("nuh.exec")
    page.goto(f"/o/{demo['RX1'].uuid}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Performance").click()
    expect_heading(page, "Integrated performance report: March 2019")

    matrix = page.get_by_role("table", name=re.compile("Summary matrix of 3 metrics"))
    expect(matrix).to_be_visible()
    expect(matrix.get_by_role("rowheader", name=re.compile(re.escape(variation)))).to_be_visible()

    card = page.locator(".lodestar-metric-card", has_text=FOUR_HOURS).first
    expect(card.get_by_role("img", name=f"SPC chart of {FOUR_HOURS}")).to_be_visible()
    expect(card.get_by_role("img", name=variation, exact=True)).to_be_visible()
    expect(card.get_by_role("img", name=assurance, exact=True)).to_be_visible()
    axe(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as a PDF").click()
    assert download.value.suggested_filename == "rx1-performance-report-2019-03.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
