"""Who may call each performance endpoint, walked from the table in performance_endpoints
so that none is missed: outsiders get 404 everywhere, each role gets exactly what its
capabilities allow, and refusals change nothing."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction

from lodestar.api.api import api
from lodestar.api.tests.helpers import API
from lodestar.api.tests.performance_endpoints import CALLS, ENDPOINTS, READ
from lodestar.api.tests.test_performance import PerformanceApiTestCase
from lodestar.core.permissions import capabilities

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from lodestar.accounts.models import User

Endpoint = tuple[str, str]


class PerformanceAccessTests(PerformanceApiTestCase):
    def fill(self, path: str, use: dict[str, str] | None = None) -> str:
        records = {"metric": "metric", "rebase": "rebase", "change": "change", **(use or {})}
        values = {name: getattr(self, record).uuid for name, record in records.items()}
        return API + path.format(org=self.org.uuid, period="2025-03", **values)

    def send(
        self, endpoint: Endpoint, user: User | None, *, malformed: bool = False, use: bool = False
    ) -> Response:
        method, path = endpoint
        call = CALLS[endpoint]
        url = self.fill(path, call.use if use else None)
        if malformed and call.bad_query:
            return self.call(method, url + call.bad_query, user)
        if malformed and call.bad:
            return self.call(method, url, user, raw=call.bad)
        return self.call(method, url, user, call.body(self) if call.body else None)

    def test_the_table_lists_exactly_the_performance_endpoints_in_the_schema(self) -> None:
        listed = {
            (method.upper(), path.removeprefix(API))
            for path, operations in api.get_openapi_schema()["paths"].items()
            for method in operations
        }
        ours = {e for e in listed if "/metrics" in e[1] or "/performance/" in e[1]}
        self.assertEqual(ours, ENDPOINTS)
        self.assertEqual(len(ENDPOINTS), 17)

    def test_a_user_from_another_trust_gets_not_found_from_every_endpoint(self) -> None:
        before = self.state()
        for endpoint in ENDPOINTS:
            for malformed in (False, True):
                with self.subTest(endpoint=endpoint, malformed=malformed):
                    response = self.send(endpoint, self.outsider, malformed=malformed)
                    self.assert_error(response, 404, says="No such organisation.")
        self.assertEqual(self.state(), before)

    def test_an_organisation_that_does_not_exist_looks_the_same(self) -> None:
        url = self.fill("/organisations/{org}/metrics").replace(
            str(self.org.uuid), str(uuid.uuid4())
        )
        missing = self.call("GET", url, self.admin)
        self.assert_error(missing, 404, says="No such organisation.")

    def test_the_public_are_asked_to_authenticate_everywhere(self) -> None:
        before = self.state()
        for endpoint in ENDPOINTS:
            with self.subTest(endpoint=endpoint):
                self.assert_error(self.send(endpoint, None), 401, says="Authorization: Bearer")
        self.assertEqual(self.state(), before)

    def test_staff_may_read_everything_but_change_nothing(self) -> None:
        before = self.state()
        for endpoint, call in CALLS.items():
            with self.subTest(endpoint=endpoint), transaction.atomic():
                response = self.send(endpoint, self.staff, use=True)
                if call.capability == READ:
                    self.assertEqual(response.status_code, 200, response.content)
                else:
                    self.assert_error(response, 403, says="You do not have permission")
                transaction.set_rollback(True)
        self.assertEqual(self.state(), before)

    def test_each_role_may_call_exactly_what_its_capabilities_allow(self) -> None:
        people = [self.admin, self.chair, self.executive, self.analyst, self.governance]
        for person in people:
            granted = capabilities(person, self.org)
            for endpoint, call in CALLS.items():
                # Each call is undone, so that one cannot stand in the way of the next.
                with self.subTest(person=person.username, endpoint=endpoint), transaction.atomic():
                    response = self.send(endpoint, person, use=True)
                    expected = call.ok if call.capability in granted else 403
                    self.assertEqual(response.status_code, expected, response.content)
                    transaction.set_rollback(True)

    def test_the_capabilities_are_those_the_roles_table_gives(self) -> None:
        # Guards the walk above against a roles table that lets everyone do everything.
        allowed = {
            person.username
            for person in (self.chair, self.executive, self.analyst, self.governance, self.staff)
            if CALLS[("POST", "/organisations/{org}/metrics/{metric}/observations")].capability
            in capabilities(person, self.org)
        }
        self.assertEqual(allowed, {"anil"})

    def test_a_malformed_request_to_any_endpoint_is_refused_and_changes_nothing(self) -> None:
        before = self.state()
        for endpoint, call in CALLS.items():
            if not (call.bad or call.bad_query):
                continue
            with self.subTest(endpoint=endpoint):
                self.assert_error(self.send(endpoint, self.admin, malformed=True), 400)
        self.assertEqual(self.state(), before)

    def test_a_missing_metric_is_not_found_on_every_metric_endpoint(self) -> None:
        for endpoint in ENDPOINTS:
            method, path = endpoint
            if "{metric}" not in path:
                continue
            with self.subTest(endpoint=endpoint):
                url = self.fill(path).replace(str(self.metric.uuid), str(uuid.uuid4()))
                call = CALLS[endpoint]
                response = self.call(
                    method, url, self.admin, call.body(self) if call.body else None
                )
                self.assert_error(response, 404, says="no such metric")
