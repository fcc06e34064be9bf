"""Fixtures for the tests that drive a real headless Chromium against a live server.

One browser serves the whole session; each test gets a fresh context (cookies, storage),
so tests never see each other's sign-ins.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

from lodestar.accounts.models import User
from lodestar.core import services as core_services
from lodestar.core.demo import DEMO_PASSWORD, load_demo
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.governance import services as governance_services
from lodestar.governance.models import Committee
from lodestar.strategy import services as strategy_services
from lodestar.strategy.models import ElementKind, Strategy
from tests.browser.helpers import Axe, Screenshot, SignIn

# Playwright's sync API keeps an asyncio event loop running in the test thread, and
# Django refuses ORM calls from a thread with a running loop unless told this is safe.
# It is: the loop only talks to the browser; the ORM calls here are plain and blocking.
# It is set for the whole run, not per test, because the session's browser keeps its
# loop until the run ends, so tests collected after these ones would trip over it too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

AXE_JS = Path(__file__).resolve().parents[2] / "var" / "test-vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Files a page needs to look and work right; a form's 400 answer is not among them.
SUBRESOURCES = {"stylesheet", "script", "image", "font", "media"}
# Short enough that a missing element fails the test in seconds, not half a minute, and
# long enough for a busy shared CI machine.
TIMEOUT_MS = 10_000
# Playwright's `expect` keeps its own default of 5 s, apart from the context's timeout:
# under a full CI run (two workers, a live server each) a page load has taken longer.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Chromium.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, live_server: Any) -> Iterator[Page]:
    """A page in a fresh browser context; it fails the test if a stylesheet, script or
    image the page asked for was missing, since that breaks the page silently."""
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    # The tests must not depend on the network: the NHS.UK stylesheet asks for its fonts
    # from assets.nhs.uk, and a slow answer from there would stall every page load.
    context.route(lambda url: not url.startswith(live_server.url), lambda r: r.abort())
    page = context.new_page()
    broken: list[str] = []

    def note_broken(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type in SUBRESOURCES:
            broken.append(f"{response.status} {response.url}")

    page.on("response", note_broken)
    yield page
    context.close()
    assert not broken, "The page asked for files the server could not give:\n" + "\n".join(broken)


@pytest.fixture
def signed_out_page(chromium: Browser, live_server: Any) -> Iterator[Page]:
    """A second page in a context of its own, so a test can look at the site as the
    public do while `page` stays signed in; it fails the test on missing files too."""
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(lambda url: not url.startswith(live_server.url), lambda r: r.abort())
    page = context.new_page()
    broken: list[str] = []

    def note_broken(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type in SUBRESOURCES:
            broken.append(f"{response.status} {response.url}")

    page.on("response", note_broken)
    yield page
    context.close()
    assert not broken, "The page asked for files the server could not give:\n" + "\n".join(broken)


@pytest.fixture
def demo(transactional_db: None) -> dict[str, Organisation]:
    """The demo organisations and people, by ODS code, in the live server's database."""
    load_demo()
    return {o.ods_code: o for o in Organisation.objects.all()}


@pytest.fixture
def new_trust(demo: dict[str, Organisation]) -> Organisation:
    """A fictional trust in the demo's Derbyshire system with no board and no strategy,
    run by the demo administrator, with the demo's executive director on its board."""
    trust = core_services.create_organisation(
        None,
        name="Peak Valleys Community Health NHS Trust",
        ods_code="XPV",
        kind=Organisation.Kind.NHS_TRUST,
        ics=demo["QJ2"].ics,
        summary="Community services for the Peak valleys (fictional, for the tests).",
    )
    for username, role in (("admin", Role.ADMINISTRATOR), ("exec", Role.EXECUTIVE_DIRECTOR)):
        core_services.add_member(None, trust, User.objects.get(username=username), role)
    return trust


@pytest.fixture
def icb_plan(demo: dict[str, Organisation]) -> Strategy:
    """The Derbyshire ICB's approved plan with its priorities: the demo's, if it has one,
    so that tests never depend on whether it does."""
    icb, today = demo["QJ2"], timezone.localdate()
    found = Strategy.objects.current_for(icb, today)
    if found is not None and found.elements.exists():
        return found
    plan = strategy_services.create_strategy(
        None,
        icb,
        title="Joint forward plan (for the tests)",
        kind=Strategy.Kind.FIVE_YEAR_PLAN,
        start_year=today.year,
        end_year=today.year + 4,
        vision="Healthy lives for everyone in Derby and Derbyshire.",
    )
    policy = ElementKind.objects.get(organisation=icb, name="Guiding policy")
    for title in ("Prevention first", "Care in the community"):
        strategy_services.add_element(None, plan, kind=policy, title=title)
    board = governance_services.create_committee(
        None, icb, name="ICB Board (for the tests)", kind=Committee.Kind.BOARD
    )
    return strategy_services.approve_strategy(None, plan, approved_by=board, approved_on=today)


@pytest.fixture
def axe() -> Axe:
    """A check that the page as it stands breaks no WCAG 2.2 A or AA rule axe can test."""
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS} is missing, so accessibility cannot be checked: run `make test`, "
            "which fetches axe-core with scripts/fetch-frontend.sh."
        )

    def check(page: Page) -> None:
        page.add_script_tag(path=AXE_JS)
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = results["violations"]
        assert not violations, f"Accessibility problems on {page.url}:\n" + "\n".join(
            _describe(v) for v in violations
        )

    return check


def _describe(violation: dict[str, Any]) -> str:
    targets = "\n".join(f"    {node['target']}" for node in violation["nodes"])
    return f"- {violation['id']} ({violation['impact']}): {violation['help']}\n{targets}"


@pytest.fixture
def screenshot() -> Screenshot:
    """Save a picture of the page for people to look at, when LODESTAR_SCREENSHOTS names
    a folder; otherwise do nothing, so that ordinary runs write no files."""
    folder = os.environ.get("LODESTAR_SCREENSHOTS", "")

    def save(page: Page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)

    return save


@pytest.fixture
def sign_in(page: Page) -> SignIn:
    """Sign in through the real form, as a person would."""

    def sign_in_as(username: str) -> None:
        page.goto("/account/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if "/account/sign-in/" in page.url:
            pytest.fail(f"{username} could not sign in: {page.get_by_role('main').inner_text()}")

    return sign_in_as
