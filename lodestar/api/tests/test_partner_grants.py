"""Sharing an item with a partner organisation through the API, and taking it back."""

from __future__ import annotations

from typing import Any

from lodestar.api.tests.helpers import ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.audit.services import verify_chain
from lodestar.core import services
from lodestar.core.models import PartnerGrant
from lodestar.core.testing import make_organisation
from tests.grantable.models import Note


class PartnerGrantTests(ApiTestCase):
    note: Note

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.note = Note.objects.create(organisation=cls.org, title="Winter plan")

    def share(self, **changes: Any) -> dict[str, Any]:
        body = {
            "partner_ods_code": "RHA",
            "item_type": "grantable.note",
            "item_uuid": str(self.note.uuid),
            "note": "For the joint board",
        }
        return {**body, **changes}

    def test_after_a_grant_the_partners_users_see_the_item_and_after_revoking_they_do_not(
        self,
    ) -> None:
        self.assertNotIn(self.note, Note.objects.visible_to(self.outsider))
        response = self.call("POST", self.org_url("/partner-grants"), self.admin, self.share())
        self.assertEqual(response.status_code, 201, response.content)
        grant = response.json()
        self.assertEqual(
            (grant["partner"]["ods_code"], grant["item_type"], grant["item_uuid"]),
            ("RHA", "grantable.note", str(self.note.uuid)),
        )
        self.assertIn(self.note, Note.objects.visible_to(self.outsider))

        response = self.call(
            "DELETE", self.org_url(f"/partner-grants/{grant['uuid']}?reason=Done"), self.admin
        )
        self.assertEqual(response.status_code, 204, response.content)
        self.assertNotIn(self.note, Note.objects.visible_to(self.outsider))

    def test_granting_and_revoking_are_both_audited(self) -> None:
        before = AuditEntry.objects.filter(organisation=self.org).count()
        grant = self.call("POST", self.org_url("/partner-grants"), self.admin, self.share())
        self.call("DELETE", self.org_url(f"/partner-grants/{grant.json()['uuid']}"), self.admin)
        actions = list(
            AuditEntry.objects.in_organisation(self.org).values_list("action", "model_label")
        )[:2]
        self.assertEqual(AuditEntry.objects.filter(organisation=self.org).count(), before + 2)
        self.assertEqual(
            actions, [("delete", "core.partnergrant"), ("create", "core.partnergrant")]
        )
        _, broken = verify_chain()
        self.assertIsNone(broken)

    def test_both_sides_see_the_grant_one_as_given_and_one_as_received(self) -> None:
        self.call("POST", self.org_url("/partner-grants"), self.admin, self.share())
        ours = self.call("GET", self.org_url("/partner-grants"), self.staff).json()
        theirs = self.call(
            "GET", self.org_url("/partner-grants", self.other_org), self.outsider
        ).json()
        self.assertEqual((len(ours["given"]), len(ours["received"])), (1, 0))
        self.assertEqual((len(theirs["given"]), len(theirs["received"])), (0, 1))
        self.assertEqual(theirs["received"][0]["uuid"], ours["given"][0]["uuid"])

    def test_the_partner_cannot_revoke_a_grant_it_received(self) -> None:
        grant = services.grant_partner_access(self.admin, self.org, self.other_org, self.note)
        before = self.state()
        url = self.org_url(f"/partner-grants/{grant.uuid}", self.other_org)
        self.assert_error(self.call("DELETE", url, self.outsider), 404)
        self.assertEqual(self.state(), before)

    def test_sharing_the_same_item_twice_is_a_conflict_and_nothing_changes(self) -> None:
        self.call("POST", self.org_url("/partner-grants"), self.admin, self.share())
        before = self.state()
        response = self.call("POST", self.org_url("/partner-grants"), self.admin, self.share())
        self.assert_error(response, 409, says="can already read this item")
        self.assertEqual(self.state(), before)

    def test_the_same_item_may_be_shared_with_a_second_partner(self) -> None:
        make_organisation("RY8", "Derbyshire Community Health Services")
        self.call("POST", self.org_url("/partner-grants"), self.admin, self.share())
        response = self.call(
            "POST", self.org_url("/partner-grants"), self.admin, self.share(partner_ods_code="ry8")
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(PartnerGrant.objects.filter(object_uuid=self.note.uuid).count(), 2)


class BadGrantTests(ApiTestCase):
    note: Note

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.note = Note.objects.create(organisation=cls.org, title="Winter plan")

    def refused(self, field: str, says: str, **body: Any) -> None:
        complete = {
            "partner_ods_code": "RHA",
            "item_type": "grantable.note",
            "item_uuid": str(self.note.uuid),
            **body,
        }
        before = self.state()
        response = self.call("POST", self.org_url("/partner-grants"), self.admin, complete)
        self.assert_error(response, 400, field=field, says=says)
        self.assertEqual(self.state(), before)

    def test_an_unknown_partner_is_refused(self) -> None:
        self.refused(
            "partner_ods_code", "no organisation with the ODS code ZZZ", partner_ods_code="zzz"
        )

    def test_sharing_with_ourselves_is_refused(self) -> None:
        self.refused(
            "partner_ods_code", "cannot share an item with itself", partner_ods_code="RXM"
        )

    def test_an_unknown_kind_of_item_is_refused(self) -> None:
        for item_type in ("grantable.nothing", "nonsense", "a.b.c", ""):
            with self.subTest(item_type=item_type):
                self.refused("item_type", "", item_type=item_type)

    def test_a_record_that_belongs_to_no_organisation_cannot_be_shared(self) -> None:
        self.refused("item_type", "cannot be shared", item_type="accounts.user")

    def test_another_organisations_item_cannot_be_shared(self) -> None:
        theirs = Note.objects.create(organisation=self.other_org, title="Theirs")
        self.refused("item_uuid", "no note with that UUID", item_uuid=str(theirs.uuid))

    def test_an_item_uuid_that_is_not_a_uuid_is_refused(self) -> None:
        self.refused("item_uuid", "Give a UUID", item_uuid="not-a-uuid")

    def test_an_over_long_note_is_refused(self) -> None:
        self.refused("note", "at most 300 characters", note="x" * 301)
