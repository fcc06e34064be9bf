from __future__ import annotations

from django.urls import reverse

from lodestar.core.testing import PersonaTestCase


class PublicPageTests(PersonaTestCase):
    def test_the_public_see_the_list_of_organisations_without_signing_in(self) -> None:
        response = self.client.get(reverse("core:home"))
        self.assertContains(response, "Derbyshire Healthcare NHS Foundation Trust")
        self.assertContains(response, "Nottinghamshire Healthcare NHS Foundation Trust")

    def test_the_public_page_shows_the_organisations_public_facts(self) -> None:
        response = self.client.get(reverse("core:public_organisation", args=["rxm"]))
        self.assertContains(response, "Derbyshire Healthcare NHS Foundation Trust")
        self.assertContains(response, "RXM")

    def test_an_unknown_organisation_is_not_found(self) -> None:
        response = self.client.get(reverse("core:public_organisation", args=["ZZZ"]))
        self.assertEqual(response.status_code, 404)

    def test_a_nul_byte_in_the_query_string_is_a_clear_bad_request(self) -> None:
        response = self.client.get(reverse("core:public_index") + "?q=%00")
        self.assertEqual(response.status_code, 400)
        self.assertIn(b"NUL", response.content)


class HomeAndSwitcherTests(PersonaTestCase):
    def test_a_member_lands_on_their_organisation(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.get(reverse("core:home"))
        self.assertRedirects(response, reverse("core:organisation_home", args=[self.org.uuid]))

    def test_someone_in_no_organisation_is_told_so(self) -> None:
        from lodestar.core.testing import make_user

        self.client.force_login(make_user("nobody"))
        self.assertContains(self.client.get(reverse("core:home")), "not a member")

    def test_the_switcher_lists_only_the_users_own_organisations(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("core:organisation_home", args=[self.other_org.uuid]))
        self.assertEqual(list(response.context["my_organisations"]), [self.other_org])

    def test_switching_to_an_organisation_the_user_is_not_in_is_not_found(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(
            reverse("core:switch_organisation"), {"organisation": str(self.org.uuid)}
        )
        self.assertEqual(response.status_code, 404)

    def test_switching_with_garbage_is_not_found(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("core:switch_organisation"), {"organisation": "x"})
        self.assertEqual(response.status_code, 404)

    def test_switching_remembers_the_choice(self) -> None:
        from lodestar.core import services
        from lodestar.core.roles import Role

        services.add_member(None, self.org, self.outsider, Role.STAFF_MEMBER)
        self.client.force_login(self.outsider)
        self.client.get(reverse("core:switch_organisation"), {"organisation": str(self.org.uuid)})
        self.client.get(reverse("core:organisation_home", args=[self.org.uuid]))
        response = self.client.get(reverse("core:home"))
        self.assertRedirects(response, reverse("core:organisation_home", args=[self.org.uuid]))

    def test_the_switcher_needs_sign_in(self) -> None:
        response = self.client.get(reverse("core:switch_organisation"))
        self.assertEqual(response.status_code, 302)
