"""The board's BAF overview page: who may see it, and what each row shows."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from lodestar.governance.models import Committee
from lodestar.risk.models import RiskAction, RiskStatus, StrategicRisk
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_operational_risk,
    make_risk_committee,
    make_strategic_risk,
)


class BafAccessTests(RiskTestCase):
    def setUp(self) -> None:
        self.url = reverse("risk:baf", args=[self.org.uuid])

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

    def test_it_only_answers_reads(self) -> None:
        self.client.force_login(self.governance)
        self.assertEqual(self.client.post(self.url).status_code, 405)


class BafPageTests(RiskTestCase):
    people: Committee
    sr1: StrategicRisk
    sr2: StrategicRisk

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = make_risk_committee(cls.org, "People Committee")
        cls.sr1 = make_strategic_risk(
            cls.org,
            cls.executive,
            element=cls.element,
            reference="SR1",
            title="Not enough nurses",
            next_review_on=datetime.date(2020, 1, 1),
        )
        cls.sr2 = make_strategic_risk(
            cls.org,
            cls.executive,
            cls.people,
            element=cls.element,
            reference="SR2",
            title="Culture of bullying",
            current_likelihood=2,
            current_consequence=3,
            target_likelihood=1,
            target_consequence=3,
            next_review_on=datetime.date(2099, 1, 1),
        )
        RiskAction.objects.create(
            organisation=cls.org,
            risk=cls.sr1,
            description="Run a recruitment drive",
            owner=cls.executive,
            due_date=datetime.date(2020, 6, 1),
        )
        make_operational_risk(
            cls.org,
            cls.staff,
            strategic_risk=cls.sr1,
            reference="CR7",
            title="Agency nurses on night shifts",
            current_likelihood=4,
            current_consequence=4,
        )

    def setUp(self) -> None:
        self.client.force_login(self.chair)
        self.url = reverse("risk:baf", args=[self.org.uuid])

    def test_every_row_shows_reference_title_objective_lead_committee_and_scores(self) -> None:
        page = self.client.get(self.url).content.decode()
        for text in (
            "SR1",
            "Not enough nurses",
            self.element.title,
            "Erin Exec",
            "Audit and Risk Committee",
            "16 Extreme",
            "8 High",
            "20 Extreme",
            "6 Moderate",
            "None recorded",
        ):
            self.assertIn(text, page)

    def test_flags_show_on_each_flagged_row_in_words(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn("Above tolerance", page)
        self.assertIn("Escalation: 15 or more", page)
        self.assertIn("Review overdue", page)
        self.assertIn("1 overdue action", page)

    def test_the_summary_counts_risks_by_band_and_flags(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn("2 open risks: 1 Extreme, 0 High, 1 Moderate, 0 Low.", page)
        self.assertIn("1 above tolerance", page)

    def test_escalated_register_risks_are_listed_under_the_baf_risk(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn("Operational risks escalated to the BAF", page)
        self.assertIn("CR7", page)
        self.assertIn("Agency nurses on night shifts", page)

    def test_each_risk_links_to_its_detail_page(self) -> None:
        try:
            detail = reverse("risk:risk", args=[self.org.uuid, self.sr1.uuid])
        except NoReverseMatch:
            self.skipTest("The risk detail page is not there yet.")
        self.assertContains(self.client.get(self.url), f'href="{detail}"')

    def test_the_committee_filter_lists_committees_that_own_risks(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn('<label class="nhsuk-label" for="filter-committee">', page)
        self.assertIn(f'value="{self.people.uuid}"', page)

    def test_choosing_a_committee_shows_only_its_risks(self) -> None:
        response = self.client.get(self.url, {"committee": str(self.people.uuid)})
        page = response.content.decode()
        self.assertIn("Culture of bullying", page)
        self.assertNotIn("Not enough nurses", page)
        self.assertIn("Strategic risks led by the People Committee", page)
        self.assertIn(f'value="{self.people.uuid}" selected', page)

    def test_a_garbled_committee_shows_every_committee(self) -> None:
        response = self.client.get(self.url, {"committee": "not-a-uuid"})
        self.assertContains(response, "Not enough nurses")
        self.assertContains(response, "Culture of bullying")

    def test_another_trusts_committee_filters_nothing_in(self) -> None:
        theirs = make_risk_committee(self.other_org, "People Committee")
        response = self.client.get(self.url, {"committee": str(theirs.uuid)})
        self.assertContains(response, "Not enough nurses")

    def test_closed_risks_show_under_the_closed_filter(self) -> None:
        make_strategic_risk(
            self.org,
            self.executive,
            element=self.element,
            reference="SR3",
            title="Old estates risk",
            status=RiskStatus.CLOSED,
        )
        self.assertNotContains(self.client.get(self.url), "Old estates risk")
        closed = self.client.get(self.url, {"status": "closed"})
        self.assertContains(closed, "Old estates risk")
        self.assertNotContains(closed, "Not enough nurses")

    def test_exports_keep_the_chosen_filters(self) -> None:
        response = self.client.get(self.url, {"committee": str(self.people.uuid)})
        xlsx = reverse("risk:baf_xlsx", args=[self.org.uuid])
        self.assertContains(response, f"{xlsx}?status=open&amp;committee={self.people.uuid}")

    def test_only_governance_sees_the_import_link(self) -> None:
        imports = reverse("risk:baf_import", args=[self.org.uuid])
        self.assertNotContains(self.client.get(self.url), imports)
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(self.url), imports)

    def test_the_table_has_a_caption_and_column_headers(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn('<caption class="nhsuk-table__caption">Strategic risks (open)', page)
        self.assertIn('<th scope="col">Assurance</th>', page)

    @override_settings(DEBUG=False)
    def test_an_empty_baf_says_so(self) -> None:
        self.client.force_login(self.outsider)
        url = reverse("risk:baf", args=[self.other_org.uuid])
        self.assertContains(self.client.get(url), "no open strategic risks")
