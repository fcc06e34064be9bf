"""Bad requests get a clear JSON error with the right status, and change nothing."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.db import IntegrityError
from django.test import override_settings

from lodestar.api.tests.helpers import API, ApiTestCase
from lodestar.core.models import Membership
from lodestar.core.roles import Role


class MalformedBodyTests(ApiTestCase):
    def patch(self, raw: bytes | str) -> dict[str, Any]:
        before = self.state()
        response = self.call("PATCH", self.org_url(), self.admin, raw=raw)
        data = self.assert_error(response, 400)
        self.assertEqual(self.state(), before)
        return data

    def test_malformed_json_is_refused_saying_where(self) -> None:
        data = self.patch('{"name": "Derbyshire",}')
        self.assertIn("not valid JSON", str(data["error"]))
        self.assertIn("line 1, column 23", str(data["error"]))

    def test_a_body_that_is_not_an_object_is_refused(self) -> None:
        for raw in ('["name"]', '"name"', "42", "null"):
            with self.subTest(raw=raw):
                self.assertIn("JSON object", str(self.patch(raw)["error"]))

    def test_an_empty_body_is_refused(self) -> None:
        self.assertIn("empty", str(self.patch("")["error"]))

    def test_a_body_that_is_not_utf8_is_refused(self) -> None:
        self.assertIn("not valid JSON", str(self.patch(b'{"name": "\xff\xfe"}')["error"]))

    def test_absurdly_deep_nesting_is_refused(self) -> None:
        self.patch("[" * 100_000 + "]" * 100_000)

    def test_an_absurdly_long_number_is_refused(self) -> None:
        self.patch('{"name": ' + "9" * 5000 + "}")

    def test_a_nul_character_in_the_body_is_refused_raw_or_escaped(self) -> None:
        for raw in (
            b'{"name": "Derby\x00shire"}',
            '{"name": "Derby\\u0000shire"}',
            '{"\\u0000": 1}',
        ):
            with self.subTest(raw=raw):
                self.assertIn("NUL character", str(self.patch(raw)["error"]))

    def test_the_wrong_type_is_refused_naming_the_field(self) -> None:
        data = self.patch('{"name": 42, "summary": ["a"]}')
        self.assertEqual(set(data["fields"]), {"name", "summary"})
        self.assertIn("name: Give text", str(data["error"]))

    def test_an_unknown_field_is_refused_rather_than_ignored(self) -> None:
        data = self.patch('{"name": "Derbyshire", "ods_cod": "RXM"}')
        self.assertEqual(data["error"], "ods_cod: This is not a field we accept here.")

    def test_an_over_long_name_is_refused(self) -> None:
        data = self.patch('{"name": "' + "x" * 201 + '"}')
        self.assertEqual(data["error"], "name: Use at most 200 characters.")

    def test_a_huge_body_is_refused_as_too_large(self) -> None:
        before = self.state()
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
            response = self.call("PATCH", self.org_url(), self.admin, {"summary": "x" * 200})
        self.assert_error(response, 413, says="too large")
        self.assertEqual(self.state(), before)


class NulInQueryStringTests(ApiTestCase):
    def test_a_nul_character_in_a_query_string_is_refused_and_nothing_changes(self) -> None:
        target = Membership.objects.get(user=self.analyst)
        before = self.state()
        url = self.org_url(f"/members/{target.uuid}?reason=bye%00now")
        self.assert_error(self.call("DELETE", url, self.admin), 400, says="NUL character")
        self.assertEqual(self.state(), before)

    def test_a_nul_character_in_a_query_parameter_name_is_refused(self) -> None:
        response = self.call("GET", self.org_url("/audit?li%00mit=2"), self.admin)
        self.assert_error(response, 400, says="NUL character")


class AddressAndMethodTests(ApiTestCase):
    def test_an_unknown_address_is_a_json_not_found(self) -> None:
        self.assert_error(self.call("GET", f"{API}/strategies", self.admin), 404)

    def test_an_organisation_address_that_is_not_a_uuid_is_a_json_not_found(self) -> None:
        self.assert_error(self.call("GET", f"{API}/organisations/RXM", self.admin), 404)

    def test_a_method_an_endpoint_does_not_have_is_a_json_405_listing_the_allowed_ones(
        self,
    ) -> None:
        response = self.call("PUT", self.org_url(), self.admin, {"name": "Derbyshire"})
        data = self.assert_error(response, 405, says="PUT is not allowed here")
        self.assertIn("PATCH", data["error"])
        self.assertIn("PATCH", response["Allow"])


class ServerFailureTests(ApiTestCase):
    def test_an_unexpected_failure_is_a_json_500_without_a_stack_trace(self) -> None:
        with (
            mock.patch(
                "lodestar.core.services.update_organisation",
                side_effect=RuntimeError("secret internals"),
            ),
            self.assertLogs("lodestar.api.errors", "ERROR") as logs,
        ):
            response = self.call("PATCH", self.org_url(), self.admin, {"name": "Derbyshire"})
        data = self.assert_error(response, 500)
        self.assertEqual(data, {"error": "Something went wrong on our side."})
        self.assertNotIn(b"secret internals", response.content)
        self.assertNotIn(b"Traceback", response.content)
        # The details are kept for us in the log.
        self.assertIn("secret internals", "\n".join(logs.output))

    def test_a_race_that_the_database_catches_is_a_conflict(self) -> None:
        with (
            mock.patch(
                "lodestar.core.services.add_member", side_effect=IntegrityError("duplicate")
            ),
            self.assertLogs("lodestar.api.errors", "WARNING"),
        ):
            response = self.call(
                "POST", self.org_url("/members"), self.admin, {"username": "olly", "role": "chair"}
            )
        self.assert_error(response, 409, says="already exists")

    def test_the_last_administrator_rule_holds_through_the_api(self) -> None:
        # A guard against the conflict wrapper swallowing the service's own refusal.
        admin = Membership.objects.get(user=self.admin, role=Role.ADMINISTRATOR)
        self.call("DELETE", self.org_url(f"/members/{admin.uuid}"), self.admin)
        self.assertTrue(Membership.objects.filter(pk=admin.pk).exists())
