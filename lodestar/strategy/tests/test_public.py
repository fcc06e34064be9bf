"""The public "Our strategy" page and the plan on a page, read without signing in."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse

from lodestar.core.testing import PersonaTestCase
from lodestar.delivery.models import Deliverable
from lodestar.strategy.models import Element, Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy
from lodestar.strategy.tests.seed_like import (
    AMBITIONS,
    OBJECTIVES,
    PRIORITIES,
    VALUES,
    VISION,
    make_seed_like_strategy,
)


def _text(html: str) -> str:
    """The page's words without markup, for checking what a reader sees in order."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class OurStrategyPageTests(PersonaTestCase):
    strategy: Strategy
    url: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.strategy = make_seed_like_strategy(cls.org)
        cls.url = reverse("public_strategy:strategy", args=["RXM"])

    def test_anyone_can_read_it_without_signing_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Our strategy</h1>", html=True)

    def test_it_reads_like_the_published_strategy(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, VISION)
        self.assertEqual(response.context["sections"][0].kind.plural, "Clinical priorities")
        counts = [(s.kind.plural, len(s.elements)) for s in response.context["sections"]]
        self.assertEqual(
            counts,
            [("Clinical priorities", 2), ("Strategic objectives", 4), ("Clinical ambitions", 5)],
        )
        self.assertEqual(len(response.context["values"]), 4)
        for words in [*PRIORITIES, *AMBITIONS, *VALUES, *VALUES.values()]:
            self.assertContains(response, words)
        for number, (title, statements) in enumerate(OBJECTIVES.items(), start=1):
            self.assertContains(response, f"<h3>{number}. {title}</h3>", html=True)
            for statement in statements:
                self.assertContains(response, f"<li>{statement}</li>", html=True)

    def test_headings_follow_the_order_of_the_kinds(self) -> None:
        text = _text(self.client.get(self.url).content.decode())
        headings = ["Our vision", "Clinical priorities", "Strategic objectives"]
        headings += ["Clinical ambitions", "Our values"]
        positions = [text.index(heading) for heading in headings]
        self.assertEqual(positions, sorted(positions))

    def test_single_sentence_elements_are_a_plain_list(self) -> None:
        response = self.client.get(self.url)
        for ambition in AMBITIONS:
            self.assertContains(response, f"<li>{ambition}</li>", html=True)
            self.assertNotContains(response, f"<h3>{ambition}</h3>", html=True)

    def test_it_names_the_approving_board_and_date(self) -> None:
        self.assertContains(self.client.get(self.url), "By the Board of Directors on 1 March 2022")

    def test_the_ods_code_may_be_typed_in_lower_case(self) -> None:
        response = self.client.get(reverse("public_strategy:strategy", args=["rxm"]))
        self.assertEqual(response.status_code, 200)

    def test_members_see_the_same_public_page(self) -> None:
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get(self.url), VISION)

    def test_it_links_to_the_plan_on_a_page(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, reverse("public_strategy:plan", args=["RXM"]))
        self.assertContains(response, reverse("public_strategy:plan_pdf", args=["RXM"]))

    def test_the_organisations_public_page_links_to_it(self) -> None:
        response = self.client.get(reverse("core:public_organisation", args=["RXM"]))
        self.assertContains(response, self.url)
        self.assertContains(response, "Our strategy, 2022 to 2025")

    def test_only_reading_is_allowed(self) -> None:
        self.assertEqual(self.client.head(self.url).status_code, 200)
        self.assertEqual(self.client.post(self.url).status_code, 405)


class WhatThePublicNeverSeeTests(PersonaTestCase):
    strategy: Strategy
    draft: Strategy

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.strategy = make_seed_like_strategy(cls.org)
        great_care = Element.objects.get(strategy=cls.strategy, title="Great care")
        great_care.executive_lead = cls.executive
        great_care.save()
        Deliverable.objects.create(
            organisation=cls.org,
            element=great_care,
            title="Secret workforce programme",
            due_date=datetime.date(2025, 3, 31),
            accountable_executive=cls.executive,
        )
        cls.draft = make_strategy(
            cls.org, title="Next strategy", vision="A draft vision nobody has agreed", version=2
        )
        make_element(cls.draft, title="A draft objective")

    def test_drafts_are_never_shown(self) -> None:
        response = self.client.get(reverse("public_strategy:strategy", args=["RXM"]))
        self.assertContains(response, VISION)
        self.assertNotContains(response, "A draft vision nobody has agreed")
        self.assertNotContains(response, "A draft objective")

    def test_no_ones_name_nor_the_delivery_plan_is_shown(self) -> None:
        for name in ("public_strategy:strategy", "public_strategy:plan"):
            with self.subTest(page=name):
                response = self.client.get(reverse(name, args=["RXM"]))
                self.assertContains(response, "Great care")
                self.assertNotContains(response, "Erin")
                self.assertNotContains(response, "Secret workforce programme")


class NoPublishedStrategyTests(PersonaTestCase):
    def test_an_organisation_with_only_a_draft_gets_a_friendly_not_found(self) -> None:
        make_strategy(self.org, vision="A draft vision nobody has agreed")
        for name in ("strategy", "plan", "plan_pdf"):
            with self.subTest(page=name):
                response = self.client.get(reverse(f"public_strategy:{name}", args=["RXM"]))
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "has not published a strategy", status_code=404)
                self.assertNotContains(response, "A draft vision", status_code=404)

    def test_the_organisations_public_page_has_no_strategy_link_then(self) -> None:
        response = self.client.get(reverse("core:public_organisation", args=["RXM"]))
        self.assertNotContains(response, reverse("public_strategy:strategy", args=["RXM"]))

    def test_an_unknown_organisation_is_not_found(self) -> None:
        response = self.client.get(reverse("public_strategy:strategy", args=["ZZZ"]))
        self.assertEqual(response.status_code, 404)

    def test_a_superseded_strategy_is_no_longer_shown(self) -> None:
        make_seed_like_strategy(self.org, status=Strategy.Status.SUPERSEDED, vision="Old vision")
        make_seed_like_strategy(
            self.other_org,
            vision="Nottinghamshire's vision",
            approved_on=datetime.date(2023, 1, 1),
        )
        response = self.client.get(reverse("public_strategy:strategy", args=["RXM"]))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("public_strategy:strategy", args=["RHA"]))
        self.assertContains(response, "Nottinghamshire&#x27;s vision")


class IllustrativeStrategyTests(PersonaTestCase):
    def test_an_illustrative_strategy_says_so(self) -> None:
        make_seed_like_strategy(self.org, illustrative=True)
        response = self.client.get(reverse("public_strategy:strategy", args=["RXM"]))
        self.assertContains(response, "Illustrative content")


class PlanOnAPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_seed_like_strategy(cls.org)

    def test_the_plan_shows_the_vision_a_column_per_kind_and_the_values(self) -> None:
        response = self.client.get(reverse("public_strategy:plan", args=["RXM"]))
        self.assertContains(response, VISION)
        self.assertContains(response, "nhsuk-grid-column-one-third", count=3)
        self.assertContains(response, "nhsuk-grid-column-one-quarter", count=4)
        for words in ("Clinical priorities", "Strategic objectives", "Clinical ambitions"):
            self.assertContains(response, words)
        self.assertContains(response, reverse("public_strategy:plan_pdf", args=["RXM"]))
