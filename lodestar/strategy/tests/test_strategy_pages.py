from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.strategy.models import ElementKind, Strategy, Value
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy


def strategy_form(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Our strategy 2025 to 2028",
        "kind": "organisational",
        "start_year": "2025",
        "end_year": "2028",
        "vision": "Outstanding care, every time.",
        "mission": "",
        "purpose": "",
        "summary": "",
        "source_url": "",
    }
    return data | kw


class StrategyListTests(PersonaTestCase):
    def url(self) -> str:
        return reverse("strategy:list", args=[self.org.uuid])

    def test_every_member_sees_the_strategies_and_staff_are_not_offered_a_new_one(self) -> None:
        make_strategy(self.org, title="Our strategy")
        make_strategy(self.other_org, title="Their strategy")
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        self.assertContains(response, "Our strategy")
        self.assertNotContains(response, "Their strategy")
        self.assertNotContains(response, "New strategy")

    def test_an_executive_is_offered_a_new_strategy(self) -> None:
        self.client.force_login(self.executive)
        self.assertContains(self.client.get(self.url()), "New strategy")

    def test_a_joint_strategy_kept_by_a_partner_is_listed_and_readable(self) -> None:
        joint = make_strategy(self.other_org, title="Integrated care strategy")
        joint.joint_owners.add(self.org)
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(self.url()), "kept by Nottinghamshire")
        detail = reverse("strategy:detail", args=[self.org.uuid, joint.uuid])
        self.assertContains(self.client.get(detail), "Integrated care strategy")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.assertIn("/account/sign-in/", self.client.get(self.url())["Location"])


class NewStrategyTests(PersonaTestCase):
    def url(self) -> str:
        return reverse("strategy:new", args=[self.org.uuid])

    def test_an_executive_creates_a_draft_and_lands_on_it(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url(), strategy_form(), follow=True)
        strategy = Strategy.objects.get()
        self.assertRedirects(
            response, reverse("strategy:detail", args=[self.org.uuid, strategy.uuid])
        )
        self.assertContains(response, "Outstanding care, every time.")
        self.assertContains(response, "Draft")
        self.assertEqual(strategy.organisation, self.org)

    def test_bad_years_and_a_missing_vision_are_named_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url(), strategy_form(start_year="twenty", end_year="2028", vision="")
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "First year: Enter a year from 1990 to 2100", status_code=400
        )
        self.assertContains(response, "Vision: Enter the vision.", status_code=400)
        self.assertFalse(Strategy.objects.exists())

    def test_a_period_ending_before_it_starts_is_named(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url(), strategy_form(start_year="2028", end_year="2025"))
        self.assertContains(response, "The period must end after it starts", status_code=400)
        self.assertFalse(Strategy.objects.exists())

    def test_staff_and_the_chair_cannot_create_strategies(self) -> None:
        for person in (self.staff, self.chair):
            self.client.force_login(person)
            with self.subTest(person=person.username):
                self.assertEqual(self.client.post(self.url(), strategy_form()).status_code, 403)
        self.assertFalse(Strategy.objects.exists())

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.post(self.url(), strategy_form()).status_code, 404)
        self.assertFalse(Strategy.objects.exists())


class StrategyDetailTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org, mission="To care.", purpose="To heal.")
        Value.objects.create(
            organisation=self.org,
            strategy=self.strategy,
            name="Compassion",
            behaviours=["We listen"],
        )
        make_element(
            self.strategy,
            title="Great care",
            statements=["We will act"],
            outcomes=["Fewer waits"],
            indicators=["Waiting times"],
            domains=["workforce"],
            executive_lead=self.executive,
        )
        make_element(self.strategy, "Clinical priority", title="Children first")

    def url(self) -> str:
        return reverse("strategy:detail", args=[self.org.uuid, self.strategy.uuid])

    def test_staff_read_the_whole_strategy_without_edit_controls(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        for text in (
            "To care.",
            "To heal.",
            "Compassion",
            "We listen",
            "Strategic objectives",
            "Clinical priorities",
            "We will act",
            "What success will look like",
            "Fewer waits",
            "Waiting times",
            "Workforce",
            "Erin Exec",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "Add a strategic element")
        self.assertNotContains(response, "Change strategy details")

    def test_kinds_are_shown_in_their_order(self) -> None:
        self.client.force_login(self.staff)
        content = self.client.get(self.url()).content.decode()
        self.assertLess(
            content.index("Strategic objectives"), content.index("Clinical priorities")
        )

    def test_the_page_links_to_the_delivery_plan_check_and_alignment(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        for part in ("delivery", "check", "alignment"):
            self.assertContains(response, f'href="{self.url()}{part}/"')

    def test_an_executive_is_offered_every_edit(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.get(self.url())
        for text in ("Change strategy details", "Add a value", "Add a strategic element"):
            self.assertContains(response, text)
        self.assertContains(response, "Send out for consultation")
        self.assertNotContains(response, "Record approval")

    def test_the_chair_is_offered_approval_but_no_edits(self) -> None:
        self.client.force_login(self.chair)
        response = self.client.get(self.url())
        self.assertContains(response, "Record approval")
        self.assertNotContains(response, "Add a strategic element")

    def test_an_approved_strategy_says_it_is_frozen_and_offers_a_new_version(self) -> None:
        board = make_committee(self.org)
        Strategy.objects.filter(pk=self.strategy.pk).update(
            status="approved", approved_by=board, approved_on=datetime.date(2024, 3, 27)
        )
        self.client.force_login(self.executive)
        response = self.client.get(self.url())
        self.assertContains(response, "Approved by Trust Board on 27 March 2024")
        self.assertContains(response, "Start a new version")
        self.assertNotContains(response, "Add a strategic element")
        self.assertNotContains(response, "Move up")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_another_trusts_strategy_is_not_found_under_our_organisation(self) -> None:
        theirs = make_strategy(self.other_org)
        self.client.force_login(self.admin)
        url = reverse("strategy:detail", args=[self.org.uuid, theirs.uuid])
        self.assertEqual(self.client.get(url).status_code, 404)


class EditStrategyTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)

    def url(self) -> str:
        return reverse("strategy:edit", args=[self.org.uuid, self.strategy.uuid])

    def test_governance_changes_the_vision_with_a_reason_in_the_audit(self) -> None:
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(self.url()), self.strategy.vision)
        response = self.client.post(self.url(), strategy_form(reason="Consultation feedback"))
        self.assertEqual(response.status_code, 302)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.vision, "Outstanding care, every time.")
        entry = AuditEntry.objects.get(object_uuid=self.strategy.uuid, action="update")
        self.assertEqual(entry.reason, "Consultation feedback")
        self.assertIn("vision", entry.changes)

    def test_a_bad_web_address_is_named_and_nothing_changes(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url(), strategy_form(source_url="not a url"))
        self.assertContains(response, "Published at: Enter a valid URL", status_code=400)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.title, "Our strategy")

    def test_an_approved_strategy_refuses_edits_and_nothing_changes(self) -> None:
        Strategy.objects.filter(pk=self.strategy.pk).update(
            status="approved", approved_on=datetime.date(2024, 3, 27)
        )
        self.client.force_login(self.executive)
        response = self.client.post(self.url(), strategy_form())
        self.assertContains(response, "approved on 27 March 2024", status_code=400)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.title, "Our strategy")

    def test_the_forms_of_an_approved_strategy_send_people_back_to_it(self) -> None:
        Strategy.objects.filter(pk=self.strategy.pk).update(
            status="approved", approved_on=datetime.date(2024, 3, 27)
        )
        detail = reverse("strategy:detail", args=[self.org.uuid, self.strategy.uuid])
        approve = reverse("strategy:approve", args=[self.org.uuid, self.strategy.uuid])
        for person, url in ((self.executive, self.url()), (self.chair, approve)):
            self.client.force_login(person)
            with self.subTest(url=url):
                response = self.client.get(url, follow=True)
                self.assertRedirects(response, detail)
                self.assertContains(response, "Start a new version to make changes")

    def test_staff_and_the_chair_cannot_edit(self) -> None:
        for person in (self.staff, self.chair):
            self.client.force_login(person)
            with self.subTest(person=person.username):
                self.assertEqual(self.client.post(self.url(), strategy_form()).status_code, 403)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.title, "Our strategy")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.post(self.url(), strategy_form()).status_code, 404)


class StatusAndApprovalPageTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)
        self.board = make_committee(self.org)

    def url(self, name: str) -> str:
        return reverse(f"strategy:{name}", args=[self.org.uuid, self.strategy.uuid])

    def test_an_executive_sends_the_draft_out_for_consultation_and_back(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("change_status"), {"status": "consultation"}, follow=True
        )
        self.assertContains(response, "now out for consultation")
        self.client.post(self.url("change_status"), {"status": "draft"})
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, "draft")

    def test_an_unknown_status_is_refused_with_a_message(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url("change_status"), {"status": "approved"}, follow=True)
        self.assertContains(response, "Choose consultation or draft")
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, "draft")

    def test_the_approve_form_lists_only_our_committees(self) -> None:
        make_committee(self.other_org, name="Their board")
        self.client.force_login(self.chair)
        response = self.client.get(self.url("approve"))
        self.assertContains(response, "Trust Board")
        self.assertNotContains(response, "Their board")

    def test_the_chair_records_approval(self) -> None:
        self.client.force_login(self.chair)
        response = self.client.post(
            self.url("approve"), {"approved_by": self.board.pk, "approved_on": "2024-03-27"}
        )
        self.assertRedirects(response, self.url("detail"))
        self.strategy.refresh_from_db()
        self.assertEqual(
            (self.strategy.status, self.strategy.approved_by), ("approved", self.board)
        )

    def test_approval_without_committee_or_date_names_both_and_changes_nothing(self) -> None:
        self.client.force_login(self.chair)
        response = self.client.post(self.url("approve"), {"approved_by": "", "approved_on": ""})
        self.assertContains(
            response,
            "Approved by: Choose the board or committee that approved the strategy.",
            status_code=400,
        )
        self.assertContains(
            response,
            "Date of approval: Enter the date the strategy was approved.",
            status_code=400,
        )
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, "draft")

    def test_another_trusts_committee_is_not_a_valid_choice(self) -> None:
        theirs = make_committee(self.other_org, name="Their board")
        self.client.force_login(self.chair)
        response = self.client.post(
            self.url("approve"), {"approved_by": theirs.pk, "approved_on": "2024-03-27"}
        )
        self.assertContains(response, "this organisation&#x27;s boards", status_code=400)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, "draft")

    def test_an_executive_cannot_approve_and_staff_cannot_change_status(self) -> None:
        self.client.force_login(self.executive)
        data = {"approved_by": self.board.pk, "approved_on": "2024-03-27"}
        self.assertEqual(self.client.post(self.url("approve"), data).status_code, 403)
        self.client.force_login(self.staff)
        response = self.client.post(self.url("change_status"), {"status": "consultation"})
        self.assertEqual(response.status_code, 403)
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.status, "draft")

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        for name in ("approve", "change_status"):
            with self.subTest(name):
                self.assertEqual(self.client.post(self.url(name)).status_code, 404)


class ElementKindPageTests(PersonaTestCase):
    def url(self, name: str = "element_kinds") -> str:
        return reverse(f"strategy:{name}", args=[self.org.uuid])

    def test_an_executive_adds_a_kind_and_the_usual_ones_appear_with_it(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("add_element_kind"), {"name": "Big ambition", "plural": ""}, follow=True
        )
        self.assertContains(response, "Big ambitions")
        self.assertContains(response, "Clinical priorities")

    def test_a_duplicate_kind_is_named_and_not_added(self) -> None:
        ElementKind.objects.create(organisation=self.org, name="Big ambition", plural="Bigs")
        self.client.force_login(self.executive)
        response = self.client.post(self.url("add_element_kind"), {"name": "big ambition"})
        self.assertContains(response, "There is already a kind called", status_code=400)
        self.assertEqual(ElementKind.objects.filter(name__iexact="big ambition").count(), 1)

    def test_staff_see_the_kinds_but_cannot_add_one(self) -> None:
        ElementKind.objects.create(organisation=self.org, name="Big ambition", plural="Bigs")
        self.client.force_login(self.staff)
        response = self.client.get(self.url())
        self.assertContains(response, "Big ambition")
        self.assertNotContains(response, "Add kind")
        response = self.client.post(self.url("add_element_kind"), {"name": "Mine"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ElementKind.objects.filter(name="Mine").exists())

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(
            self.client.post(self.url("add_element_kind"), {"name": "X"}).status_code, 404
        )
