"""Each demo persona signs in through the real form and sees what their role allows.

Every page visited is checked with axe-core against WCAG 2.2 A and AA.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lodestar.core.models import Organisation
from tests.browser.helpers import Axe, Screenshot, SignIn, expect_heading, menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NHS_BLUE = "rgb(0, 94, 184)"
Demo = dict[str, Organisation]


def sign_in_to_rxm(
    page: Page, demo: Demo, axe: Axe, sign_in: SignIn, username: str, *, admin: bool
) -> None:
    """Sign in, land on the organisation's home page, and see its admin link only if admin."""
    sign_in(username)
    expect(page).to_have_url(re.compile(rf"/o/{demo['RXM'].uuid}/$"))
    expect_heading(page, demo["RXM"].name)
    change = page.get_by_role("link", name="Change organisation details")
    expect(change).to_have_count(1 if admin else 0)
    axe(page)


def visit_people(page: Page, org: Organisation, axe: Axe) -> None:
    menu_link(page, "People").click()
    expect_heading(page, f"People at {org.name}")
    axe(page)


def visit_partners(page: Page, axe: Axe) -> None:
    menu_link(page, "Partners").click()
    expect_heading(page, "Sharing with partners")
    axe(page)


def visit_account(page: Page, axe: Axe) -> None:
    page.get_by_role("navigation", name="Account").get_by_role("link").first.click()
    expect_heading(page, "Your account")
    axe(page)


def read_audit_trail(page: Page, axe: Axe) -> None:
    menu_link(page, "Audit trail").click()
    expect_heading(page, "Audit trail")
    # The newest entries come first; the demo's strategies were loaded after its members.
    expect(page.get_by_role("table")).to_contain_text("Created")
    axe(page)


def refused_audit_trail(page: Page, org: Organisation, axe: Axe) -> None:
    expect(menu_link(page, "Audit trail")).to_have_count(0)
    response = page.goto(f"/o/{org.uuid}/audit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("main")).to_contain_text("does not let you read the audit trail")
    axe(page)


def test_the_administrator_may_add_people_and_read_the_audit_trail(
    page: Page, demo: Demo, axe: Axe, sign_in: SignIn, screenshot: Screenshot
) -> None:
    sign_in_to_rxm(page, demo, axe, sign_in, "admin", admin=True)
    screenshot(page, "organisation-home")
    visit_people(page, demo["RXM"], axe)
    expect(page.get_by_role("heading", name="Add a person")).to_be_visible()
    screenshot(page, "people")
    visit_partners(page, axe)
    read_audit_trail(page, axe)
    screenshot(page, "audit-trail")
    visit_account(page, axe)


@pytest.mark.parametrize("username", ["chair", "governance"])
def test_the_chair_and_governance_read_the_audit_trail_but_cannot_add_people(
    page: Page, demo: Demo, axe: Axe, sign_in: SignIn, username: str
) -> None:
    sign_in_to_rxm(page, demo, axe, sign_in, username, admin=False)
    visit_people(page, demo["RXM"], axe)
    expect(page.get_by_role("heading", name="Add a person")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    visit_partners(page, axe)
    read_audit_trail(page, axe)
    visit_account(page, axe)


# The partners and account pages look the same to all of these; the tests above check them.
@pytest.mark.parametrize("username", ["ned", "exec", "manager", "analyst", "staff", "guardian"])
def test_other_members_neither_add_people_nor_read_the_audit_trail(
    page: Page, demo: Demo, axe: Axe, sign_in: SignIn, username: str
) -> None:
    sign_in_to_rxm(page, demo, axe, sign_in, username, admin=False)
    # Neither the menu nor the home page's cards offer the audit trail.
    expect(page.get_by_role("link", name="Audit trail")).to_have_count(0)
    visit_people(page, demo["RXM"], axe)
    expect(page.get_by_role("heading", name="Add a person")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    refused_audit_trail(page, demo["RXM"], axe)


@pytest.mark.parametrize("persona", [("notts.admin", "RHA"), ("icb.admin", "QJ2")])
def test_an_administrator_elsewhere_gets_not_found_at_derbyshire_healthcare(
    page: Page, demo: Demo, axe: Axe, sign_in: SignIn, persona: tuple[str, str]
) -> None:
    rxm = demo["RXM"]
    username, home = persona
    sign_in(username)
    expect_heading(page, demo[home].name)
    expect(menu_link(page, "Audit trail")).to_be_visible()
    switcher = page.locator("#switch-organisation option")
    expect(switcher.filter(has_text=rxm.name)).to_have_count(0)
    for path in ("", "people/", "partners/", "audit/"):
        response = page.goto(f"/o/{rxm.uuid}/{path}")
        assert response is not None and response.status == 404, path
        expect_heading(page, "Page not found")
        expect(page.get_by_role("main")).not_to_contain_text(rxm.name)
    axe(page)


def test_the_public_read_public_pages_and_are_sent_to_sign_in_for_an_organisation_page(
    page: Page, demo: Demo, axe: Axe
) -> None:
    rxm = demo["RXM"]
    page.goto("/public/")
    expect_heading(page, "NHS organisations using Lodestar")
    axe(page)
    page.get_by_role("link", name=rxm.name).click()
    expect(page).to_have_url(re.compile("/public/RXM/$"))
    expect_heading(page, rxm.name)
    axe(page)
    page.goto(f"/o/{rxm.uuid}/")
    expect(page).to_have_url(re.compile(rf"/account/sign-in/\?next=/o/{rxm.uuid}/$"))
    expect_heading(page, "Sign in to Lodestar")
    axe(page)


def test_the_nhs_design_system_styles_and_images_are_served(page: Page) -> None:
    page.goto("/public/")
    header = page.locator("header.nhsuk-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == NHS_BLUE
    favicon = page.request.get("/assets/images/favicon.ico")
    assert favicon.status == 200
    assert favicon.headers["content-type"].startswith("image/")
