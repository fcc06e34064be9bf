"""Changing the risk matrix, grading risks again, and the appetite statement and scale."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.audit.models import AuditEntry
from lodestar.risk.matrix import matrix_for, risk_settings_for
from lodestar.risk.models import OperationalRisk, RiskStatus, StrategicRisk
from lodestar.risk.settings_services import (
    regrade_risks,
    update_appetite_scale,
    update_appetite_statement,
    update_risk_matrix,
)
from lodestar.risk.tests.builders import (
    RiskTestCase,
    make_committee,
    make_operational_risk,
    make_review,
    make_strategic_risk,
)

NPSA_WORDS = {
    "likelihood_descriptors": ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
    "consequence_descriptors": ["Negligible", "Minor", "Moderate", "Major", "Catastrophic"],
}
CHRISTIE_BANDS: list[dict[str, Any]] = [
    {"name": "Low", "low": 1, "high": 3, "colour": "green"},
    {"name": "Moderate", "low": 4, "high": 9, "colour": "yellow"},
    {"name": "High", "low": 10, "high": 14, "colour": "amber"},
    {"name": "Extreme", "low": 15, "high": 25, "colour": "red"},
]


def matrix_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        **NPSA_WORDS,
        "bands": CHRISTIE_BANDS,
        "escalation_threshold": 15,
    }
    return values | changes


class RiskMatrixTests(RiskTestCase):
    def test_a_new_organisation_has_the_npsa_matrix(self) -> None:
        matrix = matrix_for(self.org)
        self.assertEqual(matrix.likelihood[4], "Almost certain")
        self.assertEqual(matrix.consequence[0], "Negligible")
        self.assertEqual(
            [(b.name, b.low, b.high) for b in matrix.bands],
            [("Low", 1, 3), ("Moderate", 4, 6), ("High", 8, 12), ("Extreme", 15, 25)],
        )
        self.assertEqual(matrix.escalation_threshold, 15)
        self.assertEqual(matrix.appetite_levels[2], "Cautious")

    def test_a_governance_officer_adopts_the_christies_bands(self) -> None:
        update_risk_matrix(
            self.governance, self.org, reason="Board decision 27 March", **matrix_values()
        )
        matrix = matrix_for(self.org)
        self.assertEqual(matrix.grade(3, 3).band.name, "Moderate")  # 9: High under the NPSA
        self.assertEqual(matrix.grade(2, 5).band.name, "High")
        found = risk_settings_for(self.org)
        entry = AuditEntry.objects.for_record("risk.risksettings", found.uuid).get()
        self.assertEqual(entry.actor, self.governance)
        self.assertEqual(entry.reason, "Board decision 27 March")
        self.assertEqual(entry.changes["bands"][1], CHRISTIE_BANDS)

    def test_names_and_colours_are_stored_trimmed_and_descriptors_renamed(self) -> None:
        bands = [band | {"name": f" {band['name']} "} for band in CHRISTIE_BANDS]
        words = ["Insignificant", "Minor", "Moderate", "Major", "Catastrophic"]
        update_risk_matrix(
            self.admin,
            self.org,
            **matrix_values(bands=bands, consequence_descriptors=words, escalation_threshold=12),
        )
        found = risk_settings_for(self.org)
        self.assertEqual(found.bands, CHRISTIE_BANDS)
        self.assertEqual(found.consequence_descriptors[0], "Insignificant")
        self.assertEqual(found.escalation_threshold, 12)

    def test_every_fault_in_a_matrix_is_named_and_nothing_changes(self) -> None:
        before = (risk_settings_for(self.org).bands, AuditEntry.objects.count())
        with self.assertRaises(ValidationError) as caught:
            update_risk_matrix(
                self.governance,
                self.org,
                likelihood_descriptors=["Rare", "Unlikely"],
                consequence_descriptors=NPSA_WORDS["consequence_descriptors"],
                bands=[
                    band | {"low": 9} if band["name"] == "High" else band
                    for band in CHRISTIE_BANDS
                ],
                escalation_threshold=26,
            )
        errors = caught.exception.message_dict
        self.assertEqual(set(errors), {"likelihood_descriptors", "bands", "escalation_threshold"})
        self.assertIn("Give five likelihood descriptors", errors["likelihood_descriptors"][0])
        self.assertIn("Moderate (4-9) and High (9-14) overlap", errors["bands"][0])
        self.assertIn(
            "escalation threshold must be a whole number", errors["escalation_threshold"][0]
        )
        self.assertEqual((risk_settings_for(self.org).bands, AuditEntry.objects.count()), before)

    def test_a_gap_at_a_possible_score_is_refused_naming_the_score(self) -> None:
        bands = [dict(b) for b in CHRISTIE_BANDS]
        bands[1]["high"] = 7  # leaves 8 and 9 with no band
        with self.assertRaises(ValidationError) as caught:
            update_risk_matrix(self.governance, self.org, **matrix_values(bands=bands))
        self.assertEqual(
            caught.exception.message_dict["bands"], ["No band covers the scores 8, 9."]
        )

    def test_a_band_colour_outside_the_list_is_refused(self) -> None:
        bands = [dict(b) for b in CHRISTIE_BANDS]
        bands[3]["colour"] = "#ff0000"
        with self.assertRaises(ValidationError) as caught:
            update_risk_matrix(self.governance, self.org, **matrix_values(bands=bands))
        self.assertIn("Band Extreme's colour must be one of Green", caught.exception.messages[0])

    def test_only_governance_and_administrators_may_change_the_matrix(self) -> None:
        for person in (
            self.chair,
            self.ned,
            self.executive,
            self.analyst,
            self.staff,
            self.outsider,
        ):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                update_risk_matrix(person, self.org, **matrix_values())
        self.assertEqual(matrix_for(self.org).grade(3, 3).band.name, "High")

    def test_changing_the_bands_does_not_rewrite_the_bands_already_recorded(self) -> None:
        risk = make_strategic_risk(
            self.org, self.executive, current_likelihood=3, current_consequence=3
        )
        review = make_review(risk, self.governance, likelihood=3, consequence=3)
        update_risk_matrix(self.governance, self.org, **matrix_values())
        risk.refresh_from_db()
        review.refresh_from_db()
        self.assertEqual((risk.current_score, risk.current_band), (9, "High"))
        self.assertEqual(review.band, "High")


class RegradeTests(RiskTestCase):
    def setUp(self) -> None:
        # Current 3x3 = 9 and target 2x4 = 8: High under the NPSA, Moderate at The Christie.
        self.risk = make_strategic_risk(
            self.org, self.executive, current_likelihood=3, current_consequence=3
        )
        self.untouched = make_strategic_risk(
            self.org,
            self.executive,
            inherent_likelihood=5,
            inherent_consequence=5,
            current_likelihood=4,
            current_consequence=4,
            target_likelihood=1,
            target_consequence=3,
        )
        self.closed = make_strategic_risk(
            self.org,
            self.executive,
            current_likelihood=3,
            current_consequence=3,
            status=RiskStatus.CLOSED,
        )
        self.operational = make_operational_risk(self.org, self.executive)  # current 3x3 = 9
        self.review = make_review(self.risk, self.governance)
        update_risk_matrix(self.governance, self.org, **matrix_values())

    def test_open_risks_are_graded_again_under_the_current_matrix(self) -> None:
        changed = regrade_risks(self.governance, self.org, "New bands adopted")
        self.assertEqual(
            [r.reference for r in changed], [self.risk.reference, self.operational.reference]
        )
        self.risk.refresh_from_db()
        self.assertEqual(
            (self.risk.current_band, self.risk.target_band, self.risk.inherent_band),
            ("Moderate", "Moderate", "Extreme"),
        )
        self.assertEqual(self.risk.current_score, 9)
        self.operational.refresh_from_db()
        self.assertEqual(self.operational.current_band, "Moderate")

    def test_closed_risks_and_past_reviews_keep_the_bands_they_had(self) -> None:
        regrade_risks(self.governance, self.org, "New bands adopted")
        self.closed.refresh_from_db()
        self.review.refresh_from_db()
        self.assertEqual(self.closed.current_band, "High")
        self.assertEqual(self.review.band, "High")

    def test_each_regraded_risk_has_its_own_audit_entry_with_the_reason(self) -> None:
        regrade_risks(self.governance, self.org, "New bands adopted")
        entry = AuditEntry.objects.for_record("risk.strategicrisk", self.risk.uuid).get()
        self.assertEqual(entry.reason, "New bands adopted")
        self.assertEqual(entry.changes["current_band"], ["High", "Moderate"])
        self.assertEqual(entry.changes["target_band"], ["High", "Moderate"])
        self.assertTrue(
            AuditEntry.objects.for_record("risk.operationalrisk", self.operational.uuid).exists()
        )
        for unchanged in (self.untouched, self.closed):
            self.assertFalse(
                AuditEntry.objects.for_record("risk.strategicrisk", unchanged.uuid).exists()
            )

    def test_grading_again_twice_changes_nothing_the_second_time(self) -> None:
        regrade_risks(self.governance, self.org, "First")
        count = AuditEntry.objects.count()
        self.assertEqual(regrade_risks(self.governance, self.org, "Second"), [])
        self.assertEqual(AuditEntry.objects.count(), count)

    def test_board_members_may_not_grade_risks_again(self) -> None:
        for person in (self.chair, self.executive, self.outsider):
            with self.subTest(person=person.username), self.assertRaises(PermissionDenied):
                regrade_risks(person, self.org, "No")
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.current_band, "High")

    def test_another_organisations_risks_are_left_alone(self) -> None:
        theirs = make_strategic_risk(
            self.other_org, self.outsider, current_likelihood=3, current_consequence=3
        )
        regrade_risks(self.governance, self.org, "Ours only")
        theirs.refresh_from_db()
        self.assertEqual(theirs.current_band, "High")
        self.assertEqual(StrategicRisk.objects.filter(current_band="Moderate").count(), 1)
        self.assertEqual(OperationalRisk.objects.filter(current_band="Moderate").count(), 1)


@time_machine.travel(datetime.date(2025, 4, 10))
class AppetiteStatementTests(RiskTestCase):
    STATEMENT = "The board has a minimal appetite for risks to patient safety."

    def test_the_board_approved_statement_is_recorded_with_its_date_and_committee(self) -> None:
        board = make_committee(self.org)
        update_appetite_statement(
            self.governance,
            self.org,
            statement=f"  {self.STATEMENT}\n",
            approved_on=datetime.date(2025, 3, 27),
            approved_by=board,
        )
        found = risk_settings_for(self.org)
        self.assertEqual(found.appetite_statement, self.STATEMENT)
        self.assertEqual(found.appetite_approved_on, datetime.date(2025, 3, 27))
        self.assertEqual(found.appetite_approved_by, board)
        entry = AuditEntry.objects.for_record("risk.risksettings", found.uuid).get()
        self.assertIn("appetite_statement", entry.changes)

    def test_a_draft_statement_needs_no_approval(self) -> None:
        update_appetite_statement(
            self.admin, self.org, statement=self.STATEMENT, approved_on=None, approved_by=None
        )
        self.assertEqual(risk_settings_for(self.org).appetite_statement, self.STATEMENT)

    def test_an_approval_needs_a_statement_a_past_date_and_the_approving_committee(
        self,
    ) -> None:
        board = make_committee(self.org)
        cases: list[tuple[dict[str, Any], dict[str, str]]] = [
            (
                {"statement": "", "approved_on": datetime.date(2025, 3, 27), "approved_by": board},
                {"statement": "Write the statement the board approved."},
            ),
            (
                {"statement": "S", "approved_on": None, "approved_by": board},
                {"approved_on": "Give the date Trust Board approved the statement."},
            ),
            (
                {"statement": "S", "approved_on": datetime.date(2025, 3, 27), "approved_by": None},
                {"approved_by": "Choose the board or committee that approved the statement."},
            ),
            (
                {
                    "statement": "S",
                    "approved_on": datetime.date(2025, 4, 11),
                    "approved_by": board,
                },
                {"approved_on": "The approval date cannot be in the future."},
            ),
        ]
        for values, expected in cases:
            with self.subTest(expected=expected), self.assertRaises(ValidationError) as caught:
                update_appetite_statement(self.governance, self.org, **values)
            self.assertEqual({k: v[0] for k, v in caught.exception.message_dict.items()}, expected)
        self.assertEqual(risk_settings_for(self.org).appetite_statement, "")

    def test_another_organisations_committee_cannot_approve_the_statement(self) -> None:
        theirs = make_committee(self.other_org)
        with self.assertRaises(ValidationError) as caught:
            update_appetite_statement(
                self.governance,
                self.org,
                statement=self.STATEMENT,
                approved_on=datetime.date(2025, 3, 27),
                approved_by=theirs,
            )
        self.assertIn("own boards or committees", caught.exception.message_dict["approved_by"][0])

    def test_the_chair_may_not_change_the_statement(self) -> None:
        with self.assertRaises(PermissionDenied):
            update_appetite_statement(
                self.chair, self.org, statement="Ours", approved_on=None, approved_by=None
            )


class AppetiteScaleTests(RiskTestCase):
    def test_a_trust_uses_the_nhs_counter_fraud_authoritys_words(self) -> None:
        words = ["Adverse", "Minimalist", "Cautious", "Open", "Hungry"]
        update_appetite_scale(self.governance, self.org, words, "NHSCFA scale")
        self.assertEqual(matrix_for(self.org).appetite_levels, tuple(words))
        entry = AuditEntry.objects.for_record(
            "risk.risksettings", risk_settings_for(self.org).uuid
        ).get()
        self.assertEqual(entry.changes["appetite_levels"][1], words)

    def test_a_scale_without_five_different_levels_is_refused(self) -> None:
        for levels in (["Low", "High"], ["Open", "open", "Cautious", "Minimal", "Averse"]):
            with self.subTest(levels=levels), self.assertRaises(ValidationError) as caught:
                update_appetite_scale(self.governance, self.org, levels)
            self.assertIn("appetite level", caught.exception.message_dict["appetite_levels"][0])
        self.assertEqual(matrix_for(self.org).appetite_levels[0], "Averse")

    def test_an_executive_may_not_change_the_scale(self) -> None:
        with self.assertRaises(PermissionDenied):
            update_appetite_scale(self.executive, self.org, ["A", "B", "C", "D", "E"])
