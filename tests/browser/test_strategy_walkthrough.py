"""A new user takes a strategy from nothing to the public page, in the browser, by its forms.

The demo administrator joins a new trust, adds its board, writes the strategy, plans its
delivery, reports progress with evidence, reads the strategy check and the alignment
matrix, records the board's approval, downloads the strategy as YAML and then, signed
out, reads the public page and the plan on a page. Every distinct page visited is
checked with axe-core against WCAG 2.2 A and AA, and every field is found by its label,
so a form that is not properly labelled fails the test.

The trust is new (see the `new_trust` fixture) because the demo's own strategies may
change: nothing checked here comes from the demo but its people and its ICB.
"""

from __future__ import annotations

import base64
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.delivery.models import Evidence
from lodestar.strategy.models import Strategy
from tests.browser.helpers import Axe, Screenshot, SignIn, expect_heading, menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Care closer to home"
VISION = "Everyone in the Peak valleys gets the care they need, close to home, first time."
EXECUTIVE = "Eleanor Price"  # the demo's executive director, who joins the new trust too
# A real one-pixel PNG in NHS blue: evidence files are checked by their first bytes.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgiNsBAAF4ARdHlLw/AAAAAElFTkSuQmCC"
)
EVIDENCE_LINK = ("Board paper", "https://www.example.nhs.uk/board-paper.pdf")


@dataclass(frozen=True)
class ValueSpec:
    name: str
    description: str
    behaviours: str


@dataclass(frozen=True)
class ElementSpec:
    kind: str
    title: str
    domains: tuple[str, ...]


VALUES = [
    ValueSpec("Compassion", "We treat everyone with kindness.", "We listen first\nWe explain"),
    ValueSpec("Openness", "We are honest when things go wrong.", "We say sorry\nWe learn"),
]
# Estates and procurement are left untagged on purpose: the check must list them as gaps.
ELEMENTS = [
    ElementSpec(
        "Strategic objective",
        "Outstanding care in every community",
        ("Quality of care", "Improvement", "Operational performance"),
    ),
    ElementSpec(
        "Clinical priority",
        "Earlier help for children's mental health",
        ("Workforce", "IT and digital"),
    ),
    ElementSpec("Clinical ambition", "Live within our means", ("Finances",)),
]


def days_from_today(days: int) -> str:
    """A date as a date field takes it; relative, so nothing falls overdue as years pass."""
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# Steps in the browser --------------------------------------------------------------------


def switch_to(page: Page, trust: Organisation, axe: Axe) -> None:
    page.get_by_label("Organisation", exact=True).select_option(label=trust.name)
    page.get_by_role("button", name="Switch").click()
    expect_heading(page, trust.name)
    axe(page)


def add_the_board(page: Page, axe: Axe) -> None:
    menu_link(page, "Committees").click()
    expect_heading(page, "Boards and committees")
    axe(page)
    page.get_by_label("Name", exact=True).fill("Trust Board")
    page.get_by_label("Kind", exact=True).select_option(label="Board")
    page.get_by_role("button", name="Add", exact=True).click()
    table = page.get_by_role("table", name=re.compile("Boards and committees"))
    expect(table.get_by_role("row", name=re.compile("Trust Board"))).to_contain_text("Board")
    axe(page)


def create_the_strategy(page: Page, axe: Axe) -> None:
    """First without a vision, to see the form say what is missing; then properly."""
    menu_link(page, "Strategy").click()
    expect_heading(page, "Strategies")
    axe(page)
    page.get_by_role("link", name="New strategy").click()
    expect_heading(page, "New strategy")
    axe(page)
    year = timezone.localdate().year
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("First year").fill(str(year))
    page.get_by_label("Last year").fill(str(year + 4))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the vision.")
    axe(page)
    page.get_by_label("Vision", exact=True).fill(VISION)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TITLE} Draft")
    axe(page)


def add_values(page: Page, axe: Axe) -> None:
    for value in VALUES:
        page.get_by_role("link", name="Add a value").click()
        expect_heading(page, "Add a value")
        page.get_by_label("Name", exact=True).fill(value.name)
        page.get_by_label("Description", exact=True).fill(value.description)
        page.get_by_label("Behaviours", exact=True).fill(value.behaviours)
        if value == VALUES[0]:
            axe(page)
        page.get_by_role("button", name="Save").click()
        values = page.get_by_role("region", name="Values")
        expect(values.get_by_role("heading", name=value.name)).to_be_visible()


def add_elements(page: Page, axe: Axe) -> None:
    for element in ELEMENTS:
        page.get_by_role("link", name="Add a strategic element").click()
        expect_heading(page, "Add a strategic element")
        page.get_by_label("Kind", exact=True).select_option(label=element.kind)
        page.get_by_label("Title", exact=True).fill(element.title)
        page.get_by_label("What success will look like").fill(f"Success: {element.title}")
        page.get_by_label("Indicators", exact=True).fill(f"Measured: {element.title}")
        for domain in element.domains:
            page.get_by_label(domain, exact=True).check()
        page.get_by_label("Executive lead").select_option(label=EXECUTIVE)
        if element == ELEMENTS[0]:
            axe(page)
        page.get_by_role("button", name="Save").click()
        card = page.get_by_role("region", name="Strategic elements").locator(
            ".nhsuk-card", has=page.get_by_role("heading", name=element.title)
        )
        expect(card).to_contain_text(f"Executive lead: {EXECUTIVE}")
        expect(card).to_contain_text(element.domains[0])


def record_co_production(page: Page, axe: Axe) -> None:
    page.get_by_role("link", name="Record an engagement activity").click()
    expect_heading(page, "Record an engagement activity")
    page.get_by_label("Date", exact=True).fill("2025-01-15")
    page.get_by_label("Title", exact=True).fill("Community design days")
    page.get_by_label("Method", exact=True).fill("Workshops in three towns")
    page.get_by_label("Level", exact=True).select_option(label="Co-produce")
    page.get_by_label("People who use services", exact=True).fill("24")
    page.get_by_label("Staff", exact=True).fill("11")
    page.get_by_label("Partners", exact=True).fill("5")
    page.get_by_label("You said", exact=True).fill("Clinics are too far away.")
    page.get_by_label("We did", exact=True).fill("We added care in every community.")
    page.get_by_label(ELEMENTS[0].title).check()
    axe(page)
    page.get_by_role("button", name="Save").click()
    said = page.get_by_role("table", name="You said, we did")
    expect(said).to_contain_text("Clinics are too far away.")
    expect(page.get_by_role("region", name="Co-production")).to_contain_text(
        "1 engagement activity with 40 participants"
    )


def plan_a_deliverable(page: Page, axe: Axe) -> None:
    page.get_by_role("link", name="Delivery plan", exact=True).click()
    expect_heading(page, "Delivery plan")
    axe(page)
    page.get_by_role("link", name=f"Add a deliverable to {ELEMENTS[0].title}").click()
    expect_heading(page, f"Add a deliverable to {ELEMENTS[0].title}")
    page.get_by_label("Title", exact=True).fill("Community hubs programme")
    page.get_by_label("Kind", exact=True).select_option(label="Programme")
    page.get_by_label("Start date").fill(days_from_today(-90))
    page.get_by_label("Due date").fill(days_from_today(700))
    page.get_by_label("Accountable executive").select_option(label=EXECUTIVE)
    page.get_by_label("Overseeing committee").select_option(label="Trust Board")
    axe(page)
    page.get_by_role("button", name="Add deliverable").click()
    expect_heading(page, "Community hubs programme")
    axe(page)
    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Title", exact=True).fill("First hub opens")
    page.get_by_label("Start date").fill(days_from_today(-90))
    page.get_by_label("Due date").fill(days_from_today(200))
    expect(page.get_by_label("Accountable executive")).to_have_value(
        str(User.objects.get(username="exec").pk)
    )
    page.get_by_role("button", name="Add milestone").click()
    milestones = page.get_by_role("table", name=re.compile("Milestones of"))
    expect(milestones).to_contain_text("First hub opens")


def post_update_with_evidence(page: Page, axe: Axe) -> None:
    page.get_by_role("link", name="Post a progress update").click()
    expect_heading(page, "Post a progress update")
    page.get_by_label("Status", exact=True).select_option(label="Green – on track")
    page.get_by_label("Narrative").fill("Sites chosen; the first hub is being fitted out.")
    page.get_by_label("Confidence of delivering on time").select_option(label="High")
    page.get_by_label("Evidence files").set_input_files(
        {"name": "site-plan.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_label("Evidence links").fill(" ".join(EVIDENCE_LINK))
    axe(page)
    page.get_by_role("button", name="Post update").click()
    expect(page.get_by_role("main")).to_contain_text("Progress update posted.")
    update = page.locator(".nhsuk-card", has=page.get_by_role("heading", name="Evidence"))
    expect(update.get_by_role("link", name=EVIDENCE_LINK[0])).to_have_attribute(
        "href", EVIDENCE_LINK[1]
    )
    with page.expect_download() as download:
        update.get_by_role("link", name="site-plan.png").click()
    assert Path(download.value.path()).read_bytes() == PNG
    axe(page)


def read_the_plan(page: Page, axe: Axe, screenshot: Screenshot) -> None:
    page.get_by_role("link", name=re.compile("^Delivery plan for")).click()
    expect_heading(page, "Delivery plan")
    table = page.get_by_role("table", name=f"Deliverables and milestones for {ELEMENTS[0].title}")
    row = table.get_by_role("row", name=re.compile("Community hubs programme"))
    expect(row).to_contain_text(EXECUTIVE)
    expect(row).to_contain_text("Green")
    expect(table).to_contain_text("Milestone: First hub opens")
    axe(page)
    screenshot(page, "strategy-delivery-plan")
    page.get_by_role("link", name="The strategy").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)


def read_the_check(page: Page, axe: Axe, screenshot: Screenshot) -> None:
    page.get_by_role("link", name="Strategy check").click()
    expect_heading(page, "Strategy check")
    expect(page.get_by_test_id("check-result")).to_contain_text("gaps to close")
    gaps = page.get_by_role("table", name="Gaps: Workforce, estates, procurement and IT")
    estates = gaps.get_by_role("row", name=re.compile("addresses estates"))
    expect(estates).to_contain_text("Tag the elements that address estates with that domain")
    co_produced = page.get_by_test_id("check-passed")
    expect(co_produced).to_contain_text("24 people who use services took part")
    expect(co_produced).to_contain_text("Every deliverable and milestone has one accountable")
    axe(page)
    screenshot(page, "strategy-check")


def link_to_the_icb(page: Page, axe: Axe, screenshot: Screenshot, icb: Strategy) -> None:
    page.get_by_role("link", name="Alignment with partners").click()
    expect_heading(page, "Alignment with partners")
    partner = f"{icb.organisation.name}: {icb}"
    page.get_by_label("Partner strategy").select_option(label=partner)
    # The matrix is swapped in place; mark the old one so as not to fill it in by mistake.
    page.evaluate("document.getElementById('matrix').dataset.stale = 'yes'")
    page.get_by_role("button", name="Show alignment").click()
    expect(page.locator("#matrix:not([data-stale])")).to_be_attached()
    expect(page).to_have_url(re.compile(f"partner={icb.uuid}"))
    matrix = page.get_by_role("table", name=re.compile("How our elements"))
    expect(
        matrix.get_by_role("row", name=re.compile(re.escape(ELEMENTS[1].title)))
    ).to_contain_text("Serves none of these")
    priority = icb.elements.order_by("kind__order", "order").first()
    assert priority is not None
    page.get_by_label("Our element", exact=True).select_option(
        label=f"{ELEMENTS[1].kind}: {ELEMENTS[1].title}"
    )
    page.get_by_label("Partner priority it serves", exact=True).select_option(
        label=f"{priority.kind}: {priority.title}"
    )
    page.get_by_label("Relationship", exact=True).select_option(label="Contributes to")
    page.get_by_label("Note", exact=True).fill("Earlier help is prevention.")
    page.get_by_role("button", name="Add link").click()
    links = page.get_by_role("table", name=f"Links to {icb.title}")
    expect(links).to_contain_text("Earlier help is prevention.")
    expect(
        matrix.get_by_role("row", name=re.compile(re.escape(ELEMENTS[1].title)))
    ).to_contain_text("Contributes to")
    axe(page)
    screenshot(page, "strategy-alignment")
    page.get_by_role("link", name="Back to the strategy").click()


def approve(page: Page, axe: Axe, screenshot: Screenshot) -> None:
    page.get_by_role("link", name="Record approval").click()
    expect_heading(page, "Record the board's approval")
    axe(page)
    page.get_by_label("Approved by").select_option(label="Trust Board")
    today = timezone.localdate()
    page.get_by_label("Date of approval").fill(today.isoformat())
    page.get_by_role("button", name="Record approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TITLE} Approved")
    expect(page.get_by_role("main")).to_contain_text(
        f"Approved by Trust Board on {today.day} {today:%B %Y}"
    )
    expect(page.get_by_role("link", name="Record approval")).to_have_count(0)
    axe(page)
    screenshot(page, "strategy-detail")


def download_the_yaml(page: Page) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as YAML").click()
    exported = yaml.safe_load(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["strategy"]["title"] == TITLE
    assert exported["strategy"]["vision"] == VISION
    assert [v["name"] for v in exported["values"]] == [v.name for v in VALUES]
    assert {e["title"] for e in exported["elements"]} == {e.title for e in ELEMENTS}
    assert [m["title"] for m in exported["milestones"]] == ["First hub opens"]
    assert [a["note"] for a in exported["alignment"]] == ["Earlier help is prevention."]


def read_the_public_page(
    public: Page, trust: Organisation, axe: Axe, screenshot: Screenshot
) -> None:
    today = timezone.localdate()
    public.goto(f"/public/{trust.ods_code}/")
    expect(public.get_by_role("link", name="Sign in")).to_be_visible()
    public.get_by_role("link", name=re.compile("^Our strategy")).click()
    expect_heading(public, "Our strategy")
    main = public.get_by_role("main")
    expect(main).to_contain_text(VISION)
    values = public.get_by_role("region", name="Our values")
    for value in VALUES:
        expect(values.get_by_role("heading", name=value.name)).to_be_visible()
    for element in ELEMENTS:
        expect(main).to_contain_text(element.title)
    expect(public.get_by_role("heading", name="Clinical priorities")).to_be_visible()
    expect(main).to_contain_text(f"By the Trust Board on {today:%-d %B %Y}")
    expect(main).not_to_contain_text(EXECUTIVE)  # no one's name on the public page
    axe(public)
    screenshot(public, "strategy-public")
    public.get_by_role("link", name="Our plan on a page", exact=True).click()
    expect_heading(public, "Our plan on a page")
    expect(public.get_by_role("main")).to_contain_text(VISION)
    axe(public)
    screenshot(public, "strategy-plan-on-a-page")
    # The PDF opens inline, which headless Chromium neither shows nor downloads; so fetch
    # what the link points at, as the signed-out browser would.
    link = public.get_by_role("link", name="Download as a PDF for printing (A4)")
    pdf = public.request.get(str(link.get_attribute("href")))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


@pytest.fixture
def evidence_folder(tmp_path: Path) -> Iterator[Path]:
    """Uploaded evidence goes to the test's own folder, never under var/."""
    folder = tmp_path / "media"
    with override_settings(MEDIA_ROOT=folder):
        yield folder


def test_a_new_user_takes_a_strategy_from_nothing_to_the_public_page(
    page: Page,
    signed_out_page: Page,
    *,
    new_trust: Organisation,
    icb_plan: Strategy,
    axe: Axe,
    sign_in: SignIn,
    screenshot: Screenshot,
    evidence_folder: Path,
) -> None:
    sign_in("admin")
    switch_to(page, new_trust, axe)
    add_the_board(page, axe)
    create_the_strategy(page, axe)
    add_values(page, axe)
    add_elements(page, axe)
    record_co_production(page, axe)
    plan_a_deliverable(page, axe)
    post_update_with_evidence(page, axe)
    assert Evidence.objects.filter(organisation=new_trust).count() == 2
    assert [f.read_bytes() for f in evidence_folder.rglob("*.png")] == [PNG]
    read_the_plan(page, axe, screenshot)
    read_the_check(page, axe, screenshot)
    link_to_the_icb(page, axe, screenshot, icb_plan)
    approve(page, axe, screenshot)
    download_the_yaml(page)
    read_the_public_page(signed_out_page, new_trust, axe, screenshot)
