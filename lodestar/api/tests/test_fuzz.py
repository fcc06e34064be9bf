"""Whatever arrives at a write endpoint, the answer is never a server error.

Hypothesis sends arbitrary text, bytes and JSON, and also objects shaped like each
endpoint's real requests, mixing plausible values with hostile ones so that some get
past the schema and reach the services. Every 4xx must be the usual JSON error.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lodestar.api.tests.helpers import ApiTestCase
from lodestar.core import services
from lodestar.core.models import Membership, Organisation, PartnerGrant
from lodestar.core.roles import Role
from tests.grantable.models import Note

FUZZ = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
NOTE_UUID = uuid.UUID("5d0c7b1e-8a52-4c59-9d2b-3f7a6e1c0b11")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _value(*plausible: object) -> st.SearchStrategy[Any]:
    """Half the time a value that might well be accepted, otherwise anything at all."""
    return st.sampled_from(plausible) | (st.text(max_size=400) | json_values)


def _shaped(
    required: tuple[str, ...] = (), **fields: st.SearchStrategy[Any]
) -> st.SearchStrategy[bytes]:
    """JSON objects with the required fields and some of the others, or one too many."""
    needed = {name: fields.pop(name) for name in required}
    shaped = st.fixed_dictionaries(needed, optional=fields) | st.fixed_dictionaries(
        needed, optional={**fields, "unknown": st.text()}
    )
    return shaped.map(lambda v: json.dumps(v).encode())


def _anything_or(shaped: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    return (
        shaped
        | shaped
        | st.text().map(str.encode)
        | st.binary()
        | json_values.map(lambda v: json.dumps(v).encode())
    )


ods_codes = _value("RHA", "RXM", "rha", "ZZZ", "R-1", "TOOLONG", "")
organisation_changes = _anything_or(
    _shaped(
        name=_value("Derbyshire", "x" * 200, "x" * 201, " "),
        ods_code=ods_codes,
        kind=_value(*Organisation.Kind.values, "hospital"),
        summary=_value("A trust.", "x" * 5001),
        website=_value("https://example.nhs.uk", "example.nhs.uk", "javascript:alert(1)"),
        reason=_value("Tidying up", "x" * 501),
    )
)
new_members = _anything_or(
    _shaped(
        ("username", "role"),
        username=_value("olly", "ANIL", "alice", "nobody", "olly@example.nhs.uk"),
        role=_value(*Role.values, "king"),
        job_title=_value("Data lead", "x" * 201),
    )
)
new_grants = _anything_or(
    _shaped(
        ("partner_ods_code", "item_type", "item_uuid"),
        partner_ods_code=ods_codes,
        item_type=_value("grantable.note", "accounts.user", "core.organisation", "a.b.c"),
        item_uuid=_value(str(NOTE_UUID), str(uuid.uuid4()), "not-a-uuid"),
        note=_value("For the board", "x" * 301),
    )
)
numbers = (
    st.integers().map(str)
    | st.integers(min_value=2**31, max_value=2**80).map(str)
    | st.sampled_from(["", "0", "-1", "1.5", "1e3", "9" * 30])
    | st.text()
)
queries = st.fixed_dictionaries({}, optional={"limit": numbers, "offset": numbers, "x": st.text()})


class FuzzTests(HypothesisTestCase, ApiTestCase):
    note: Note
    grant: PartnerGrant

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.note = Note.objects.create(uuid=NOTE_UUID, organisation=cls.org, title="Winter plan")
        budget = Note.objects.create(organisation=cls.org, title="Budget")
        cls.grant = services.grant_partner_access(cls.admin, cls.org, cls.other_org, budget)

    def assert_handled(self, method: str, url: str, raw: bytes | None = None) -> None:
        # A database error disguised as a 409 is logged as a warning, so silence in the
        # log is part of the check.
        with self.assertNoLogs("lodestar.api.errors", "WARNING"):
            response = self.call(method, url, self.admin, raw=raw)
        self.assertLess(response.status_code, 500, response.content)
        if response.status_code >= 400:
            self.assertIsInstance(response.json().get("error"), str)

    @FUZZ
    @given(body=organisation_changes)
    def test_changing_the_organisation_never_fails_on_our_side(self, body: bytes) -> None:
        self.assert_handled("PATCH", self.org_url(), body)

    @FUZZ
    @given(body=new_members)
    def test_adding_a_member_never_fails_on_our_side(self, body: bytes) -> None:
        self.assert_handled("POST", self.org_url("/members"), body)

    @FUZZ
    @given(body=new_grants)
    def test_sharing_an_item_never_fails_on_our_side(self, body: bytes) -> None:
        self.assert_handled("POST", self.org_url("/partner-grants"), body)

    @FUZZ
    @given(reason=st.text())
    def test_removing_a_member_with_any_reason_never_fails_on_our_side(self, reason: str) -> None:
        target = Membership.objects.get(user=self.analyst)
        url = self.org_url(f"/members/{target.uuid}?reason={quote(reason)}")
        self.assert_handled("DELETE", url)

    @FUZZ
    @given(reason=st.text())
    def test_revoking_a_grant_with_any_reason_never_fails_on_our_side(self, reason: str) -> None:
        url = self.org_url(f"/partner-grants/{self.grant.uuid}?reason={quote(reason)}")
        self.assert_handled("DELETE", url)

    @FUZZ
    @given(query=queries)
    def test_reading_the_audit_trail_with_any_query_never_fails_on_our_side(
        self, query: dict[str, str]
    ) -> None:
        url = self.org_url(f"/audit?{urlencode(query)}")
        self.assert_handled("GET", url)
