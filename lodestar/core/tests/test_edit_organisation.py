from __future__ import annotations

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase


class EditOrganisationTests(PersonaTestCase):
    def url(self) -> str:
        return reverse("core:edit_organisation", args=[self.org.uuid])

    def form(self, **changes: str) -> dict[str, str]:
        data = {
            "name": self.org.name,
            "ods_code": self.org.ods_code,
            "kind": self.org.kind,
            "ics": str(self.org.ics_id),
            "summary": "",
            "website": "",
            "reason": "",
        }
        data.update(changes)
        return data

    def test_the_administrator_changes_the_summary_with_a_reason(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            self.url(), self.form(summary="Mental health services", reason="Board asked")
        )
        self.assertRedirects(response, reverse("core:organisation_home", args=[self.org.uuid]))
        self.org.refresh_from_db()
        self.assertEqual(self.org.summary, "Mental health services")
        entry = AuditEntry.objects.for_record("core.organisation", self.org.uuid).first()
        assert entry is not None
        self.assertEqual(entry.reason, "Board asked")

    def test_a_bad_ods_code_is_named_and_nothing_changes(self) -> None:
        self.client.force_login(self.admin)
        before = AuditEntry.objects.count()
        response = self.client.post(self.url(), self.form(ods_code="R-X", name="X"))
        self.assertContains(response, "ODS code")
        self.assertContains(response, "3 to 6 capital letters")
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Derbyshire Healthcare NHS Foundation Trust")
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_a_nul_character_in_a_field_is_refused(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(self.url(), self.form(name="Bad\x00name"))
        self.assertContains(response, "Null characters are not allowed")

    def test_other_roles_may_not_edit(self) -> None:
        for user, status in [(self.chair, 403), (self.staff, 403), (self.outsider, 404)]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url()).status_code, status)
                response = self.client.post(self.url(), self.form(name="Hijacked"))
                self.assertEqual(response.status_code, status)
        self.org.refresh_from_db()
        self.assertNotEqual(self.org.name, "Hijacked")
