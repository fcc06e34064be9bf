"""The risk matrix and appetite pages: who may see and change them, and what they show."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.risk.matrix import matrix_for, risk_settings_for
from lodestar.risk.models import AppetiteCategory
from lodestar.risk.settings_services import update_risk_matrix
from lodestar.risk.tests.builders import RiskTestCase, make_strategic_risk

NPSA = [("Low", 1, 3, "green"), ("Moderate", 4, 6, "yellow"), ("High", 8, 12, "amber")]
NPSA_BANDS = [*NPSA, ("Extreme", 15, 25, "red")]
CHRISTIE_BANDS = [
    ("Low", 1, 3, "green"),
    ("Moderate", 4, 9, "yellow"),
    ("High", 10, 14, "amber"),
    ("Extreme", 15, 25, "red"),
]


def matrix_post(
    bands: list[tuple[Any, ...]], initial: int = 4, blank_rows: int = 2, **fields: Any
) -> dict[str, Any]:
    """What the matrix form posts: descriptors, threshold, and the band rows."""
    data: dict[str, Any] = {
        "likelihood_1": "Rare",
        "likelihood_2": "Unlikely",
        "likelihood_3": "Possible",
        "likelihood_4": "Likely",
        "likelihood_5": "Almost certain",
        "consequence_1": "Negligible",
        "consequence_2": "Minor",
        "consequence_3": "Moderate",
        "consequence_4": "Major",
        "consequence_5": "Catastrophic",
        "escalation_threshold": "15",
        "reason": "",
        "bands-TOTAL_FORMS": str(len(bands) + blank_rows),
        "bands-INITIAL_FORMS": str(initial),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "10",
    }
    for i, row in enumerate(bands):
        name, low, high, colour, *delete = row
        data |= {
            f"bands-{i}-name": name,
            f"bands-{i}-low": str(low),
            f"bands-{i}-high": str(high),
            f"bands-{i}-colour": colour,
        }
        if delete:
            data[f"bands-{i}-DELETE"] = "on"
    for i in range(len(bands), len(bands) + blank_rows):
        data |= {f"bands-{i}-{f}": "" for f in ("name", "low", "high", "colour")}
    return data | fields


class SettingsAccessTests(RiskTestCase):
    """Every settings page: outsiders 404, the public to sign-in, roles without VIEW_RISKS
    403, board members read only, governance and administrators change things."""

    def urls(self) -> dict[str, tuple[str, bool]]:
        """Each page's address, and whether it changes anything (MANAGE_RISKS) or reads."""
        org = self.org.uuid
        category = self.category.uuid
        return {
            "settings": (reverse("risk:settings", args=[org]), False),
            "edit_matrix": (reverse("risk:edit_matrix", args=[org]), True),
            "regrade": (reverse("risk:regrade", args=[org]), True),
            "statement": (reverse("risk:edit_appetite_statement", args=[org]), True),
            "scale": (reverse("risk:edit_appetite_scale", args=[org]), True),
            "new_category": (reverse("risk:new_appetite_category", args=[org]), True),
            "edit_category": (reverse("risk:edit_appetite_category", args=[org, category]), True),
            "delete_category": (
                reverse("risk:delete_appetite_category", args=[org, category]),
                True,
            ),
        }

    def defaults_url(self) -> str:
        return reverse("risk:default_appetite_categories", args=[self.org.uuid])

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        for name, (url, _) in self.urls().items():
            with self.subTest(page=name):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(self.client.post(self.defaults_url()).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        for name, (url, _) in self.urls().items():
            with self.subTest(page=name):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/account/sign-in/", response["Location"])
        response = self.client.post(self.defaults_url())
        self.assertIn("/account/sign-in/", response["Location"])

    def test_analysts_staff_and_managers_are_refused_every_page(self) -> None:
        for person in (self.analyst, self.staff, self.manager):
            self.client.force_login(person)
            for name, (url, _) in self.urls().items():
                with self.subTest(person=person.username, page=name):
                    self.assertEqual(self.client.get(url).status_code, 403)
                    self.assertEqual(self.client.post(url).status_code, 403)
            with self.subTest(person=person.username, page="defaults"):
                self.assertEqual(self.client.post(self.defaults_url()).status_code, 403)

    def test_board_members_read_the_settings_but_may_not_change_them(self) -> None:
        for person in (self.chair, self.ned, self.executive):
            self.client.force_login(person)
            for name, (url, changes) in self.urls().items():
                with self.subTest(person=person.username, page=name):
                    self.assertEqual(self.client.get(url).status_code, 403 if changes else 200)
                    if changes:
                        self.assertEqual(self.client.post(url).status_code, 403)
            with self.subTest(person=person.username, page="defaults"):
                self.assertEqual(self.client.post(self.defaults_url()).status_code, 403)
        self.assertTrue(AppetiteCategory.objects.filter(pk=self.category.pk).exists())

    def test_governance_officers_and_administrators_open_every_page(self) -> None:
        for person in (self.governance, self.admin):
            self.client.force_login(person)
            for name, (url, _) in self.urls().items():
                with self.subTest(person=person.username, page=name):
                    self.assertEqual(self.client.get(url).status_code, 200)
            with self.subTest(person=person.username, page="defaults"):
                self.assertEqual(self.client.get(self.defaults_url()).status_code, 405)
                self.assertEqual(self.client.post(self.defaults_url()).status_code, 302)

    def test_another_organisations_category_is_not_found(self) -> None:
        theirs = AppetiteCategory.objects.create(
            organisation=self.other_org, name="Finance", level=3, tolerance=12
        )
        self.client.force_login(self.governance)
        for name in ("risk:edit_appetite_category", "risk:delete_appetite_category"):
            with self.subTest(page=name):
                url = reverse(name, args=[self.org.uuid, theirs.uuid])
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"name": "Ours"}).status_code, 404)
        theirs.refresh_from_db()
        self.assertEqual(theirs.name, "Finance")


class SettingsPageTests(RiskTestCase):
    def page(self, person: User) -> str:
        self.client.force_login(person)
        response = self.client.get(reverse("risk:settings", args=[self.org.uuid]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_matrix_is_an_accessible_table_coloured_by_band(self) -> None:
        html = self.page(self.chair)
        self.assertIn("<caption", html)
        self.assertIn(
            'scope="row"><span class="nhsuk-u-visually-hidden">Likelihood </span>5 Almost certain',
            html,
        )
        self.assertIn(
            'scope="col"><span class="nhsuk-u-visually-hidden">Consequence </span>1 Negligible',
            html,
        )
        self.assertInHTML('<strong class="nhsuk-tag nhsuk-tag--red">25 Extreme</strong>', html)
        self.assertInHTML('<strong class="nhsuk-tag nhsuk-tag--orange">9 High</strong>', html)
        self.assertInHTML(
            '<strong class="nhsuk-tag nhsuk-tag--yellow">6 Moderate</strong>', html, count=2
        )
        self.assertInHTML('<strong class="nhsuk-tag nhsuk-tag--green">1 Low</strong>', html)
        self.assertIn("8 to 12", html)
        self.assertIn("scores already recorded keep the band they had", html)

    def test_the_cells_follow_custom_bands(self) -> None:
        update_risk_matrix(
            None,
            self.org,
            likelihood_descriptors=["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
            consequence_descriptors=["Insignificant", "Minor", "Moderate", "Major", "Severe"],
            bands=[
                dict(zip(("name", "low", "high", "colour"), b, strict=True))
                for b in CHRISTIE_BANDS
            ],
            escalation_threshold=12,
        )
        html = self.page(self.ned)
        self.assertInHTML('<strong class="nhsuk-tag nhsuk-tag--yellow">9 Moderate</strong>', html)
        self.assertInHTML(
            '<strong class="nhsuk-tag nhsuk-tag--orange">10 High</strong>', html, count=2
        )
        self.assertIn("5 Severe", html)
        self.assertIn("12: risks scoring 12 or more are escalated", html)

    def test_board_members_see_no_links_to_change_anything(self) -> None:
        html = self.page(self.chair)
        self.assertNotIn(reverse("risk:edit_matrix", args=[self.org.uuid]), html)
        self.assertNotIn(reverse("risk:new_appetite_category", args=[self.org.uuid]), html)
        self.assertNotIn("Delete<span", html)

    def test_governance_sees_the_links_to_change_things(self) -> None:
        html = self.page(self.governance)
        for name in (
            "edit_matrix",
            "edit_appetite_statement",
            "edit_appetite_scale",
            "new_appetite_category",
        ):
            with self.subTest(link=name):
                self.assertIn(reverse(f"risk:{name}", args=[self.org.uuid]), html)

    @time_machine.travel(datetime.date(2025, 4, 10))
    def test_the_appetite_statement_scale_and_categories_are_shown(self) -> None:
        found = risk_settings_for(self.org)
        found.appetite_statement = "We have a minimal appetite for harm."
        found.appetite_approved_on = datetime.date(2025, 3, 27)
        found.appetite_approved_by = self.committee
        found.save()
        AppetiteCategory.objects.create(
            organisation=self.org, name="Quality and outcomes", level=2, tolerance=7, order=1
        )
        html = self.page(self.ned)
        self.assertIn("We have a minimal appetite for harm.", html)
        self.assertIn("27 March 2025 by Audit and Risk Committee", html)
        self.assertInHTML("<li>Eager</li>", html)
        self.assertIn(">Finance<", html)
        self.assertInHTML('<td class="nhsuk-table__cell">Cautious</td>', html)
        self.assertInHTML('<strong class="nhsuk-tag nhsuk-tag--orange">12 High</strong>', html)
        # 7 cannot occur: it tolerates no more than a 6, so it reads as Moderate.
        self.assertInHTML('<strong class="nhsuk-tag nhsuk-tag--yellow">7 Moderate</strong>', html)

    def test_with_no_categories_governance_is_offered_the_usual_four(self) -> None:
        self.category.delete()
        self.assertIn("Add the four usual categories", self.page(self.governance))
        self.assertNotIn("Add the four usual categories", self.page(self.chair))
        self.client.force_login(self.governance)
        response = self.client.post(
            reverse("risk:default_appetite_categories", args=[self.org.uuid]), follow=True
        )
        self.assertContains(response, "Compliance and regulation")
        self.assertContains(response, "4 appetite categories in place")

    def test_governance_is_told_when_open_risks_carry_bands_from_an_earlier_matrix(self) -> None:
        make_strategic_risk(self.org, self.executive, current_likelihood=3, current_consequence=3)
        self.assertNotIn("graded under an earlier matrix", self.page(self.governance))
        update_risk_matrix(
            None,
            self.org,
            likelihood_descriptors=list(matrix_for(self.org).likelihood),
            consequence_descriptors=list(matrix_for(self.org).consequence),
            bands=[
                dict(zip(("name", "low", "high", "colour"), b, strict=True))
                for b in CHRISTIE_BANDS
            ],
            escalation_threshold=15,
        )
        html = self.page(self.governance)
        self.assertIn("Some risks were graded under an earlier matrix", html)
        self.assertIn("1 open risk has a band", html)
        self.assertNotIn("graded under an earlier matrix", self.page(self.chair))


class EditMatrixPageTests(RiskTestCase):
    def setUp(self) -> None:
        self.url = reverse("risk:edit_matrix", args=[self.org.uuid])
        self.client.force_login(self.governance)

    def test_the_form_shows_the_current_matrix_with_two_blank_rows(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'value="Almost certain"')
        self.assertContains(response, "Band 4: Extreme")
        self.assertContains(response, 'name="bands-TOTAL_FORMS" value="6"')
        self.assertContains(response, "Scores already recorded keep the band they had.")
        self.assertContains(response, '<option value="amber" selected>Amber</option>', html=True)

    def test_a_governance_officer_adopts_the_christies_bands(self) -> None:
        response = self.client.post(
            self.url, matrix_post(CHRISTIE_BANDS, reason="Board, 27 March"), follow=True
        )
        self.assertRedirects(response, reverse("risk:settings", args=[self.org.uuid]) + "#matrix")
        self.assertContains(response, "Scores already recorded keep the band they had.")
        bands = matrix_for(self.org).bands
        self.assertEqual([(b.name, b.low, b.high, b.colour) for b in bands], CHRISTIE_BANDS)
        entry = AuditEntry.objects.filter(model_label="risk.risksettings").get()
        self.assertEqual(entry.reason, "Board, 27 March")

    def test_a_band_is_added_in_a_blank_row_and_another_removed(self) -> None:
        bands = [
            *NPSA,
            ("Extreme", 15, 25, "red", "delete"),
            ("Serious", 15, 16, "pink"),
            ("Catastrophic", 20, 25, "purple"),
        ]
        response = self.client.post(self.url, matrix_post(bands, blank_rows=0))
        self.assertEqual(response.status_code, 302)
        names = [b.name for b in matrix_for(self.org).bands]
        self.assertEqual(names, ["Low", "Moderate", "High", "Serious", "Catastrophic"])

    def test_a_gap_at_a_possible_score_is_refused_and_nothing_changes(self) -> None:
        bands = [("Low", 1, 3, "green"), ("Moderate", 4, 6, "yellow"), ("High", 9, 12, "amber")]
        bands.append(("Extreme", 15, 25, "red"))
        response = self.client.post(self.url, matrix_post(bands))
        self.assertContains(response, "No band covers the score 8.", status_code=400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertEqual(matrix_for(self.org).bands[2].low, 8)
        self.assertFalse(AuditEntry.objects.filter(model_label="risk.risksettings").exists())

    def test_overlapping_bands_are_refused_beside_the_band_at_fault(self) -> None:
        bands = [("Low", 1, 3, "green"), ("Moderate", 3, 6, "yellow"), *NPSA_BANDS[2:]]
        response = self.client.post(self.url, matrix_post(bands))
        self.assertContains(
            response, "Band 2: Bands Low (1-3) and Moderate (3-6) overlap", status_code=400
        )
        self.assertContains(response, 'href="#id_bands-1-name"', status_code=400)

    def test_a_half_filled_row_asks_for_what_is_missing(self) -> None:
        bands = [*NPSA_BANDS, ("Catastrophic", "", "", "")]
        response = self.client.post(self.url, matrix_post(bands, blank_rows=0))
        self.assertContains(response, "Enter the band&#x27;s lowest score.", status_code=400)
        self.assertContains(response, "Choose the band&#x27;s colour.", status_code=400)

    def test_bad_descriptors_and_threshold_are_named(self) -> None:
        data = matrix_post(
            NPSA_BANDS, likelihood_2="rare", consequence_5="", escalation_threshold="30"
        )
        response = self.client.post(self.url, data)
        self.assertContains(
            response, "Give five different likelihood descriptors.", status_code=400
        )
        self.assertContains(response, "Enter a word for consequence 5.", status_code=400)
        self.assertContains(
            response,
            "The escalation threshold must be a whole number from 1 to 25.",
            status_code=400,
        )
        self.assertEqual(matrix_for(self.org).likelihood[1], "Unlikely")

    def test_a_colour_outside_the_list_is_refused(self) -> None:
        bands = [*NPSA, ("Extreme", 15, 25, "#ff0000")]
        response = self.client.post(self.url, matrix_post(bands))
        self.assertContains(response, "Select a valid choice", status_code=400)


class RegradePageTests(RiskTestCase):
    def test_governance_grades_open_risks_again_after_a_change_of_bands(self) -> None:
        risk = make_strategic_risk(
            self.org, self.executive, current_likelihood=3, current_consequence=3
        )
        self.client.force_login(self.governance)
        self.client.post(
            reverse("risk:edit_matrix", args=[self.org.uuid]), matrix_post(CHRISTIE_BANDS)
        )
        url = reverse("risk:regrade", args=[self.org.uuid])
        page = self.client.get(url)
        self.assertContains(page, risk.title)
        self.assertContains(page, "Open risks whose bands would change")
        response = self.client.post(url, {"reason": "Bands of 27 March"}, follow=True)
        self.assertContains(response, "1 open risk graded again.")
        risk.refresh_from_db()
        self.assertEqual(risk.current_band, "Moderate")
        entry = AuditEntry.objects.for_record("risk.strategicrisk", risk.uuid).get()
        self.assertEqual(entry.reason, "Bands of 27 March")

    def test_with_nothing_to_change_it_says_so(self) -> None:
        self.client.force_login(self.admin)
        url = reverse("risk:regrade", args=[self.org.uuid])
        self.assertContains(self.client.get(url), "Every open risk already has the band")
        response = self.client.post(url, {}, follow=True)
        self.assertContains(response, "Every open risk already had the band")


@time_machine.travel(datetime.date(2025, 4, 10))
class AppetiteStatementPageTests(RiskTestCase):
    def setUp(self) -> None:
        self.url = reverse("risk:edit_appetite_statement", args=[self.org.uuid])
        self.client.force_login(self.governance)

    def test_governance_records_the_approved_statement(self) -> None:
        data = {
            "statement": "We have a minimal appetite for harm.",
            "approved_on": "2025-03-27",
            "approved_by": str(self.committee.pk),
        }
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "Risk appetite statement saved.")
        self.assertContains(response, "27 March 2025 by Audit and Risk Committee")
        self.assertEqual(risk_settings_for(self.org).appetite_approved_by, self.committee)

    def test_an_approval_without_a_committee_or_in_the_future_is_refused(self) -> None:
        data = {"statement": "S", "approved_on": "2025-04-11", "approved_by": ""}
        response = self.client.post(self.url, data)
        self.assertContains(
            response, "The approval date cannot be in the future.", status_code=400
        )
        self.assertContains(response, "Choose the board or committee", status_code=400)
        self.assertEqual(risk_settings_for(self.org).appetite_statement, "")

    def test_only_this_organisations_committees_are_offered(self) -> None:
        from lodestar.risk.tests.builders import make_committee

        theirs = make_committee(self.other_org, "Their Board")
        self.assertNotContains(self.client.get(self.url), "Their Board")
        data = {"statement": "S", "approved_on": "2025-03-27", "approved_by": str(theirs.pk)}
        response = self.client.post(self.url, data)
        self.assertContains(response, "own boards or committees", status_code=400)


class AppetiteScalePageTests(RiskTestCase):
    def test_governance_renames_the_levels(self) -> None:
        self.client.force_login(self.governance)
        url = reverse("risk:edit_appetite_scale", args=[self.org.uuid])
        self.assertContains(self.client.get(url), 'value="Averse"')
        words = ["Adverse", "Minimalist", "Cautious", "Open", "Hungry"]
        data = {f"level_{i}": w for i, w in enumerate(words, start=1)}
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "<li>Hungry</li>", html=True)
        self.assertEqual(matrix_for(self.org).appetite_levels, tuple(words))

    def test_repeated_levels_are_refused(self) -> None:
        self.client.force_login(self.admin)
        url = reverse("risk:edit_appetite_scale", args=[self.org.uuid])
        data = {f"level_{i}": w for i, w in enumerate(["A", "B", "C", "D", "a"], start=1)}
        response = self.client.post(url, data)
        self.assertContains(response, "Give five different appetite level", status_code=400)
        self.assertEqual(matrix_for(self.org).appetite_levels[0], "Averse")
