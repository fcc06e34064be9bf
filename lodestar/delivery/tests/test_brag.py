"""The BRAG rule and the roll-up, tested without a database."""

from __future__ import annotations

import datetime
import itertools

from django.test import SimpleTestCase

from lodestar.delivery.brag import (
    BlueRule,
    DeliverableFacts,
    MilestoneFacts,
    Progress,
    Status,
    blue_refusals,
    deliverable_progress,
    roll_up,
    worst,
)
from lodestar.delivery.models import Brag

TODAY = datetime.date(2025, 5, 15)
DONE = MilestoneFacts(datetime.date(2025, 3, 31), completed_on=datetime.date(2025, 3, 30))
LATE = MilestoneFacts(datetime.date(2025, 4, 30))
AHEAD = MilestoneFacts(datetime.date(2025, 9, 30))


class BlueRuleTests(SimpleTestCase):
    def test_every_combination_of_status_rule_evidence_and_milestones(self) -> None:
        incomplete_options: list[tuple[str, ...]] = [(), ("Pilot live",), ("A", "B")]
        cases = itertools.product(
            Status, [True, False], [True, False], [True, False], incomplete_options
        )
        for status, needs_evidence, needs_done, has_evidence, incomplete in cases:
            rule = BlueRule(needs_evidence, needs_done)
            with self.subTest(
                status=status,
                rule=rule,
                has_evidence=has_evidence,
                incomplete=incomplete,
            ):
                refusals = blue_refusals(
                    status, rule, has_evidence=has_evidence, incomplete_milestones=incomplete
                )
                is_blue = status is Status.BLUE
                evidence_missing = is_blue and needs_evidence and not has_evidence
                milestones_open = is_blue and needs_done and bool(incomplete)
                self.assertEqual(len(refusals), evidence_missing + milestones_open)
                self.assertEqual(
                    any("evidence" in r for r in refusals), evidence_missing, refusals
                )
                self.assertEqual(
                    any("not complete yet" in r for r in refusals), milestones_open, refusals
                )
                for name in incomplete if milestones_open else ():
                    self.assertTrue(any(name in r for r in refusals))

    def test_the_message_counts_and_names_the_open_milestones(self) -> None:
        [message] = blue_refusals(
            Status.BLUE,
            BlueRule(needs_evidence=False),
            has_evidence=False,
            incomplete_milestones=["Pilot live", "Evaluation"],
        )
        self.assertIn("2 milestones are not complete yet: Pilot live; Evaluation.", message)

    def test_one_open_milestone_reads_in_the_singular(self) -> None:
        [message] = blue_refusals(
            Status.BLUE, BlueRule(), has_evidence=True, incomplete_milestones=["Pilot live"]
        )
        self.assertIn("1 milestone is not complete yet: Pilot live.", message)

    def test_the_default_rule_wants_evidence_and_every_milestone(self) -> None:
        self.assertEqual(BlueRule(), BlueRule(needs_evidence=True, needs_milestones_complete=True))


class WorstStatusTests(SimpleTestCase):
    def test_severity_runs_red_amber_green_blue(self) -> None:
        order = [Status.RED, Status.AMBER, Status.GREEN, Status.BLUE]
        for i, worse in enumerate(order):
            for better in order[i:]:
                with self.subTest(worse=worse, better=better):
                    self.assertIs(worst([better, worse]), worse)
                    self.assertIs(worst([worse, better, None]), worse)

    def test_every_set_of_statuses_shows_its_worst(self) -> None:
        rank = {Status.BLUE: 0, Status.GREEN: 1, Status.AMBER: 2, Status.RED: 3}
        for size in range(1, 5):
            for combination in itertools.combinations(Status, size):
                with self.subTest(statuses=combination):
                    self.assertIs(worst(combination), max(combination, key=rank.__getitem__))

    def test_nothing_reported_has_no_status(self) -> None:
        self.assertIsNone(worst([]))
        self.assertIsNone(worst([None, None]))

    def test_the_pure_statuses_match_the_models_choices(self) -> None:
        self.assertEqual([s.value for s in Status], list(Brag.values))


class DeliverableProgressTests(SimpleTestCase):
    def test_milestones_give_the_percentage_and_the_overdue_count(self) -> None:
        progress = deliverable_progress(
            DeliverableFacts(milestones=(DONE, LATE, AHEAD), latest_status=Status.AMBER), TODAY
        )
        self.assertEqual(progress.percent, 33)
        self.assertEqual((progress.milestones, progress.milestones_complete), (3, 1))
        self.assertEqual(progress.overdue_milestones, 1)
        self.assertIs(progress.status, Status.AMBER)

    def test_blue_or_marked_complete_counts_as_finished_whatever_the_milestones(self) -> None:
        blue = DeliverableFacts(milestones=(LATE,), latest_status=Status.BLUE)
        marked = DeliverableFacts(milestones=(LATE,), completed_on=TODAY)
        self.assertEqual(deliverable_progress(blue, TODAY).percent, 100)
        self.assertEqual(deliverable_progress(marked, TODAY).percent, 100)

    def test_without_milestones_progress_cannot_be_measured(self) -> None:
        progress = deliverable_progress(DeliverableFacts(latest_status=Status.GREEN), TODAY)
        self.assertIsNone(progress.percent)
        self.assertEqual(progress.reported, 1)

    def test_a_deliverable_nobody_reported_on_has_no_status(self) -> None:
        progress = deliverable_progress(DeliverableFacts(milestones=(AHEAD,)), TODAY)
        self.assertIsNone(progress.status)
        self.assertEqual(progress.unreported, 1)
        self.assertEqual(progress.percent, 0)

    def test_a_milestone_due_today_is_not_yet_overdue(self) -> None:
        self.assertFalse(MilestoneFacts(TODAY).is_overdue(TODAY))
        self.assertTrue(MilestoneFacts(TODAY).is_overdue(TODAY + datetime.timedelta(days=1)))


class RollUpTests(SimpleTestCase):
    def test_an_element_shows_the_worst_status_and_the_mean_of_its_deliverables(self) -> None:
        halfway = DeliverableFacts(milestones=(DONE, AHEAD), latest_status=Status.GREEN)
        late = DeliverableFacts(milestones=(LATE,), latest_status=Status.RED)
        unmeasured = DeliverableFacts(latest_status=Status.GREEN)
        element = roll_up(deliverable_progress(d, TODAY) for d in (halfway, late, unmeasured))
        self.assertIs(element.status, Status.RED)
        # (50% + 0%) / 2 measured deliverables; the one without milestones is left out.
        self.assertEqual(element.percent, 25)
        self.assertEqual((element.deliverables, element.measured), (3, 2))
        self.assertEqual(element.overdue_milestones, 1)

    def test_a_strategy_weighs_each_deliverable_equally_across_elements(self) -> None:
        done = deliverable_progress(DeliverableFacts(latest_status=Status.BLUE), TODAY)
        open_ = deliverable_progress(DeliverableFacts(milestones=(AHEAD,)), TODAY)
        one = roll_up([done])
        three = roll_up([open_, open_, open_])
        strategy = roll_up([one, three])
        self.assertEqual(strategy.percent, 25)
        self.assertIs(strategy.status, Status.BLUE)
        self.assertEqual(strategy.unreported, 3)

    def test_rolling_up_nothing_gives_an_empty_progress(self) -> None:
        self.assertEqual(roll_up([]), Progress())
        self.assertIsNone(Progress().percent)
