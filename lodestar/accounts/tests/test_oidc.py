from __future__ import annotations

from typing import Any
from unittest import mock

from axes.models import AccessAttempt
from django.core.exceptions import SuspiciousOperation
from django.test import override_settings
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from lodestar.accounts.models import User
from lodestar.accounts.oidc import LodestarOIDCBackend, is_single_sign_on_attempt
from lodestar.accounts.otp import SECOND_FACTOR_DUE
from lodestar.accounts.tests.helpers import OIDC_SETTINGS, make_device
from lodestar.core.testing import PersonaTestCase, make_user


@override_settings(**OIDC_SETTINGS)
class ClaimTests(PersonaTestCase):
    def setUp(self) -> None:
        self.backend = LodestarOIDCBackend()
        self.erin = make_user("erin.b", "Erin", "B", email="Erin.Bloggs@nhs.example")

    def matches(self, claims: dict[str, Any]) -> list[User]:
        return list(self.backend.filter_users_by_claims(claims))

    def test_a_person_is_matched_by_email_whatever_its_case(self) -> None:
        self.assertEqual(self.matches({"email": "erin.bloggs@NHS.example"}), [self.erin])

    def test_an_entra_id_preferred_username_is_used_when_there_is_no_email(self) -> None:
        claims = {"preferred_username": "ERIN.BLOGGS@nhs.example"}
        self.assertTrue(self.backend.verify_claims(claims))
        self.assertEqual(self.matches(claims), [self.erin])

    def test_the_email_claim_wins_over_preferred_username(self) -> None:
        claims = {"email": "erin.bloggs@nhs.example", "preferred_username": "eb@other.example"}
        self.assertEqual(self.matches(claims), [self.erin])

    def test_a_preferred_username_that_is_not_an_email_address_is_ignored(self) -> None:
        claims = {"preferred_username": "EBLOGGS01"}
        self.assertFalse(self.backend.verify_claims(claims))
        self.assertEqual(self.matches(claims), [])

    def test_claims_with_no_email_address_are_refused(self) -> None:
        self.assertFalse(self.backend.verify_claims({"sub": "abc", "name": "Erin"}))
        self.assertEqual(self.matches({"sub": "abc"}), [])

    def test_an_email_the_provider_says_is_unverified_is_refused(self) -> None:
        claims = {"email": "erin.bloggs@nhs.example", "email_verified": False}
        self.assertFalse(self.backend.verify_claims(claims))

    def test_names_are_kept_up_to_date_from_the_claims(self) -> None:
        claims = {"email": "erin.bloggs@nhs.example", "given_name": "Erin", "family_name": "Smith"}
        user = self.backend.update_user(self.erin, claims)
        self.erin.refresh_from_db()
        self.assertEqual((user.first_name, self.erin.last_name), ("Erin", "Smith"))

    def test_missing_or_blank_name_claims_change_nothing(self) -> None:
        self.backend.update_user(self.erin, {"email": "x@nhs.example", "given_name": " "})
        self.erin.refresh_from_db()
        self.assertEqual((self.erin.first_name, self.erin.last_name), ("Erin", "B"))

    def test_no_account_is_made_when_making_accounts_is_off(self) -> None:
        claims = {"email": "new.starter@nhs.example", "given_name": "New", "family_name": "S"}
        with self.assertRaises(SuspiciousOperation):
            self.backend.create_user(claims)
        with mock.patch.object(OIDCAuthenticationBackend, "get_userinfo", return_value=claims):
            self.assertIsNone(self.backend.get_or_create_user("access", "id", {}))
        self.assertFalse(User.objects.filter(email__iexact="new.starter@nhs.example").exists())

    @override_settings(OIDC_CREATE_USER=True)
    def test_an_account_is_made_with_names_and_no_password_when_allowed(self) -> None:
        claims = {
            "preferred_username": "New.Starter@nhs.example",
            "given_name": "New",
            "family_name": "Starter",
        }
        user = self.backend.create_user(claims)
        self.assertEqual(user.email, "New.Starter@nhs.example")
        self.assertEqual(user.username, "new.starter@nhs.example")
        self.assertEqual(user.display_name, "New Starter")
        self.assertFalse(user.has_usable_password())

    @override_settings(OIDC_CREATE_USER=True)
    def test_a_display_name_is_split_when_there_are_no_given_and_family_names(self) -> None:
        user = self.backend.create_user({"email": "pat@nhs.example", "name": "Pat de Souza"})
        self.assertEqual((user.first_name, user.last_name), ("Pat", "de Souza"))

    @override_settings(OIDC_CREATE_USER=True)
    def test_a_new_account_gets_a_free_username_if_the_email_is_taken_as_one(self) -> None:
        make_user("pat@nhs.example")
        user = self.backend.create_user({"email": "pat@nhs.example"})
        self.assertNotEqual(user.username, "pat@nhs.example")
        self.assertTrue(user.username.startswith("pat@nhs.example-"))

    @override_settings(OIDC_CREATE_USER=True)
    def test_two_accounts_with_the_same_email_are_refused_rather_than_guessed(self) -> None:
        make_user("erin.other", email="erin.bloggs@nhs.example")
        claims = {"email": "erin.bloggs@nhs.example"}
        with (
            mock.patch.object(OIDCAuthenticationBackend, "get_userinfo", return_value=claims),
            self.assertRaisesMessage(SuspiciousOperation, "Multiple users"),
        ):
            self.backend.get_or_create_user("access", "id", {})

    def test_the_id_token_fills_in_what_userinfo_leaves_out(self) -> None:
        id_token = {"sub": "123", "preferred_username": "erin.bloggs@nhs.example"}
        userinfo = {"sub": "123", "given_name": "Erin"}
        with mock.patch.object(OIDCAuthenticationBackend, "get_userinfo", return_value=userinfo):
            claims = self.backend.get_userinfo("access", "id", id_token)
        self.assertEqual(claims["preferred_username"], "erin.bloggs@nhs.example")
        self.assertEqual(claims["given_name"], "Erin")

    def test_userinfo_about_someone_else_is_refused(self) -> None:
        with (
            mock.patch.object(
                OIDCAuthenticationBackend, "get_userinfo", return_value={"sub": "9"}
            ),
            self.assertRaises(SuspiciousOperation),
        ):
            self.backend.get_userinfo("access", "id", {"sub": "123"})


SSO_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "lodestar.accounts.oidc.LodestarOIDCBackend",
]


@override_settings(
    **OIDC_SETTINGS,
    AUTHENTICATION_BACKENDS=SSO_BACKENDS,
    AXES_WHITELIST_CALLABLE="lodestar.accounts.oidc.is_single_sign_on_attempt",
)
class SingleSignOnCallbackTests(PersonaTestCase):
    """The callback from the provider, with the network calls to it replaced."""

    callback = "/oidc/callback/"

    def setUp(self) -> None:
        self.analyst.email = "anil@nhs.example"
        self.analyst.save()

    def return_from_provider(self, claims: dict[str, Any]) -> Any:
        session = self.client.session
        session["oidc_states"] = {"the-state": {"nonce": "the-nonce", "code_verifier": None}}
        session.save()
        with (
            mock.patch.object(
                LodestarOIDCBackend,
                "get_token",
                return_value={"id_token": "id", "access_token": "access"},
            ),
            mock.patch.object(LodestarOIDCBackend, "verify_token", return_value={"sub": "1"}),
            mock.patch.object(OIDCAuthenticationBackend, "get_userinfo", return_value=claims),
        ):
            return self.client.get(self.callback, {"code": "the-code", "state": "the-state"})

    def test_a_known_person_is_signed_in(self) -> None:
        response = self.return_from_provider({"sub": "1", "email": "ANIL@nhs.example"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.analyst.pk))

    def test_someone_with_two_factor_on_must_still_enter_a_code(self) -> None:
        make_device(self.analyst)
        self.return_from_provider({"sub": "1", "email": "anil@nhs.example"})
        self.assertTrue(self.client.session[SECOND_FACTOR_DUE])
        response = self.client.get(reverse("accounts:account"))
        self.assertTrue(response["Location"].startswith(reverse("accounts:two_factor_verify")))

    def test_an_unknown_person_is_sent_back_to_sign_in_with_a_reason(self) -> None:
        response = self.return_from_provider({"sub": "1", "email": "stranger@nhs.example"})
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        page = self.client.get(response["Location"])
        self.assertContains(page, "ask an administrator at your organisation to add you")

    def test_a_provider_error_is_sent_back_to_sign_in_with_a_reason(self) -> None:
        response = self.client.get(self.callback, {"error": "access_denied"})
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)

    def test_failed_single_sign_on_attempts_are_not_counted_as_password_guesses(self) -> None:
        for _ in range(6):
            response = self.return_from_provider({"sub": "1", "email": "stranger@nhs.example"})
            self.assertEqual(response.status_code, 302)
        self.assertFalse(AccessAttempt.objects.exists())
        response = self.return_from_provider({"sub": "1", "email": "anil@nhs.example"})
        self.assertEqual(self.client.session["_auth_user_id"], str(self.analyst.pk))

    def test_only_single_sign_on_attempts_are_left_out_of_counting(self) -> None:
        self.assertTrue(is_single_sign_on_attempt(None, {"nonce": "n", "code_verifier": None}))  # type: ignore[arg-type]
        self.assertFalse(is_single_sign_on_attempt(None, {"username": "anil"}))  # type: ignore[arg-type]
        self.assertFalse(is_single_sign_on_attempt(None, None))  # type: ignore[arg-type]
