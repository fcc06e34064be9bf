"""The heat map page: the 5x5 matrix as a real table, each open risk placed twice."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from lodestar.governance.models import Committee
from lodestar.risk.models import RiskStatus
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_risk_committee,
    make_strategic_risk,
)


class HeatMapAccessTests(RiskTestCase):
    def setUp(self) -> None:
        self.url = reverse("risk:heat_map", args=[self.org.uuid])

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/sign-in/", response["Location"])

    def test_a_user_of_another_trust_finds_nothing(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_analysts_managers_and_staff_are_refused(self) -> None:
        for user in (self.analyst, self.manager, self.staff):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_board_members_and_governance_read_it(self) -> None:
        for user in (self.admin, self.chair, self.ned, self.executive, self.governance):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)


def _cell(page: str, likelihood: int, consequence: int) -> str:
    """The HTML of one cell of the matrix: row by likelihood, column by consequence."""
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", page, flags=re.DOTALL)
    row = next(r for r in rows if f"Likelihood {likelihood}<br>" in r)
    cells = re.findall(r"<td class=\"nhsuk-table__cell[^\"]*\".*?</td>", row, flags=re.DOTALL)
    return str(cells[consequence - 1])


class HeatMapPageTests(RiskTestCase):
    people: Committee

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = make_risk_committee(cls.org, "People Committee")
        make_strategic_risk(cls.org, cls.executive, element=cls.element, reference="SR1")
        make_strategic_risk(
            cls.org,
            cls.executive,
            cls.people,
            element=cls.element,
            reference="SR2",
            current_likelihood=3,
            current_consequence=2,
            target_likelihood=1,
            target_consequence=2,
        )
        make_strategic_risk(
            cls.org,
            cls.executive,
            element=cls.element,
            reference="SR9",
            status=RiskStatus.CLOSED,
        )

    def setUp(self) -> None:
        self.client.force_login(self.chair)
        self.url = reverse("risk:heat_map", args=[self.org.uuid])
        self.page = self.client.get(self.url).content.decode()

    def test_it_is_a_table_with_a_caption_and_headers_for_rows_and_columns(self) -> None:
        self.assertIn('<caption class="nhsuk-table__caption">Open strategic risks', self.page)
        self.assertEqual(self.page.count('<th scope="row" class="nhsuk-table__header">'), 5)
        self.assertIn("Consequence 5<br>", self.page)
        self.assertIn("Catastrophic", self.page)
        self.assertIn("Almost certain", self.page)

    def test_likelihood_runs_from_five_at_the_top_to_one(self) -> None:
        self.assertLess(self.page.index("Likelihood 5<br>"), self.page.index("Likelihood 1<br>"))

    def test_each_cell_says_its_score_and_band_in_words(self) -> None:
        self.assertIn("25 Extreme", _cell(self.page, 5, 5))
        self.assertIn("1 Low", _cell(self.page, 1, 1))
        self.assertIn("8 High", _cell(self.page, 2, 4))

    def test_a_risk_sits_in_its_current_cell_and_its_target_cell(self) -> None:
        self.assertIn('SR1<span class="nhsuk-u-visually-hidden"> now', _cell(self.page, 4, 4))
        self.assertIn('SR1<span class="nhsuk-u-visually-hidden"> target', _cell(self.page, 2, 4))
        self.assertIn('SR2<span class="nhsuk-u-visually-hidden"> now', _cell(self.page, 3, 2))

    def test_current_and_target_are_told_apart_by_shape_and_a_key(self) -> None:
        self.assertIn("current position (solid)", self.page)
        self.assertIn("target position (dashed outline)", self.page)
        self.assertIn('class="nhsuk-tag lodestar-risk-target">SR1<', _cell(self.page, 2, 4))
        self.assertIn('class="nhsuk-tag lodestar-risk-now">SR1<', _cell(self.page, 4, 4))

    def test_the_tags_are_styled_by_the_risk_stylesheet_not_inline(self) -> None:
        self.assertIn(static("lodestar/risk.css"), self.page)
        self.assertNotIn("#212b32", self.page)
        found = finders.find("lodestar/risk.css")
        assert isinstance(found, str)
        rules = Path(found).read_text(encoding="utf-8")
        self.assertRegex(rules, r"\.lodestar-risk-now \{[^}]*border: 2px solid #212b32")
        self.assertRegex(rules, r"\.lodestar-risk-target \{[^}]*border: 2px dashed #212b32")

    def test_each_cell_keeps_the_organisations_band_colour(self) -> None:
        self.assertIn('style="background-color: #', _cell(self.page, 5, 5))

    def test_the_movement_from_current_to_target_is_written_out(self) -> None:
        self.assertIn("SR1: 16 → 8; SR2: 6 → 2.", self.page)

    def test_closed_risks_are_not_placed(self) -> None:
        self.assertNotIn("SR9", self.page)

    def test_the_committee_filter_places_only_that_committees_risks(self) -> None:
        page = self.client.get(self.url, {"committee": str(self.people.uuid)}).content.decode()
        self.assertIn("SR2: 6 → 2.", page)
        self.assertNotIn("SR1", page)  # neither placed nor listed

    def test_flags_show_here_as_on_every_view_of_the_risks(self) -> None:
        listed = self.page[self.page.index('id="movement"') :]
        sr1 = listed[listed.index("<strong>SR1</strong>") : listed.index("<strong>SR2</strong>")]
        sr2 = listed[listed.index("<strong>SR2</strong>") :]
        self.assertIn("Escalation: 15 or more", sr1)
        self.assertNotIn("Escalation: 15 or more", sr2)
