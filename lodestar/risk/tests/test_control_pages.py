"""Pages that add, change and delete a risk's controls, assurances, gaps and actions."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core.models import BaseModel
from lodestar.core.roles import Role
from lodestar.risk.models import Assurance, AssuranceGap, Control, RiskAction, StrategicRisk
from lodestar.risk.tests.builders import RiskTestCase, add_member, make_strategic_risk

D = datetime.date
NOW = datetime.datetime(2025, 6, 15, 12, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class PartPagesTestCase(RiskTestCase):
    risk: StrategicRisk
    second_exec: User
    control: Control
    assurance: Assurance
    gap: AssuranceGap
    action: RiskAction

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.second_exec = add_member(cls.org, "ed", Role.EXECUTIVE_DIRECTOR)
        cls.risk = make_strategic_risk(cls.org, cls.executive, element=cls.element)
        org, risk = cls.org, cls.risk
        cls.control = Control.objects.create(
            organisation=org, risk=risk, kind="control", description="Safer staffing"
        )
        cls.assurance = Assurance.objects.create(
            organisation=org,
            risk=risk,
            line="first",
            source="Monthly staffing report",
            positive=True,
            level="reasonable",
            dated=D(2025, 5, 1),
        )
        cls.gap = AssuranceGap.objects.create(
            organisation=org, risk=risk, description="No audit yet"
        )
        cls.action = RiskAction.objects.create(
            organisation=org,
            risk=risk,
            description="Roll out e-rostering",
            owner=cls.staff,
            due_date=D(2025, 9, 1),
        )

    def url(self, name: str, item: BaseModel | None = None) -> str:
        args: list[Any] = [self.org.uuid, self.risk.uuid]
        if item is not None:
            args.append(item.uuid)
        return reverse(f"risk:{name}", args=args)

    def page_urls(self) -> list[str]:
        parts = (
            ("control", self.control),
            ("assurance", self.assurance),
            ("assurance_gap", self.gap),
            ("action", self.action),
        )
        urls = [self.url(f"new_{name}") for name, _ in parts]
        for name, item in parts:
            urls += [self.url(f"edit_{name}", item), self.url(f"delete_{name}", item)]
        return urls

    def post(self, user: User, url: str, data: dict[str, Any]) -> Any:
        self.client.force_login(user)
        return self.client.post(url, data)


class WhoMayUseThePages(PartPagesTestCase):
    def test_the_lead_governance_and_administrators_open_every_page(self) -> None:
        for user in (self.executive, self.governance, self.admin):
            self.client.force_login(user)
            for url in self.page_urls():
                with self.subTest(user=user.username, url=url):
                    assert self.client.get(url).status_code == 200

    def test_other_executives_and_board_members_are_forbidden(self) -> None:
        for user in (self.second_exec, self.chair, self.ned):
            self.client.force_login(user)
            for url in [*self.page_urls(), self.url("complete_action", self.action)]:
                with self.subTest(user=user.username, url=url):
                    assert self.client.get(url).status_code == 403
                    assert self.client.post(url, {"description": "X"}).status_code == 403
        assert Control.objects.count() == 1
        assert RiskAction.objects.get().completed_on is None

    def test_analysts_managers_and_staff_are_forbidden(self) -> None:
        for user in (self.analyst, self.manager, self.staff):
            self.client.force_login(user)
            for url in self.page_urls():
                with self.subTest(user=user.username, url=url):
                    assert self.client.get(url).status_code == 403

    def test_a_user_from_another_trust_gets_not_found(self) -> None:
        self.client.force_login(self.outsider)
        for url in [*self.page_urls(), self.url("complete_action", self.action)]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 404
                assert self.client.post(url).status_code == 404

    def test_the_public_are_sent_to_sign_in(self) -> None:
        for url in self.page_urls():
            with self.subTest(url=url):
                assert "/account/sign-in/" in self.client.get(url)["Location"]

    def test_a_part_of_another_risk_is_not_found_under_this_one(self) -> None:
        other = make_strategic_risk(self.org, self.executive, element=self.element)
        url = reverse("risk:edit_control", args=[self.org.uuid, other.uuid, self.control.uuid])
        self.client.force_login(self.governance)
        assert self.client.get(url).status_code == 404


class ControlAndGapPages(PartPagesTestCase):
    def test_the_lead_adds_a_gap_in_control(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.get(self.url("new_control") + "?kind=gap")
        self.assertContains(response, "Add a gap in control")
        response = self.post(
            self.executive,
            self.url("new_control"),
            {"kind": "gap", "description": "No e-rostering"},
        )
        self.assertRedirects(
            response,
            reverse("risk:risk", args=[self.org.uuid, self.risk.uuid]) + "#controls",
            fetch_redirect_response=False,
        )
        assert Control.objects.filter(kind="gap", description="No e-rostering").exists()

    def test_an_empty_description_is_refused_with_a_message(self) -> None:
        response = self.post(
            self.executive, self.url("new_control"), {"kind": "control", "description": ""}
        )
        self.assertContains(response, "Describe the control", status_code=400)

    def test_a_control_is_changed_and_deleted_with_a_reason(self) -> None:
        self.post(
            self.governance,
            self.url("edit_control", self.control),
            {"kind": "control", "description": "Safer staffing, reviewed daily"},
        )
        assert Control.objects.get().description == "Safer staffing, reviewed daily"
        self.post(self.governance, self.url("delete_control", self.control), {"reason": "Gone"})
        assert not Control.objects.exists()
        entry = AuditEntry.objects.get(object_uuid=self.control.uuid, action="delete")
        assert entry.reason == "Gone"

    def test_the_edit_page_starts_from_the_control_as_it_is(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.get(self.url("edit_control", self.control))
        self.assertContains(response, "Safer staffing</textarea>")


class AssurancePages(PartPagesTestCase):
    def data(self, **kw: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "line": "third",
            "source": "CQC",
            "positive": "no",
            "level": "limited",
            "dated": "2025-06-01",
            "document": "Inspection report",
            "document_url": "https://www.cqc.org.uk/report",
        }
        data.update(kw)
        return data

    def test_the_lead_records_a_negative_third_line_assurance(self) -> None:
        self.post(self.executive, self.url("new_assurance"), self.data())
        found = Assurance.objects.get(source="CQC")
        assert (found.positive, found.level, found.line) == (False, "limited", "third")
        self.client.force_login(self.chair)
        page = self.client.get(reverse("risk:risk", args=[self.org.uuid, self.risk.uuid]))
        self.assertContains(page, "https://www.cqc.org.uk/report")

    def test_a_future_date_is_refused_by_the_service_and_named(self) -> None:
        response = self.post(
            self.executive, self.url("new_assurance"), self.data(dated="2025-07-01")
        )
        self.assertContains(response, "cannot be dated in the future", status_code=400)
        assert not Assurance.objects.filter(source="CQC").exists()

    def test_the_edit_page_keeps_positive_or_negative(self) -> None:
        self.client.force_login(self.governance)
        response = self.client.get(self.url("edit_assurance", self.assurance))
        self.assertContains(response, '<option value="yes" selected>')
        self.post(
            self.governance,
            self.url("edit_assurance", self.assurance),
            self.data(source="Monthly staffing report", line="first", positive="yes"),
        )
        assert Assurance.objects.get(pk=self.assurance.pk).level == "limited"

    def test_a_gap_in_assurance_is_added_changed_and_deleted(self) -> None:
        self.post(self.executive, self.url("new_assurance_gap"), {"description": "No audit"})
        self.post(
            self.executive, self.url("edit_assurance_gap", self.gap), {"description": "Audit due"}
        )
        assert AssuranceGap.objects.get(pk=self.gap.pk).description == "Audit due"
        self.post(self.executive, self.url("delete_assurance_gap", self.gap), {})
        assert list(AssuranceGap.objects.values_list("description", flat=True)) == ["No audit"]


class ActionPages(PartPagesTestCase):
    def test_the_lead_adds_an_action_with_an_owner_and_due_date(self) -> None:
        self.post(
            self.executive,
            self.url("new_action"),
            {
                "description": "Recruit overseas",
                "owner": self.staff.pk,
                "due_date": "2025-12-31",
                "status": "amber",
            },
        )
        found = RiskAction.objects.get(description="Recruit overseas")
        assert (found.owner, found.status) == (self.staff, "amber")

    def test_an_action_without_an_owner_or_date_names_both(self) -> None:
        response = self.post(
            self.executive, self.url("new_action"), {"description": "X", "status": "green"}
        )
        self.assertContains(response, "every action has exactly one", status_code=400)
        self.assertContains(response, "Enter the due date", status_code=400)

    def test_the_owner_list_holds_only_members_of_the_trust(self) -> None:
        self.client.force_login(self.executive)
        response = self.client.get(self.url("new_action"))
        self.assertContains(response, "Sam Staff")
        self.assertNotContains(response, "Olly Outsider")

    def test_an_action_is_marked_complete_and_reopened(self) -> None:
        url = self.url("complete_action", self.action)
        self.post(self.executive, url, {"completed_on": "2025-06-14"})
        assert RiskAction.objects.get().completed_on == D(2025, 6, 14)
        self.post(self.executive, url, {"reopen": "1"})
        assert RiskAction.objects.get().completed_on is None

    def test_marking_complete_without_a_date_uses_today(self) -> None:
        self.post(self.governance, self.url("complete_action", self.action), {})
        assert RiskAction.objects.get().completed_on == D(2025, 6, 15)

    def test_a_completion_in_the_future_is_refused_with_a_message(self) -> None:
        response = self.post(
            self.executive,
            self.url("complete_action", self.action),
            {"completed_on": "2025-07-01"},
        )
        assert response.status_code == 302
        assert RiskAction.objects.get().completed_on is None
        page = self.client.get(response["Location"])
        self.assertContains(page, "cannot be completed in the future")

    def test_an_action_is_changed_and_deleted(self) -> None:
        self.post(
            self.governance,
            self.url("edit_action", self.action),
            {
                "description": "Roll out e-rostering",
                "owner": self.executive.pk,
                "due_date": "2025-10-01",
                "status": "red",
            },
        )
        found = RiskAction.objects.get()
        assert (found.owner, found.status) == (self.executive, "red")
        self.post(self.governance, self.url("delete_action", self.action), {})
        assert not RiskAction.objects.exists()
