"""Importing a BAF workbook: all of it, through the services and audited, or none of it.

The workbook is read and checked first (`exchange_read`); then every name in it is looked
up in the organisation: people by username or email (a cell may read "Name (username)"),
committees and appetite categories by name, objectives by the title of an element of
the strategy in force (the approved strategy for today, or failing that the newest),
metrics by code. Only when all of that is sound are the services called, inside one
transaction; any refusal from them is collected with the rest and the whole import is
rolled back, so a bad file changes nothing.

What an import does with each risk on the BAF sheet, found by its reference:

* a new reference makes a new risk; a known one updates that risk;
* its controls, gaps in control, assurances, gaps in assurance and actions become those
  on the long sheets: ones already recorded are kept (and updated), others are added,
  and ones no longer listed are removed (each change audited);
* reviews on the Reviews sheet that are not yet recorded are added, oldest first, in the
  name of the reviewer the row gives (a member of the organisation), or of the importer
  when the Reviewer cell is empty; reviews are history, so none is ever removed;
* the BAF sheet's current position and review dates are applied last, so they win;
* a risk marked Closed or Merged is closed or merged; an import never reopens one.

Risks that are not on the BAF sheet are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.audit.models import AuditEntry
from lodestar.core.models import Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.risk import control_services as parts
from lodestar.risk import services
from lodestar.risk.exchange import (
    ACTIONS,
    ASSURANCE_GAPS,
    ASSURANCES,
    BAF,
    CONTROLS,
    MAX_BYTES,
    REVIEWS,
    SHEETS,
    BafFileError,
    Problem,
)
from lodestar.risk.exchange_check import Checker, Lookups, Plan, key, plans_of
from lodestar.risk.exchange_read import Row, read_workbook
from lodestar.risk.models import (
    Assurance,
    AssuranceGap,
    Control,
    RiskAction,
    RiskStatus,
    StrategicRisk,
)

if TYPE_CHECKING:
    from lodestar.accounts.models import User

T = TypeVar("T")
P = TypeVar("P", Control, Assurance, AssuranceGap, RiskAction)
_REASON = "Imported from a BAF workbook"
# Fields the services name that are not columns of the same name.
_FIELD_HEADINGS = {"elements": "Linked objectives", "metrics": "Linked metrics"}


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        risks = "risk" if len(self.created) == 1 else "risks"
        return (
            f"BAF imported: {len(self.created)} {risks} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged."
        )


# --- Applying --------------------------------------------------------------------------


class _RollbackError(Exception):
    """Raised inside the transaction to undo everything when any service refused."""


def _heading(sheet: str, name: str) -> str:
    spec = next(s for s in SHEETS if s.name == sheet)
    column = next((c for c in spec.columns if c.key == name), None)
    if column is not None:
        return column.heading
    return _FIELD_HEADINGS.get(name, "" if name == "__all__" else name.replace("_", " "))


class _Applier:
    def __init__(self, actor: User | None, lookups: Lookups) -> None:
        self.actor = actor
        self.lookups = lookups
        self.problems: list[Problem] = []
        self.result = ImportResult()

    def attempt(self, row: Row, call: Callable[[], T]) -> T | None:
        """Call a service; a refusal becomes a problem on `row` instead of stopping."""
        try:
            return call()
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for name, messages in e.message_dict.items():
                    heading = _heading(row.sheet, name)
                    self.problems += [row.problem(heading, m.rstrip(".")) for m in messages]
            else:
                self.problems += [row.problem("", m.rstrip(".")) for m in e.messages]
            return None

    def risk(self, plan: Plan) -> StrategicRisk | None:
        existing = self.lookups.risks.get(key(plan.reference))
        links: dict[str, Any] = {"elements": plan.elements, "metrics": plan.metrics}
        if existing is None:
            created = self.attempt(
                plan.row,
                lambda: services.create_strategic_risk(
                    self.actor,
                    self.lookups.organisation,
                    reference=plan.reference,
                    **links,
                    **plan.values,
                ),
            )
            if created is not None:
                self.result.created.append(created.reference)
            return created
        if existing.status != RiskStatus.OPEN and plan.status == RiskStatus.OPEN:
            message = (
                f"{existing.reference} is {existing.status} in Lodestar; "
                "an import cannot reopen a risk"
            )
            self.problems.append(plan.row.problem("Status", message))
            return None
        return self.attempt(
            plan.row,
            lambda: services.update_strategic_risk(
                self.actor, existing, _REASON, **links, **plan.values
            ),
        )

    def parts(self, risk: StrategicRisk, plan: Plan) -> None:
        """Make the risk's controls, assurances, gaps and actions those of the long sheets."""
        actor, rows, owner = self.actor, plan.parts, plan.row
        _, added, gone = _pair(rows[CONTROLS.name], list(risk.controls.all()), _same_control)
        for row in added:
            self.attempt(row, _call(parts.add_control, actor, risk, **_values(row)))
        for control in gone:
            self.attempt(owner, _call(parts.delete_control, actor, control, _REASON))
        assurances = _pair(rows[ASSURANCES.name], list(risk.assurances.all()), _same_assurance)
        for row, assurance in assurances[0]:
            if changes := _changed(assurance, _values(row)):
                self.attempt(row, _call(parts.update_assurance, actor, assurance, **changes))
        for row in assurances[1]:
            self.attempt(row, _call(parts.add_assurance, actor, risk, **_values(row)))
        for assurance in assurances[2]:
            self.attempt(owner, _call(parts.delete_assurance, actor, assurance, _REASON))
        gaps = _pair(rows[ASSURANCE_GAPS.name], list(risk.assurance_gaps.all()), _same_description)
        for row in gaps[1]:
            self.attempt(row, _call(parts.add_assurance_gap, actor, risk, **_values(row)))
        for gap in gaps[2]:
            self.attempt(owner, _call(parts.delete_assurance_gap, actor, gap, _REASON))
        self.actions(risk, plan)

    def actions(self, risk: StrategicRisk, plan: Plan) -> None:
        actor = self.actor
        kept, added, gone = _pair(
            plan.parts[ACTIONS.name], list(risk.actions.all()), _same_description
        )
        for row, action in kept:
            values = _values(row, "completed_on")
            if changes := _changed(action, values):
                self.attempt(row, _call(parts.update_action, actor, action, **changes))
            self._complete(row, action)
        for row in added:
            made = self.attempt(
                row, _call(parts.add_action, actor, risk, **_values(row, "completed_on"))
            )
            if made is not None:
                self._complete(row, made)
        for action in gone:
            self.attempt(plan.row, _call(parts.delete_action, actor, action, _REASON))

    def _complete(self, row: Row, action: RiskAction) -> None:
        on = row.values.get("completed_on")
        if action.completed_on != on:
            self.attempt(row, _call(parts.complete_action, self.actor, action, on, _REASON))

    def reviews(self, risk: StrategicRisk, plan: Plan) -> None:
        """Add the reviews not yet on record, oldest first; never remove history."""
        known = {(r.reviewed_on, r.likelihood, r.consequence) for r in risk.reviews.all()}
        rows = sorted(plan.parts[REVIEWS.name], key=lambda r: r.values["reviewed_on"])
        for row in rows:
            v = row.values
            if (v["reviewed_on"], v["likelihood"], v["consequence"]) in known:
                continue
            self.attempt(row, _call(services.record_review, self.actor, risk, **_values(row)))

    def settle(self, risk: StrategicRisk, plan: Plan) -> None:
        """The BAF sheet's current position and review dates win over the reviews'."""
        risk.refresh_from_db()
        final = {
            name: plan.values[name]
            for name in (
                "current_likelihood",
                "current_consequence",
                "last_reviewed_on",
                "next_review_on",
            )
        }
        if any(getattr(risk, name) != value for name, value in final.items()):
            self.attempt(
                plan.row,
                lambda: services.update_strategic_risk(self.actor, risk, _REASON, **final),
            )

    def status(self, risk: StrategicRisk, plan: Plan, done: dict[str, StrategicRisk]) -> None:
        risk.refresh_from_db()
        if risk.status != RiskStatus.OPEN or plan.status == RiskStatus.OPEN:
            return
        if plan.status == RiskStatus.CLOSED:
            self.attempt(
                plan.row, lambda: services.close_strategic_risk(self.actor, risk, _REASON)
            )
            return
        into = done.get(key(plan.merged_into)) or self.lookups.risks[key(plan.merged_into)]
        self.attempt(
            plan.row,
            lambda: services.merge_strategic_risk(self.actor, risk, into, _REASON),
        )

    def _entries(self) -> int:
        return AuditEntry.objects.filter(organisation=self.lookups.organisation).count()

    def apply(self, plans: list[Plan]) -> None:
        done: dict[str, StrategicRisk] = {}
        # A risk changed if its steps wrote to the audit trail; rewriting what is already
        # recorded writes nothing, so importing the same workbook twice changes nothing.
        changed: set[str] = set()
        for plan in plans:
            before = self._entries()
            risk = self.risk(plan)
            if risk is None:
                continue  # its parts would only repeat the problem
            self.parts(risk, plan)
            self.reviews(risk, plan)
            self.settle(risk, plan)
            done[key(risk.reference)] = risk
            if self._entries() != before:
                changed.add(risk.reference)
        # Merges last, so a risk can be merged into one further down the sheet.
        for plan in sorted(plans, key=lambda p: p.status == RiskStatus.MERGED):
            if (risk := done.get(key(plan.reference))) is not None:
                before = self._entries()
                self.status(risk, plan, done)
                if self._entries() != before:
                    changed.add(risk.reference)
        for risk in done.values():
            if risk.reference in self.result.created:
                continue
            kind = self.result.updated if risk.reference in changed else self.result.unchanged
            kind.append(risk.reference)


def _call(function: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
    return lambda: function(*args, **kwargs)


# What an empty optional cell means: the text is cleared.
_BLANKS: dict[str, dict[str, Any]] = {
    ASSURANCES.name: {"description": "", "document": "", "document_url": ""},
}


def _values(row: Row, *leave_out: str) -> dict[str, Any]:
    """A long-sheet row's values as a service takes them (without its risk reference)."""
    values = _BLANKS.get(row.sheet, {}) | row.values
    return {k: v for k, v in values.items() if k != "risk" and k not in leave_out}


def _pair(
    rows: list[Row], existing: list[P], same: Callable[[P, Row], bool]
) -> tuple[list[tuple[Row, P]], list[Row], list[P]]:
    """Match rows to recorded parts: (row, part) pairs, rows to add, parts to remove."""
    left = list(existing)
    kept: list[tuple[Row, P]] = []
    added: list[Row] = []
    for row in rows:
        match = next((item for item in left if same(item, row)), None)
        if match is None:
            added.append(row)
        else:
            left.remove(match)
            kept.append((row, match))
    return kept, added, left


def _same_control(control: Control, row: Row) -> bool:
    return control.kind == row.values["kind"] and key(control.description) == key(
        row.values["description"]
    )


def _same_assurance(assurance: Assurance, row: Row) -> bool:
    v = row.values
    return (assurance.line, key(assurance.source), assurance.dated) == (
        v["line"],
        key(v["source"]),
        v["dated"],
    )


def _same_description(part: AssuranceGap | RiskAction, row: Row) -> bool:
    return key(part.description) == key(row.values["description"])


def _changed(instance: object, values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(instance, name) != value}


# --- The whole import ------------------------------------------------------------------


def _in_order(problems: list[Problem]) -> list[Problem]:
    order = {sheet.name: n for n, sheet in enumerate(SHEETS, start=1)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, 0), p.row or 0))


def import_baf(actor: User | None, organisation: Organisation, content: bytes) -> ImportResult:
    """Create or update the BAF a workbook describes, or raise BafFileError changing nothing.

    `actor` is None for the system; a person needs MANAGE_RISKS.
    """
    if actor is not None:
        require(actor, organisation, Capability.MANAGE_RISKS)
    if len(content) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise BafFileError([Problem("", None, "", f"the file is larger than {limit} MB")])
    book = read_workbook(content)
    if len(book.rows) < len(SHEETS):
        raise BafFileError(_in_order(book.problems))
    checker = Checker(Lookups.of(organisation, timezone.localdate()))
    plans = plans_of(book.rows, checker)
    problems = book.problems + checker.problems
    if not book.rows[BAF.name] and not problems:
        problems.append(Problem(BAF.name, None, "", "has no risks to import"))
    if problems:
        raise BafFileError(_in_order(problems))
    applier = _Applier(actor, checker.lookups)
    try:
        with transaction.atomic():
            applier.apply(plans)
            if applier.problems:
                raise _RollbackError
    except _RollbackError:
        raise BafFileError(_in_order(applier.problems)) from None
    return applier.result
