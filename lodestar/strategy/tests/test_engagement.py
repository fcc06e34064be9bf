from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lodestar.audit.models import AuditEntry
from lodestar.core.testing import PersonaTestCase
from lodestar.strategy import services
from lodestar.strategy.models import EngagementActivity, Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy

HELD_ON = datetime.date(2023, 6, 12)


def activity_fields(**kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "held_on": HELD_ON,
        "title": "Carers' workshop",
        "method": "Workshop",
        "level": EngagementActivity.Level.CO_DESIGN,
        "carers": 12,
        "people_using_services": 8,
        "what_was_said": "Evening appointments, please.",
        "what_changed": "Added evening clinics to objective 2.",
    }
    return fields | kw


class EngagementServiceTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)
        self.element = make_element(self.strategy, title="Great care")

    def test_an_activity_is_recorded_with_its_linked_elements_in_the_audit(self) -> None:
        activity = services.record_engagement(
            self.executive, self.strategy, elements=[self.element], **activity_fields()
        )
        self.assertEqual(activity.participants, 20)
        self.assertEqual(list(activity.elements.all()), [self.element])
        entry = AuditEntry.objects.get(object_uuid=activity.uuid, action="create")
        self.assertEqual(entry.changes["elements"], [None, ["Great care"]])

    def test_changing_only_the_linked_elements_is_audited(self) -> None:
        activity = services.record_engagement(self.executive, self.strategy, **activity_fields())
        services.update_engagement(self.executive, activity, elements=[self.element])
        entry = AuditEntry.objects.get(object_uuid=activity.uuid, action="update")
        self.assertEqual(entry.changes, {"elements": [[], ["Great care"]]})

    def test_an_element_of_another_strategy_cannot_be_linked(self) -> None:
        other = make_element(make_strategy(self.org, title="Other"))
        with self.assertRaises(ValidationError) as caught:
            services.record_engagement(
                self.executive, self.strategy, elements=[other], **activity_fields()
            )
        self.assertIn("elements", caught.exception.message_dict)
        self.assertFalse(EngagementActivity.objects.exists())

    def test_an_activity_in_the_future_is_refused_on_its_date(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with self.assertRaises(ValidationError) as caught:
            services.record_engagement(
                self.executive, self.strategy, **activity_fields(held_on=tomorrow)
            )
        self.assertIn("held_on", caught.exception.message_dict)

    def test_an_unknown_level_is_refused_on_its_level(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.record_engagement(
                self.executive, self.strategy, **activity_fields(level="shout")
            )
        self.assertIn("level", caught.exception.message_dict)

    def test_staff_cannot_record_engagement(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.record_engagement(self.staff, self.strategy, **activity_fields())

    def test_engagement_on_an_approved_strategy_is_refused_and_nothing_changes(self) -> None:
        activity = services.record_engagement(self.executive, self.strategy, **activity_fields())
        Strategy.objects.filter(pk=self.strategy.pk).update(
            status=Strategy.Status.APPROVED, approved_on=datetime.date(2024, 3, 27)
        )
        before = AuditEntry.objects.count()
        attempts: dict[str, Callable[[], object]] = {
            "record": lambda: services.record_engagement(
                self.admin, self.strategy, **activity_fields()
            ),
            "update": lambda: services.update_engagement(self.admin, activity, title="New"),
            "remove": lambda: services.remove_engagement(self.admin, activity),
        }
        for name, attempt in attempts.items():
            with (
                self.subTest(name),
                self.assertRaisesMessage(ValidationError, "cannot be changed"),
            ):
                attempt()
        self.assertEqual(AuditEntry.objects.count(), before)
        activity.refresh_from_db()
        self.assertEqual(activity.title, "Carers' workshop")
        self.assertEqual(EngagementActivity.objects.count(), 1)


class EngagementPageTests(PersonaTestCase):
    def setUp(self) -> None:
        self.strategy = make_strategy(self.org)
        self.element = make_element(self.strategy, title="Great care")

    def url(self, name: str, *extra: object) -> str:
        return reverse(f"strategy:{name}", args=[self.org.uuid, self.strategy.uuid, *extra])

    def form(self, **kw: Any) -> dict[str, Any]:
        data = activity_fields(**kw)
        data["held_on"] = str(data["held_on"])
        data["elements"] = [str(self.element.pk)]
        return data

    def test_an_executive_records_an_activity_and_sees_you_said_we_did(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.url("new_engagement"), self.form(), follow=True)
        self.assertContains(response, "You said, we did")
        self.assertContains(response, "Evening appointments, please.")
        self.assertContains(response, "Added evening clinics to objective 2.")
        self.assertContains(response, "Shaped: Great care")
        activity = EngagementActivity.objects.get()
        self.assertEqual((activity.carers, activity.staff), (12, 0))

    def test_totals_by_group_and_level_are_shown(self) -> None:
        services.record_engagement(self.executive, self.strategy, **activity_fields())
        services.record_engagement(
            self.executive,
            self.strategy,
            **activity_fields(title="Staff survey", carers=0, staff=40, people_using_services=0),
        )
        self.client.force_login(self.staff)
        response = self.client.get(self.url("detail"))
        totals = response.context["totals"]
        self.assertEqual(totals["participants"], 60)
        self.assertIn(("Staff", 40), totals["by_group"])
        self.assertIn(("Co-design", 2), totals["by_level"])
        self.assertContains(response, "2 engagement activities with 60 participants")

    def test_bad_input_names_each_field_and_records_nothing(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("new_engagement"),
            self.form(held_on="12/13/2023", carers="-3", level="", what_was_said=""),
        )
        self.assertEqual(response.status_code, 400)
        for message in (
            "Enter a real date",
            "Enter a number of 0 or more",
            "Choose the level of engagement",
            "Enter what people said",
        ):
            self.assertContains(response, message, status_code=400)
        self.assertFalse(EngagementActivity.objects.exists())

    def test_an_activity_is_changed_and_removed_from_its_page(self) -> None:
        activity = services.record_engagement(self.executive, self.strategy, **activity_fields())
        self.client.force_login(self.executive)
        edit = self.url("edit_engagement", activity.uuid)
        self.assertContains(self.client.get(edit), "Carers&#x27; workshop")
        self.client.post(edit, self.form(title="Carers' forum"))
        activity.refresh_from_db()
        self.assertEqual(activity.title, "Carers' forum")
        self.client.post(self.url("remove_engagement", activity.uuid))
        self.assertFalse(EngagementActivity.objects.exists())

    def test_staff_read_engagement_but_cannot_record_it(self) -> None:
        self.client.force_login(self.staff)
        self.assertNotContains(self.client.get(self.url("detail")), "Record an engagement")
        self.assertEqual(self.client.get(self.url("new_engagement")).status_code, 403)
        self.assertEqual(
            self.client.post(self.url("new_engagement"), self.form()).status_code, 403
        )
        self.assertFalse(EngagementActivity.objects.exists())

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        activity = services.record_engagement(self.executive, self.strategy, **activity_fields())
        self.client.force_login(self.outsider)
        for url in (
            self.url("new_engagement"),
            self.url("edit_engagement", activity.uuid),
            self.url("remove_engagement", activity.uuid),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, self.form()).status_code, 404)
        self.assertEqual(EngagementActivity.objects.get().title, "Carers' workshop")

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url("new_engagement"))
        self.assertIn("/account/sign-in/", response["Location"])

    def test_a_frozen_strategy_sends_people_back_from_the_form(self) -> None:
        Strategy.objects.filter(pk=self.strategy.pk).update(status=Strategy.Status.APPROVED)
        self.client.force_login(self.executive)
        response = self.client.get(self.url("new_engagement"), follow=True)
        self.assertRedirects(response, self.url("detail"))
        self.assertContains(response, "cannot be changed")
        response = self.client.post(self.url("new_engagement"), self.form())
        self.assertContains(response, "cannot be changed", status_code=400)
        self.assertFalse(EngagementActivity.objects.exists())
