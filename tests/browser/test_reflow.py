"""Pages fit a 320 pixel wide screen without scrolling sideways (WCAG 2.2 1.4.10, Reflow).

axe-core cannot check this: it needs a real layout at a real width.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize

from lodestar.core.models import Organisation
from tests.browser.helpers import Axe, SignIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROWEST: ViewportSize = {"width": 320, "height": 640}
# Pages whose tables change layout on a narrow screen; axe checks them at this width too.
RESPONSIVE_TABLES = {"people/", "audit/"}


def test_the_administrators_pages_fit_a_narrow_screen(
    page: Page, demo: dict[str, Organisation], axe: Axe, sign_in: SignIn
) -> None:
    page.set_viewport_size(NARROWEST)
    sign_in("admin")
    rxm = f"/o/{demo['RXM'].uuid}/"
    too_wide: list[str] = []
    for path in ("", "people/", "partners/", "audit/"):
        page.goto(rxm + path)
        too_wide += _overflow(page)
        if path in RESPONSIVE_TABLES:
            axe(page)
    for url in ("/account/", "/public/", "/public/RXM/"):
        page.goto(url)
        too_wide += _overflow(page)
    assert not too_wide, "Pages wider than the screen:\n" + "\n".join(too_wide)


def _overflow(page: Page) -> list[str]:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= NARROWEST["width"]:
        return []
    return [f"{page.url} is {width} pixels wide"]
