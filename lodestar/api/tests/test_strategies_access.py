"""Who may call each issue 3 endpoint (strategy, delivery, alignment, objectives,
committees), walked from the table in issue3_endpoints so that none is missed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction

from lodestar.api.api import api
from lodestar.api.tests.helpers import API
from lodestar.api.tests.issue3_endpoints import ENDPOINTS, PUBLIC_ENDPOINTS
from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from lodestar.accounts.models import User

# Which of the test case's records fills each placeholder of a path.
PLACES = {
    "strategy": "strategy",
    "other": "approved",
    "value": "value",
    "element": "element",
    "activity": "activity",
    "link": "link",
    "deliverable": "deliverable",
    "milestone": "milestone",
    "evidence": "evidence",
    "committee": "quality",
    "objective": "team_objective",
    "team": "team",
    "person": "staff",
}
Endpoint = tuple[str, str]


def shown(response: Response) -> object:
    """What to print when a status is wrong (a file download has no `content`)."""
    return response.content if not response.streaming else response["Content-Type"]


class Issue3AccessTests(Issue3ApiTestCase):
    def fill(self, path: str, use: dict[str, str] | None = None, missing: str = "") -> str:
        places = {**PLACES, **(use or {})}
        values = {
            name: uuid.uuid4() if name == missing else getattr(self, record).uuid
            for name, record in places.items()
        }
        return API + path.format(org=self.org.uuid, **values)

    def send(
        self, endpoint: Endpoint, user: User | None, *, malformed: bool = False, use: bool = False
    ) -> Response:
        """The endpoint's accepted request, or with `malformed` its malformed one."""
        method, path = endpoint
        call = ENDPOINTS[endpoint]
        missing = call.missing if malformed else ""
        url = self.fill(path, call.use if use else None, missing)
        if malformed and not missing:
            url += call.bad_query
        if call.form is not None:
            form = call.bad_form if malformed and call.bad_form else call.form
            return self.upload(url, user, form(self))
        if malformed and not missing and not call.bad_query and call.bad:
            return self.call(method, url, user, raw=call.bad)
        return self.call(method, url, user, call.body(self) if call.body else None)

    def test_every_issue3_endpoint_in_the_schema_is_in_the_table(self) -> None:
        schema = api.get_openapi_schema()
        listed = {
            (method.upper(), path.removeprefix(API))
            for path, operations in schema["paths"].items()
            for method in operations
        }
        self.assertLessEqual(set(ENDPOINTS) | PUBLIC_ENDPOINTS, listed)
        self.assertGreaterEqual(len(ENDPOINTS), 60)

    def test_a_user_from_another_trust_gets_not_found_from_every_endpoint(self) -> None:
        before = self.state()
        for endpoint in ENDPOINTS:
            for malformed in (False, True):
                with self.subTest(endpoint=endpoint, malformed=malformed):
                    response = self.send(endpoint, self.outsider, malformed=malformed)
                    self.assert_error(response, 404, says="No such organisation.")
        self.assertEqual(self.state(), before)

    def test_a_member_without_the_capability_is_forbidden_and_nothing_changes(self) -> None:
        before = self.state()
        for endpoint, call in ENDPOINTS.items():
            if call.open:
                continue
            with self.subTest(endpoint=endpoint):
                response = self.send(endpoint, self.staff)
                self.assert_error(response, 403, says="You do not have permission")
        self.assertEqual(self.state(), before)

    def test_the_public_are_asked_to_authenticate_everywhere(self) -> None:
        before = self.state()
        for endpoint in ENDPOINTS:
            with self.subTest(endpoint=endpoint):
                response = self.send(endpoint, None)
                self.assert_error(response, 401, says="Authorization: Bearer")
        self.assertEqual(self.state(), before)

    def test_the_administrator_may_call_every_endpoint(self) -> None:
        for endpoint, call in ENDPOINTS.items():
            # Each call is undone, so that one cannot stand in the way of the next.
            with self.subTest(endpoint=endpoint), transaction.atomic():
                response = self.send(endpoint, self.admin, use=True)
                self.assertEqual(response.status_code, call.ok, shown(response))
                transaction.set_rollback(True)

    def test_every_member_may_call_the_open_endpoints(self) -> None:
        for endpoint, call in ENDPOINTS.items():
            if not call.open:
                continue
            with self.subTest(endpoint=endpoint), transaction.atomic():
                response = self.send(endpoint, self.staff, use=True)
                self.assertEqual(response.status_code, call.ok, shown(response))
                transaction.set_rollback(True)

    def test_a_malformed_request_to_any_endpoint_is_refused_and_changes_nothing(self) -> None:
        before = self.state()
        for endpoint, call in ENDPOINTS.items():
            if not (call.missing or call.bad_query or call.bad_form or call.bad):
                continue
            with self.subTest(endpoint=endpoint):
                response = self.send(endpoint, self.admin, malformed=True)
                self.assert_error(response, 404 if call.missing else 400)
        self.assertEqual(self.state(), before)

    def test_the_public_strategy_needs_no_sign_in(self) -> None:
        for method, path in PUBLIC_ENDPOINTS:
            with self.subTest(path=path):
                response = self.call(method, API + path.format(ods="rxm"))
                self.assertEqual(response.status_code, 200, response.content)
