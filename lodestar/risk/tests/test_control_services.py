"""Controls, assurances, gaps and actions: who may change them, the rules, the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lodestar.audit.models import AuditEntry
from lodestar.core.roles import Role
from lodestar.risk import control_services as cs
from lodestar.risk.models import Assurance, AssuranceGap, Control, RiskAction
from lodestar.risk.tests.builders import RiskTestCase, add_member, make_strategic_risk

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


class RiskPartsTestCase(RiskTestCase):
    def setUp(self) -> None:
        self.risk = make_strategic_risk(self.org, self.executive, element=self.element)
        self.other_exec = add_member(self.org, "ed", Role.EXECUTIVE_DIRECTOR)

    def refused(self) -> tuple[Any, ...]:
        """Everyone who may not change this risk: it is led by `executive`."""
        return (
            self.other_exec,
            self.chair,
            self.ned,
            self.analyst,
            self.staff,
            self.manager,
            self.outsider,
        )

    def assurance_values(self, **kw: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "line": Assurance.Line.THIRD,
            "source": "Internal audit",
            "positive": True,
            "level": Assurance.Level.REASONABLE,
            "dated": YESTERDAY,
            "document": "Workforce planning audit 2024/25",
            "document_url": "https://example.nhs.uk/audit.pdf",
        }
        values.update(kw)
        return values


class Controls(RiskPartsTestCase):
    def test_the_lead_adds_a_key_control_and_it_is_audited(self) -> None:
        control = cs.add_control(
            self.executive, self.risk, kind=Control.Kind.CONTROL, description="Safer staffing"
        )
        assert (control.risk, control.organisation) == (self.risk, self.org)
        entry = AuditEntry.objects.get(object_uuid=control.uuid)
        assert (entry.action, entry.actor) == ("create", self.executive)

    def test_a_governance_officer_changes_and_deletes_a_gap_in_control(self) -> None:
        gap = cs.add_control(self.governance, self.risk, kind="gap", description="No e-rostering")
        cs.update_control(self.governance, gap, "Reworded", description="No e-rostering yet")
        assert Control.objects.get(pk=gap.pk).description == "No e-rostering yet"
        cs.delete_control(self.governance, gap, "Closed")
        assert not Control.objects.filter(pk=gap.pk).exists()
        actions = list(
            AuditEntry.objects.filter(object_uuid=gap.uuid).values_list("action", flat=True)
        )
        assert actions == ["create", "update", "delete"]

    def test_nobody_else_may_add_change_or_delete_controls(self) -> None:
        control = cs.add_control(None, self.risk, kind="control", description="Safer staffing")
        for user in self.refused():
            with self.subTest(user=user.username):
                with self.assertRaises(PermissionDenied):
                    cs.add_control(user, self.risk, kind="control", description="X")
                with self.assertRaises(PermissionDenied):
                    cs.update_control(user, control, description="X")
                with self.assertRaises(PermissionDenied):
                    cs.delete_control(user, control)
        assert Control.objects.get().description == "Safer staffing"

    def test_a_control_needs_a_known_kind_and_a_description(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            cs.add_control(self.governance, self.risk, kind="wish", description="")
        assert {"kind", "description"} <= set(caught.exception.message_dict)
        assert not Control.objects.exists()

    def test_unknown_fields_are_a_programming_error(self) -> None:
        control = cs.add_control(None, self.risk, kind="control", description="Safer staffing")
        with self.assertRaises(ValueError):
            cs.update_control(self.governance, control, risk=self.risk)


class Assurances(RiskPartsTestCase):
    def test_the_lead_records_an_assurance_from_a_line_of_defence(self) -> None:
        assurance = cs.add_assurance(self.executive, self.risk, **self.assurance_values())
        assert assurance.get_line_display().startswith("Third line")
        entry = AuditEntry.objects.get(object_uuid=assurance.uuid)
        assert entry.changes["level"] == [None, "reasonable"]

    def test_an_assurance_cannot_be_dated_in_the_future_or_have_a_bad_level(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            cs.add_assurance(
                self.governance,
                self.risk,
                **self.assurance_values(
                    dated=TODAY + datetime.timedelta(days=2), level="great", source=""
                ),
            )
        assert {"dated", "level", "source"} <= set(caught.exception.message_dict)
        assert "future" in caught.exception.message_dict["dated"][0]

    def test_the_document_address_must_be_a_web_address(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            cs.add_assurance(
                self.governance, self.risk, **self.assurance_values(document_url="not a url")
            )
        assert "document_url" in caught.exception.message_dict

    def test_an_assurance_is_changed_and_deleted_with_audit(self) -> None:
        assurance = cs.add_assurance(None, self.risk, **self.assurance_values())
        cs.update_assurance(self.executive, assurance, positive=False, level="limited")
        stored = Assurance.objects.get(pk=assurance.pk)
        assert (stored.positive, stored.level) == (False, "limited")
        cs.delete_assurance(self.governance, assurance)
        assert AuditEntry.objects.filter(object_uuid=assurance.uuid).count() == 3

    def test_a_refused_change_leaves_the_assurance_as_it_was(self) -> None:
        assurance = cs.add_assurance(None, self.risk, **self.assurance_values())
        with self.assertRaises(ValidationError):
            cs.update_assurance(self.governance, assurance, level="great")
        assert Assurance.objects.get(pk=assurance.pk).level == "reasonable"

    def test_nobody_else_may_record_assurance_or_gaps_in_it(self) -> None:
        for user in self.refused():
            with self.subTest(user=user.username):
                with self.assertRaises(PermissionDenied):
                    cs.add_assurance(user, self.risk, **self.assurance_values())
                with self.assertRaises(PermissionDenied):
                    cs.add_assurance_gap(user, self.risk, description="X")

    def test_gaps_in_assurance_are_added_changed_and_deleted(self) -> None:
        gap = cs.add_assurance_gap(self.executive, self.risk, description="No audit yet")
        cs.update_assurance_gap(self.executive, gap, description="No audit of rostering")
        assert AssuranceGap.objects.get(pk=gap.pk).description == "No audit of rostering"
        with self.assertRaises(ValidationError):
            cs.update_assurance_gap(self.executive, gap, description="")
        cs.delete_assurance_gap(self.executive, gap)
        assert not AssuranceGap.objects.exists()
        assert AuditEntry.objects.filter(object_uuid=gap.uuid).count() == 3


class Actions(RiskPartsTestCase):
    def add(self, **kw: Any) -> RiskAction:
        values: dict[str, Any] = {
            "description": "Roll out e-rostering",
            "owner": self.staff,
            "due_date": TODAY + datetime.timedelta(days=30),
        }
        values.update(kw)
        return cs.add_action(self.executive, self.risk, **values)

    def test_an_action_has_one_owner_a_due_date_and_starts_green(self) -> None:
        action = self.add()
        assert (action.owner, action.status) == (self.staff, "green")
        assert AuditEntry.objects.filter(object_uuid=action.uuid, action="create").exists()

    def test_the_owner_must_be_a_member_of_the_trust(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add(owner=self.outsider)
        assert "not a member" in caught.exception.message_dict["owner"][0]

    def test_an_action_needs_a_description_and_a_due_date(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add(description="", due_date=None)
        assert {"description", "due_date"} <= set(caught.exception.message_dict)

    def test_an_action_past_its_due_date_and_not_complete_is_overdue(self) -> None:
        late = self.add(due_date=YESTERDAY)
        self.add(due_date=TODAY)
        assert list(RiskAction.objects.overdue(TODAY)) == [late]
        cs.complete_action(self.executive, late, TODAY)
        assert not RiskAction.objects.overdue(TODAY).exists()

    def test_completing_records_the_date_and_reopening_clears_it(self) -> None:
        action = self.add()
        cs.complete_action(self.executive, action, YESTERDAY, "Done")
        assert RiskAction.objects.get(pk=action.pk).completed_on == YESTERDAY
        entry = AuditEntry.objects.filter(object_uuid=action.uuid, action="update").get()
        assert entry.changes["completed_on"] == [None, YESTERDAY.isoformat()]
        cs.complete_action(self.executive, action, None)
        assert RiskAction.objects.get(pk=action.pk).completed_on is None

    def test_an_action_cannot_be_completed_in_the_future(self) -> None:
        action = self.add()
        with self.assertRaises(ValidationError) as caught:
            cs.complete_action(self.executive, action, TODAY + datetime.timedelta(days=1))
        assert "completed_on" in caught.exception.message_dict

    def test_the_status_is_changed_to_amber_and_the_action_deleted(self) -> None:
        action = self.add()
        cs.update_action(self.governance, action, "Slipping", status="amber")
        assert RiskAction.objects.get(pk=action.pk).status == "amber"
        with self.assertRaises(ValidationError):
            cs.update_action(self.governance, action, status="purple")
        cs.delete_action(self.governance, action)
        assert not RiskAction.objects.exists()

    def test_nobody_else_may_add_change_or_complete_actions(self) -> None:
        action = self.add()
        for user in self.refused():
            with self.subTest(user=user.username):
                with self.assertRaises(PermissionDenied):
                    cs.add_action(
                        user, self.risk, description="X", owner=self.staff, due_date=TODAY
                    )
                with self.assertRaises(PermissionDenied):
                    cs.update_action(user, action, status="red")
                with self.assertRaises(PermissionDenied):
                    cs.complete_action(user, action, TODAY)
                with self.assertRaises(PermissionDenied):
                    cs.delete_action(user, action)
        assert RiskAction.objects.get().status == "green"

    def test_an_executive_whose_risk_is_handed_on_loses_the_right_to_change_it(self) -> None:
        action = self.add()
        self.risk.executive_lead = self.other_exec
        self.risk.save()
        with self.assertRaises(PermissionDenied):
            cs.update_action(self.executive, action, status="red")
        cs.update_action(self.other_exec, action, status="red")
