from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lodestar.accounts import services
from lodestar.accounts.models import User
from lodestar.accounts.tests.helpers import make_device
from lodestar.core.testing import PASSWORD, PersonaTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class AccountPageTests(PersonaTestCase):
    url = "/account/"

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}")

    def test_the_page_links_to_every_account_setting(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(self.url)
        for name in ("change_password", "two_factor_setup", "api_tokens"):
            with self.subTest(name):
                self.assertContains(response, f'href="{reverse(f"accounts:{name}")}"')

    def test_the_page_shows_two_factor_is_off(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(self.url)
        self.assertContains(response, 'nhsuk-tag--grey">Off')

    def test_the_page_shows_two_factor_is_on_and_offers_to_manage_it(self) -> None:
        self.client.force_login(self.analyst)
        # Made after signing in, so this session owes no code and the page can be seen.
        make_device(self.analyst)
        response = self.client.get(self.url)
        self.assertContains(response, 'nhsuk-tag--green">On')
        self.assertContains(response, f'href="{reverse("accounts:two_factor")}"')

    def test_the_page_counts_only_the_persons_own_live_tokens(self) -> None:
        services.create_api_token(self.analyst, "One")
        services.create_api_token(self.analyst, "Two")
        revoked, _ = services.create_api_token(self.analyst, "Three")
        services.revoke_api_token(self.analyst, revoked)
        services.create_api_token(self.staff, "Not mine")
        self.client.force_login(self.analyst)
        self.assertContains(self.client.get(self.url), "2 in use")

    def test_the_page_lists_only_the_persons_own_organisations(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(self.url)
        self.assertContains(response, self.org.name)
        self.assertNotContains(response, self.other_org.name)


class ChangePasswordTests(PersonaTestCase):
    url = "/account/password/"
    new_password = "a-much-longer-passphrase-42"

    def setUp(self) -> None:
        self.client.force_login(self.analyst)

    def change(self, old: str, new1: str, new2: str | None = None) -> Response:
        data = {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
        return self.client.post(self.url, data)

    def password_is(self, password: str) -> bool:
        return User.objects.get(pk=self.analyst.pk).check_password(password)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}")

    def test_the_fields_are_labelled_and_the_rules_are_a_linked_hint(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'for="id_old_password">Current password')
        self.assertContains(response, 'aria-describedby="id_new_password1-hint"')
        self.assertContains(response, "at least 12 characters")

    def test_a_person_can_change_their_password_and_stay_signed_in(self) -> None:
        response = self.change(PASSWORD, self.new_password)
        self.assertRedirects(response, reverse("accounts:account"))
        self.assertTrue(self.password_is(self.new_password))
        self.assertEqual(self.client.get(reverse("accounts:account")).status_code, 200)

    def test_a_wrong_current_password_changes_nothing(self) -> None:
        response = self.change("not-my-password", self.new_password)
        self.assertContains(response, "Your current password is not right", status_code=400)
        self.assertContains(response, '<a href="#id_old_password">', status_code=400)
        self.assertTrue(self.password_is(PASSWORD))

    def test_a_short_new_password_is_refused_with_the_reason(self) -> None:
        response = self.change(PASSWORD, "short1")
        self.assertContains(response, "at least 12 characters", status_code=400)
        self.assertTrue(self.password_is(PASSWORD))

    def test_new_passwords_that_differ_are_refused(self) -> None:
        response = self.change(PASSWORD, self.new_password, self.new_password + "x")
        self.assertContains(response, "The two new passwords do not match", status_code=400)
        self.assertTrue(self.password_is(PASSWORD))

    def test_someone_who_signs_in_through_their_organisation_is_told_they_have_no_password(
        self,
    ) -> None:
        user = services.create_single_sign_on_user("pat@nhs.example", "Pat", "Jones")
        self.client.force_login(user)
        response = self.client.get(self.url)
        self.assertContains(response, "you do not have a Lodestar password")
        self.assertNotContains(response, "id_old_password")


class ResetTwoFactorCommandTests(PersonaTestCase):
    def test_the_command_removes_a_persons_devices(self) -> None:
        make_device(self.analyst)
        make_device(self.staff)
        out = io.StringIO()
        call_command("reset_two_factor", "anil", stdout=out)
        self.assertIn("Two-factor authentication is off for anil", out.getvalue())
        self.assertFalse(TOTPDevice.objects.filter(user=self.analyst).exists())
        self.assertTrue(TOTPDevice.objects.filter(user=self.staff).exists())

    def test_an_unknown_username_is_named_in_the_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "'nobody'"):
            call_command("reset_two_factor", "nobody")
