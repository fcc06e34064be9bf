from __future__ import annotations

import csv
import io

from django.db import connection
from django.urls import reverse

from lodestar.audit.models import AuditEntry, AuditEntryImmutableError
from lodestar.audit.services import verify_chain
from lodestar.core import services
from lodestar.core.models import Membership
from lodestar.core.roles import Role
from lodestar.core.testing import PersonaTestCase, make_user


class AuditTrailTests(PersonaTestCase):
    def test_every_change_to_an_organisation_is_recorded_with_before_and_after(self) -> None:
        services.update_organisation(
            self.admin, self.org, reason="New name agreed by the board", name="New name"
        )
        entry = AuditEntry.objects.for_record("core.organisation", self.org.uuid).first()
        assert entry is not None
        self.assertEqual(entry.action, AuditEntry.Action.UPDATE)
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(
            entry.changes["name"], ["Derbyshire Healthcare NHS Foundation Trust", "New name"]
        )
        self.assertEqual(entry.reason, "New name agreed by the board")

    def test_saving_with_no_change_writes_no_entry(self) -> None:
        before = AuditEntry.objects.count()
        services.update_organisation(self.admin, self.org, name=self.org.name)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_removing_a_member_records_what_was_removed(self) -> None:
        membership = Membership.objects.get(user=self.staff)
        services.remove_member(self.admin, membership, reason="Left the trust")
        entry = AuditEntry.objects.for_record("core.membership", membership.uuid).first()
        assert entry is not None
        self.assertEqual(entry.action, AuditEntry.Action.DELETE)
        self.assertEqual(entry.changes["role"], ["staff_member", None])

    def test_entries_cannot_be_edited_or_deleted_through_the_app(self) -> None:
        entry = AuditEntry.objects.first()
        assert entry is not None
        entry.reason = "rewritten"
        with self.assertRaises(AuditEntryImmutableError):
            entry.save()
        with self.assertRaises(AuditEntryImmutableError):
            entry.delete()
        with self.assertRaises(AuditEntryImmutableError):
            AuditEntry.objects.all().update(reason="rewritten")
        with self.assertRaises(AuditEntryImmutableError):
            AuditEntry.objects.all().delete()

    def test_the_chain_verifies_until_a_row_is_altered_in_the_database(self) -> None:
        checked, broken = verify_chain()
        self.assertIsNone(broken)
        self.assertEqual(checked, AuditEntry.objects.count())
        victim = AuditEntry.objects.order_by("id")[2]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditentry SET reason = %s WHERE id = %s", ["tampered", victim.pk]
            )
        _, broken = verify_chain()
        assert broken is not None
        self.assertEqual(broken.number, victim.pk)


class AuditPageTests(PersonaTestCase):
    def log_url(self) -> str:
        return reverse("audit:organisation_log", args=[self.org.uuid])

    def test_the_governance_officer_sees_who_changed_what(self) -> None:
        services.update_organisation(self.admin, self.org, name="Renamed trust")
        self.client.force_login(self.governance)
        response = self.client.get(self.log_url())
        self.assertContains(response, "Renamed trust")
        self.assertContains(response, "alice")

    def test_the_record_history_lists_only_that_record(self) -> None:
        services.update_organisation(self.admin, self.org, name="Renamed trust")
        self.client.force_login(self.chair)
        url = reverse("audit:record_history", args=[self.org.uuid, self.org.uuid])
        response = self.client.get(url)
        self.assertContains(response, "Renamed trust")
        self.assertNotContains(response, "Staff member")

    def test_staff_may_not_read_the_audit_trail(self) -> None:
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self.log_url()).status_code, 403)

    def test_a_user_from_another_trust_gets_not_found_for_every_audit_page(self) -> None:
        self.client.force_login(self.outsider)
        urls = [
            self.log_url(),
            reverse("audit:export_csv", args=[self.org.uuid]),
            reverse("audit:record_history", args=[self.org.uuid, self.org.uuid]),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.log_url())
        self.assertEqual(response.status_code, 302)

    def test_the_export_is_a_csv_of_this_organisations_entries_only(self) -> None:
        newcomer = make_user("nina")
        services.add_member(None, self.other_org, newcomer, Role.STAFF_MEMBER)
        self.client.force_login(self.governance)
        response = self.client.get(reverse("audit:export_csv", args=[self.org.uuid]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        body = response.getvalue().decode()
        rows = list(csv.DictReader(io.StringIO(body)))
        self.assertEqual(len(rows), AuditEntry.objects.filter(organisation=self.org).count())
        self.assertFalse(any("nina" in row["record"] for row in rows))
        self.assertIn("hash", rows[0])

    def test_the_log_can_be_filtered_by_action(self) -> None:
        services.remove_member(self.admin, Membership.objects.get(user=self.staff))
        self.client.force_login(self.governance)
        response = self.client.get(self.log_url(), {"action": "delete"})
        self.assertEqual(len(response.context["page"].object_list), 1)


class AuditReadabilityTests(PersonaTestCase):
    def test_linked_records_are_named_as_well_as_identified(self) -> None:
        membership = Membership.objects.get(user=self.staff)
        entry = AuditEntry.objects.for_record("core.membership", membership.uuid).first()
        assert entry is not None
        self.assertEqual(entry.changes["user"], [None, f"Sam Staff ({self.staff.uuid})"])
