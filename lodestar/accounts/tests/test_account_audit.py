"""Account events (tokens, passwords, two-factor, single sign-on) in the audit trail."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lodestar.accounts import services
from lodestar.accounts.tests.helpers import code_for, make_device
from lodestar.audit.models import AuditEntry
from lodestar.audit.services import verify_chain
from lodestar.core.testing import PersonaTestCase


class AccountEventTests(PersonaTestCase):
    def setUp(self) -> None:
        self.last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def only_new_entry(self) -> AuditEntry:
        """The one entry written since setUp; fails if there is none or more than one."""
        new = list(AuditEntry.objects.filter(id__gt=self.last_id))
        self.assertEqual(len(new), 1, new)
        return new[0]

    def entry_json(self, entry: AuditEntry) -> str:
        return json.dumps(entry.hashed_content() | {"hash": entry.hash}, ensure_ascii=False)

    def test_making_a_token_records_its_uuid_name_and_hint_but_never_its_secret(self) -> None:
        token, key = services.create_api_token(self.analyst, "Power BI")
        entry = self.only_new_entry()
        self.assertEqual(
            (entry.action, entry.model_label, entry.object_uuid, entry.organisation),
            (AuditEntry.Action.CREATE, "accounts.apitoken", token.uuid, None),
        )
        self.assertEqual(entry.actor, self.analyst)
        self.assertEqual(set(entry.changes), {"uuid", "name", "hint"})
        self.assertNotIn(key, self.entry_json(entry))
        self.assertNotIn(token.key_hash, self.entry_json(entry))

    def test_revoking_a_token_records_when_it_was_revoked(self) -> None:
        token, key = services.create_api_token(self.analyst, "Power BI")
        self.setUp()
        services.revoke_api_token(self.analyst, token)
        entry = self.only_new_entry()
        self.assertEqual((entry.action, entry.object_uuid), (AuditEntry.Action.UPDATE, token.uuid))
        self.assertEqual(list(entry.changes), ["revoked_at"])
        self.assertNotIn(key, self.entry_json(entry))
        self.assertNotIn(token.key_hash, self.entry_json(entry))

    def test_changing_a_password_records_only_that_it_changed(self) -> None:
        services.change_password(self.analyst, "a much better passphrase 42")
        entry = self.only_new_entry()
        self.assertEqual(
            (entry.action, entry.model_label, entry.object_uuid, entry.actor),
            (AuditEntry.Action.UPDATE, "accounts.user", self.analyst.uuid, self.analyst),
        )
        self.assertEqual(entry.changes, {"password": [None, "changed"]})
        self.analyst.refresh_from_db()
        self.assertNotIn(self.analyst.password, self.entry_json(entry))
        self.assertNotIn("a much better passphrase 42", self.entry_json(entry))

    def test_an_account_made_through_single_sign_on_is_recorded_as_the_systems_doing(
        self,
    ) -> None:
        user = services.create_single_sign_on_user("new.person@nhs.net", "New", "Person")
        entry = self.only_new_entry()
        self.assertEqual(
            (entry.action, entry.object_uuid, entry.actor, entry.actor_label),
            (AuditEntry.Action.CREATE, user.uuid, None, "system"),
        )
        self.assertEqual(entry.changes["email"], [None, "new.person@nhs.net"])
        self.assertNotIn(user.password, self.entry_json(entry))

    def test_turning_two_factor_on_records_the_device_name_but_not_its_key(self) -> None:
        device = make_device(self.analyst, confirmed=False)
        services.confirm_two_factor(self.analyst, device, code_for(device))
        entry = self.only_new_entry()
        self.assertEqual((entry.object_uuid, entry.actor), (self.analyst.uuid, self.analyst))
        self.assertEqual(
            entry.changes,
            {"two_factor_devices": [[], [{"name": "Authenticator app", "confirmed": True}]]},
        )
        self.assertNotIn(device.key, self.entry_json(entry))

    def test_turning_two_factor_off_records_the_devices_removed(self) -> None:
        device = make_device(self.analyst)
        services.turn_off_two_factor(self.analyst, code_for(device))
        entry = self.only_new_entry()
        self.assertEqual(entry.actor, self.analyst)
        self.assertEqual(
            entry.changes,
            {"two_factor_devices": [[{"name": "Authenticator app", "confirmed": True}], []]},
        )
        self.assertNotIn(device.key, self.entry_json(entry))

    def test_a_reset_from_the_console_is_recorded_with_no_actor_and_a_reason(self) -> None:
        make_device(self.admin)
        self.assertEqual(services.reset_two_factor(self.admin), 1)
        entry = self.only_new_entry()
        self.assertEqual((entry.actor, entry.reason), (None, "Reset from the console"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.admin).exists())

    def test_a_change_that_fails_writes_no_entry(self) -> None:
        with self.assertRaises(ValidationError):
            services.change_password(self.analyst, "short")
        self.assertFalse(AuditEntry.objects.filter(id__gt=self.last_id).exists())

    def test_the_chain_verifies_after_account_events(self) -> None:
        token, _ = services.create_api_token(self.analyst, "Power BI")
        services.revoke_api_token(self.analyst, token)
        services.change_password(self.chair, "a much better passphrase 42")
        self.assertEqual(verify_chain()[1], None)


class RecentActivityTests(PersonaTestCase):
    url = "/account/"

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}")

    def test_a_person_sees_their_own_account_events_and_nobody_elses(self) -> None:
        mine, _ = services.create_api_token(self.analyst, "Mine for Power BI")
        services.change_password(self.analyst, "a much better passphrase 42")
        theirs, _ = services.create_api_token(self.chair, "Chair's secret project")
        make_device(self.chair)
        services.reset_two_factor(self.chair)
        self.client.force_login(self.analyst)
        response = self.client.get(self.url)
        self.assertContains(response, "Recent activity on your account")
        self.assertContains(response, f"API token {mine} made")
        self.assertContains(response, "Password changed")
        self.assertNotContains(response, "Chair&#x27;s secret project")
        self.assertNotContains(response, theirs.hint)
        self.assertNotContains(response, "Two-factor authentication turned off")
        self.assertEqual(
            [what for _, what in response.context["activity"]],
            ["Password changed", f"API token {mine} made"],
        )

    def test_only_the_last_twenty_events_are_listed(self) -> None:
        for n in range(22):
            services.create_api_token(self.analyst, f"Token {n}")
        self.client.force_login(self.analyst)
        activity = self.client.get(self.url).context["activity"]
        self.assertEqual(len(activity), 20)
        self.assertIn("Token 21", activity[0][1])

    def test_a_person_with_no_account_events_is_told_so(self) -> None:
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(self.url), "No changes to your account")

    def test_a_reset_by_the_people_who_run_lodestar_says_who(self) -> None:
        make_device(self.analyst)
        services.reset_two_factor(self.analyst)
        self.client.force_login(self.analyst)
        response = self.client.get(self.url)
        self.assertContains(
            response, "Two-factor authentication turned off (reset from the console)"
        )
        self.assertContains(response, '<td class="nhsuk-table__cell">Lodestar</td>', html=False)
