"""Who may call what: tokens, browser sessions, and the same rules as the pages."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from lodestar.accounts.models import ApiToken
from lodestar.accounts.services import create_api_token, revoke_api_token
from lodestar.api.api import api
from lodestar.api.tests.helpers import API, ApiTestCase
from lodestar.api.tests.issue3_endpoints import ENDPOINTS as ISSUE3_ENDPOINTS
from lodestar.api.tests.issue3_endpoints import PUBLIC_ENDPOINTS as ISSUE3_PUBLIC_ENDPOINTS
from lodestar.api.tests.performance_endpoints import ENDPOINTS as PERFORMANCE_ENDPOINTS
from lodestar.api.tests.risk_endpoints import ENDPOINTS as RISK_ENDPOINTS
from lodestar.core import services
from lodestar.core.models import Membership, PartnerGrant
from tests.grantable.models import Note

# Every endpoint of an organisation, with a body it would accept. The schema test below
# fails when an endpoint is added without being listed here, so none goes unchecked.
ORGANISATION_ENDPOINTS: dict[tuple[str, str], Any] = {
    ("GET", "/organisations/{org}"): None,
    ("PATCH", "/organisations/{org}"): {"name": "Renamed"},
    ("GET", "/organisations/{org}/audit"): None,
    ("GET", "/organisations/{org}/members"): None,
    ("POST", "/organisations/{org}/members"): {"username": "olly", "role": "analyst"},
    ("DELETE", "/organisations/{org}/members/{membership}"): None,
    ("GET", "/organisations/{org}/partner-grants"): None,
    ("POST", "/organisations/{org}/partner-grants"): "grant",
    ("DELETE", "/organisations/{org}/partner-grants/{grant}"): None,
}
# Endpoints that need more than membership, so that staff are refused them.
NEEDS_A_CAPABILITY = {
    ("PATCH", "/organisations/{org}"),
    ("GET", "/organisations/{org}/audit"),
    ("POST", "/organisations/{org}/members"),
    ("DELETE", "/organisations/{org}/members/{membership}"),
    ("POST", "/organisations/{org}/partner-grants"),
    ("DELETE", "/organisations/{org}/partner-grants/{grant}"),
}
OTHER_ENDPOINTS = {("GET", "/me"), ("GET", "/organisations"), ("GET", "/public/organisations")}


class EndpointAccessTests(ApiTestCase):
    note: Note
    grant: PartnerGrant

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.note = Note.objects.create(organisation=cls.org, title="Winter plan")
        cls.grant = services.grant_partner_access(cls.admin, cls.org, cls.other_org, cls.note)

    def fill(self, path: str) -> str:
        analyst = Membership.objects.get(organisation=self.org, user=self.analyst)
        return API + path.format(org=self.org.uuid, membership=analyst.uuid, grant=self.grant.uuid)

    def body(self, endpoint: tuple[str, str]) -> Any:
        body = ORGANISATION_ENDPOINTS.get(endpoint)
        if body == "grant":
            budget = Note.objects.create(organisation=self.org, title="Budget")
            return {
                "partner_ods_code": "RHA",
                "item_type": "grantable.note",
                "item_uuid": str(budget.uuid),
            }
        return body

    def test_every_endpoint_in_the_schema_is_checked_here(self) -> None:
        schema = api.get_openapi_schema()
        listed = {
            (method.upper(), path.removeprefix(API))
            for path, operations in schema["paths"].items()
            for method in operations
        }
        # Strategy and delivery endpoints have their own table and access tests.
        # So do performance (issue 4) and risk (issue 5) endpoints.
        issue3 = set(ISSUE3_ENDPOINTS) | ISSUE3_PUBLIC_ENDPOINTS
        later = PERFORMANCE_ENDPOINTS | RISK_ENDPOINTS
        self.assertEqual(listed, set(ORGANISATION_ENDPOINTS) | OTHER_ENDPOINTS | issue3 | later)

    def test_a_user_from_another_trust_gets_not_found_from_every_endpoint(self) -> None:
        before = self.state()
        for endpoint in ORGANISATION_ENDPOINTS:
            with self.subTest(endpoint=endpoint):
                method, path = endpoint
                response = self.call(method, self.fill(path), self.outsider, self.body(endpoint))
                self.assert_error(response, 404, says="No such organisation.")
        self.assertEqual(self.state(), before)

    def test_a_user_from_another_trust_gets_not_found_even_with_a_malformed_body(self) -> None:
        response = self.call("POST", self.org_url("/members"), self.outsider, raw="{nope")
        self.assert_error(response, 404, says="No such organisation.")

    def test_an_organisation_that_does_not_exist_looks_the_same_as_another_trusts(self) -> None:
        url = f"{API}/organisations/{uuid.uuid4()}"
        missing = self.call("GET", url, self.admin).json()
        hidden = self.call("GET", self.org_url(), self.outsider).json()
        self.assertEqual(missing, hidden)

    def test_a_member_without_the_capability_is_forbidden(self) -> None:
        before = self.state()
        for endpoint in sorted(NEEDS_A_CAPABILITY):
            with self.subTest(endpoint=endpoint):
                method, path = endpoint
                response = self.call(method, self.fill(path), self.staff, self.body(endpoint))
                self.assert_error(response, 403, says="You do not have permission")
        self.assertEqual(self.state(), before)

    def test_every_member_may_read_what_needs_no_capability(self) -> None:
        for endpoint in set(ORGANISATION_ENDPOINTS) - NEEDS_A_CAPABILITY:
            with self.subTest(endpoint=endpoint):
                method, path = endpoint
                response = self.call(method, self.fill(path), self.staff)
                self.assertEqual(response.status_code, 200)

    def test_the_public_are_asked_to_authenticate_everywhere_but_the_public_list(self) -> None:
        private = OTHER_ENDPOINTS - {("GET", "/public/organisations")}
        for endpoint in [*ORGANISATION_ENDPOINTS, *private]:
            with self.subTest(endpoint=endpoint):
                method, path = endpoint
                response = self.call(method, self.fill(path), None, self.body(endpoint))
                self.assert_error(response, 401, says="Authorization: Bearer")
                self.assertIn("Bearer", response["WWW-Authenticate"])


class TokenTests(ApiTestCase):
    def test_a_live_token_identifies_its_owner(self) -> None:
        response = self.call("GET", f"{API}/me", self.analyst)
        self.assertEqual(response.json()["username"], "anil")

    def test_a_wrong_token_is_refused_with_a_message_about_the_token(self) -> None:
        response = self.client.get(f"{API}/me", HTTP_AUTHORIZATION="Bearer lst_not-a-real-one")
        self.assert_error(response, 401, says="API token is not valid")

    def test_a_revoked_token_is_refused(self) -> None:
        token, key = create_api_token(self.analyst, "revoked")
        revoke_api_token(self.analyst, token)
        response = self.client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {key}")
        self.assert_error(response, 401, says="revoked")

    def test_an_expired_token_is_refused(self) -> None:
        token, key = create_api_token(self.analyst, "old", expires_in_days=1)
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        response = self.client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {key}")
        self.assert_error(response, 401, says="expired")

    def test_a_deactivated_account_cannot_use_its_token(self) -> None:
        self.analyst.is_active = False
        self.analyst.save()
        self.assert_error(self.call("GET", f"{API}/me", self.analyst), 401)

    def test_another_authorisation_scheme_is_asked_to_authenticate(self) -> None:
        response = self.client.get(f"{API}/me", HTTP_AUTHORIZATION="Basic YWxpY2U6c2VjcmV0")
        self.assert_error(response, 401, says="Bearer")

    def test_a_script_with_a_token_needs_no_csrf_token(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        response = self.call("PATCH", self.org_url(), self.admin, {"summary": "By script."})
        self.assertEqual(response.status_code, 200, response.content)


class BrowserSessionTests(ApiTestCase):
    def setUp(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(self.admin)

    def test_a_signed_in_browser_may_read(self) -> None:
        response = self.client.get(f"{API}/me")
        self.assertEqual(response.json()["username"], "alice")

    def test_a_browser_change_without_the_csrf_token_is_forbidden_and_changes_nothing(
        self,
    ) -> None:
        before = self.state()
        response = self.client.patch(
            self.org_url(), '{"name": "Forged"}', content_type="application/json"
        )
        self.assert_error(response, 403, says="CSRF")
        self.assertEqual(self.state(), before)

    def test_a_browser_change_with_the_csrf_token_is_accepted(self) -> None:
        # The docs page hands the browser its CSRF cookie, as any page would.
        self.client.get(f"{API}/docs")
        token = self.client.cookies["csrftoken"].value
        response = self.client.patch(
            self.org_url(),
            '{"name": "Derbyshire Healthcare"}',
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Derbyshire Healthcare")

    def test_a_user_from_another_trust_signed_in_in_a_browser_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assert_error(self.client.get(self.org_url("/members")), 404)


class DocumentationTests(ApiTestCase):
    def test_the_openapi_schema_lists_every_endpoint(self) -> None:
        response = self.client.get(f"{API}/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertEqual(schema["info"]["title"], "Lodestar API")
        self.assertIn(f"{API}/organisations/{{org}}/partner-grants", schema["paths"])
        self.assertIn(f"{API}/me", schema["paths"])

    def test_the_docs_page_loads_swagger_from_our_own_static_files(self) -> None:
        response = self.client.get(f"{API}/docs")
        self.assertContains(response, "Lodestar API")
        self.assertContains(response, "/static/ninja/swagger-ui-bundle.js")

    def test_the_root_of_the_api_points_to_the_docs_and_the_schema(self) -> None:
        data = self.client.get(f"{API}/").json()
        self.assertEqual((data["docs"], data["openapi"]), (f"{API}/docs", f"{API}/openapi.json"))
