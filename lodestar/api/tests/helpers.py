"""A test case that talks to the API as the personas, each with their own token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from lodestar.accounts.models import User
from lodestar.accounts.services import create_api_token
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Membership, Organisation, PartnerGrant
from lodestar.core.testing import PersonaTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

API = "/api/v1"


class ApiTestCase(PersonaTestCase):
    keys: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        personas = [cls.admin, cls.chair, cls.executive, cls.analyst, cls.governance]
        cls.keys = {}
        for user in [*personas, cls.staff, cls.outsider]:
            _, cls.keys[user.username] = create_api_token(user, "tests")

    def org_url(self, suffix: str = "", organisation: Organisation | None = None) -> str:
        return f"{API}/organisations/{(organisation or self.org).uuid}{suffix}"

    def call(
        self,
        method: str,
        url: str,
        user: User | None = None,
        body: Any = None,
        raw: bytes | str | None = None,
    ) -> Response:
        """Send a request as `user` with their bearer token (no user: anonymous).

        `body` is sent as JSON; `raw` is sent exactly as given, for malformed input.
        """
        extra: dict[str, Any] = {}
        if user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.keys[user.username]}"
        if body is not None or raw is not None:
            extra["data"] = raw if raw is not None else json.dumps(body)
            extra["content_type"] = "application/json"
        response: Response = getattr(self.client, method.lower())(url, **extra)
        return response

    def assert_error(
        self, response: Response, status: int, *, says: str = "", field: str = ""
    ) -> dict[str, Any]:
        """The response is a JSON error with this status, a message, and the named field."""
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"].split(";")[0], "application/json")
        data: dict[str, Any] = response.json()
        self.assertIsInstance(data.get("error"), str)
        self.assertTrue(data["error"])
        self.assertIn(says, data["error"])
        if field:
            self.assertIn(field, data.get("fields", {}))
            self.assertTrue(data["error"].startswith(f"{field}: "), data["error"])
        return data

    def state(self) -> tuple[Any, ...]:
        """Everything a bad request might have changed, to compare before and after."""
        return (
            list(Organisation.objects.order_by("pk").values()),
            list(Membership.objects.order_by("pk").values()),
            list(PartnerGrant.objects.order_by("pk").values()),
            AuditEntry.objects.count(),
        )
