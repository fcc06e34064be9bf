from __future__ import annotations

from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lodestar.accounts.tests.helpers import code_for, make_device
from lodestar.core.testing import PersonaTestCase, make_user


@override_settings(REQUIRE_ADMIN_2FA=True)
class AdministratorsMustUseTwoFactorTests(PersonaTestCase):
    def setUp(self) -> None:
        self.home = reverse("core:organisation_home", args=[self.org.uuid])
        self.setup_url = reverse("accounts:two_factor_setup")
        self.verify_url = reverse("accounts:two_factor_verify")

    def test_an_administrator_without_two_factor_is_sent_to_set_it_up(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.get(self.home)
        self.assertRedirects(response, f"{self.setup_url}?next={self.home.replace('/', '%2F')}")

    def test_an_administrator_can_still_reach_the_set_up_pages_and_sign_out(self) -> None:
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.setup_url).status_code, 200)
        self.assertEqual(self.client.get(reverse("accounts:two_factor")).status_code, 200)
        response = self.client.post(reverse("accounts:logout"))
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_api_tells_an_administrator_why_in_json(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.get("/api/v1/organisations")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("two-factor authentication", response.json()["error"])

    def test_a_superuser_is_held_to_the_same_rule(self) -> None:
        root = make_user("root", "Site", "Admin", is_superuser=True)
        self.client.force_login(root)
        response = self.client.get(reverse("accounts:account"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(self.setup_url))

    def test_setting_it_up_lets_the_administrator_in(self) -> None:
        self.client.force_login(self.admin)
        self.client.get(self.setup_url)
        device = TOTPDevice.objects.get(user=self.admin)
        self.client.post(self.setup_url, {"code": code_for(device)})
        self.assertEqual(self.client.get(self.home).status_code, 200)

    def test_an_administrator_with_a_device_is_asked_for_a_code_not_a_new_device(self) -> None:
        make_device(self.admin)
        self.client.force_login(self.admin)
        response = self.client.get(self.home)
        self.assertTrue(response["Location"].startswith(self.verify_url))
        self.assertEqual(self.client.get(self.setup_url).status_code, 302)

    def test_a_device_set_up_in_another_session_is_still_asked_for(self) -> None:
        self.client.force_login(self.admin)
        make_device(self.admin)
        response = self.client.get(self.home)
        self.assertTrue(response["Location"].startswith(self.verify_url))

    def test_an_administrator_cannot_turn_two_factor_off(self) -> None:
        device = make_device(self.admin)
        self.client.force_login(self.admin)
        self.client.post(self.verify_url, {"code": code_for(device)})
        response = self.client.get(reverse("accounts:two_factor_turn_off"))
        self.assertContains(response, "Administrators must keep it on")
        response = self.client.post(reverse("accounts:two_factor_turn_off"), {"code": "123456"})
        self.assertContains(response, "must keep two-factor authentication on", status_code=400)
        self.assertTrue(TOTPDevice.objects.filter(user=self.admin, confirmed=True).exists())

    def test_people_in_other_roles_are_not_held_back(self) -> None:
        self.client.force_login(self.analyst)
        self.assertEqual(self.client.get(self.home).status_code, 200)


class AdministratorsWhenTwoFactorIsNotRequiredTests(PersonaTestCase):
    def test_an_administrator_without_two_factor_can_use_the_site(self) -> None:
        self.client.force_login(self.admin)
        home = reverse("core:organisation_home", args=[self.org.uuid])
        self.assertEqual(self.client.get(home).status_code, 200)
