"""Who may call each risk endpoint, walked from the table in risk_endpoints so that none is
missed: other trusts find nothing, roles without the BAF are refused, board members read,
executives change only their own risks, governance officers change anything."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction

from lodestar.api.api import api
from lodestar.api.tests.helpers import API
from lodestar.api.tests.risk_endpoints import CALLS, Access, RiskApiTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from lodestar.accounts.models import User

Endpoint = tuple[str, str]
_RISK_WORDS = ("/risks", "/baf", "/operational-risks", "/risk-settings", "/appetite-categories")


class RiskAccessTests(RiskApiTestCase):
    def fill(self, endpoint: Endpoint, *, whose: str = "", malformed: bool = False) -> str:
        path = endpoint[1]
        call = CALLS[endpoint]
        places = self.places(whose)
        if "/operational-risks/" in path:
            places["risk"] = places["operational"]
        if not malformed:
            places |= {name: places[record] for name, record in call.use.items()}
        values = {
            name: uuid.uuid4() if malformed and name == call.missing else record.uuid
            for name, record in places.items()
        }
        url = API + path.format(**values)
        if malformed and not call.missing:
            url += call.bad_query
        return url

    def send(
        self, endpoint: Endpoint, user: User | None, *, whose: str = "", malformed: bool = False
    ) -> Response:
        call = CALLS[endpoint]
        url = self.fill(endpoint, whose=whose, malformed=malformed)
        if malformed and not call.missing and not call.bad_query and call.bad:
            return self.call(endpoint[0], url, user, raw=call.bad)
        return self.call(endpoint[0], url, user, call.body(self) if call.body else None)

    def assert_allowed(self, endpoint: Endpoint, user: User, *, whose: str = "") -> None:
        # Each call is undone, so that one cannot stand in the way of the next.
        with self.subTest(endpoint=endpoint, user=user.username), transaction.atomic():
            response = self.send(endpoint, user, whose=whose)
            self.assertEqual(response.status_code, CALLS[endpoint].ok, response.content)
            transaction.set_rollback(True)

    def assert_refused(self, endpoint: Endpoint, user: User, *, whose: str = "") -> None:
        with self.subTest(endpoint=endpoint, user=user.username, whose=whose):
            self.assert_error(self.send(endpoint, user, whose=whose), 403)

    def test_the_table_lists_exactly_the_risk_endpoints_in_the_schema(self) -> None:
        schema = api.get_openapi_schema()
        listed = {
            (method.upper(), path.removeprefix(API))
            for path, operations in schema["paths"].items()
            for method in operations
            if any(word in path for word in _RISK_WORDS)
        }
        self.assertEqual(set(CALLS), listed)
        self.assertGreaterEqual(len(CALLS), 36)

    def test_a_user_from_another_trust_gets_not_found_from_every_endpoint(self) -> None:
        before = self.state()
        for endpoint in CALLS:
            for malformed in (False, True):
                with self.subTest(endpoint=endpoint, malformed=malformed):
                    response = self.send(endpoint, self.outsider, malformed=malformed)
                    self.assert_error(response, 404, says="No such organisation.")
        self.assertEqual(self.state(), before)

    def test_the_public_are_asked_to_authenticate_everywhere(self) -> None:
        before = self.state()
        for endpoint in CALLS:
            with self.subTest(endpoint=endpoint):
                response = self.send(endpoint, None)
                self.assert_error(response, 401, says="Authorization: Bearer")
        self.assertEqual(self.state(), before)

    def test_staff_and_analysts_are_refused_every_endpoint_and_nothing_changes(self) -> None:
        before = self.state()
        for user in (self.staff, self.analyst):
            for endpoint in CALLS:
                with self.subTest(endpoint=endpoint, user=user.username):
                    response = self.send(endpoint, user)
                    self.assert_error(response, 403, says="You do not have permission")
        self.assertEqual(self.state(), before)

    def test_the_chair_reads_everything_and_changes_nothing(self) -> None:
        before = self.state()
        for endpoint, call in CALLS.items():
            if call.access == Access.READ:
                self.assert_allowed(endpoint, self.chair)
            else:
                self.assert_refused(endpoint, self.chair)
        self.assertEqual(self.state(), before)

    def test_an_executive_changes_their_own_risks_and_no_one_elses(self) -> None:
        before = self.state()
        for endpoint, call in CALLS.items():
            if call.access == Access.MANAGE:
                self.assert_refused(endpoint, self.executive)
                continue
            self.assert_allowed(endpoint, self.executive)
            if call.access == Access.OWN and "{" in endpoint[1].removeprefix(ORG_PREFIX):
                self.assert_refused(endpoint, self.executive, whose="others")
        self.assertEqual(self.state(), before)

    def test_governance_officers_and_administrators_may_call_every_endpoint(self) -> None:
        for user in (self.governance, self.admin):
            for endpoint in CALLS:
                self.assert_allowed(endpoint, user)
                self.assert_allowed(endpoint, user, whose="others")

    def test_a_malformed_request_to_any_endpoint_is_refused_and_changes_nothing(self) -> None:
        before = self.state()
        for endpoint, call in CALLS.items():
            if not (call.missing or call.bad_query or call.bad):
                continue
            with self.subTest(endpoint=endpoint):
                response = self.send(endpoint, self.governance, malformed=True)
                self.assert_error(response, 404 if call.missing else 400)
        self.assertEqual(self.state(), before)


ORG_PREFIX = "/organisations/{org}"
