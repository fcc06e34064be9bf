from __future__ import annotations

from django.urls import reverse

from lodestar.audit.models import AuditEntry
from lodestar.strategy.models import AlignmentLink, Strategy
from lodestar.strategy.tests.builders import make_element, make_strategy
from lodestar.strategy.tests.test_alignment import CONTRIBUTES, AlignmentTestCase


class AlignmentPageTests(AlignmentTestCase):
    def page(self) -> str:
        return reverse("alignment:matrix", args=[self.org.uuid, self.strategy.uuid])

    def add(self) -> str:
        return reverse("alignment:add_link", args=[self.org.uuid, self.strategy.uuid])

    def link_data(self, **kw: str) -> dict[str, str]:
        data = {
            "partner": str(self.icb_plan.uuid),
            "element": str(self.care.uuid),
            "partner_element": str(self.prevention.uuid),
            "relationship": CONTRIBUTES.value,
            "note": "",
        }
        data.update(kw)
        return data

    def test_every_member_sees_the_icbs_plan_first_with_gaps_both_ways(self) -> None:
        AlignmentLink.objects.create(
            organisation=self.org,
            element=self.care,
            partner_element=self.prevention,
            relationship=CONTRIBUTES,
        )
        self.client.force_login(self.staff)
        response = self.client.get(self.page())
        self.assertEqual(response.context["partner"], self.icb_plan)
        matrix = response.context["matrix"]
        self.assertEqual(matrix.own_gaps, [self.people])
        self.assertEqual(matrix.partner_gaps, [self.inequalities])
        self.assertContains(response, '<th scope="row" class="nhsuk-table__header">Strategic')
        self.assertContains(response, "Serves none of these")
        self.assertContains(response, "Nothing of ours serves this")
        self.assertContains(response, "Contributes to</strong>")
        # Staff may read the matrix but are not offered the forms that change it.
        self.assertNotContains(response, "Add link")

    def test_a_partner_strategy_elsewhere_can_be_chosen(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.get(self.page(), {"partner": str(self.elsewhere.uuid)})
        self.assertEqual(response.context["partner"], self.elsewhere)
        self.assertContains(response, "Forensic services")
        self.assertContains(response, "Add link")

    def test_a_draft_partner_strategy_cannot_be_chosen(self) -> None:
        draft = make_strategy(self.icb, title="Next plan", start_year=2026, end_year=2030)
        self.client.force_login(self.executive)
        response = self.client.get(self.page(), {"partner": str(draft.uuid)})
        self.assertEqual(response.context["partner"], self.icb_plan)

    def test_an_executive_links_from_a_gap_row_and_htmx_gets_the_matrix_back(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(self.add(), self.link_data(), HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="matrix"')
        link = AlignmentLink.objects.get()
        self.assertEqual((link.element, link.partner_element), (self.care, self.prevention))
        self.assertEqual(response.context["matrix"].own_gaps, [self.people])

    def test_without_htmx_the_link_redirects_back_to_the_same_partner(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(self.add(), self.link_data())
        self.assertRedirects(response, f"{self.page()}?partner={self.icb_plan.uuid}")

    def test_linking_to_a_draft_partner_strategy_is_refused_with_a_message(self) -> None:
        draft = make_strategy(self.icb, title="Next plan", start_year=2026, end_year=2030)
        draft_policy = make_element(draft, "Guiding policy", title="Draft policy")
        before = AuditEntry.objects.count()
        self.client.force_login(self.executive)
        response = self.client.post(
            self.add(),
            self.link_data(partner=str(draft.uuid), partner_element=str(draft_policy.uuid)),
        )
        self.assertContains(response, "from a partner&#x27;s approved strategy", status_code=400)
        self.assertFalse(AlignmentLink.objects.exists())
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_bad_input_names_each_field_and_changes_nothing(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.add(), self.link_data(element="not-a-uuid", relationship="loves", note="x" * 501)
        )
        self.assertEqual(response.status_code, 400)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"element", "relationship", "note"})
        self.assertContains(response, "Choose one of this strategy", status_code=400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(AlignmentLink.objects.exists())

    def test_a_duplicate_link_is_refused_with_a_message(self) -> None:
        self.client.force_login(self.executive)
        self.client.post(self.add(), self.link_data())
        response = self.client.post(self.add(), self.link_data())
        self.assertContains(response, "is already linked to", status_code=400)
        self.assertEqual(AlignmentLink.objects.count(), 1)

    def test_an_element_of_another_strategy_of_ours_is_not_offered_as_our_element(self) -> None:
        older = make_strategy(self.org, title="Old", start_year=2018, end_year=2021)
        old_element = make_element(older, title="Old priority")
        self.client.force_login(self.executive)
        response = self.client.post(self.add(), self.link_data(element=str(old_element.uuid)))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(AlignmentLink.objects.exists())

    def test_staff_may_not_add_a_link(self) -> None:
        self.client.force_login(self.staff)
        response = self.client.post(self.add(), self.link_data())
        self.assertEqual(response.status_code, 403)
        self.assertFalse(AlignmentLink.objects.exists())

    def test_an_executive_removes_a_link(self) -> None:
        link = AlignmentLink.objects.create(
            organisation=self.org,
            element=self.care,
            partner_element=self.prevention,
            relationship=CONTRIBUTES,
        )
        url = reverse("alignment:remove_link", args=[self.org.uuid, self.strategy.uuid, link.uuid])
        self.client.force_login(self.executive)
        response = self.client.post(url, {"partner": str(self.icb_plan.uuid)})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AlignmentLink.objects.exists())

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        link = AlignmentLink.objects.create(
            organisation=self.org,
            element=self.care,
            partner_element=self.prevention,
            relationship=CONTRIBUTES,
        )
        remove = reverse(
            "alignment:remove_link", args=[self.org.uuid, self.strategy.uuid, link.uuid]
        )
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.page()).status_code, 404)
        self.assertEqual(self.client.post(self.add(), self.link_data()).status_code, 404)
        self.assertEqual(self.client.post(remove).status_code, 404)
        self.assertEqual(AlignmentLink.objects.count(), 1)

    def test_our_strategy_viewed_through_another_trusts_address_is_not_found(self) -> None:
        # The outsider is an administrator at RHA, but RXM's strategy is not RHA's.
        url = reverse("alignment:matrix", args=[self.other_org.uuid, self.strategy.uuid])
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.page())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/sign-in/", response["Location"])

    def test_with_no_partner_strategies_the_page_says_so(self) -> None:
        Strategy.objects.exclude(organisation=self.org).update(status=Strategy.Status.DRAFT)
        self.client.force_login(self.staff)
        response = self.client.get(self.page())
        self.assertContains(response, "There is no partner strategy to align with yet")
