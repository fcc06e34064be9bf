"""Types and steps shared by the browser tests."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

# Checks the page as it stands against WCAG 2.2 A and AA with axe-core.
Axe = Callable[[Page], None]
# Signs in as the named demo person through the sign-in form.
SignIn = Callable[[str], None]
# Saves a picture of the page under a name, when pictures are wanted.
Screenshot = Callable[[Page, str], None]


def menu_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name)


def expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
