from __future__ import annotations

import datetime

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.delivery.models import Deliverable, Objective
from lodestar.delivery.tests.test_objectives import GoldenThreadTestCase
from lodestar.strategy.models import AlignmentLink, Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy
from lodestar.strategy.tests.test_check import make_icb


class MyPartPageTests(GoldenThreadTestCase):
    def page(self) -> str:
        return reverse("objectives:my_part", args=[self.org.uuid])

    def add(self) -> str:
        return reverse("objectives:add_my_objective", args=[self.org.uuid])

    def test_staff_see_the_vision_values_and_how_their_objectives_connect_upward(self) -> None:
        self.personal()
        self.team_objective()
        Deliverable.objects.create(
            organisation=self.org,
            element=self.care,
            title="Community mental health framework",
            due_date=datetime.date(2025, 3, 31),
            accountable_executive=self.executive,
        )
        icb_plan = make_strategy(make_icb(self.org), status=Strategy.Status.APPROVED)
        AlignmentLink.objects.create(
            organisation=self.org,
            element=self.care,
            partner_element=make_element(icb_plan, "Guiding policy", title="Prevention"),
            relationship=AlignmentLink.Relationship.CONTRIBUTES_TO,
        )
        self.client.force_login(self.staff)
        response = self.client.get(self.page())
        self.assertContains(response, "Improving mental health, learning disability")
        self.assertContains(response, "We are people first")
        self.assertContains(response, "We listen")
        self.assertContains(response, "Finish my appraisal training")
        self.assertContains(response, "Cut waiting times for first contact")
        self.assertContains(response, "Community mental health framework")
        self.assertContains(response, "led by Erin Exec")
        self.assertContains(response, "Contributes to NHS Derby and Derbyshire Integrated Care")
        self.assertContains(response, "Strategic objective: <strong>Great care</strong>")

    def test_someone_elses_objectives_are_not_shown(self) -> None:
        self.personal(owner=self.analyst, title="Private objective of Anil")
        self.client.force_login(self.analyst)
        self.assertContains(self.client.get(self.page()), "Private objective of Anil")
        self.client.force_login(self.staff)
        self.assertNotContains(self.client.get(self.page()), "Private objective of Anil")

    def test_without_an_approved_strategy_the_page_says_so(self) -> None:
        Strategy.objects.update(status=Strategy.Status.DRAFT)
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(self.page()), "has no approved strategy")

    def test_staff_add_their_own_objective_and_htmx_gets_the_list_back(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.post(
            self.add(),
            {"element": str(self.people.uuid), "title": "Mentor a new starter"},
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Mentor a new starter")
        objective = Objective.objects.get()
        self.assertEqual((objective.owner, objective.element), (self.staff, self.people))

    def test_without_htmx_adding_redirects_to_the_page(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.post(
            self.add(),
            {
                "element": str(self.care.uuid),
                "title": "Build a dashboard",
                "due_date": "31/3/2026",
            },
        )
        self.assertRedirects(response, self.page())
        self.assertEqual(Objective.objects.get().due_date, datetime.date(2026, 3, 31))

    def test_bad_input_gets_field_errors_and_nothing_changes(self) -> None:
        before = AuditEntry.objects.count()
        self.client.force_login(self.staff)
        response = self.client.post(
            self.add(), {"element": "nonsense", "title": "", "due_date": "31/2/2026"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"element", "title", "due_date"})
        self.assertContains(
            response, "Choose an element of one of our strategies", status_code=400
        )
        self.assertContains(response, "Enter the due date as a real date", status_code=400)
        self.assertFalse(Objective.objects.exists())
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_another_trusts_element_is_not_a_choice(self) -> None:
        theirs = make_element(make_strategy(self.other_org), title="Their aim")
        self.client.force_login(self.staff)
        response = self.client.post(self.add(), {"element": str(theirs.uuid), "title": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Objective.objects.exists())

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.page()).status_code, 404)
        response = self.client.post(self.add(), {"element": str(self.care.uuid), "title": "x"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Objective.objects.exists())

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.page())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/sign-in/", response["Location"])
