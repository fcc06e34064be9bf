"""The strategy pages fit a 320 pixel wide screen (WCAG 2.2 1.4.10, Reflow).

Only the alignment matrix may be wider than the screen, and it scrolls inside its own
box. axe-core cannot check this; it needs a real layout at a real width. The strategy is
written straight to the database here: the walkthrough test fills in the forms.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.delivery.models import Deliverable
from lodestar.delivery.tests.builders import make_deliverable, make_milestone, make_update
from lodestar.strategy.models import AlignmentLink, EngagementActivity, Strategy, Value
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy
from tests.browser.helpers import Axe, Screenshot, SignIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROWEST: ViewportSize = {"width": 320, "height": 640}
# Long words and several lines in one cell are what push a narrow page wider.
LONG = "Community-and-neighbourhood-based rehabilitation"


def approved_strategy(trust: Organisation, icb_plan: Strategy) -> Strategy:
    """An approved strategy with something on every page: values, elements of three
    kinds, co-production, a deliverable with a milestone and an update, and a link."""
    executive, manager = User.objects.get(username="exec"), User.objects.get(username="manager")
    today = timezone.localdate()
    strategy = make_strategy(
        trust,
        title=f"{LONG} strategy",
        start_year=today.year,
        end_year=today.year + 4,
        status=Strategy.Status.APPROVED,
        approved_by=make_committee(trust),
        approved_on=today,
    )
    Value.objects.create(
        organisation=trust, strategy=strategy, name="Compassion", behaviours=[LONG, "We listen"]
    )
    elements = [
        make_element(strategy, kind, title=f"{LONG} {n}", outcomes=[LONG], domains=["quality"])
        for n, kind in enumerate(["Strategic objective", "Clinical priority", "Aim"])
    ]
    activity = EngagementActivity.objects.create(
        organisation=trust,
        strategy=strategy,
        held_on=today - datetime.timedelta(days=30),
        title=LONG,
        method="Workshops",
        level=EngagementActivity.Level.CO_PRODUCE,
        people_using_services=24,
        staff=11,
        what_was_said=f"{LONG}\nfor everyone",
    )
    activity.elements.set(elements[:1])
    deliverable = make_deliverable(elements[0], executive, responsible_manager=manager)
    make_milestone(deliverable, title=LONG, responsible_manager=manager)
    make_update(deliverable)
    partner_element = icb_plan.elements.order_by("kind__order", "order").first()
    assert partner_element is not None
    AlignmentLink.objects.create(
        organisation=trust,
        element=elements[1],
        partner_element=partner_element,
        relationship=AlignmentLink.Relationship.CONTRIBUTES_TO,
    )
    return strategy


def test_the_strategy_pages_fit_a_narrow_screen(
    page: Page,
    *,
    new_trust: Organisation,
    icb_plan: Strategy,
    axe: Axe,
    sign_in: SignIn,
    screenshot: Screenshot,
) -> None:
    strategy = approved_strategy(new_trust, icb_plan)
    ids = [new_trust.uuid, strategy.uuid]
    deliverable = Deliverable.objects.get(organisation=new_trust)
    pages = {
        "detail": reverse("strategy:detail", args=ids),
        "delivery-plan": reverse("delivery:plan", args=ids),
        "deliverable": reverse("delivery:deliverable", args=[new_trust.uuid, deliverable.uuid]),
        "check": reverse("alignment:check", args=ids),
        "alignment": reverse("alignment:matrix", args=ids),
        "public": reverse("public_strategy:strategy", args=[new_trust.ods_code]),
        "plan-on-a-page": reverse("public_strategy:plan", args=[new_trust.ods_code]),
    }
    page.set_viewport_size(NARROWEST)
    sign_in("admin")
    too_wide = []
    for name, url in pages.items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROWEST["width"]:
            too_wide.append(f"{url} ({name}) is {width} pixels wide")
        # Responsive tables change their layout at this width, so axe looks again.
        axe(page)
        screenshot(page, f"strategy-{name}-narrow")
    assert not too_wide, "Pages wider than the screen:\n" + "\n".join(too_wide)
