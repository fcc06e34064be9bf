"""Strategic risk services: who may change what, the rules, the audit trail and reviews."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core.roles import Role
from lodestar.performance.tests.builders import make_metric
from lodestar.risk import services
from lodestar.risk.matrix import risk_settings_for
from lodestar.risk.models import OperationalRisk, RiskReview, RiskStatus, StrategicRisk
from lodestar.risk.tests.builders import (
    RiskTestCase,
    add_member,
    make_appetite_category,
    make_element,
    make_operational_risk,
    make_risk_committee,
    make_strategic_risk,
    make_strategy,
)

TODAY = timezone.localdate()


class CreatingRisks(RiskTestCase):
    def values(self, **kw: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "reference": "SR7",
            "title": "Financial sustainability",
            "cause": "If we do not deliver the cost improvement programme",
            "event": "there is a risk that we miss our financial plan",
            "effect": "resulting in regulatory intervention.",
            "executive_lead": self.executive,
            "committee": self.committee,
            "appetite_category": self.category,
            "elements": [self.element],
            "inherent_likelihood": 4,
            "inherent_consequence": 5,
            "current_likelihood": 3,
            "current_consequence": 4,
            "target_likelihood": 2,
            "target_consequence": 3,
        }
        values.update(kw)
        return values

    def test_a_governance_officer_creates_a_risk_with_scores_and_bands_from_the_matrix(
        self,
    ) -> None:
        risk = services.create_strategic_risk(self.governance, self.org, **self.values())
        assert (risk.inherent_score, risk.inherent_band) == (20, "Extreme")
        assert (risk.current_score, risk.current_band) == (12, "High")
        assert (risk.target_score, risk.target_band) == (6, "Moderate")
        assert list(risk.elements.all()) == [self.element]

    def test_bands_follow_the_organisations_own_matrix(self) -> None:
        custom = risk_settings_for(self.org)
        custom.bands = [
            {"name": "Low", "low": 1, "high": 3, "colour": "green"},
            {"name": "Moderate", "low": 4, "high": 9, "colour": "yellow"},
            {"name": "High", "low": 10, "high": 14, "colour": "amber"},
            {"name": "Extreme", "low": 15, "high": 25, "colour": "red"},
        ]
        custom.save()
        risk = services.create_strategic_risk(
            self.governance, self.org, **self.values(current_likelihood=3, current_consequence=3)
        )
        assert (risk.current_score, risk.current_band) == (9, "Moderate")

    def test_the_creation_is_audited_with_the_linked_objectives_and_metrics(self) -> None:
        metric = make_metric(self.org, self.executive)
        risk = services.create_strategic_risk(
            self.governance, self.org, **self.values(metrics=[metric])
        )
        entry = AuditEntry.objects.get(object_uuid=risk.uuid)
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.actor == self.governance
        assert entry.changes["elements"][1] == [f"{self.element} ({self.element.uuid})"]
        assert entry.changes["metrics"][1] == [f"{metric} ({metric.uuid})"]
        assert entry.changes["current_score"] == [None, 12]

    def test_only_governance_officers_and_administrators_create_risks(self) -> None:
        services.create_strategic_risk(self.admin, self.org, **self.values(reference="SR1"))
        for user in (self.executive, self.chair, self.ned, self.analyst, self.staff):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.create_strategic_risk(user, self.org, **self.values())
        assert not StrategicRisk.objects.filter(reference="SR7").exists()

    def test_an_outsider_cannot_create_a_risk(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.create_strategic_risk(self.outsider, self.org, **self.values())

    def test_a_reference_is_used_once_in_an_organisation(self) -> None:
        make_strategic_risk(self.org, self.executive, reference="SR7")
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(self.governance, self.org, **self.values())
        assert "SR7 is already used" in caught.exception.message_dict["reference"][0]

    def test_another_organisation_may_use_the_same_reference(self) -> None:
        other_exec = add_member(self.other_org, "oscar", Role.EXECUTIVE_DIRECTOR)
        make_strategic_risk(self.other_org, other_exec, reference="SR7")
        risk = services.create_strategic_risk(self.governance, self.org, **self.values())
        assert risk.reference == "SR7"

    def test_the_executive_lead_must_be_an_executive_director_of_the_trust(self) -> None:
        for user in (self.analyst, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(ValidationError) as caught:
                services.create_strategic_risk(
                    self.governance, self.org, **self.values(executive_lead=user)
                )
            assert (
                "not an executive director" in caught.exception.message_dict["executive_lead"][0]
            )

    def test_a_missing_lead_committee_and_category_are_each_named(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(
                self.governance,
                self.org,
                **self.values(executive_lead=None, committee=None, appetite_category=None),
            )
        assert {"executive_lead", "committee", "appetite_category"} <= set(
            caught.exception.message_dict
        )

    def test_links_must_belong_to_the_same_organisation(self) -> None:
        elsewhere = {
            "committee": make_risk_committee(self.other_org),
            "appetite_category": make_appetite_category(self.other_org),
            "elements": [make_element(make_strategy(self.other_org))],
            "metrics": [make_metric(self.other_org, self.outsider)],
        }
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(self.governance, self.org, **self.values(**elsewhere))
        assert set(elsewhere) <= set(caught.exception.message_dict)

    def test_a_risk_needs_a_title_and_each_part_of_its_description(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(
                self.governance, self.org, **self.values(title=" ", cause="", event="", effect="")
            )
        errors = caught.exception.message_dict
        assert errors["title"] == ["Give the risk a title."]
        assert errors["cause"] == ["Describe the cause: If we do not ..."]
        assert {"event", "effect"} <= set(errors)

    def test_a_risk_must_link_to_at_least_one_objective(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(self.governance, self.org, **self.values(elements=[]))
        assert "at least one strategic objective" in caught.exception.message_dict["elements"][0]

    def test_ratings_outside_one_to_five_are_refused_by_name(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(
                self.governance,
                self.org,
                **self.values(current_likelihood=6, target_consequence=0),
            )
        errors = caught.exception.message_dict
        assert "from 1 to 5" in errors["current_likelihood"][0]
        assert "from 1 to 5" in errors["target_consequence"][0]
        assert not StrategicRisk.objects.exists()

    def test_the_target_cannot_be_above_the_inherent_score(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(
                self.governance,
                self.org,
                **self.values(inherent_likelihood=2, inherent_consequence=2, current_likelihood=1),
            )
        assert "above the inherent score" in caught.exception.message_dict["target_likelihood"][0]

    def test_the_current_score_cannot_be_above_the_inherent_score(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(
                self.governance, self.org, **self.values(inherent_likelihood=2)
            )
        assert "above the inherent score" in caught.exception.message_dict["current_likelihood"][0]

    def test_a_current_score_below_its_target_is_allowed(self) -> None:
        risk = services.create_strategic_risk(
            self.governance, self.org, **self.values(current_likelihood=1, current_consequence=1)
        )
        assert risk.current_score < risk.target_score

    def test_the_next_review_must_follow_the_last(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_strategic_risk(
                self.governance,
                self.org,
                **self.values(
                    last_reviewed_on=datetime.date(2025, 5, 1),
                    next_review_on=datetime.date(2025, 4, 1),
                ),
            )
        assert "next_review_on" in caught.exception.message_dict


class UpdatingRisks(RiskTestCase):
    def setUp(self) -> None:
        self.risk = make_strategic_risk(self.org, self.executive, element=self.element)

    def test_the_executive_lead_updates_their_own_risk_and_it_is_regraded(self) -> None:
        risk = services.update_strategic_risk(
            self.executive, self.risk, "New controls", current_likelihood=2
        )
        assert (risk.current_score, risk.current_band) == (8, "High")
        entry = AuditEntry.objects.get(object_uuid=risk.uuid, action=AuditEntry.Action.UPDATE)
        assert entry.changes["current_score"] == [16, 8]
        assert entry.reason == "New controls"

    def test_another_executive_cannot_change_a_risk_they_do_not_lead(self) -> None:
        other = add_member(self.org, "ed", Role.EXECUTIVE_DIRECTOR)
        with self.assertRaises(PermissionDenied) as caught:
            services.update_strategic_risk(other, self.risk, title="Changed")
        assert "only the risks you lead" in str(caught.exception)
        assert StrategicRisk.objects.get(pk=self.risk.pk).title != "Changed"

    def test_board_members_and_other_roles_cannot_change_a_risk(self) -> None:
        for user in (self.chair, self.ned, self.analyst, self.staff, self.manager, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.update_strategic_risk(user, self.risk, title="Changed")

    def test_a_governance_officer_changes_any_risk_including_its_lead(self) -> None:
        other = add_member(self.org, "ed", Role.EXECUTIVE_DIRECTOR)
        risk = services.update_strategic_risk(self.governance, self.risk, executive_lead=other)
        assert risk.executive_lead == other

    def test_an_executive_cannot_hand_their_risk_to_someone_else(self) -> None:
        other = add_member(self.org, "ed", Role.EXECUTIVE_DIRECTOR)
        with self.assertRaises(PermissionDenied):
            services.update_strategic_risk(self.executive, self.risk, executive_lead=other)

    def test_changing_linked_objectives_and_metrics_is_audited(self) -> None:
        second = make_element(self.element.strategy, title="Be a great place to work")
        metric = make_metric(self.org, self.executive)
        services.update_strategic_risk(
            self.governance, self.risk, elements=[second], metrics=[metric]
        )
        entry = AuditEntry.objects.get(object_uuid=self.risk.uuid)
        assert entry.changes["elements"] == [
            [f"{self.element} ({self.element.uuid})"],
            [f"{second} ({second.uuid})"],
        ]
        assert entry.changes["metrics"][1] == [f"{metric} ({metric.uuid})"]

    def test_a_refused_change_leaves_the_stored_risk_as_it_was(self) -> None:
        with self.assertRaises(ValidationError):
            services.update_strategic_risk(
                self.governance, self.risk, title="", current_likelihood=9
            )
        stored = StrategicRisk.objects.get(pk=self.risk.pk)
        assert (stored.title, stored.current_likelihood) == (self.risk.title, 4)
        assert not AuditEntry.objects.filter(object_uuid=self.risk.uuid).exists()

    def test_a_reference_cannot_be_changed_to_one_already_used(self) -> None:
        make_strategic_risk(self.org, self.executive, reference="SR9")
        with self.assertRaises(ValidationError) as caught:
            services.update_strategic_risk(self.governance, self.risk, reference="sr9")
        assert "already used" in caught.exception.message_dict["reference"][0]

    def test_unknown_fields_are_a_programming_error(self) -> None:
        with self.assertRaises(ValueError):
            services.update_strategic_risk(self.governance, self.risk, current_score=1)

    def test_may_edit_risk_answers_for_each_persona(self) -> None:
        allowed = {self.admin, self.governance, self.executive}
        for user in (self.admin, self.chair, self.executive, self.analyst, self.governance):
            with self.subTest(user=user.username):
                assert services.may_edit_risk(user, self.risk) == (user in allowed)
        assert not services.may_edit_risk(self.outsider, self.risk)


class ClosingAndMerging(RiskTestCase):
    def setUp(self) -> None:
        self.risk = make_strategic_risk(self.org, self.executive, element=self.element)
        self.other = make_strategic_risk(self.org, self.executive, element=self.element)

    def test_a_governance_officer_closes_a_risk_with_a_reason(self) -> None:
        risk = services.close_strategic_risk(self.governance, self.risk, "Risk has passed")
        assert risk.status == RiskStatus.CLOSED
        entry = AuditEntry.objects.get(object_uuid=risk.uuid)
        assert entry.changes["status"] == ["open", "closed"]
        assert entry.reason == "Risk has passed"

    def test_closing_needs_a_reason_and_an_open_risk(self) -> None:
        with self.assertRaises(ValidationError):
            services.close_strategic_risk(self.governance, self.risk, " ")
        services.close_strategic_risk(self.governance, self.risk, "Passed")
        with self.assertRaises(ValidationError) as caught:
            services.close_strategic_risk(self.governance, self.risk, "Again")
        assert "is closed" in caught.exception.messages[0]

    def test_the_executive_lead_cannot_close_or_merge_their_own_risk(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.close_strategic_risk(self.executive, self.risk, "Done")
        with self.assertRaises(PermissionDenied):
            services.merge_strategic_risk(self.executive, self.risk, self.other, "Overlap")

    def test_merging_moves_the_feeding_operational_risks_to_the_surviving_risk(self) -> None:
        feeder = make_operational_risk(self.org, self.staff, strategic_risk=self.risk)
        risk = services.merge_strategic_risk(self.governance, self.risk, self.other, "Overlap")
        assert (risk.status, risk.merged_into) == (RiskStatus.MERGED, self.other)
        assert OperationalRisk.objects.get(pk=feeder.pk).strategic_risk == self.other
        assert AuditEntry.objects.filter(object_uuid=feeder.uuid).exists()

    def test_a_risk_cannot_be_merged_into_itself(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.merge_strategic_risk(self.governance, self.risk, self.risk, "Oops")
        assert "into itself" in caught.exception.message_dict["merged_into"][0]

    def test_a_risk_can_be_merged_only_into_an_open_risk_of_its_organisation(self) -> None:
        services.close_strategic_risk(self.governance, self.other, "Passed")
        with self.assertRaises(ValidationError) as caught:
            services.merge_strategic_risk(self.governance, self.risk, self.other, "Overlap")
        assert "not open" in caught.exception.message_dict["merged_into"][0]
        other_exec = add_member(self.other_org, "oscar", Role.EXECUTIVE_DIRECTOR)
        foreign = make_strategic_risk(self.other_org, other_exec)
        with self.assertRaises(ValidationError):
            services.merge_strategic_risk(self.governance, self.risk, foreign, "Overlap")
        assert StrategicRisk.objects.get(pk=self.risk.pk).status == RiskStatus.OPEN


class RecordingReviews(RiskTestCase):
    def setUp(self) -> None:
        self.risk = make_strategic_risk(self.org, self.executive, element=self.element)

    def review(self, actor: User | None, **kw: Any) -> RiskReview:
        values: dict[str, Any] = {
            "reviewed_on": TODAY - datetime.timedelta(days=1),
            "likelihood": 3,
            "consequence": 4,
            "rationale": "Recruitment campaign has filled 40 posts.",
            "committee": self.committee,
        }
        values.update(kw)
        return services.record_review(actor, self.risk, **values)

    def test_a_review_sets_the_current_score_and_last_review_date(self) -> None:
        next_review = TODAY + datetime.timedelta(days=90)
        review = self.review(self.executive, next_review_on=next_review)
        assert (review.score, review.band, review.reviewer) == (12, "High", self.executive)
        risk = StrategicRisk.objects.get(pk=self.risk.pk)
        assert (risk.current_likelihood, risk.current_consequence) == (3, 4)
        assert (risk.current_score, risk.current_band) == (12, "High")
        assert risk.last_reviewed_on == review.reviewed_on
        assert risk.next_review_on == next_review

    def test_a_review_and_the_change_it_makes_are_both_audited(self) -> None:
        review = self.review(self.governance)
        assert AuditEntry.objects.get(object_uuid=review.uuid).action == "create"
        entry = AuditEntry.objects.get(object_uuid=self.risk.uuid)
        assert entry.changes["current_score"] == [16, 12]

    def test_an_older_review_fills_history_without_moving_the_current_score(self) -> None:
        self.review(self.executive)
        self.review(self.executive, reviewed_on=TODAY - datetime.timedelta(days=100), likelihood=4)
        risk = StrategicRisk.objects.get(pk=self.risk.pk)
        assert risk.current_score == 12
        assert risk.last_reviewed_on == TODAY - datetime.timedelta(days=1)
        assert risk.reviews.count() == 2

    def test_a_review_older_than_the_recorded_last_review_only_adds_history(self) -> None:
        # An imported risk may carry its last review date without the review itself.
        self.risk.last_reviewed_on = TODAY - datetime.timedelta(days=10)
        self.risk.save()
        self.review(self.executive, reviewed_on=TODAY - datetime.timedelta(days=20))
        risk = StrategicRisk.objects.get(pk=self.risk.pk)
        assert (risk.current_score, risk.last_reviewed_on) == (16, self.risk.last_reviewed_on)

    def test_only_the_lead_and_governance_may_review(self) -> None:
        other = add_member(self.org, "ed", Role.EXECUTIVE_DIRECTOR)
        for user in (other, self.chair, self.ned, self.analyst, self.staff, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.review(user)
        assert not RiskReview.objects.exists()

    def test_a_review_needs_a_rationale_a_past_date_and_sound_ratings(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.review(
                self.governance,
                rationale="",
                reviewed_on=TODAY + datetime.timedelta(days=1),
                consequence=7,
            )
        assert {"rationale", "reviewed_on", "consequence"} <= set(caught.exception.message_dict)

    def test_a_review_cannot_score_above_the_inherent_score(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.review(self.governance, likelihood=5, consequence=5)
        assert "inherent" in caught.exception.message_dict["likelihood"][0]

    def test_a_review_committee_must_be_the_trusts_own(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.review(self.governance, committee=make_risk_committee(self.other_org))
        assert "committee" in caught.exception.message_dict

    def test_a_closed_risk_is_not_reviewed(self) -> None:
        services.close_strategic_risk(self.governance, self.risk, "Passed")
        with self.assertRaises(ValidationError):
            self.review(self.governance)

    def test_the_system_records_reviews_in_the_leads_name(self) -> None:
        review = self.review(None)
        assert review.reviewer == self.executive

    def test_a_review_may_name_another_member_as_its_reviewer(self) -> None:
        review = self.review(self.governance, reviewer=self.chair)
        assert review.reviewer == self.chair
        assert AuditEntry.objects.get(object_uuid=review.uuid).actor == self.governance

    def test_the_system_may_name_the_reviewer_too(self) -> None:
        assert self.review(None, reviewer=self.governance).reviewer == self.governance

    def test_a_reviewer_from_outside_the_trust_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.review(self.governance, reviewer=self.outsider)
        assert "not a member of" in caught.exception.message_dict["reviewer"][0]
        assert not RiskReview.objects.exists()
        assert StrategicRisk.objects.get(pk=self.risk.pk).current_score == 16
