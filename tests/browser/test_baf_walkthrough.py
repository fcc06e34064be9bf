"""A governance officer puts a strategic risk on the Board Assurance Framework, in the browser.

The trust, its approved strategy, its executive director and its committee are made
here with the services, so nothing checked depends on the demo. The governance officer
signs in, follows the header's Risks link, adds the usual appetite categories (the trust
has none), writes the risk, adds a key control, a gap in control, an assurance, a gap in
assurance and an action, records two reviews with different scores, reads the trend and
the chart of scores, finds the risk on the heat map, and downloads the BAF as Excel.
Every distinct page is checked with axe-core against WCAG 2.2 A and AA, fields are found
by their labels, and the pages are checked again at 320 pixels wide (WCAG 2.2 1.4.10).
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, ViewportSize, expect

from lodestar.accounts.models import User
from lodestar.core import services as core_services
from lodestar.core.demo import DEMO_PASSWORD
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.governance import services as governance_services
from lodestar.governance.models import Committee
from lodestar.risk.models import AppetiteCategory, RiskReview, StrategicRisk
from lodestar.strategy import services as strategy_services
from lodestar.strategy.models import ElementKind, Strategy
from tests.browser.helpers import Axe, Screenshot, SignIn, expect_heading, menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROWEST: ViewportSize = {"width": 320, "height": 640}
REFERENCE = "SR1"
TITLE = "Not enough community nurses to meet demand"
OBJECTIVES = ("Care closer to home", "A great place to work")
COMMITTEE = "Quality Committee"
EXECUTIVE = "Edith Lane"
GOVERNANCE = "Grace Holt"
CATEGORY = "Quality and outcomes"  # one of the usual four, tolerance 8


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def person(username: str, name: str, trust: Organisation, role: Role) -> User:
    first, last = name.split(" ")
    user = User(username=username, first_name=first, last_name=last)
    user.set_password(DEMO_PASSWORD)
    user.save()
    core_services.add_member(None, trust, user, role)
    return user


def a_governed_trust() -> Organisation:
    """A trust with a board, a committee, an executive director, a governance officer
    and an approved strategy with two objectives, but no risk appetite categories."""
    trust = core_services.create_organisation(
        None,
        name="Peak Valleys Community Health NHS Trust",
        ods_code="XPV",
        kind=Organisation.Kind.NHS_TRUST,
        ics=core_services.get_or_create_ics("Peak Valleys ICS (for the tests)"),
    )
    person("risk.exec", EXECUTIVE, trust, Role.EXECUTIVE_DIRECTOR)
    person("risk.governance", GOVERNANCE, trust, Role.GOVERNANCE_OFFICER)
    board = governance_services.create_committee(
        None, trust, name="Trust Board", kind=Committee.Kind.BOARD
    )
    governance_services.create_committee(None, trust, name=COMMITTEE, reports_to=board)
    today = timezone.localdate()
    strategy = strategy_services.create_strategy(
        None,
        trust,
        title="Our five-year strategy",
        kind=Strategy.Kind.FIVE_YEAR_PLAN,
        start_year=today.year,
        end_year=today.year + 4,
        vision="Care close to home for everyone in the Peak valleys.",
    )
    kind = ElementKind.objects.get(organisation=trust, name="Strategic objective")
    for title in OBJECTIVES:
        strategy_services.add_element(None, strategy, kind=kind, title=title)
    strategy_services.approve_strategy(None, strategy, approved_by=board, approved_on=today)
    assert not AppetiteCategory.objects.filter(organisation=trust).exists()
    return trust


# Steps in the browser --------------------------------------------------------------------


def open_the_baf(page: Page, axe: Axe) -> None:
    menu_link(page, "Risks").click()
    expect_heading(page, "Board Assurance Framework")
    expect(page.get_by_role("main")).to_contain_text("There are no open strategic risks")
    axe(page)


def add_the_usual_appetite_categories(page: Page, axe: Axe) -> None:
    page.get_by_role("link", name="Add a strategic risk").click()
    expect_heading(page, "Add a strategic risk")
    expect(page.get_by_label("Risk appetite category")).not_to_contain_text(CATEGORY)
    axe(page)
    page.get_by_role("button", name="Add the four usual appetite categories").click()
    expect_heading(page, "Add a strategic risk")
    expect(page.get_by_role("main")).to_contain_text("4 risk appetite categories in place")
    expect(
        page.get_by_role("button", name="Add the four usual appetite categories")
    ).to_have_count(0)


def fill_the_risk(page: Page) -> None:
    page.get_by_label("Reference", exact=True).fill(REFERENCE)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Cause", exact=True).fill("If we cannot recruit and keep community nurses")
    page.get_by_label("Event", exact=True).fill("there is a risk that visits are missed")
    page.get_by_label("Effect", exact=True).fill("resulting in avoidable harm and admissions.")
    page.get_by_label(re.compile(f"^{OBJECTIVES[0]}")).check()
    page.get_by_label(re.compile(f"^{OBJECTIVES[1]}")).check()
    page.get_by_label("Executive lead").select_option(label=EXECUTIVE)
    page.get_by_label("Lead committee").select_option(label=COMMITTEE)
    page.get_by_label("Risk appetite category").select_option(label=CATEGORY)
    # Inherent 4 x 5 = 20, current 4 x 4 = 16, target 2 x 3 = 6 (NPSA 2008 descriptors).
    for position, likelihood, consequence in (
        ("Inherent", "4 Likely", "5 Catastrophic"),
        ("Current", "4 Likely", "4 Major"),
        ("Target", "2 Unlikely", "3 Moderate"),
    ):
        page.get_by_label(f"{position} likelihood").select_option(label=likelihood)
        page.get_by_label(f"{position} consequence").select_option(label=consequence)
    page.get_by_label("Target date").fill(days_from_today(365).isoformat())


def summary(page: Page, key: str) -> Locator:
    """The value beside `key` in a summary list of the page."""
    row = page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{key}$"))
    )
    return row.locator("dd")


def create_the_risk(page: Page, axe: Axe, screenshot: Screenshot) -> None:
    """First without a title, to see the form say what is missing; then properly."""
    fill_the_risk(page)
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Add risk").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the risk a title")
    axe(page)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_role("button", name="Add risk").click()
    expect_heading(page, f"{REFERENCE} {TITLE}")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"{REFERENCE} added to the BAF.")
    expect(summary(page, "Executive lead")).to_have_text(EXECUTIVE)
    expect(summary(page, "Lead committee")).to_have_text(COMMITTEE)
    expect(summary(page, "Risk appetite")).to_contain_text(f"{CATEGORY}: Minimal")
    # 16 is above the category's tolerance of 8 and at the escalation threshold of 15.
    flags = page.get_by_role("list", name="Flags")
    expect(flags).to_contain_text("Above tolerance (8)")
    expect(flags).to_contain_text("At or above the escalation threshold (15)")
    axe(page)
    screenshot(page, "baf-risk-new")


def add_part(page: Page, link: str, heading: str, fields: dict[str, str], button: str) -> None:
    page.get_by_role("link", name=link).click()
    expect_heading(page, f"{heading} to {REFERENCE}")
    for label, value in fields.items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_role("button", name=button).click()
    expect_heading(page, f"{REFERENCE} {TITLE}")


def add_controls_assurances_and_actions(page: Page, axe: Axe) -> None:
    add_part(
        page,
        "Add a key control",
        "Add a key control",
        {"Description": "Weekly safe staffing huddle"},
        "Add key control",
    )
    add_part(
        page,
        "Add a gap in control",
        "Add a gap in control",
        {"Description": "No workforce plan for rural teams"},
        "Add gap in control",
    )
    page.get_by_role("link", name="Add an assurance").click()
    expect_heading(page, f"Add an assurance to {REFERENCE}")
    page.get_by_label("Line of defence").select_option(
        label="Second line: oversight functions and committees"
    )
    page.get_by_label("Source", exact=True).fill("Quality Committee")
    page.get_by_label("Positive or negative").select_option(
        label="Positive: it shows the controls working"
    )
    page.get_by_label("Level of assurance").select_option(label="Reasonable")
    page.get_by_label("Date", exact=True).fill(days_from_today(-7).isoformat())
    page.get_by_label("Source document").fill("Safe staffing report")
    axe(page)
    page.get_by_role("button", name="Add assurance").click()
    expect_heading(page, f"{REFERENCE} {TITLE}")
    add_part(
        page,
        "Add a gap in assurance",
        "Add a gap in assurance",
        {"Gap in assurance": "No audit of missed visits"},
        "Add gap in assurance",
    )
    page.get_by_role("link", name="Add an action").click()
    expect_heading(page, f"Add an action to {REFERENCE}")
    page.get_by_label("Action", exact=True).fill("Agree a rural workforce plan")
    page.get_by_label("Owner").select_option(label=EXECUTIVE)
    page.get_by_label("Due date").fill(days_from_today(90).isoformat())
    page.get_by_label("BRAG status").select_option(label="Amber – at risk, recoverable")
    axe(page)
    page.get_by_role("button", name="Add action").click()
    expect_heading(page, f"{REFERENCE} {TITLE}")
    check_the_parts(page, axe)


def check_the_parts(page: Page, axe: Axe) -> None:
    main = page.get_by_role("main")
    expect(main).to_contain_text("Weekly safe staffing huddle")
    expect(main).to_contain_text("No workforce plan for rural teams")
    expect(main).to_contain_text("No audit of missed visits")
    second = page.get_by_role("table", name="Second line: oversight functions and committees")
    expect(second).to_contain_text("Quality Committee")
    expect(second).to_contain_text("Positive")
    expect(second).to_contain_text("Reasonable")
    actions = page.get_by_role("table", name=f"Actions to close the gaps in {REFERENCE}")
    row = actions.get_by_role("row", name=re.compile("Agree a rural workforce plan"))
    expect(row).to_contain_text(EXECUTIVE)
    expect(row).to_contain_text(f"{days_from_today(90):%-d %b %Y}")
    expect(row).to_contain_text("Amber")
    axe(page)


def record_a_review(page: Page, days_ago: int, likelihood: str, rationale: str) -> None:
    page.get_by_role("link", name="Record a review").first.click()
    expect_heading(page, f"Record a review of {REFERENCE}")
    page.get_by_label("Date of review").fill(days_from_today(-days_ago).isoformat())
    page.get_by_label("Current likelihood").select_option(label=likelihood)
    page.get_by_label("Current consequence").select_option(label="4 Major")
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_label("Reviewing committee").select_option(label=COMMITTEE)
    page.get_by_role("button", name="Record review").click()
    expect_heading(page, f"{REFERENCE} {TITLE}")
    expect(page.get_by_role("main")).to_contain_text(f"Review of {REFERENCE} recorded.")


def review_twice(page: Page, axe: Axe, screenshot: Screenshot) -> None:
    """A review two months ago at 3 x 4 = 12, then today's at 4 x 4 = 16: the risk grew."""
    record_a_review(page, 60, "3 Possible", "New starters have filled the urban teams.")
    axe(page)
    record_a_review(page, 0, "4 Likely", "Three rural nurses have left since the last review.")
    expect(page.get_by_role("main")).to_contain_text(
        "Trend: ↑ Increased since the last review (from 12 to 16)."
    )
    chart = page.locator("svg[role=img]", has=page.locator("title", has_text="at each review"))
    expect(chart).to_have_count(1)
    expect(chart.locator("circle")).to_have_count(2)
    reviews = page.get_by_role("table", name=f"Reviews of {REFERENCE}, oldest first")
    expect(reviews.get_by_role("row")).to_have_count(3)  # the heading row and two reviews
    expect(reviews).to_contain_text(GOVERNANCE)
    axe(page)
    screenshot(page, "baf-risk-reviewed")
    risk = StrategicRisk.objects.get(reference=REFERENCE)
    assert (risk.current_score, risk.last_reviewed_on) == (16, timezone.localdate())
    assert list(RiskReview.objects.filter(risk=risk).values_list("score", flat=True)) == [12, 16]


def read_the_baf(page: Page, axe: Axe, screenshot: Screenshot) -> None:
    page.get_by_role("link", name="Board Assurance Framework").click()
    expect_heading(page, "Board Assurance Framework")
    table = page.get_by_role("table", name=re.compile("^Strategic risks"))
    row = table.get_by_role("row", name=re.compile(REFERENCE))
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text(OBJECTIVES[0])
    expect(row).to_contain_text(EXECUTIVE)
    expect(row).to_contain_text("Increased since the last review")
    expect(row).to_contain_text("Reasonable")
    axe(page)
    screenshot(page, "baf-overview")


def heat_map_cell(page: Page, likelihood: int, consequence: int) -> Locator:
    """The cell of the heat map at this likelihood (rows, 5 at the top) and consequence."""
    table = page.get_by_role("table", name=re.compile("^Open strategic risks"))
    row = table.get_by_role("row", name=re.compile(f"^Likelihood {likelihood}"))
    return row.get_by_role("cell").nth(consequence - 1)


def read_the_heat_map(page: Page, axe: Axe, screenshot: Screenshot) -> None:
    page.get_by_role("link", name="Heat map").click()
    expect_heading(page, "Risk heat map")
    now, target = heat_map_cell(page, 4, 4), heat_map_cell(page, 2, 3)
    expect(now).to_contain_text("16")
    expect(now).to_contain_text(f"{REFERENCE} now")
    expect(now).not_to_contain_text(f"{REFERENCE} target")
    expect(target).to_contain_text("6")
    expect(target).to_contain_text(f"{REFERENCE} target")
    expect(target).not_to_contain_text(f"{REFERENCE} now")
    # Placed twice and nowhere else.
    table = page.get_by_role("table", name=re.compile("^Open strategic risks"))
    expect(table.get_by_role("cell").filter(has_text=REFERENCE)).to_have_count(2)
    # The tags' look comes from risk.css: solid for now, dashed for the target.
    tag = now.locator(".lodestar-risk-now")
    expect(tag).to_have_css("border-top-style", "solid")
    expect(target.locator(".lodestar-risk-target")).to_have_css("border-top-style", "dashed")
    expect(page.get_by_role("main")).to_contain_text(f"{REFERENCE}: 16 → 6")
    axe(page)
    screenshot(page, "baf-heat-map")
    page.get_by_role("link", name="Board Assurance Framework").click()
    expect_heading(page, "Board Assurance Framework")


def download_the_excel(page: Page) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel").click()
    assert download.value.suggested_filename == "xpv-board-assurance-framework.xlsx"
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"PK"), "An xlsx workbook is a zip file"
    # The saved download has no file name ending, which openpyxl wants; so read the bytes.
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        rows = list(book["BAF"].iter_rows(values_only=True))
        headings = list(rows[0])
        found = [r for r in rows[1:] if r[headings.index("Reference")] == REFERENCE]
        assert len(found) == 1, f"{REFERENCE} is not on the BAF sheet once: {rows}"
        (line,) = found
        assert line[headings.index("Title")] == TITLE
        assert line[headings.index("Current score")] == 16
        assert line[headings.index("Target score")] == 6
        reviews = list(book["Reviews"].iter_rows(values_only=True))
        assert len(reviews) == 3  # the heading row and two reviews
    finally:
        book.close()


def fits_a_narrow_screen(page: Page, axe: Axe, urls: list[str]) -> None:
    page.set_viewport_size(NARROWEST)
    too_wide = []
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROWEST["width"]:
            too_wide.append(f"{url} is {width} pixels wide")
        # Responsive tables change their layout at this width, so axe looks again.
        axe(page)
    assert not too_wide, "Pages wider than the screen:\n" + "\n".join(too_wide)


def test_a_governance_officer_puts_a_risk_on_the_baf_and_reviews_it(
    page: Page,
    *,
    transactional_db: None,
    axe: Axe,
    sign_in: SignIn,
    screenshot: Screenshot,
) -> None:
    trust = a_governed_trust()
    sign_in("risk.governance")
    expect_heading(page, trust.name)
    open_the_baf(page, axe)
    baf_url = page.url
    add_the_usual_appetite_categories(page, axe)
    create_the_risk(page, axe, screenshot)
    risk_url = page.url
    add_controls_assurances_and_actions(page, axe)
    review_twice(page, axe, screenshot)
    read_the_baf(page, axe, screenshot)
    read_the_heat_map(page, axe, screenshot)
    download_the_excel(page)
    fits_a_narrow_screen(page, axe, [baf_url, risk_url, f"{baf_url}heat-map/"])
