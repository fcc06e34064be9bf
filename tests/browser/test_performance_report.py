"""A board member reads the integrated performance report in the browser.

The demo's executive director, on the board of a new trust (the `new_trust` fixture),
opens the report, finds the summary matrix and the chart of a metric whose latest month
fell far below its limits (special cause concern, consistently failing its 95% target),
sees that another metric's data for the month have not arrived, downloads the report as a
PDF and opens the metric's own page. Each page is checked
with axe-core against WCAG 2.2 A and AA.

The metrics are made here, with the test builders, so nothing checked depends on the
demo's own performance data.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.performance.models import Domain, ImprovementDirection, Metric, Narrative
from lodestar.performance.tests.builders import add_observations, make_metric
from tests.browser.helpers import Axe, Screenshot, SignIn, expect_heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEADY = [70.0, 72, 71, 69, 73, 70, 71, 72, 70, 71, 69, 72, 71, 70]
FOUR_HOURS = "Four-hour A&E performance"


def build_metrics(trust: Organisation) -> Metric:
    """A&E falling far below its limits in June 2024, and falls steady without a target
    whose data stop in May: late for the June report."""
    executive = User.objects.get(username="exec")
    ae = make_metric(trust, executive, name=FOUR_HOURS)
    add_observations(ae, [*STEADY, 55.0])
    Narrative.objects.create(
        organisation=trust,
        metric=ae,
        period=datetime.date(2024, 6, 1),
        what_the_chart_shows="A sharp fall in June, below the lower process limit.",
        root_cause="Two escalation wards closed for refurbishment.",
        actions="Reopen one ward by August.",
        risks="Winter demand.",
        author=executive,
    )
    falls = make_metric(
        trust,
        executive,
        name="Inpatient falls",
        unit="count",
        improvement_direction=ImprovementDirection.DECREASE,
        target=None,
        domain=Domain.QUALITY_AND_SAFETY,
    )
    add_observations(falls, [12.0, 14, 11, 13, 12, 15, 13, 12, 14, 13, 12, 13, 14, 12])
    return ae


def test_a_board_member_reads_the_report_downloads_the_pdf_and_opens_a_metric(
    page: Page,
    new_trust: Organisation,
    sign_in: SignIn,
    axe: Axe,
    screenshot: Screenshot,
) -> None:
    ae = build_metrics(new_trust)
    sign_in("exec")
    page.goto(f"/o/{new_trust.uuid}/performance/")
    expect_heading(page, "Integrated performance report: June 2024")

    matrix = page.get_by_role("table", name=re.compile("Summary matrix of 2 metrics"))
    expect(matrix).to_be_visible()
    concern_row = matrix.get_by_role("row", name=re.compile(r"Special cause concern \(low\)"))
    expect(concern_row.get_by_text("1 metric")).to_be_visible()

    listed = page.get_by_role("table", name="Data not yet received for June 2024")
    expect(listed.get_by_role("link", name="Inpatient falls")).to_be_visible()
    late = page.locator(".lodestar-metric-card", has_text="Inpatient falls")
    expect(late.get_by_text("Data late", exact=True)).to_be_visible()
    expect(late).to_contain_text("No data for June 2024: the latest is for May 2024.")

    card = page.locator(f"#metric-{ae.uuid}")
    expect(card.get_by_role("img", name=f"SPC chart of {FOUR_HOURS}")).to_be_visible()
    expect(card.get_by_role("img", name="Special cause concern (low)")).to_be_visible()
    expect(card.get_by_role("img", name="Consistently fails the target")).to_be_visible()
    expect(card.get_by_text("Two escalation wards closed for refurbishment.")).to_be_visible()
    # The chart's data table is there for those who cannot see the chart.
    card.get_by_text(f"Chart data for {FOUR_HOURS}").click()
    data = card.get_by_role("table", name=re.compile(f"{FOUR_HOURS}: values"))
    expect(data.get_by_role("row", name=re.compile("June 2024"))).to_contain_text(
        "Special cause concern: outside the process limits"
    )
    axe(page)
    screenshot(page, "performance-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as a PDF").click()
    assert download.value.suggested_filename == "xpv-performance-report-2024-06.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    card.get_by_role("link", name=FOUR_HOURS).click()
    expect_heading(page, FOUR_HOURS)
    expect(page.get_by_role("img", name="Special cause concern (low)")).to_be_visible()
    expect(page.get_by_role("heading", name="Commentary")).to_be_visible()
    axe(page)
    screenshot(page, "performance-metric")


def test_the_report_and_a_metric_page_fit_a_narrow_screen(
    page: Page, new_trust: Organisation, sign_in: SignIn, axe: Axe
) -> None:
    """WCAG 2.2 1.4.10 (Reflow): no sideways scrolling at 320 pixels; the matrix and the
    data tables scroll inside their own containers instead."""
    ae = build_metrics(new_trust)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("exec")
    too_wide = []
    for path in ("performance/", f"performance/metrics/{ae.uuid}/"):
        page.goto(f"/o/{new_trust.uuid}/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{page.url} is {width} pixels wide")
        axe(page)
    assert not too_wide, "Pages wider than the screen:\n" + "\n".join(too_wide)
