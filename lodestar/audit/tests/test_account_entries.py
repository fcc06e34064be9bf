"""Account events in the trail: no organisation, hashed alongside organisation events."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC

from django.core import serializers
from django.db import connection

from lodestar.accounts import services as accounts
from lodestar.api.tests.helpers import ApiTestCase
from lodestar.audit.chain import entry_hash
from lodestar.audit.models import AuditEntry
from lodestar.audit.services import verify_chain
from lodestar.core import services
from lodestar.core.backup import write_backup
from lodestar.core.testing import PersonaTestCase


def _hash_as_before_account_events(entry: AuditEntry) -> str:
    """The hash exactly as it was worked out when every entry had an organisation."""
    assert entry.organisation is not None
    return entry_hash(
        {
            "uuid": str(entry.uuid),
            "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "organisation": str(entry.organisation.uuid),
            "actor": entry.actor_label,
            "action": entry.action,
            "model": entry.model_label,
            "object": str(entry.object_uuid),
            "object_repr": entry.object_repr,
            "changes": entry.changes,
            "reason": entry.reason,
            "prev_hash": entry.prev_hash,
        }
    )


class AccountEntryTests(PersonaTestCase):
    def setUp(self) -> None:
        self.token, _ = accounts.create_api_token(self.admin, "Admin's reporting token")
        services.update_organisation(self.admin, self.org, reason="Renamed", name="New name")
        accounts.change_password(self.admin, "a much better passphrase 42")

    def account_entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(organisation__isnull=True))

    def test_an_organisations_entries_hash_as_they_did_before_account_events(self) -> None:
        entries = list(AuditEntry.objects.filter(organisation__isnull=False))
        self.assertTrue(entries)
        for entry in entries:
            self.assertEqual(entry.hash, _hash_as_before_account_events(entry))

    def test_an_account_entry_hashes_its_organisation_as_null(self) -> None:
        entry = AuditEntry.objects.get(object_uuid=self.token.uuid)
        self.assertIsNone(entry.hashed_content()["organisation"])
        self.assertEqual(entry.compute_hash(), entry.hash)

    def test_the_chain_verifies_with_account_and_organisation_events_mixed(self) -> None:
        services.update_organisation(self.admin, self.org, reason="Back", name="Old name")
        accounts.revoke_api_token(self.admin, self.token)
        checked, problem = verify_chain()
        self.assertIsNone(problem)
        self.assertEqual(checked, AuditEntry.objects.count())
        self.assertEqual(len(self.account_entries()), 3)

    def test_an_altered_account_entry_breaks_the_chain(self) -> None:
        entry = AuditEntry.objects.get(object_uuid=self.token.uuid)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
        problem = verify_chain()[1]
        assert problem is not None
        self.assertEqual(problem.number, entry.pk)

    def test_the_organisations_audit_page_and_csv_leave_out_account_entries(self) -> None:
        self.client.force_login(self.governance)
        page = self.client.get(f"/o/{self.org.uuid}/audit/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "New name")
        self.assertNotContains(page, "reporting token")
        self.assertNotContains(page, "accounts.")
        response = self.client.get(f"/o/{self.org.uuid}/audit/export.csv")
        rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
        self.assertTrue(rows)
        self.assertEqual({row["record_type"] for row in rows} & {"accounts.apitoken"}, set())
        self.assertFalse(any(row["record_type"].startswith("accounts.") for row in rows))
        self.assertEqual(len(rows), AuditEntry.objects.filter(organisation=self.org).count())

    def test_a_record_history_page_does_not_show_an_account_entry(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.get(f"/o/{self.org.uuid}/audit/record/{self.token.uuid}/")
        self.assertNotContains(response, "reporting token", status_code=response.status_code)
        self.assertNotIn("accounts.", response.content.decode())

    def test_account_entries_survive_a_backup_with_their_hashes_intact(self) -> None:
        out = io.StringIO()
        write_backup(out)
        rows = [
            row
            for row in json.loads(out.getvalue())["objects"]
            if row["model"] == "audit.auditentry" and row["fields"]["organisation"] is None
        ]
        self.assertEqual(len(rows), len(self.account_entries()))
        for restored in serializers.deserialize("python", rows):
            entry = restored.object
            assert isinstance(entry, AuditEntry)
            self.assertEqual(entry.compute_hash(), entry.hash)


class AccountEntriesInTheApiTests(ApiTestCase):
    def test_the_api_lists_no_account_entries(self) -> None:
        # ApiTestCase made a token for every persona, each an account entry.
        self.assertTrue(AuditEntry.objects.filter(model_label="accounts.apitoken").exists())
        data = self.call("GET", self.org_url("/audit?limit=100"), self.governance).json()
        self.assertEqual(data["count"], AuditEntry.objects.filter(organisation=self.org).count())
        self.assertFalse(any(item["model"].startswith("accounts.") for item in data["items"]))
