"""Reading an organisation's audit trail through the API."""

from __future__ import annotations

from lodestar.api.tests.helpers import ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.core import services

FIELDS = {
    "id",
    "uuid",
    "created_at",
    "actor",
    "action",
    "model",
    "object_uuid",
    "object_repr",
    "changes",
    "reason",
    "hash",
}


class AuditTrailTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for name in ("First", "Second", "Third"):
            services.update_organisation(cls.admin, cls.org, reason=f"Now {name}", name=name)

    def test_entries_come_newest_first_with_every_field(self) -> None:
        data = self.call("GET", self.org_url("/audit"), self.governance).json()
        self.assertEqual(data["count"], AuditEntry.objects.filter(organisation=self.org).count())
        newest = data["items"][0]
        self.assertEqual(set(newest), FIELDS)
        self.assertEqual(
            (newest["actor"], newest["action"], newest["model"], newest["reason"]),
            ("alice", "update", "core.organisation", "Now Third"),
        )
        self.assertEqual(newest["changes"], {"name": ["Second", "Third"]})
        ids = [entry["id"] for entry in data["items"]]
        self.assertEqual(ids, sorted(ids, reverse=True))

    def test_limit_and_offset_page_through_the_trail(self) -> None:
        page = self.call("GET", self.org_url("/audit?limit=2&offset=1"), self.chair).json()
        self.assertEqual((page["limit"], page["offset"]), (2, 1))
        self.assertEqual([e["reason"] for e in page["items"]], ["Now Second", "Now First"])

    def test_an_offset_past_the_end_gives_an_empty_page(self) -> None:
        page = self.call("GET", self.org_url("/audit?offset=1000"), self.chair).json()
        self.assertEqual(page["items"], [])
        self.assertGreater(page["count"], 0)

    def test_the_trail_holds_only_this_organisations_entries(self) -> None:
        data = self.call("GET", self.org_url("/audit?limit=200"), self.chair).json()
        theirs = AuditEntry.objects.filter(organisation=self.other_org).values_list(
            "uuid", flat=True
        )
        self.assertTrue(theirs)
        self.assertFalse({str(u) for u in theirs} & {e["uuid"] for e in data["items"]})

    def test_a_limit_out_of_range_is_refused_naming_it(self) -> None:
        for query, says in [("limit=0", "at least 1"), ("limit=201", "at most 200")]:
            with self.subTest(query=query):
                response = self.call("GET", self.org_url(f"/audit?{query}"), self.chair)
                self.assert_error(response, 400, field="limit", says=says)

    def test_an_offset_that_is_not_a_whole_number_or_too_large_is_refused(self) -> None:
        for offset in ("-1", "ten", "1.5", "9" * 30):
            with self.subTest(offset=offset):
                response = self.call("GET", self.org_url(f"/audit?offset={offset}"), self.chair)
                self.assert_error(response, 400, field="offset")
