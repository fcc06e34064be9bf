from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lodestar.accounts.otp import secret_for_manual_entry
from lodestar.accounts.tests.helpers import code_for, make_device, wrong_code_for
from lodestar.core.testing import PASSWORD, PersonaTestCase


class TwoFactorAccessTests(PersonaTestCase):
    def test_the_public_are_sent_to_sign_in_from_every_two_factor_page(self) -> None:
        for name in ("two_factor", "two_factor_setup", "two_factor_verify", "two_factor_turn_off"):
            with self.subTest(name):
                url = reverse(f"accounts:{name}")
                response = self.client.get(url)
                self.assertRedirects(response, f"{reverse('accounts:login')}?next={url}")

    def test_the_overview_says_whether_two_factor_is_on(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(reverse("accounts:two_factor"))
        self.assertContains(response, 'nhsuk-tag--grey">Off')
        make_device(self.analyst)
        response = self.client.get(reverse("accounts:two_factor"))
        self.assertContains(response, 'nhsuk-tag--green">On')


class SetUpTests(PersonaTestCase):
    url = "/account/two-factor/set-up/"

    def setUp(self) -> None:
        self.client.force_login(self.analyst)

    def pending_device(self) -> TOTPDevice:
        device: TOTPDevice = TOTPDevice.objects.get(user=self.analyst, confirmed=False)
        return device

    def test_the_set_up_page_shows_a_qr_code_and_the_secret_to_type_in(self) -> None:
        response = self.client.get(self.url)
        device = self.pending_device()
        self.assertContains(response, 'role="img" aria-labelledby="qr-code-title"')
        self.assertContains(response, '<title id="qr-code-title">QR code')
        self.assertContains(response, secret_for_manual_entry(device))
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)

    def test_reloading_the_set_up_page_keeps_the_same_secret(self) -> None:
        self.client.get(self.url)
        first = self.pending_device().key
        self.client.get(self.url)
        self.assertEqual(TOTPDevice.objects.filter(user=self.analyst).count(), 1)
        self.assertEqual(self.pending_device().key, first)

    def test_the_code_field_is_labelled_and_described_by_its_hint(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, '<label class="nhsuk-label" for="id_code">')
        self.assertContains(response, 'aria-describedby="id_code-hint"')
        self.assertContains(response, 'autocomplete="one-time-code"')

    def test_a_correct_code_turns_two_factor_on_for_this_session(self) -> None:
        self.client.get(self.url)
        device = self.pending_device()
        response = self.client.post(self.url, {"code": code_for(device)})
        self.assertRedirects(response, reverse("accounts:account"))
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.session[DEVICE_ID_SESSION_KEY], device.persistent_id)

    def test_a_code_typed_with_a_space_in_the_middle_is_accepted(self) -> None:
        self.client.get(self.url)
        device = self.pending_device()
        code = code_for(device)
        self.client.post(self.url, {"code": f"{code[:3]} {code[3:]}"})
        device.refresh_from_db()
        self.assertTrue(device.confirmed)

    def test_a_wrong_code_is_refused_and_leaves_two_factor_off(self) -> None:
        self.client.get(self.url)
        device = self.pending_device()
        response = self.client.post(self.url, {"code": wrong_code_for(device)})
        self.assertContains(response, "That code is not right", status_code=400)
        self.assertContains(response, '<a href="#id_code">That code is not right', status_code=400)
        self.assertContains(response, "nhsuk-input--error", status_code=400)
        self.assertFalse(self.pending_device().confirmed)

    def test_a_code_that_is_not_six_digits_is_refused_with_a_message(self) -> None:
        self.client.get(self.url)
        for bad in ("", "12345", "12ab56", "1234567"):
            with self.subTest(bad):
                response = self.client.post(self.url, {"code": bad})
                self.assertContains(
                    response, "Enter the 6-digit code from your authenticator app", status_code=400
                )
        self.assertFalse(self.pending_device().confirmed)
        self.assertEqual(self.pending_device().throttling_failure_count, 0)

    def test_posting_a_code_without_having_seen_a_qr_code_starts_again(self) -> None:
        response = self.client.post(self.url, {"code": "123456"})
        self.assertRedirects(response, self.url)
        self.assertFalse(TOTPDevice.objects.filter(user=self.analyst, confirmed=True).exists())

    def test_someone_with_two_factor_already_on_is_not_given_a_second_device(self) -> None:
        make_device(self.analyst)
        response = self.client.get(self.url)
        self.assertRedirects(response, reverse("accounts:two_factor"))
        self.assertEqual(TOTPDevice.objects.filter(user=self.analyst).count(), 1)


class SignInWithTwoFactorTests(PersonaTestCase):
    def setUp(self) -> None:
        self.device = make_device(self.analyst)
        self.home = reverse("core:organisation_home", args=[self.org.uuid])
        self.verify = reverse("accounts:two_factor_verify")

    def sign_in(self) -> None:
        data = {"username": "anil", "password": PASSWORD, "next": self.home}
        response = self.client.post(reverse("accounts:login"), data)
        self.assertEqual(response.status_code, 302)

    def test_after_the_password_a_code_is_needed_before_any_page(self) -> None:
        self.sign_in()
        response = self.client.get(self.home)
        self.assertRedirects(response, f"{self.verify}?next={self.home.replace('/', '%2F')}")
        response = self.client.get(reverse("accounts:api_tokens"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(self.verify))

    def test_a_correct_code_finishes_signing_in_and_returns_to_next(self) -> None:
        self.sign_in()
        data = {"code": code_for(self.device), "next": self.home}
        response = self.client.post(self.verify, data)
        self.assertRedirects(response, self.home)
        self.assertEqual(self.client.get(self.home).status_code, 200)

    def test_a_wrong_code_keeps_the_person_at_the_code_step(self) -> None:
        self.sign_in()
        response = self.client.post(self.verify, {"code": wrong_code_for(self.device)})
        self.assertContains(response, "That code is not right", status_code=400)
        self.assertEqual(self.client.get(self.home).status_code, 302)

    def test_a_next_address_on_another_site_is_ignored_after_the_code(self) -> None:
        self.sign_in()
        data = {"code": code_for(self.device), "next": "https://evil.example/"}
        response = self.client.post(self.verify, data)
        self.assertRedirects(response, reverse("core:home"), fetch_redirect_response=False)

    def test_repeated_wrong_codes_make_the_person_wait(self) -> None:
        self.sign_in()
        self.client.post(self.verify, {"code": wrong_code_for(self.device)})
        # Even the right code is refused straight after a wrong one: guessing is slowed.
        response = self.client.post(self.verify, {"code": code_for(self.device)})
        self.assertContains(response, "You have entered too many wrong codes", status_code=400)
        self.assertEqual(self.client.get(self.home).status_code, 302)
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
            response = self.client.post(self.verify, {"code": code_for(self.device)})
            self.assertEqual(response.status_code, 302)
            self.assertEqual(self.client.get(self.home).status_code, 200)

    def test_a_code_cannot_be_used_twice(self) -> None:
        code = code_for(self.device)
        self.sign_in()
        self.client.post(self.verify, {"code": code})
        self.client.logout()
        self.sign_in()
        response = self.client.post(self.verify, {"code": code})
        self.assertContains(response, "each code works only once", status_code=400)

    def test_signing_out_works_before_the_code_is_entered(self) -> None:
        self.sign_in()
        response = self.client.post(reverse("accounts:logout"))
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_api_answers_with_json_before_the_code_is_entered(self) -> None:
        self.sign_in()
        response = self.client.get("/api/v1/organisations")
        self.assertEqual(response.status_code, 403)
        self.assertIn("authenticator app", response.json()["error"])

    def test_htmx_requests_are_sent_to_the_code_page_as_a_whole(self) -> None:
        self.sign_in()
        response = self.client.get(self.home, headers={"HX-Request": "true"})
        self.assertTrue(response["HX-Redirect"].startswith(self.verify))

    def test_someone_without_two_factor_signs_in_with_the_password_alone(self) -> None:
        self.client.post(
            reverse("accounts:login"), {"username": "sam", "password": PASSWORD, "next": self.home}
        )
        self.assertEqual(self.client.get(self.home).status_code, 200)

    def test_the_code_page_moves_on_when_two_factor_was_turned_off_meanwhile(self) -> None:
        self.sign_in()
        TOTPDevice.objects.filter(user=self.analyst).delete()
        response = self.client.get(f"{self.verify}?next={self.home}")
        self.assertRedirects(response, self.home)
        self.assertEqual(self.client.get(self.home).status_code, 200)


class TurnOffTests(PersonaTestCase):
    url = "/account/two-factor/turn-off/"

    def setUp(self) -> None:
        self.device = make_device(self.analyst)
        self.client.force_login(self.analyst)
        self.client.post(reverse("accounts:two_factor_verify"), {"code": code_for(self.device)})
        self.later = time_machine.travel(timezone.now() + datetime.timedelta(minutes=1))
        # Each code works once, so the next code the tests use must come from later on.
        self.later.start()
        self.addCleanup(self.later.stop)

    def test_a_correct_code_turns_two_factor_off(self) -> None:
        response = self.client.post(self.url, {"code": code_for(self.device)})
        self.assertRedirects(response, reverse("accounts:account"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.analyst).exists())

    def test_a_wrong_code_leaves_two_factor_on(self) -> None:
        response = self.client.post(self.url, {"code": wrong_code_for(self.device)})
        self.assertContains(response, "That code is not right", status_code=400)
        self.assertTrue(TOTPDevice.objects.filter(user=self.analyst, confirmed=True).exists())

    def test_there_is_nothing_to_turn_off_without_a_device(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(self.url)
        self.assertRedirects(response, reverse("accounts:two_factor"))

    def test_someone_elses_code_does_not_turn_off_my_two_factor(self) -> None:
        other = make_device(self.staff)
        response = self.client.post(self.url, {"code": code_for(other)})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(TOTPDevice.objects.filter(user=self.analyst).exists())
