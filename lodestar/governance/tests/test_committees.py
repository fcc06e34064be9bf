"""An organisation's boards and committees: listed for members, kept by governance."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.governance import services
from lodestar.governance.models import Committee


class CommitteeServiceTests(PersonaTestCase):
    def setUp(self) -> None:
        self.board = services.create_committee(
            None, self.org, name="Trust Board", kind=Committee.Kind.BOARD
        )

    def test_a_committee_is_added_and_audited(self) -> None:
        quality = services.create_committee(
            self.governance, self.org, name="Quality Committee", reports_to=self.board
        )
        entry = AuditEntry.objects.for_record("governance.committee", quality.uuid).get()
        self.assertEqual(entry.actor, self.governance)
        self.assertIn("Trust Board", str(entry.changes["reports_to"]))

    def test_a_name_already_used_is_refused_whatever_its_case(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_committee(self.governance, self.org, name=" trust board ")
        self.assertIn("already has a committee called trust board", str(caught.exception))
        self.assertEqual(Committee.objects.filter(organisation=self.org).count(), 1)

    def test_another_trust_may_use_the_same_name(self) -> None:
        services.create_committee(self.outsider, self.other_org, name="Trust Board")
        self.assertEqual(Committee.objects.filter(name="Trust Board").count(), 2)

    def test_a_committee_cannot_report_to_another_trusts(self) -> None:
        theirs = services.create_committee(None, self.other_org, name="Their board")
        with self.assertRaises(ValidationError) as caught:
            services.create_committee(self.governance, self.org, name="X", reports_to=theirs)
        self.assertIn("reports_to", caught.exception.message_dict)

    def test_reporting_cannot_go_round_in_a_circle(self) -> None:
        quality = services.create_committee(
            None, self.org, name="Quality Committee", reports_to=self.board
        )
        with self.assertRaises(ValidationError) as caught:
            services.update_committee(self.governance, self.board, reports_to=quality)
        self.assertIn("Trust Board cannot report to Quality Committee", str(caught.exception))
        with self.assertRaises(ValidationError):
            services.update_committee(self.governance, self.board, reports_to=self.board)
        self.board.refresh_from_db()
        self.assertIsNone(self.board.reports_to)

    def test_a_change_is_audited_with_its_reason(self) -> None:
        services.update_committee(
            self.governance, self.board, "New title", name="Board of Directors"
        )
        self.board.refresh_from_db()
        self.assertEqual(self.board.name, "Board of Directors")
        entries = AuditEntry.objects.for_record("governance.committee", self.board.uuid)
        self.assertEqual(entries.filter(action="update").get().reason, "New title")

    def test_only_people_who_manage_committees_may_change_them(self) -> None:
        for user in (self.executive, self.chair, self.staff, self.outsider):
            with self.subTest(user=user.username):
                with self.assertRaises(PermissionDenied):
                    services.create_committee(user, self.org, name="Sneaky")
                with self.assertRaises(PermissionDenied):
                    services.update_committee(user, self.board, name="Sneaky")
        self.assertFalse(Committee.objects.filter(name="Sneaky").exists())


class CommitteePageTests(PersonaTestCase):
    def setUp(self) -> None:
        self.board = services.create_committee(
            None, self.org, name="Trust Board", kind=Committee.Kind.BOARD
        )
        self.list_url = reverse("governance:committees", args=[self.org.uuid])
        self.add_url = reverse("governance:add_committee", args=[self.org.uuid])
        self.edit_url = reverse("governance:edit_committee", args=[self.org.uuid, self.board.uuid])

    def form(self, **changes: Any) -> dict[str, Any]:
        data = {"name": "Audit and Risk Committee", "kind": "committee", "reports_to": ""}
        data.update(changes)
        return data

    def test_every_member_sees_the_list_but_only_governance_the_form(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.list_url)
        self.assertContains(response, "Trust Board")
        self.assertNotContains(response, "Add a board or committee")
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(self.list_url), "Add a board or committee")

    def test_governance_adds_a_committee_reporting_to_the_board(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(self.add_url, self.form(reports_to=str(self.board.pk)))
        self.assertRedirects(response, self.list_url)
        added = Committee.objects.get(name="Audit and Risk Committee")
        self.assertEqual(added.reports_to, self.board)

    def test_adding_with_htmx_answers_with_the_list(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.add_url, self.form(), headers={"HX-Request": "true"})
        self.assertContains(response, 'id="committees"')
        self.assertContains(response, "Audit and Risk Committee added.")
        self.assertNotContains(response, "<html")

    def test_a_duplicate_or_missing_name_is_named_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.governance)
        before = AuditEntry.objects.count()
        response = self.client.post(self.add_url, self.form(name="TRUST BOARD"))
        self.assertContains(
            response,
            "Name: Derbyshire Healthcare NHS Foundation Trust already "
            "has a committee called TRUST BOARD.",
            status_code=400,
        )
        response = self.client.post(self.add_url, self.form(name=""))
        self.assertContains(response, "Enter the name of the committee.", status_code=400)
        self.assertEqual(Committee.objects.count(), 1)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_governance_renames_the_board_with_a_reason(self) -> None:
        self.client.force_login(self.governance)
        self.assertContains(self.client.get(self.edit_url), 'value="Trust Board"')
        response = self.client.post(
            self.edit_url, self.form(name="Board of Directors", kind="board", reason="Renamed")
        )
        self.assertRedirects(response, self.list_url)
        self.board.refresh_from_db()
        self.assertEqual(self.board.name, "Board of Directors")

    def test_a_committee_cannot_be_chosen_to_report_to_itself(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(self.edit_url, self.form(reports_to=str(self.board.pk)))
        self.assertContains(
            response,
            "Choose one of Derbyshire Healthcare NHS Foundation Trust&#x27;s own",
            status_code=400,
        )
        self.board.refresh_from_db()
        self.assertIsNone(self.board.reports_to)

    def test_others_are_forbidden_outsiders_not_found_the_public_sent_to_sign_in(self) -> None:
        for user, status in [(self.executive, 403), (self.staff, 403), (self.outsider, 404)]:
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.post(self.add_url, self.form()).status_code, status)
                self.assertEqual(self.client.get(self.edit_url).status_code, status)
                self.assertEqual(self.client.post(self.edit_url, self.form()).status_code, status)
        self.assertEqual(self.client.get(self.list_url).status_code, 404)
        self.client.logout()
        self.assertRedirects(
            self.client.get(self.list_url), f"/account/sign-in/?next={self.list_url}"
        )
        self.assertEqual(Committee.objects.count(), 1)
