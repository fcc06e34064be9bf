"""The strategic risk page, and adding, changing, reviewing and closing a risk."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core.roles import Role
from lodestar.performance.tests.builders import add_observations, make_metric
from lodestar.risk.models import (
    Assurance,
    AssuranceGap,
    Control,
    RiskAction,
    RiskReview,
    RiskStatus,
    StrategicRisk,
)
from lodestar.risk.tests.builders import (
    RiskTestCase,
    add_member,
    make_operational_risk,
    make_review,
    make_strategic_risk,
)

D = datetime.date
NOW = datetime.datetime(2025, 6, 15, 12, tzinfo=datetime.UTC)


class RiskPageTestCase(RiskTestCase):
    risk: StrategicRisk
    second_exec: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.second_exec = add_member(cls.org, "ed", Role.EXECUTIVE_DIRECTOR)
        cls.risk = make_strategic_risk(
            cls.org,
            cls.executive,
            element=cls.element,
            reference="SR1",
            next_review_on=D(2025, 6, 1),
        )

    def url(self, name: str = "risk:risk", risk: StrategicRisk | None = None) -> str:
        return reverse(name, args=[self.org.uuid, (risk or self.risk).uuid])

    def get(self, user: User, url: str) -> Any:
        self.client.force_login(user)
        return self.client.get(url)


@time_machine.travel(NOW, tick=False)
class RiskDetailPage(RiskPageTestCase):
    def test_the_path_is_under_the_organisations_risks(self) -> None:
        assert self.url() == f"/o/{self.org.uuid}/risks/{self.risk.uuid}/"

    def test_board_members_read_the_risk_in_full(self) -> None:
        Control.objects.create(
            organisation=self.org, risk=self.risk, kind="control", description="Safer staffing"
        )
        Control.objects.create(
            organisation=self.org, risk=self.risk, kind="gap", description="No e-rostering"
        )
        Assurance.objects.create(
            organisation=self.org,
            risk=self.risk,
            line="third",
            source="Internal audit",
            positive=False,
            level="limited",
            document="Workforce audit",
            dated=D(2025, 4, 1),
        )
        AssuranceGap.objects.create(
            organisation=self.org, risk=self.risk, description="No audit of agency use"
        )
        RiskAction.objects.create(
            organisation=self.org,
            risk=self.risk,
            description="Roll out e-rostering",
            owner=self.staff,
            due_date=D(2025, 5, 1),
            status="amber",
        )
        for user in (self.chair, self.ned, self.executive, self.governance, self.admin):
            with self.subTest(user=user.username):
                response = self.get(user, self.url())
                assert response.status_code == 200
                for text in (
                    "SR1 Unable to recruit and keep enough staff",
                    "If we cannot recruit",
                    "Deliver great care",
                    "Erin Exec",
                    "Audit and Risk Committee",
                    "Finance: Cautious",
                    "4 Likely",
                    "5 Catastrophic",
                    "16 Extreme",
                    "20 Extreme",
                    "8 High",
                    "Safer staffing",
                    "No e-rostering",
                    "Third line: independent assurance",
                    "Negative",
                    "Limited",
                    "Workforce audit",
                    "No audit of agency use",
                    "Roll out e-rostering",
                    "Sam Staff",
                    "nhsuk-tag--yellow",  # amber BRAG
                ):
                    self.assertContains(response, text)

    def test_every_flag_shows_on_the_page(self) -> None:
        RiskAction.objects.create(
            organisation=self.org,
            risk=self.risk,
            description="Late action",
            owner=self.staff,
            due_date=D(2025, 5, 1),
        )
        response = self.get(self.chair, self.url())
        self.assertContains(response, "Above tolerance (12)")
        self.assertContains(response, "At or above the escalation threshold (15)")
        self.assertContains(response, "Review overdue")
        self.assertContains(response, "1 overdue action")
        self.assertContains(response, '<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>')

    def test_a_risk_within_its_limits_says_it_has_no_flags(self) -> None:
        quiet = make_strategic_risk(
            self.org,
            self.executive,
            element=self.element,
            current_likelihood=2,
            current_consequence=3,
            next_review_on=D(2025, 9, 1),
        )
        self.assertContains(self.get(self.chair, self.url(risk=quiet)), "No flags")

    def test_the_review_history_has_a_chart_a_table_and_the_trend(self) -> None:
        make_review(self.risk, self.executive, reviewed_on=D(2025, 1, 10), likelihood=4)
        make_review(
            self.risk,
            self.executive,
            reviewed_on=D(2025, 4, 10),
            likelihood=3,
            rationale="Forty nurses recruited.",
        )
        response = self.get(self.chair, self.url())
        content = response.content.decode()
        assert 'role="img"' in content
        assert '<title id="history-chart-title">Current score of SR1 at each review' in content
        assert "<polyline" in content
        self.assertContains(response, "Decreased since the last review")
        self.assertContains(response, "↓")
        self.assertContains(response, "Forty nurses recruited.")
        self.assertContains(response, '<caption class="nhsuk-table__caption">Reviews of SR1')

    def test_a_risk_never_reviewed_says_so_and_draws_no_chart(self) -> None:
        response = self.get(self.chair, self.url())
        self.assertContains(response, "Not yet reviewed")
        self.assertNotContains(response, "<polyline")

    def test_escalated_operational_risks_show_with_a_link(self) -> None:
        high = make_operational_risk(
            self.org,
            self.staff,
            strategic_risk=self.risk,
            title="Agency cap breached",
            current_likelihood=4,
            current_consequence=4,
        )
        make_operational_risk(
            self.org, self.staff, strategic_risk=self.risk, title="Low-level rota gaps"
        )
        response = self.get(self.chair, self.url())
        self.assertContains(
            response, reverse("risk:operational_risk", args=[self.org.uuid, high.uuid])
        )
        self.assertContains(response, "Escalated</strong>", count=1)
        self.assertContains(response, "Low-level rota gaps")

    def test_linked_metrics_show_their_variation_and_assurance(self) -> None:
        metric = make_metric(self.org, self.executive, name="Nurse vacancy rate")
        add_observations(metric, [10.0 + (i % 3) for i in range(24)])
        self.risk.metrics.set([metric])
        response = self.get(self.chair, self.url())
        self.assertContains(response, "Nurse vacancy rate")
        self.assertContains(response, "Common cause variation")
        self.assertContains(
            response, reverse("performance:metric", args=[self.org.uuid, metric.uuid])
        )

    def test_edit_links_show_only_to_those_who_may_change_this_risk(self) -> None:
        edit = self.url("risk:edit_risk")
        for user, shown in (
            (self.chair, False),
            (self.ned, False),
            (self.second_exec, False),
            (self.executive, True),
            (self.governance, True),
        ):
            with self.subTest(user=user.username):
                response = self.get(user, self.url())
                assert (edit in response.content.decode()) is shown
                assert ("Add an action" in response.content.decode()) is shown
        close = self.url("risk:close_risk")
        self.assertNotContains(self.get(self.executive, self.url()), close)
        self.assertContains(self.get(self.governance, self.url()), close)

    def test_analysts_and_staff_are_forbidden(self) -> None:
        for user in (self.analyst, self.staff, self.manager):
            with self.subTest(user=user.username):
                assert self.get(user, self.url()).status_code == 403

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        assert self.get(self.outsider, self.url()).status_code == 404

    def test_another_trusts_risk_is_not_found_under_our_organisation(self) -> None:
        theirs = make_strategic_risk(self.other_org, self.outsider)
        url = reverse("risk:risk", args=[self.org.uuid, theirs.uuid])
        assert self.get(self.admin, url).status_code == 404

    def test_the_public_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert "/account/sign-in/" in response["Location"]

    def test_a_merged_risk_points_to_the_risk_it_joined(self) -> None:
        other = make_strategic_risk(self.org, self.executive, element=self.element)
        self.risk.status, self.risk.merged_into = RiskStatus.MERGED, other
        self.risk.save()
        response = self.get(self.chair, self.url())
        self.assertContains(response, "Merged into")
        self.assertContains(response, self.url(risk=other))


def risk_form(test: RiskTestCase, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "SR5",
        "title": "Cyber attack",
        "cause": "If our systems are not patched",
        "event": "there is a risk of a cyber attack",
        "effect": "resulting in loss of clinical systems.",
        "elements": [test.element.pk],
        "executive_lead": test.executive.pk,
        "committee": test.committee.pk,
        "appetite_category": test.category.pk,
        "inherent_likelihood": "4",
        "inherent_consequence": "5",
        "current_likelihood": "3",
        "current_consequence": "5",
        "target_likelihood": "2",
        "target_consequence": "5",
        "target_date": "2026-03-31",
        "next_review_on": "2025-09-30",
    }
    data.update(kw)
    return data


@time_machine.travel(NOW, tick=False)
class NewAndEditRiskPages(RiskPageTestCase):
    def new_url(self) -> str:
        return reverse("risk:new_risk", args=[self.org.uuid])

    def test_the_form_offers_ratings_in_the_matrixs_words(self) -> None:
        response = self.get(self.governance, self.new_url())
        self.assertContains(response, "4 Likely")
        self.assertContains(response, "3 Moderate")
        self.assertContains(response, "Deliver great care")

    def test_a_governance_officer_adds_a_risk(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(self.new_url(), risk_form(self))
        created = StrategicRisk.objects.get(reference="SR5")
        self.assertRedirects(response, self.url(risk=created), fetch_redirect_response=False)
        assert (created.current_score, created.current_band) == (15, "Extreme")
        assert AuditEntry.objects.filter(object_uuid=created.uuid).exists()

    def test_a_refused_risk_names_the_problem_and_saves_nothing(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(
            self.new_url(), risk_form(self, reference="SR1", current_likelihood="5")
        )
        assert response.status_code == 400
        self.assertContains(response, "SR1 is already used", status_code=400)
        assert not StrategicRisk.objects.filter(title="Cyber attack").exists()

    def test_missing_answers_are_named(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(self.new_url(), risk_form(self, elements=[], title=""))
        self.assertContains(
            response, "Link the risk to at least one strategic objective", status_code=400
        )

    def test_only_governance_and_administrators_may_add_risks(self) -> None:
        for user in (self.chair, self.ned, self.executive, self.analyst, self.staff):
            with self.subTest(user=user.username):
                assert self.get(user, self.new_url()).status_code == 403
        assert self.get(self.admin, self.new_url()).status_code == 200
        assert self.get(self.outsider, self.new_url()).status_code == 404

    def test_the_lead_changes_their_risk_but_not_who_leads_it(self) -> None:
        self.client.force_login(self.executive)
        data = risk_form(
            self, reference="SR1", title="Workforce", executive_lead=self.second_exec.pk
        )
        response = self.client.post(self.url("risk:edit_risk"), data)
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        stored = StrategicRisk.objects.get(pk=self.risk.pk)
        assert (stored.title, stored.executive_lead) == ("Workforce", self.executive)

    def test_the_edit_form_starts_from_the_risk_as_it_is(self) -> None:
        response = self.get(self.governance, self.url("risk:edit_risk"))
        self.assertContains(response, 'value="SR1"')
        self.assertContains(response, '<option value="4" selected>4 Likely</option>')

    def test_who_may_open_the_edit_page(self) -> None:
        edit = self.url("risk:edit_risk")
        for user, status in (
            (self.executive, 200),
            (self.governance, 200),
            (self.admin, 200),
            (self.second_exec, 403),
            (self.chair, 403),
            (self.ned, 403),
            (self.analyst, 403),
            (self.staff, 403),
            (self.outsider, 404),
        ):
            with self.subTest(user=user.username):
                assert self.get(user, edit).status_code == status

    def test_a_refused_post_by_another_executive_changes_nothing(self) -> None:
        self.client.force_login(self.second_exec)
        response = self.client.post(self.url("risk:edit_risk"), risk_form(self, reference="SR1"))
        assert response.status_code == 403
        assert StrategicRisk.objects.get(pk=self.risk.pk).title != "Cyber attack"


@time_machine.travel(NOW, tick=False)
class ReviewAndClosePages(RiskPageTestCase):
    def test_the_lead_records_a_review_and_sees_it_in_the_history(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.post(
            self.url("risk:new_review"),
            {
                "reviewed_on": "2025-06-10",
                "likelihood": "3",
                "consequence": "4",
                "rationale": "Recruitment is working.",
                "committee": self.committee.pk,
                "next_review_on": "2025-09-10",
            },
        )
        self.assertRedirects(response, self.url() + "#history", fetch_redirect_response=False)
        stored = StrategicRisk.objects.get(pk=self.risk.pk)
        assert (stored.current_score, stored.last_reviewed_on) == (12, D(2025, 6, 10))
        self.assertContains(self.client.get(self.url()), "Recruitment is working.")

    def test_the_review_form_offers_the_matrix_words_and_starts_from_today(self) -> None:
        response = self.get(self.governance, self.url("risk:new_review"))
        self.assertContains(response, "5 Almost certain")
        self.assertContains(response, 'value="2025-06-15"')

    def test_a_future_review_is_refused_with_a_message(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(
            self.url("risk:new_review"),
            {"reviewed_on": "2025-07-01", "likelihood": "3", "consequence": "4", "rationale": "X"},
        )
        self.assertContains(response, "cannot be dated in the future", status_code=400)
        assert not RiskReview.objects.exists()

    def test_who_may_record_a_review(self) -> None:
        url = self.url("risk:new_review")
        for user, status in (
            (self.executive, 200),
            (self.governance, 200),
            (self.second_exec, 403),
            (self.chair, 403),
            (self.analyst, 403),
            (self.staff, 403),
            (self.outsider, 404),
        ):
            with self.subTest(user=user.username):
                assert self.get(user, url).status_code == status

    def test_a_governance_officer_merges_a_risk_into_another(self) -> None:
        other = make_strategic_risk(self.org, self.executive, element=self.element)
        self.client.force_login(self.governance)
        response = self.client.post(
            self.url("risk:close_risk"),
            {"outcome": "merged", "merged_into": other.pk, "reason": "Same risk"},
        )
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        stored = StrategicRisk.objects.get(pk=self.risk.pk)
        assert (stored.status, stored.merged_into) == (RiskStatus.MERGED, other)

    def test_merging_needs_a_risk_to_merge_into(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.post(
            self.url("risk:close_risk"), {"outcome": "merged", "reason": "Same risk"}
        )
        self.assertContains(response, "Choose the risk to merge it into", status_code=400)

    def test_a_governance_officer_closes_a_risk(self) -> None:
        self.client.force_login(self.governance)
        self.client.post(self.url("risk:close_risk"), {"outcome": "closed", "reason": "Passed"})
        assert StrategicRisk.objects.get(pk=self.risk.pk).status == RiskStatus.CLOSED
        self.assertContains(self.client.get(self.url()), "This risk is closed")

    def test_who_may_close_a_risk(self) -> None:
        url = self.url("risk:close_risk")
        for user, status in (
            (self.governance, 200),
            (self.admin, 200),
            (self.executive, 403),
            (self.chair, 403),
            (self.analyst, 403),
            (self.outsider, 404),
        ):
            with self.subTest(user=user.username):
                assert self.get(user, url).status_code == status


class PublicAccess(RiskPageTestCase):
    def test_the_public_are_sent_to_sign_in_from_every_risk_page(self) -> None:
        for name in ("risk:risk", "risk:edit_risk", "risk:new_review", "risk:close_risk"):
            with self.subTest(name=name):
                response = self.client.get(self.url(name))
                assert "/account/sign-in/" in response["Location"]
