"""The risk register's pages: who sees and changes what, the filters, and the forms."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.risk.models import OperationalRisk, RiskStatus
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_operational_risk,
    make_strategic_risk,
)

D = datetime.date
NOW = datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC)


def form_data(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "",
        "title": "Ligature points on older wards",
        "description": "Older wards have fixtures that could be used as ligature points.",
        "service": "Adult inpatient services",
        "inherent_likelihood": "4",
        "inherent_consequence": "5",
        "current_likelihood": "3",
        "current_consequence": "5",
        "target_likelihood": "1",
        "target_consequence": "5",
        "next_review_on": "2025-12-31",
    }
    data.update(kw)
    return data


@time_machine.travel(NOW, tick=False)
class RegisterAccessTests(RiskTestCase):
    """Every register page, for every kind of person."""

    own: OperationalRisk
    others: OperationalRisk

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.own = make_operational_risk(cls.org, cls.executive, title="Erin's risk")
        cls.others = make_operational_risk(cls.org, cls.governance, title="Gwen's risk")

    def pages(self, risk: OperationalRisk) -> dict[str, tuple[str, str]]:
        org = self.org.uuid
        return {
            "register": ("get", reverse("risk:register", args=[org])),
            "export": ("get", reverse("risk:register_export", args=[org])),
            "detail": ("get", reverse("risk:operational_risk", args=[org, risk.uuid])),
            "new": ("get", reverse("risk:new_operational_risk", args=[org])),
            "edit": ("get", reverse("risk:edit_operational_risk", args=[org, risk.uuid])),
            "close": ("post", reverse("risk:close_operational_risk", args=[org, risk.uuid])),
            "reopen": ("post", reverse("risk:reopen_operational_risk", args=[org, risk.uuid])),
        }

    def status_of(self, person: Any, name: str, risk: OperationalRisk | None = None) -> int:
        self.client.force_login(person)
        method, url = self.pages(risk or self.own)[name]
        data = {"reason": "Test"} if method == "post" else None
        return int(getattr(self.client, method)(url, data).status_code)

    def test_a_user_from_another_trust_gets_not_found_everywhere(self) -> None:
        for name in self.pages(self.own):
            with self.subTest(page=name):
                self.assertEqual(self.status_of(self.outsider, name), 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        for name, (method, url) in self.pages(self.own).items():
            if method != "get":
                continue
            with self.subTest(page=name):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/account/sign-in/", response["Location"])

    def test_analysts_staff_and_managers_are_refused_every_page(self) -> None:
        for person in (self.analyst, self.staff, self.manager):
            for name in self.pages(self.own):
                with self.subTest(person=person.username, page=name):
                    self.assertEqual(self.status_of(person, name), 403)

    def test_the_chair_and_non_executives_read_but_may_not_change(self) -> None:
        for person in (self.chair, self.ned):
            for name, expected in [
                ("register", 200),
                ("export", 200),
                ("detail", 200),
                ("new", 403),
                ("edit", 403),
                ("close", 403),
                ("reopen", 403),
            ]:
                with self.subTest(person=person.username, page=name):
                    self.assertEqual(self.status_of(person, name), expected)

    def test_an_executive_changes_only_the_risks_they_own(self) -> None:
        for name in ("register", "export", "detail", "new", "edit"):
            with self.subTest(page=name):
                self.assertEqual(self.status_of(self.executive, name), 200)
        for name in ("edit", "close", "reopen"):
            with self.subTest(page=name, risk="someone else's"):
                self.assertEqual(self.status_of(self.executive, name, self.others), 403)
        self.assertEqual(self.status_of(self.executive, "close"), 302)
        self.assertEqual(self.status_of(self.executive, "reopen"), 302)

    def test_governance_officers_and_administrators_may_use_every_page(self) -> None:
        for person in (self.governance, self.admin):
            for name in ("register", "export", "detail", "new", "edit"):
                with self.subTest(person=person.username, page=name):
                    self.assertEqual(self.status_of(person, name, self.others), 200)
        self.assertEqual(self.status_of(self.governance, "close", self.others), 302)
        self.assertEqual(self.status_of(self.governance, "reopen", self.others), 302)

    def test_another_trusts_risk_is_not_found_under_our_organisation(self) -> None:
        theirs = make_operational_risk(self.other_org, self.outsider)
        for name in ("detail", "edit", "close", "reopen"):
            with self.subTest(page=name):
                self.assertEqual(self.status_of(self.governance, name, theirs), 404)


@time_machine.travel(NOW, tick=False)
class RegisterPageTests(RiskTestCase):
    def url(self, query: str = "") -> str:
        return reverse("risk:register", args=[self.org.uuid]) + query

    def test_the_register_shows_scores_bands_the_baf_risk_fed_and_flags(self) -> None:
        baf = make_strategic_risk(self.org, self.executive, title="Safe staffing")
        make_operational_risk(
            self.org,
            self.executive,
            title="Agency spend above the cap",
            current_likelihood=4,
            current_consequence=4,
            strategic_risk=baf,
            next_review_on=D(2025, 9, 30),
        )
        self.client.force_login(self.chair)
        response = self.client.get(self.url())
        for text in (
            "CR1 Agency spend above the cap",
            "Erin Exec",
            "Acute inpatient services",
            "20 Extreme",
            "16 Extreme",
            "8 High",
            "nhsuk-tag--red",
            "nhsuk-tag--orange",
            f"{baf.reference} Safe staffing",
            reverse("risk:risk", args=[self.org.uuid, baf.uuid]),
            "Escalated",
            "Review overdue",
            "1 risk shown, 1 escalated.",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "Raise a risk")

    def test_the_filters_narrow_the_register(self) -> None:
        make_operational_risk(
            self.org, self.executive, title="Escalated one", current_likelihood=5
        )
        make_operational_risk(self.org, self.executive, title="Moderate one", current_likelihood=2)
        make_operational_risk(
            self.org, self.executive, title="Closed one", status=RiskStatus.CLOSED
        )
        self.client.force_login(self.governance)
        cases = [
            ("", ["Escalated one", "Moderate one"], ["Closed one"]),
            ("?escalated=on", ["Escalated one"], ["Moderate one"]),
            ("?band=Low", [], ["Escalated one", "Moderate one"]),
            ("?band=Moderate", ["Moderate one"], ["Escalated one"]),
            ("?status=closed", ["Closed one"], ["Escalated one"]),
            ("?service=Nowhere", ["Escalated one", "Moderate one"], []),
        ]
        for query, shown, hidden in cases:
            with self.subTest(query=query):
                response = self.client.get(self.url(query))
                for title in shown:
                    self.assertContains(response, title)
                for title in hidden:
                    self.assertNotContains(response, title)

    def test_htmx_gets_just_the_table(self) -> None:
        make_operational_risk(self.org, self.executive, title="Only the table")
        self.client.force_login(self.governance)
        response = self.client.get(self.url("?status=all"), HTTP_HX_REQUEST="true")
        self.assertContains(response, "Only the table")
        self.assertContains(response, 'id="register-table"')
        self.assertNotContains(response, "<h1>")

    def test_an_empty_register_says_so(self) -> None:
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(self.url()), "No risks on the register match")


@time_machine.travel(NOW, tick=False)
class RaisingAndChangingPagesTests(RiskTestCase):
    def test_a_governance_officer_raises_a_risk_feeding_a_baf_risk(self) -> None:
        baf = make_strategic_risk(self.org, self.executive)
        self.client.force_login(self.governance)
        url = reverse("risk:new_operational_risk", args=[self.org.uuid])
        data = form_data(owner=self.executive.pk, strategic_risk=baf.pk)
        response = self.client.post(url, data)
        risk = OperationalRisk.objects.get()
        self.assertRedirects(
            response, reverse("risk:operational_risk", args=[self.org.uuid, risk.uuid])
        )
        self.assertEqual((risk.reference, risk.current_score), ("CR1", 15))
        self.assertEqual(risk.strategic_risk, baf)
        page = self.client.get(response["Location"])
        self.assertContains(page, "at or above the escalation threshold of 15")
        self.assertContains(page, "Likelihood 3 (Possible) x consequence 5 (Catastrophic)")

    def test_an_executive_can_name_only_themselves_as_owner(self) -> None:
        self.client.force_login(self.executive)
        url = reverse("risk:new_operational_risk", args=[self.org.uuid])
        response = self.client.post(url, form_data(owner=self.governance.pk))
        self.assertContains(response, "Choose a member of", status_code=400)
        self.assertFalse(OperationalRisk.objects.exists())
        self.client.post(url, form_data(owner=self.executive.pk))
        self.assertEqual(OperationalRisk.objects.get().owner, self.executive)

    def test_a_form_with_problems_says_what_is_wrong_and_saves_nothing(self) -> None:
        make_operational_risk(self.org, self.executive, reference="CR7")
        self.client.force_login(self.governance)
        url = reverse("risk:new_operational_risk", args=[self.org.uuid])
        response = self.client.post(
            url,
            form_data(owner=self.executive.pk, reference="CR7", title="", target_likelihood=""),
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, "Enter a title.", status_code=400)
        self.assertContains(response, "Choose the target likelihood.", status_code=400)
        self.assertEqual(OperationalRisk.objects.count(), 1)
        # The reference clash is found by the service, once the form itself is valid.
        response = self.client.post(url, form_data(owner=self.executive.pk, reference="CR7"))
        self.assertContains(response, "CR7 is already used", status_code=400)

    def test_controls_gaps_and_actions_are_saved_and_shown_with_their_lines(self) -> None:
        self.client.force_login(self.governance)
        url = reverse("risk:new_operational_risk", args=[self.org.uuid])
        data = form_data(
            owner=self.executive.pk,
            controls="Yearly ligature audit\r\nDoor-top alarms",
            gaps="Old bathroom fixtures",
            actions="",
        )
        page = self.client.get(self.client.post(url, data)["Location"])
        risk = OperationalRisk.objects.get()
        self.assertEqual(risk.controls, "Yearly ligature audit\nDoor-top alarms")
        self.assertContains(page, "<h2>Controls in place</h2>", html=True)
        self.assertContains(page, "<p>Yearly ligature audit<br>Door-top alarms</p>", html=True)
        self.assertContains(page, "<h2>Gaps in control</h2>", html=True)
        self.assertContains(page, "<p>Old bathroom fixtures</p>", html=True)
        self.assertContains(page, "<h2>Further actions</h2>", html=True)
        self.assertContains(page, "<p>None recorded.</p>", html=True)

    def test_the_form_offers_controls_gaps_and_actions_filled_in_when_changing(self) -> None:
        risk = make_operational_risk(self.org, self.executive, gaps="No bank for therapists")
        self.client.force_login(self.executive)
        form = self.client.get(
            reverse("risk:edit_operational_risk", args=[self.org.uuid, risk.uuid])
        )
        for label in ("Controls in place", "Gaps in control", "Further actions"):
            self.assertContains(form, label)
        self.assertContains(form, "No bank for therapists</textarea>")

    def test_changing_a_risk_is_audited_with_the_reason(self) -> None:
        risk = make_operational_risk(self.org, self.executive)
        self.client.force_login(self.executive)
        url = reverse("risk:edit_operational_risk", args=[self.org.uuid, risk.uuid])
        form = self.client.get(url)
        self.assertContains(form, 'value="CR1"')
        data = form_data(
            reference="CR1", owner=self.executive.pk, current_likelihood="2", reason="Fewer falls"
        )
        self.client.post(url, data)
        risk.refresh_from_db()
        self.assertEqual(risk.current_score, 10)
        entry = AuditEntry.objects.get(object_uuid=risk.uuid, action=AuditEntry.Action.UPDATE)
        self.assertEqual(entry.reason, "Fewer falls")

    def test_closing_without_a_reason_is_refused_and_a_closed_risk_cannot_be_edited(
        self,
    ) -> None:
        risk = make_operational_risk(self.org, self.executive)
        self.client.force_login(self.governance)
        close = reverse("risk:close_operational_risk", args=[self.org.uuid, risk.uuid])
        response = self.client.post(close, {"reason": ""})
        self.assertContains(response, "Say why the risk is being closed.", status_code=400)
        self.client.post(close, {"reason": "Mitigated."})
        risk.refresh_from_db()
        self.assertEqual(risk.status, RiskStatus.CLOSED)
        edit = reverse("risk:edit_operational_risk", args=[self.org.uuid, risk.uuid])
        response = self.client.get(edit, follow=True)
        self.assertContains(response, "Reopen it before changing it.")
        self.assertContains(response, "Reopen CR1")

    def test_the_detail_page_offers_changes_only_to_those_who_may_make_them(self) -> None:
        risk = make_operational_risk(self.org, self.governance)
        url = reverse("risk:operational_risk", args=[self.org.uuid, risk.uuid])
        edit = reverse("risk:edit_operational_risk", args=[self.org.uuid, risk.uuid])
        for person, shown in ((self.executive, False), (self.chair, False), (self.admin, True)):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                response = self.client.get(url)
                (self.assertContains if shown else self.assertNotContains)(response, edit)
