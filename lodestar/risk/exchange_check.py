"""Checking a BAF workbook's names against the organisation, before anything changes.

People are found by username or email (a cell may read "Name (username)", as the export
writes them), committees and appetite categories by name, objectives by the title of an
element of the strategy in force (the approved strategy for today, or failing that the
organisation's newest), metrics by code and risks by reference; all without regard to
case or repeated spaces. Each name that matches nothing is a `Problem` on its row.
The result is a `Plan` per risk: what `exchange_import` will ask the services to do.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from lodestar.core.models import Membership, Organisation
from lodestar.governance.models import Committee
from lodestar.performance.models import Metric
from lodestar.risk import services
from lodestar.risk.exchange import ACTIONS, BAF, REVIEWS, SHEETS, Problem
from lodestar.risk.exchange_read import Row
from lodestar.risk.models import AppetiteCategory, RiskStatus, StrategicRisk
from lodestar.strategy.models import Element, Strategy

if TYPE_CHECKING:
    from lodestar.accounts.models import User

T = TypeVar("T")
_RISK_FIELDS = (
    "title",
    "cause",
    "event",
    "effect",
    *services.RATING_FIELDS,
    "target_date",
    "last_reviewed_on",
    "next_review_on",
)


# --- Looking names up ------------------------------------------------------------------


def current_strategy(organisation: Organisation, today: datetime.date) -> Strategy | None:
    """The strategy whose objectives a workbook names: the one in force, else the newest."""
    return Strategy.objects.current_for(organisation, today) or (
        Strategy.objects.filter(organisation=organisation)
        .order_by("-start_year", "-version", "-pk")
        .first()
    )


def key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).casefold()


@dataclass
class Lookups:
    organisation: Organisation
    people: dict[str, User]
    committees: dict[str, Committee]
    categories: dict[str, AppetiteCategory]
    objectives: dict[str, list[Element]]
    strategy: Strategy | None
    metrics: dict[str, Metric]
    risks: dict[str, StrategicRisk]

    @classmethod
    def of(cls, organisation: Organisation, today: datetime.date) -> Lookups:
        people: dict[str, User] = {}
        for membership in Membership.objects.filter(organisation=organisation).select_related(
            "user"
        ):
            user = membership.user
            people[key(user.username)] = user
            if user.email:
                people.setdefault(key(user.email), user)
        strategy = current_strategy(organisation, today)
        objectives: dict[str, list[Element]] = defaultdict(list)
        if strategy is not None:
            for element in strategy.elements.all():
                objectives[key(element.title)].append(element)
        org = {"organisation": organisation}
        return cls(
            organisation=organisation,
            people=people,
            committees={key(c.name): c for c in Committee.objects.filter(**org)},
            categories={key(c.name): c for c in AppetiteCategory.objects.filter(**org)},
            objectives=dict(objectives),
            strategy=strategy,
            metrics={key(m.code): m for m in Metric.objects.filter(**org)},
            risks={key(r.reference): r for r in StrategicRisk.objects.filter(**org)},
        )

    def person(self, text: str) -> User | None:
        named = re.search(r"\(([^()]+)\)\s*$", text)
        found = self.people.get(key(named[1])) if named else None
        return found or self.people.get(key(text))

    def objective(self, title: str) -> Element | str:
        """The element with this title, or why there is none."""
        found = self.objectives.get(key(title), [])
        if len(found) == 1:
            return found[0]
        if self.strategy is None:
            return f"{self.organisation.name} has no strategy, so no objective called {title}"
        if not found:
            return f"{title} is not an objective of {self.strategy}"
        return f"{self.strategy} has {len(found)} objectives called {title}; rename one"


# --- Checking the rows against the organisation ----------------------------------------


@dataclass
class Plan:
    """One BAF row, resolved: what the services will be asked to do for this risk."""

    row: Row
    reference: str
    values: dict[str, Any]
    elements: list[Element]
    metrics: list[Metric]
    status: str
    merged_into: str
    parts: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))


class Checker:
    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.problems: list[Problem] = []

    def _name(self, row: Row, heading: str, text: str, table: dict[str, T], what: str) -> T | None:
        found = table.get(key(text))
        # A blank cell was reported when the sheet was read.
        if found is None and text:
            org = self.lookups.organisation.name
            self.problems.append(row.problem(heading, f"{text} is not {what} of {org}"))
        return found

    def person(self, row: Row, heading: str, text: str) -> User | None:
        found = self.lookups.person(text)
        if found is None and text:
            org = self.lookups.organisation.name
            message = f"{text} is not a member of {org}; give a username or email address"
            self.problems.append(row.problem(heading, message))
        return found

    def plan(self, row: Row) -> Plan:
        v = row.values
        elements = []
        for title in v.get("objectives", []):
            found = self.lookups.objective(title)
            if isinstance(found, str):
                self.problems.append(row.problem("Linked objectives", found))
            else:
                elements.append(found)
        metrics = [
            m
            for code in v.get("metrics", [])
            if (m := self._name(row, "Linked metrics", code, self.lookups.metrics, "a metric"))
        ]
        values = {name: v.get(name) for name in _RISK_FIELDS}
        values["illustrative"] = bool(v.get("illustrative", False))
        values["executive_lead"] = self.person(row, "Executive lead", v.get("executive_lead", ""))
        values["committee"] = self._name(
            row, "Committee", v.get("committee", ""), self.lookups.committees, "a committee"
        )
        values["appetite_category"] = self._name(
            row,
            "Appetite category",
            v.get("appetite_category", ""),
            self.lookups.categories,
            "an appetite category",
        )
        return Plan(
            row=row,
            reference=v.get("reference", ""),
            values=values,
            elements=elements,
            metrics=metrics,
            status=v.get("status", RiskStatus.OPEN),
            merged_into=v.get("merged_into", ""),
        )

    def part(self, row: Row) -> None:
        """Resolve the names in a row of a long sheet, in place."""
        if row.sheet == ACTIONS.name and "owner" in row.values:
            row.values["owner"] = self.person(row, "Owner", row.values["owner"])
        if row.sheet == REVIEWS.name and "reviewer" in row.values:
            row.values["reviewer"] = self.person(row, "Reviewer", row.values["reviewer"])
        if row.sheet == REVIEWS.name and "committee" in row.values:
            row.values["committee"] = self._name(
                row, "Committee", row.values["committee"], self.lookups.committees, "a committee"
            )


def plans_of(rows: dict[str, list[Row]], checker: Checker) -> list[Plan]:
    """A plan per risk on the BAF sheet, each with the long sheets' rows for that risk."""
    plans: dict[str, Plan] = {}
    for row in rows[BAF.name]:
        plan = checker.plan(row)
        reference = key(plan.reference)
        if not reference:
            continue  # reported when the sheet was read
        if reference in plans:
            earlier = plans[reference].row.number
            message = f"{plan.reference} is also on row {earlier}; give each risk one row"
            checker.problems.append(row.problem("Reference", message))
            continue
        plans[reference] = plan
    _check_merges(plans, checker)
    for sheet in SHEETS[1:]:
        for row in rows[sheet.name]:
            owner = plans.get(key(row.values.get("risk", "")))
            if owner is None:
                message = f"{row.values.get('risk', '')} is not a risk on the BAF sheet"
                checker.problems.append(row.problem("Risk reference", message))
                continue
            checker.part(row)
            owner.parts[sheet.name].append(row)
    return list(plans.values())


def _check_merges(plans: dict[str, Plan], checker: Checker) -> None:
    """A merged risk must name the risk it went into, on the sheet or already recorded."""
    for plan in plans.values():
        target = key(plan.merged_into)
        if plan.status == RiskStatus.MERGED and not target:
            message = "say which risk it was merged into (its reference)"
            checker.problems.append(plan.row.problem("Merged into", message))
        elif target and target not in plans and target not in checker.lookups.risks:
            message = f"{plan.merged_into} is not a risk on the BAF sheet or in Lodestar"
            checker.problems.append(plan.row.problem("Merged into", message))
