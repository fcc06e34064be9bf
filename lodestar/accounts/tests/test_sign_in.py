from __future__ import annotations

from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from lodestar.accounts.tests.helpers import OIDC_SETTINGS
from lodestar.core.testing import PASSWORD, PersonaTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class SignInTests(PersonaTestCase):
    url = "/account/sign-in/"

    def sign_in(self, username: str, password: str, next_url: str = "") -> Response:
        data = {"username": username, "password": password, "next": next_url}
        response: Response = self.client.post(self.url, data)
        return response

    def signed_in_user_id(self) -> str | None:
        value = self.client.session.get("_auth_user_id")
        return None if value is None else str(value)

    def test_the_sign_in_page_has_labelled_fields_with_autocomplete(self) -> None:
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, '<label class="nhsuk-label" for="id_username">Username')
        self.assertContains(response, '<label class="nhsuk-label" for="id_password">Password')
        self.assertContains(response, 'autocomplete="current-password"')
        self.assertNotContains(response, "autofocus")
        self.assertContains(response, "<title>Sign in – Lodestar</title>")

    def test_the_right_password_signs_in_and_goes_to_next(self) -> None:
        home = reverse("core:organisation_home", args=[self.org.uuid])
        response = self.sign_in("anil", PASSWORD, next_url=home)
        self.assertRedirects(response, home)
        self.assertEqual(self.signed_in_user_id(), str(self.analyst.pk))

    def test_a_wrong_password_shows_an_error_summary_linked_to_the_username(self) -> None:
        response = self.sign_in("anil", "not-the-password")
        self.assertContains(response, "Enter a correct username and password")
        self.assertContains(response, "nhsuk-error-summary")
        self.assertContains(response, '<a href="#id_username">Enter a correct username')
        self.assertContains(response, 'aria-describedby="id_username-error"')
        self.assertContains(response, "<title>Error: Sign in")
        self.assertIsNone(self.signed_in_user_id())

    def test_an_unknown_username_gets_the_same_message_as_a_wrong_password(self) -> None:
        response = self.sign_in("nobody-here", PASSWORD)
        self.assertContains(response, "Enter a correct username and password")
        self.assertIsNone(self.signed_in_user_id())

    def test_empty_fields_are_each_named_in_the_error_summary(self) -> None:
        response = self.sign_in("", "")
        self.assertContains(response, '<a href="#id_username">Enter your username</a>')
        self.assertContains(response, '<a href="#id_password">Enter your password</a>')

    def test_a_switched_off_account_cannot_sign_in(self) -> None:
        self.analyst.is_active = False
        self.analyst.save()
        response = self.sign_in("anil", PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(self.signed_in_user_id())

    def test_a_next_address_on_another_site_is_ignored(self) -> None:
        response = self.sign_in("anil", PASSWORD, next_url="https://evil.example/")
        self.assertRedirects(response, reverse("core:home"), fetch_redirect_response=False)

    def test_the_sixth_attempt_is_locked_out_even_with_the_right_password(self) -> None:
        for _ in range(5):
            self.sign_in("anil", "wrong-password")
        response = self.sign_in("anil", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "accounts/locked_out.html")
        self.assertContains(response, "Too many failed sign-in attempts", status_code=429)
        self.assertContains(response, "15 minutes", status_code=429)
        self.assertIsNone(self.signed_in_user_id())

    def test_four_failures_do_not_lock_the_account(self) -> None:
        for _ in range(4):
            self.sign_in("anil", "wrong-password")
        response = self.sign_in("anil", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.signed_in_user_id(), str(self.analyst.pk))

    def test_signing_in_successfully_resets_the_failure_count(self) -> None:
        for _ in range(4):
            self.sign_in("anil", "wrong-password")
        self.sign_in("anil", PASSWORD)
        self.client.logout()
        for _ in range(4):
            self.sign_in("anil", "wrong-password")
        response = self.sign_in("anil", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.signed_in_user_id(), str(self.analyst.pk))

    def test_a_lockout_does_not_stop_other_people_at_the_same_address(self) -> None:
        for _ in range(6):
            self.sign_in("anil", "wrong-password")
        self.assertTrue(AccessAttempt.objects.filter(username="anil").exists())
        response = self.sign_in("sam", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.signed_in_user_id(), str(self.staff.pk))


class SingleSignOnButtonTests(PersonaTestCase):
    button = "Sign in with your organisation's account"

    def test_there_is_no_single_sign_on_button_when_it_is_switched_off(self) -> None:
        response = self.client.get(reverse("accounts:login"))
        self.assertNotContains(response, self.button)
        self.assertNotContains(response, "/oidc/")

    @override_settings(**OIDC_SETTINGS)
    def test_the_single_sign_on_button_appears_when_it_is_switched_on(self) -> None:
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, self.button)
        self.assertContains(response, 'href="/oidc/authenticate/"')

    @override_settings(**OIDC_SETTINGS)
    def test_the_single_sign_on_button_carries_the_next_address(self) -> None:
        response = self.client.get(reverse("accounts:login") + "?next=/o/abc/")
        self.assertContains(response, 'href="/oidc/authenticate/?next=/o/abc/"')
