"""The BRAG rule and how progress rolls up: milestones → deliverable → element → strategy.

Pure Python over plain values, with no Django, so the rules can be tested exhaustively
without a database and reused by the pages, the API, imports and the strategy check.

A deliverable's status is the status of its latest update (the newest period, and the
newest report within it, since a later report for the same period corrects an earlier
one). Higher up, an element or a strategy shows the *worst* status of the deliverables
under it: a board needs to see the red, not an average that hides it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """The values of `lodestar.delivery.models.Brag`, without Django."""

    BLUE = "blue"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


# Worst first: the order in which a roll-up looks for the status to show.
SEVERITY: dict[Status, int] = {Status.RED: 3, Status.AMBER: 2, Status.GREEN: 1, Status.BLUE: 0}


def worst(statuses: Iterable[Status | None]) -> Status | None:
    """The most severe reported status; None when nothing has been reported."""
    reported = [s for s in statuses if s is not None]
    if not reported:
        return None
    return max(reported, key=SEVERITY.__getitem__)


@dataclass(frozen=True)
class BlueRule:
    """An organisation's rule for blue (DeliverySettings)."""

    needs_evidence: bool = True
    needs_milestones_complete: bool = True


def blue_refusals(
    status: Status,
    rule: BlueRule,
    *,
    has_evidence: bool,
    incomplete_milestones: Sequence[str] = (),
) -> list[str]:
    """Why `status` may not be reported: one message per thing missing; [] if it may."""
    if status is not Status.BLUE:
        return []
    problems: list[str] = []
    if rule.needs_evidence and not has_evidence:
        problems.append(
            "Blue means complete and evidenced: attach a file or a link as evidence, "
            "or choose another status."
        )
    if rule.needs_milestones_complete and incomplete_milestones:
        count = len(incomplete_milestones)
        names = "; ".join(incomplete_milestones)
        noun = "milestone is" if count == 1 else "milestones are"
        problems.append(
            f"Blue means complete, but {count} {noun} not complete yet: {names}. "
            "Mark them complete first, or choose another status."
        )
    return problems


@dataclass(frozen=True)
class MilestoneFacts:
    due_date: datetime.date
    completed_on: datetime.date | None = None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.completed_on is None and self.due_date < today


@dataclass(frozen=True)
class DeliverableFacts:
    milestones: tuple[MilestoneFacts, ...] = ()
    latest_status: Status | None = None
    completed_on: datetime.date | None = None


@dataclass(frozen=True)
class Progress:
    """Progress of one deliverable, or the sum of several.

    `complete` is the sum, over deliverables whose completion can be measured, of the
    fraction done; `measured` counts them. Each deliverable weighs the same, so a large
    programme and a small project count equally in an element's percentage.
    """

    status: Status | None = None
    deliverables: int = 0
    reported: int = 0
    measured: int = 0
    complete: float = 0.0
    milestones: int = 0
    milestones_complete: int = 0
    overdue_milestones: int = 0

    @property
    def percent(self) -> int | None:
        """Percent complete, or None when nothing beneath can be measured."""
        if not self.measured:
            return None
        return round(100 * self.complete / self.measured)

    @property
    def unreported(self) -> int:
        return self.deliverables - self.reported


def deliverable_progress(facts: DeliverableFacts, today: datetime.date) -> Progress:
    """A deliverable is done when it is marked complete or reported blue; otherwise its
    milestones say how far it has come. Without milestones it cannot be measured."""
    total = len(facts.milestones)
    done = sum(1 for m in facts.milestones if m.completed_on is not None)
    finished = facts.completed_on is not None or facts.latest_status is Status.BLUE
    fraction: float | None
    if finished:
        fraction = 1.0
    elif total:
        fraction = done / total
    else:
        fraction = None
    return Progress(
        status=facts.latest_status,
        deliverables=1,
        reported=int(facts.latest_status is not None),
        measured=int(fraction is not None),
        complete=fraction or 0.0,
        milestones=total,
        milestones_complete=done,
        overdue_milestones=sum(1 for m in facts.milestones if m.is_overdue(today)),
    )


def roll_up(children: Iterable[Progress]) -> Progress:
    """Deliverables to an element, or elements to a strategy: counts add, status is worst."""
    items = list(children)
    return Progress(
        status=worst(child.status for child in items),
        deliverables=sum(child.deliverables for child in items),
        reported=sum(child.reported for child in items),
        measured=sum(child.measured for child in items),
        complete=sum(child.complete for child in items),
        milestones=sum(child.milestones for child in items),
        milestones_complete=sum(child.milestones_complete for child in items),
        overdue_milestones=sum(child.overdue_milestones for child in items),
    )
