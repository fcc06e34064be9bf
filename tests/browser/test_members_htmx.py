"""The administrator adds and removes people on the People page without page reloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from lodestar.core.models import Membership, Organisation
from tests.browser.helpers import Axe, Screenshot, SignIn, expect_heading, menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set on the window before acting; a full page load would clear it, an HTMX swap does not.
NO_RELOAD_MARK = "window.lodestarNotReloaded"


def open_people_page(page: Page, rxm: Organisation, sign_in: SignIn) -> None:
    sign_in("admin")
    menu_link(page, "People").click()
    expect_heading(page, f"People at {rxm.name}")
    page.evaluate(f"{NO_RELOAD_MARK} = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate(f"{NO_RELOAD_MARK} === true"), "The page was reloaded, not swapped."


def pat_is_a_member(rxm: Organisation) -> bool:
    return Membership.objects.filter(organisation=rxm, user__username="pat.example").exists()


def add_pat(page: Page) -> None:
    page.get_by_label("Username or email address").fill("pat.example")
    page.get_by_label("Full name (for a new account)").fill("Pat Example")
    page.get_by_label("Role").select_option(label="Analyst")
    page.get_by_label("Job title").fill("Data analyst")
    page.get_by_role("button", name="Add person").click()


def click_remove_pat(page: Page, *, confirm: bool) -> list[str]:
    """Press Remove and answer the browser's "are you sure?"; return what it asked."""
    questions: list[str] = []

    def answer(dialog: Dialog) -> None:
        questions.append(dialog.message)
        if confirm:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", answer)
    page.get_by_role("button", name="Remove Pat Example as Analyst").click()
    return questions


def test_the_administrator_adds_a_person_and_then_removes_them_without_reloading_the_page(
    page: Page, demo: dict[str, Organisation], axe: Axe, sign_in: SignIn, screenshot: Screenshot
) -> None:
    rxm = demo["RXM"]
    open_people_page(page, rxm, sign_in)
    add_pat(page)
    pat_row = page.get_by_role("table", name="Members and their roles").get_by_role(
        "row", name=re.compile("Pat Example")
    )
    expect(pat_row).to_contain_text("Analyst")
    expect(page.get_by_test_id("new-password")).to_have_text(re.compile(r"^\S{12,}$"))
    expect(page.get_by_role("status")).to_contain_text("Pat Example added as Analyst.")
    assert_not_reloaded(page)
    assert pat_is_a_member(rxm)
    screenshot(page, "people-after-adding")
    axe(page)

    removals: list[str] = []
    page.on("request", lambda r: removals.append(r.method) if "/remove/" in r.url else None)
    assert click_remove_pat(page, confirm=False) == ["Remove Pat Example as Analyst?"]
    assert click_remove_pat(page, confirm=True) == ["Remove Pat Example as Analyst?"]
    expect(pat_row).to_have_count(0)
    assert removals == ["POST"], "Saying no to the question must send nothing."
    expect(page.get_by_role("status")).to_contain_text("Pat Example is no longer Analyst.")
    assert_not_reloaded(page)
    assert not pat_is_a_member(rxm)
    axe(page)


def test_a_person_nobody_has_heard_of_gets_a_clear_message_and_is_not_added(
    page: Page, demo: dict[str, Organisation], axe: Axe, sign_in: SignIn, screenshot: Screenshot
) -> None:
    rxm = demo["RXM"]
    open_people_page(page, rxm, sign_in)
    page.get_by_label("Username or email address").fill("nobody.known")
    page.get_by_label("Role").select_option(label="Analyst")
    page.get_by_role("button", name="Add person").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is no account called 'nobody.known'")
    expect(summary).to_contain_text("Give a full name")
    assert_not_reloaded(page)
    assert not Membership.objects.filter(user__username="nobody.known").exists()
    screenshot(page, "people-with-an-error")
    axe(page)
