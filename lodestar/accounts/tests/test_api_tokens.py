from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts import services
from lodestar.accounts.models import ApiToken
from lodestar.core.testing import PersonaTestCase


class ApiTokenPageTests(PersonaTestCase):
    url = "/account/tokens/"

    def setUp(self) -> None:
        self.client.force_login(self.analyst)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}")

    def test_a_person_sees_only_their_own_tokens(self) -> None:
        services.create_api_token(self.analyst, "My spreadsheet")
        services.create_api_token(self.outsider, "Olly's secret report")
        services.create_api_token(self.staff, "Sam's dashboard")
        response = self.client.get(self.url)
        self.assertContains(response, "My spreadsheet")
        self.assertNotContains(response, "Olly")
        self.assertNotContains(response, "Sam&#x27;s dashboard")

    def test_the_list_shows_hint_dates_and_when_it_was_last_used(self) -> None:
        token, _ = services.create_api_token(self.analyst, "Power BI", expires_in_days=30)
        response = self.client.get(self.url)
        self.assertContains(response, f"<code>{token.hint}…</code>")
        self.assertContains(response, "Never</td>")
        assert token.expires_at is not None
        self.assertContains(response, token.expires_at.strftime("%-d %B %Y"))

    def test_revoked_tokens_are_not_listed_and_expired_ones_say_so(self) -> None:
        gone, _ = services.create_api_token(self.analyst, "Old laptop")
        services.revoke_api_token(self.analyst, gone)
        expired, _ = services.create_api_token(self.analyst, "Last year's report")
        ApiToken.objects.filter(pk=expired.pk).update(
            expires_at=timezone.now() - datetime.timedelta(days=1)
        )
        response = self.client.get(self.url)
        self.assertNotContains(response, "Old laptop")
        self.assertContains(response, "Expired</strong>")

    def test_making_a_token_shows_its_secret_once(self) -> None:
        response = self.client.post(self.url, {"name": "Power BI", "expiry": "90"})
        self.assertContains(response, "Copy your new token now")
        token = ApiToken.objects.get(user=self.analyst)
        secret = response.context["secret"]
        self.assertTrue(secret.startswith(ApiToken.PREFIX))
        self.assertContains(response, secret)
        self.assertEqual(token.key_hash, ApiToken.hash_key(secret))
        self.assertEqual(services.authenticate_api_token(secret), self.analyst)
        self.assertNotContains(self.client.get(self.url), secret)

    def test_the_page_showing_a_secret_is_never_cached(self) -> None:
        response = self.client.post(self.url, {"name": "Power BI", "expiry": "90"})
        self.assertIn("no-store", response["Cache-Control"])

    def test_each_expiry_choice_sets_the_expiry_date(self) -> None:
        for choice, days in (("30", 30), ("90", 90), ("365", 365), ("never", None)):
            with self.subTest(choice):
                self.client.post(self.url, {"name": f"Token {choice}", "expiry": choice})
                token = ApiToken.objects.get(name=f"Token {choice}")
                if days is None:
                    self.assertIsNone(token.expires_at)
                else:
                    assert token.expires_at is not None
                    expected = timezone.now() + datetime.timedelta(days=days)
                    self.assertAlmostEqual(
                        token.expires_at, expected, delta=datetime.timedelta(minutes=1)
                    )

    def test_a_token_needs_a_name(self) -> None:
        response = self.client.post(self.url, {"name": "   ", "expiry": "90"})
        self.assertContains(response, "Enter a name for the token", status_code=400)
        self.assertContains(response, '<a href="#id_name">', status_code=400)
        self.assertFalse(ApiToken.objects.exists())

    def test_an_expiry_not_on_the_list_is_refused(self) -> None:
        response = self.client.post(self.url, {"name": "Forever and a day", "expiry": "36500"})
        self.assertContains(response, "Choose when the token expires", status_code=400)
        self.assertContains(response, '<a href="#id_expiry_0">', status_code=400)
        self.assertFalse(ApiToken.objects.exists())

    def test_the_expiry_radios_are_grouped_with_a_legend_and_hint(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'aria-describedby="id_expiry-hint"')
        self.assertContains(response, "nhsuk-fieldset__legend")
        self.assertContains(response, 'value="90" checked')


class RevokeApiTokenTests(PersonaTestCase):
    def setUp(self) -> None:
        self.token, self.secret = services.create_api_token(self.analyst, "Power BI")
        self.url = reverse("accounts:revoke_api_token", args=[self.token.uuid])

    def test_revoking_a_token_stops_it_working(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.post(self.url)
        self.assertRedirects(
            response, reverse("accounts:api_tokens"), fetch_redirect_response=False
        )
        self.assertIsNone(services.authenticate_api_token(self.secret))
        self.assertContains(self.client.get(response["Location"]), "has been revoked")

    def test_someone_elses_token_is_not_found_and_keeps_working(self) -> None:
        for person in (self.staff, self.outsider, self.admin):
            with self.subTest(person.username):
                self.client.force_login(person)
                response = self.client.post(self.url)
                self.assertEqual(response.status_code, 404)
        self.assertEqual(services.authenticate_api_token(self.secret), self.analyst)

    def test_revoking_twice_says_it_was_already_revoked(self) -> None:
        self.client.force_login(self.analyst)
        self.client.post(self.url)
        revoked_at = ApiToken.objects.get(pk=self.token.pk).revoked_at
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "was already revoked")
        self.assertEqual(ApiToken.objects.get(pk=self.token.pk).revoked_at, revoked_at)

    def test_revoking_needs_a_post(self) -> None:
        self.client.force_login(self.analyst)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assertEqual(services.authenticate_api_token(self.secret), self.analyst)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.post(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}")
        self.assertEqual(services.authenticate_api_token(self.secret), self.analyst)


class ApiTokenServiceTests(PersonaTestCase):
    def test_a_name_that_is_too_long_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "100 characters or fewer"):
            services.create_api_token(self.analyst, "x" * 101)
        self.assertFalse(ApiToken.objects.exists())

    def test_a_lifetime_under_a_day_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "at least one day"):
            services.create_api_token(self.analyst, "Brief", expires_in_days=0)

    def test_nobody_can_revoke_another_persons_token(self) -> None:
        token, secret = services.create_api_token(self.analyst, "Power BI")
        with self.assertRaisesMessage(ValidationError, "only revoke your own"):
            services.revoke_api_token(self.admin, token)
        self.assertEqual(services.authenticate_api_token(secret), self.analyst)
