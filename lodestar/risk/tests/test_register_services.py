"""Raising, changing and closing risks on the corporate register, and reading it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.audit.models import AuditEntry
from lodestar.risk import register_services as services
from lodestar.risk.matrix import matrix_for, risk_settings_for
from lodestar.risk.models import OperationalRisk, RiskStatus
from lodestar.risk.register_services import RegisterFilters, register_of, row_of
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_operational_risk,
    make_strategic_risk,
)

D = datetime.date
TODAY = D(2025, 10, 15)


def ratings(**kw: int) -> dict[str, int]:
    values = {
        "inherent_likelihood": 4,
        "inherent_consequence": 4,
        "current_likelihood": 3,
        "current_consequence": 4,
        "target_likelihood": 2,
        "target_consequence": 3,
    }
    values.update(kw)
    return values


class RaisingRisksTests(RiskTestCase):
    def raise_risk(self, actor: Any, **kw: Any) -> OperationalRisk:
        fields: dict[str, Any] = {
            "title": "Ligature points on older wards",
            "description": "Older wards have fixtures that could be used as ligature points.",
            "owner": self.executive,
            "service": "Adult inpatient services",
            **ratings(),
        }
        fields.update(kw)
        return services.create_operational_risk(actor, self.org, **fields)

    def test_a_governance_officer_raises_a_risk_scored_on_the_matrix(self) -> None:
        risk = self.raise_risk(self.governance)
        self.assertEqual(risk.reference, "CR1")
        self.assertEqual((risk.inherent_score, risk.inherent_band), (16, "Extreme"))
        self.assertEqual((risk.current_score, risk.current_band), (12, "High"))
        self.assertEqual((risk.target_score, risk.target_band), (6, "Moderate"))
        entry = AuditEntry.objects.get(object_uuid=risk.uuid)
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.actor, self.governance)

    def test_the_next_reference_follows_the_highest_number_used(self) -> None:
        make_operational_risk(self.org, self.executive, reference="CR9")
        make_operational_risk(self.org, self.executive, reference="Legacy-4")
        self.assertEqual(self.raise_risk(self.governance).reference, "CR10")

    def test_a_reference_already_used_is_refused_as_a_clash(self) -> None:
        make_operational_risk(self.org, self.executive, reference="CR3")
        with self.assertRaises(ValidationError) as caught:
            self.raise_risk(self.governance, reference="cr3")
        self.assertIn("CR3 is already used", caught.exception.message_dict["reference"][0])
        self.assertEqual(caught.exception.error_dict["reference"][0].code, "unique")

    def test_custom_bands_grade_the_scores(self) -> None:
        settings = risk_settings_for(self.org)
        settings.bands = [
            {"name": "Low", "low": 1, "high": 3, "colour": "green"},
            {"name": "Moderate", "low": 4, "high": 9, "colour": "yellow"},
            {"name": "High", "low": 10, "high": 14, "colour": "amber"},
            {"name": "Extreme", "low": 15, "high": 25, "colour": "red"},
        ]
        settings.save()
        risk = self.raise_risk(self.governance, current_likelihood=3, current_consequence=3)
        self.assertEqual((risk.current_score, risk.current_band), (9, "Moderate"))

    def test_an_executive_raises_a_risk_they_own(self) -> None:
        risk = self.raise_risk(self.executive)
        self.assertEqual(risk.owner, self.executive)

    def test_an_executive_may_not_raise_a_risk_for_someone_else(self) -> None:
        with self.assertRaisesMessage(PermissionDenied, "for someone else"):
            self.raise_risk(self.executive, owner=self.governance)
        self.assertFalse(OperationalRisk.objects.exists())

    def test_board_members_and_other_roles_may_not_raise_risks(self) -> None:
        for person in (self.chair, self.ned, self.analyst, self.staff, self.manager):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                self.raise_risk(person, owner=person)
        self.assertFalse(OperationalRisk.objects.exists())

    def test_the_owner_must_be_a_member(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.raise_risk(self.governance, owner=self.outsider)
        self.assertIn("is not a member of", caught.exception.message_dict["owner"][0])

    def test_the_strategic_risk_it_feeds_must_be_ours_and_open(self) -> None:
        theirs = make_strategic_risk(self.other_org, self.outsider)
        closed = make_strategic_risk(self.org, self.executive, status=RiskStatus.CLOSED)
        for fed, says in ((theirs, "own strategic risks"), (closed, "link an open")):
            with self.subTest(says=says), self.assertRaises(ValidationError) as caught:
                self.raise_risk(self.governance, strategic_risk=fed)
            self.assertIn(says, caught.exception.message_dict["strategic_risk"][0])

    def test_a_bad_rating_is_refused_naming_the_field_and_nothing_is_saved(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.raise_risk(self.governance, current_likelihood=6, title=" ")
        errors = caught.exception.message_dict
        self.assertIn("from 1 to 5", errors["current_likelihood"][0])
        self.assertIn("title", errors)
        self.assertFalse(OperationalRisk.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(model_label="risk.operationalrisk").exists())

    def test_controls_cannot_make_a_risk_worse_than_its_inherent_score(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.raise_risk(self.governance, current_likelihood=5, current_consequence=5)
        message = caught.exception.message_dict["current_likelihood"][0]
        self.assertIn("current score (25) cannot be above the inherent score (16)", message)

    def test_the_last_review_cannot_be_in_the_future(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.raise_risk(self.governance, last_reviewed_on=D(2999, 1, 1))
        self.assertIn("last_reviewed_on", caught.exception.message_dict)

    def test_the_next_review_cannot_come_before_the_last(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.raise_risk(
                self.governance, last_reviewed_on=D(2025, 9, 1), next_review_on=D(2025, 8, 1)
            )
        self.assertIn("next_review_on", caught.exception.message_dict)


class ControlsGapsAndActionsTests(RiskTestCase):
    def test_they_are_saved_as_text_with_lines_kept_and_blank_by_default(self) -> None:
        fields: dict[str, Any] = {
            "title": "Falls on older wards",
            "description": "Falls with harm have risen.",
            "owner": self.executive,
            "controls": "  Falls risk assessment on admission\r\nLow beds on every ward\n",
            "actions": "Audit lying and standing blood pressure (Falls Lead, 31 March 2026)",
            **ratings(),
        }
        risk = services.create_operational_risk(self.governance, self.org, **fields)
        risk.refresh_from_db()
        self.assertEqual(
            risk.controls, "Falls risk assessment on admission\nLow beds on every ward"
        )
        self.assertEqual(risk.gaps, "")
        self.assertIn("Falls Lead", risk.actions)
        entry = AuditEntry.objects.get(object_uuid=risk.uuid)
        self.assertIn("Low beds on every ward", entry.changes["controls"][1])

    def test_a_change_to_them_is_audited_with_the_reason(self) -> None:
        risk = make_operational_risk(self.org, self.executive, gaps="No sensor alarms")
        services.update_operational_risk(
            self.executive, risk, "Alarms bought", gaps="", controls="Sensor alarms"
        )
        entry = AuditEntry.objects.get(object_uuid=risk.uuid, action=AuditEntry.Action.UPDATE)
        self.assertEqual(entry.changes["gaps"], ["No sensor alarms", ""])
        self.assertEqual(entry.changes["controls"], ["", "Sensor alarms"])
        self.assertEqual(entry.reason, "Alarms bought")

    def test_only_the_owner_or_governance_may_change_them(self) -> None:
        risk = make_operational_risk(self.org, self.governance)
        for person in (self.executive, self.chair):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                services.update_operational_risk(person, risk, controls="Mine now")
        risk.refresh_from_db()
        self.assertEqual(risk.controls, "")


class ChangingRisksTests(RiskTestCase):
    def test_an_executive_changes_a_risk_they_own_and_it_is_regraded(self) -> None:
        risk = make_operational_risk(self.org, self.executive)
        services.update_operational_risk(
            self.executive, risk, "New incident data", current_likelihood=5, current_consequence=4
        )
        risk.refresh_from_db()
        self.assertEqual((risk.current_score, risk.current_band), (20, "Extreme"))
        entry = AuditEntry.objects.get(object_uuid=risk.uuid, action=AuditEntry.Action.UPDATE)
        self.assertEqual(entry.changes["current_score"], [9, 20])
        self.assertEqual(entry.reason, "New incident data")

    def test_an_executive_may_not_change_a_risk_someone_else_owns(self) -> None:
        risk = make_operational_risk(self.org, self.governance)
        with self.assertRaisesMessage(PermissionDenied, "do not own"):
            services.update_operational_risk(self.executive, risk, title="Mine now")
        risk.refresh_from_db()
        self.assertEqual(risk.title, "Agency spend above the cap")

    def test_a_governance_officer_changes_any_risk(self) -> None:
        risk = make_operational_risk(self.org, self.executive)
        services.update_operational_risk(self.governance, risk, service="Estates")
        risk.refresh_from_db()
        self.assertEqual(risk.service, "Estates")

    def test_readers_may_not_change_risks(self) -> None:
        risk = make_operational_risk(self.org, self.executive)
        for person in (self.chair, self.staff):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                services.update_operational_risk(person, risk, title="Changed")

    def test_a_refused_change_leaves_the_callers_object_as_it_was(self) -> None:
        risk = make_operational_risk(self.org, self.executive)
        with self.assertRaises(ValidationError):
            services.update_operational_risk(self.governance, risk, title="", target_likelihood=0)
        self.assertEqual(risk.title, "Agency spend above the cap")

    def test_closing_needs_a_reason_then_the_risk_is_closed_until_reopened(self) -> None:
        risk = make_operational_risk(self.org, self.executive)
        with self.assertRaises(ValidationError) as caught:
            services.close_operational_risk(self.executive, risk, " ")
        self.assertIn("reason", caught.exception.message_dict)
        services.close_operational_risk(self.executive, risk, "Wards refurbished.")
        risk.refresh_from_db()
        self.assertEqual(risk.status, RiskStatus.CLOSED)
        with self.assertRaisesMessage(ValidationError, "Reopen it"):
            services.update_operational_risk(self.executive, risk, title="Changed")
        services.reopen_operational_risk(self.executive, risk, "Found again.")
        risk.refresh_from_db()
        self.assertEqual(risk.status, RiskStatus.OPEN)

    def test_only_governance_may_delete_a_risk_raised_in_error(self) -> None:
        risk = make_operational_risk(self.org, self.executive)
        with self.assertRaises(PermissionDenied):
            services.delete_operational_risk(self.executive, risk)
        services.delete_operational_risk(self.governance, risk, "Raised twice.")
        self.assertFalse(OperationalRisk.objects.exists())
        entry = AuditEntry.objects.get(object_uuid=risk.uuid, action=AuditEntry.Action.DELETE)
        self.assertEqual(entry.reason, "Raised twice.")


class ReadingTheRegisterTests(RiskTestCase):
    def test_rows_are_highest_current_score_first_then_by_reference(self) -> None:
        make_operational_risk(self.org, self.executive, reference="CR10")
        make_operational_risk(self.org, self.executive, reference="CR2")
        make_operational_risk(self.org, self.executive, reference="CR11", current_likelihood=4)
        rows = register_of(self.org, RegisterFilters(), TODAY)
        self.assertEqual([r.risk.reference for r in rows], ["CR11", "CR2", "CR10"])

    def test_a_risk_at_the_threshold_is_escalated_and_one_below_is_not(self) -> None:
        at = make_operational_risk(
            self.org, self.executive, current_likelihood=3, current_consequence=5
        )
        below = make_operational_risk(
            self.org, self.executive, current_likelihood=3, current_consequence=4
        )
        self.assertEqual(risk_settings_for(self.org).escalation_threshold, 15)
        escalated = register_of(self.org, RegisterFilters(escalated_only=True), TODAY)
        self.assertEqual([r.risk for r in escalated], [at])
        flags = {r.risk: r.escalated for r in register_of(self.org, RegisterFilters(), TODAY)}
        self.assertEqual(flags, {at: True, below: False})

    def test_a_closed_risk_is_neither_escalated_nor_overdue(self) -> None:
        risk = make_operational_risk(
            self.org,
            self.executive,
            current_likelihood=5,
            current_consequence=5,
            next_review_on=D(2025, 1, 1),
            status=RiskStatus.CLOSED,
        )
        row = row_of(risk, matrix_for(self.org), TODAY)
        self.assertEqual((row.escalated, row.review_overdue), (False, False))

    def test_a_review_date_in_the_past_is_flagged(self) -> None:
        make_operational_risk(self.org, self.executive, next_review_on=D(2025, 10, 14))
        make_operational_risk(self.org, self.executive, next_review_on=D(2025, 10, 15))
        rows = register_of(self.org, RegisterFilters(), TODAY)
        self.assertEqual(sorted(r.review_overdue for r in rows), [False, True])
        self.assertEqual(rows[0].flags + rows[1].flags, ["Review overdue"])

    def test_filters_by_status_service_and_band(self) -> None:
        make_operational_risk(self.org, self.executive, reference="CR1", service="Estates")
        make_operational_risk(self.org, self.executive, reference="CR2", status=RiskStatus.CLOSED)
        make_operational_risk(
            self.org, self.executive, reference="CR3", current_likelihood=1, current_consequence=2
        )
        cases = [
            (RegisterFilters(), ["CR1", "CR3"]),
            (RegisterFilters(status="closed"), ["CR2"]),
            (RegisterFilters(status="all"), ["CR1", "CR2", "CR3"]),
            (RegisterFilters(service="estates"), ["CR1"]),
            (RegisterFilters(band="Low"), ["CR3"]),
        ]
        for filters, expected in cases:
            with self.subTest(filters=filters):
                rows = register_of(self.org, filters, TODAY)
                self.assertEqual(sorted(r.risk.reference for r in rows), expected)

    def test_another_trusts_risks_never_appear(self) -> None:
        make_operational_risk(self.other_org, self.outsider)
        self.assertEqual(register_of(self.org, RegisterFilters(status="all"), TODAY), [])

    def test_the_services_named_on_the_register_are_offered_once_each(self) -> None:
        make_operational_risk(self.org, self.executive, service="Estates")
        make_operational_risk(self.org, self.executive, service="Estates")
        make_operational_risk(self.org, self.executive, service="")
        make_operational_risk(self.org, self.executive, service="adult services")
        self.assertEqual(services.services_of(self.org), ["adult services", "Estates"])
