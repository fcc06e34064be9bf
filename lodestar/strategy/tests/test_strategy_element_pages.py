from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.strategy.models import Element, Strategy, Value
from lodestar.strategy.tests.builders import make_element, make_element_kind, make_strategy


class ElementPageTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)
        self.kind = make_element_kind(self.org)
        self.first = make_element(self.strategy, title="First objective", order=0)
        self.second = make_element(self.strategy, title="Second objective", order=1)
        self.value = Value.objects.create(
            organisation=self.org, strategy=self.strategy, name="Compassion", order=0
        )

    def url(self, name: str, *extra: object) -> str:
        return reverse(f"strategy:{name}", args=[self.org.uuid, self.strategy.uuid, *extra])

    def element_form(self, **kw: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind.pk,
            "title": "Great care",
            "description": "",
            "statements": "We will listen\nWe will act",
            "outcomes": "Shorter waits",
            "indicators": "",
            "domains": ["quality", "digital"],
            "executive_lead": self.executive.pk,
        }
        return data | kw

    def freeze(self) -> None:
        Strategy.objects.filter(pk=self.strategy.pk).update(
            status="approved", approved_on=datetime.date(2024, 3, 27)
        )


class ElementFormTests(ElementPageTestCase):
    def test_an_executive_adds_an_element_with_lines_and_domains(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url("new_element"), self.element_form(), follow=True)
        self.assertContains(response, "Great care saved.")
        element = Element.objects.get(title="Great care")
        self.assertEqual(element.statements, ["We will listen", "We will act"])
        self.assertEqual(element.domains, ["quality", "digital"])
        self.assertEqual(element.order, 2)

    def test_the_form_offers_only_executive_directors_as_leads(self) -> None:
        self.client.force_login(self.executive)
        lead = self.client.get(self.url("new_element")).context["form"].fields["executive_lead"]
        self.assertEqual(list(lead.queryset), [self.executive])

    def test_the_form_shows_existing_lines_one_a_line(self) -> None:
        Element.objects.filter(pk=self.first.pk).update(outcomes=["Fewer waits", "Happier staff"])
        self.client.force_login(self.executive)
        response = self.client.get(self.url("edit_element", self.first.uuid))
        self.assertContains(response, "Fewer waits\nHappier staff")

    def test_bad_input_names_each_field_and_changes_nothing(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("edit_element", self.first.uuid),
            self.element_form(
                title="", domains=["astrology"], executive_lead=self.staff.pk, kind=""
            ),
        )
        self.assertEqual(response.status_code, 400)
        for message in (
            "Title: Enter the element&#x27;s title.",
            "What it addresses: Select a valid choice. astrology is not one of",
            "Executive lead: Choose one of this organisation&#x27;s executives.",
            "Kind: Choose what kind of element this is.",
        ):
            self.assertContains(response, message, status_code=400)
        self.first.refresh_from_db()
        self.assertEqual(self.first.title, "First objective")

    def test_a_line_too_long_is_named(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("new_element"), self.element_form(statements="ok\n" + "x" * 1001)
        )
        self.assertContains(response, "Line 2 is longer than 1000 characters", status_code=400)
        self.assertFalse(Element.objects.filter(title="Great care").exists())

    def test_an_edit_is_audited_with_its_reason(self) -> None:
        self.client.force_login(self.executive)
        self.client.post(
            self.url("edit_element", self.first.uuid),
            self.element_form(title="Renamed", reason="Board feedback"),
        )
        entry = AuditEntry.objects.get(object_uuid=self.first.uuid, action="update")
        self.assertEqual(entry.reason, "Board feedback")
        self.assertEqual(entry.changes["title"], ["First objective", "Renamed"])

    def test_the_chair_cannot_add_or_change_elements(self) -> None:
        self.client.force_login(self.chair)
        self.assertEqual(self.client.get(self.url("new_element")).status_code, 403)
        response = self.client.post(self.url("edit_element", self.first.uuid), self.element_form())
        self.assertEqual(response.status_code, 403)
        self.first.refresh_from_db()
        self.assertEqual(self.first.title, "First objective")

    def test_a_frozen_strategy_refuses_the_element_form(self) -> None:
        self.freeze()
        self.client.force_login(self.executive)
        response = self.client.get(self.url("edit_element", self.first.uuid), follow=True)
        self.assertContains(response, "approved on 27 March 2024")
        response = self.client.post(self.url("new_element"), self.element_form())
        self.assertContains(response, "approved on 27 March 2024", status_code=400)
        self.assertEqual(Element.objects.count(), 2)


class MoveAndRemoveTests(ElementPageTestCase):
    def test_moving_an_element_down_answers_htmx_with_the_list_alone(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("move_element", self.first.uuid),
            {"direction": "down"},
            HTTP_HX_REQUEST="true",
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="elements"')
        content = response.content.decode()
        self.assertLess(content.index("Second objective"), content.index("First objective"))

    def test_without_javascript_a_move_returns_to_the_strategy_page(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("move_element", self.second.uuid), {"direction": "up"}
        )
        self.assertRedirects(
            response, self.url("detail") + "#elements", fetch_redirect_response=False
        )
        titles = [e.title for e in self.strategy.elements.order_by("order")]
        self.assertEqual(titles, ["Second objective", "First objective"])

    def test_removing_an_element_answers_htmx_with_the_list_and_a_message(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("remove_element", self.first.uuid), HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, "First objective removed.")
        self.assertFalse(Element.objects.filter(pk=self.first.pk).exists())

    def test_values_are_added_moved_and_removed(self) -> None:
        self.client.force_login(self.executive)
        self.client.post(
            self.url("new_value"), {"name": "Respect", "behaviours": "We listen\nWe learn"}
        )
        respect = Value.objects.get(name="Respect")
        self.assertEqual(respect.behaviours, ["We listen", "We learn"])
        response = self.client.post(
            self.url("move_value", respect.uuid), {"direction": "up"}, HTTP_HX_REQUEST="true"
        )
        content = response.content.decode()
        self.assertLess(content.index("Respect"), content.index("Compassion"))
        self.client.post(self.url("remove_value", self.value.uuid), HTTP_HX_REQUEST="true")
        self.assertEqual([v.name for v in Value.objects.all()], ["Respect"])

    def test_a_value_without_a_name_is_named_and_not_added(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url("new_value"), {"name": "", "behaviours": "x"})
        self.assertContains(response, "Name: Enter the value&#x27;s name.", status_code=400)
        self.assertEqual(Value.objects.count(), 1)

    def test_a_frozen_strategy_refuses_moves_and_removals_with_a_message(self) -> None:
        self.freeze()
        self.client.force_login(self.executive)
        for url, data in (
            (self.url("move_element", self.first.uuid), {"direction": "down"}),
            (self.url("remove_element", self.first.uuid), {}),
            (self.url("move_value", self.value.uuid), {"direction": "down"}),
            (self.url("remove_value", self.value.uuid), {}),
        ):
            with self.subTest(url=url):
                response = self.client.post(url, data, HTTP_HX_REQUEST="true")
                self.assertContains(response, "cannot be changed")
        self.assertEqual(Element.objects.count(), 2)
        self.assertEqual(Value.objects.count(), 1)
        self.first.refresh_from_db()
        self.assertEqual(self.first.order, 0)

    def test_staff_cannot_move_or_remove(self) -> None:
        self.client.force_login(self.staff)
        for url in (
            self.url("move_element", self.first.uuid),
            self.url("remove_element", self.first.uuid),
            self.url("remove_value", self.value.uuid),
            self.url("new_value"),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, {"direction": "down"}).status_code, 403)
        self.assertEqual((Element.objects.count(), Value.objects.count()), (2, 1))

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        for url in (
            self.url("new_element"),
            self.url("edit_element", self.first.uuid),
            self.url("move_element", self.first.uuid),
            self.url("remove_element", self.first.uuid),
            self.url("new_value"),
            self.url("edit_value", self.value.uuid),
            self.url("move_value", self.value.uuid),
            self.url("remove_value", self.value.uuid),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, {"direction": "up"}).status_code, 404)
        self.assertEqual((Element.objects.count(), Value.objects.count()), (2, 1))

    def test_an_element_of_another_strategy_is_not_found_under_this_one(self) -> None:
        other = make_element(make_strategy(self.org, title="Other"))
        self.client.force_login(self.executive)
        response = self.client.post(self.url("remove_element", other.uuid))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Element.objects.filter(pk=other.pk).exists())

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url("edit_element", self.first.uuid))
        self.assertIn("/account/sign-in/", response["Location"])
