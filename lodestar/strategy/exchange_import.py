"""Saving a strategy file: every record checked, saved and audited, or none at all.

The importer goes through the whole file even after a problem, so that one attempt
lists everything that needs fixing; the transaction is then rolled back. A row whose
parent failed is skipped quietly: its parent's problem already names the cause.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from lodestar.core.models import Organisation
from lodestar.core.permissions import can
from lodestar.core.roles import Capability
from lodestar.strategy.exchange_context import ImportContext
from lodestar.strategy.exchange_plan import (
    import_alignment,
    import_deliverables,
    import_milestones,
    import_updates,
)
from lodestar.strategy.exchange_spec import (
    ELEMENTS,
    ENGAGEMENT,
    LEVELS,
    STRATEGY,
    VALUES,
    Document,
    Problem,
    Row,
    StrategyFileError,
)
from lodestar.strategy.models import Element, EngagementActivity, Strategy, Value

if TYPE_CHECKING:
    from lodestar.accounts.models import User

FIRST_YEAR, LAST_YEAR = 1990, 2100
# The strategy's own fields, saved as the file gives them.
_STRATEGY_FIELDS = (
    *("title", "kind", "start_year", "end_year", "status", "version", "approved_on"),
    *("vision", "mission", "purpose", "summary", "source_url", "illustrative"),
)
_ON_RECORD = {Strategy.Status.APPROVED, Strategy.Status.SUPERSEDED}


def _check_strategy(ctx: ImportContext, row: Row, values: dict[str, Any]) -> None:
    for field in ("start_year", "end_year"):
        if not FIRST_YEAR <= values[field] <= LAST_YEAR:
            ctx.add(row, field, f"enter a year from {FIRST_YEAR} to {LAST_YEAR}.")
    if values["status"] in _ON_RECORD:
        actor = ctx.actor
        if actor is not None and not can(actor, ctx.organisation, Capability.APPROVE_STRATEGY):
            ctx.add(
                row,
                "status",
                "only someone who may record the board's approval can import an approved "
                "strategy; set the status to draft to import it.",
            )
        for field in ("approved_by", "approved_on"):
            if not values[field]:
                ctx.add(row, field, "is required for an approved strategy.")
    same = Strategy.objects.in_organisation(ctx.organisation).filter(
        title=values["title"], version=values["version"]
    )
    if same.exists():
        ctx.add(
            row,
            "title",
            f"version {values['version']} of '{values['title']}' is here already; "
            "change the title or the version to import it as well.",
        )


def _joint_owners(ctx: ImportContext, row: Row, codes: list[str]) -> list[Organisation]:
    owners = []
    for code in codes:
        owner = Organisation.objects.filter(ods_code=code.upper()).first()
        if owner is None:
            ctx.add(row, "joint_owners", f"no organisation has the ODS code '{code}'.")
        else:
            owners.append(owner)
    return owners


def import_strategy_row(ctx: ImportContext) -> Strategy | None:
    raw = ctx.document.rows.get(STRATEGY.key, [])
    if not raw and STRATEGY.key not in ctx.document.broken:
        ctx.problems.append(
            Problem(
                "The file",
                "",
                "has no strategy in it: its Strategy sheet needs one row under the headings.",
            )
        )
    for extra in raw[1:]:
        ctx.add(extra, "", "a file holds one strategy; remove this row.")
    rows = list(ctx.rows(STRATEGY))
    if not rows or rows[0][0] is not raw[0]:
        return None
    row, values = rows[0]
    approved_by = ctx.committee(row, "approved_by", values["approved_by"])
    owners = _joint_owners(ctx, row, values["joint_owners"])
    _check_strategy(ctx, row, values)
    # Saved even after a problem above, so the rows under it are checked as well: the
    # problem already dooms the transaction, so nothing of it is kept.
    fields = {name: values[name] for name in _STRATEGY_FIELDS}
    strategy = Strategy(organisation=ctx.organisation, approved_by=approved_by, **fields)
    if not ctx.save(row, strategy):
        return None
    strategy.joint_owners.set(owners)
    return strategy


def import_values(ctx: ImportContext, strategy: Strategy) -> None:
    for order, (row, values) in enumerate(ctx.rows(VALUES)):
        mark = len(ctx.problems)
        ctx.check_lines(row, values, ("behaviours",))
        if not ctx.failed_since(mark):
            value = Value(organisation=ctx.organisation, strategy=strategy, order=order, **values)
            ctx.save(row, value)


def import_elements(ctx: ImportContext, strategy: Strategy) -> None:
    next_order: defaultdict[int, int] = defaultdict(int)
    for row, values in ctx.rows(ELEMENTS):
        mark = len(ctx.problems)
        ref = values.pop("ref")
        ctx.claim(row, "elements", ref)
        kind = ctx.kind(row, values.pop("kind"))
        lead = ctx.person(row, "executive_lead", values.pop("executive_lead"), executive=True)
        ctx.check_lines(row, values, ("statements", "outcomes", "indicators"))
        if ctx.failed_since(mark) or kind is None:
            continue
        element = Element(
            organisation=ctx.organisation,
            strategy=strategy,
            kind=kind,
            order=next_order[kind.pk],
            executive_lead=lead,
            **values,
        )
        next_order[kind.pk] += 1
        if ctx.save(row, element):
            ctx.elements[ref] = element


def import_engagement(ctx: ImportContext, strategy: Strategy) -> None:
    for row, values in ctx.rows(ENGAGEMENT):
        mark = len(ctx.problems)
        elements = [ctx.ref(row, "elements", "elements", ref) for ref in values.pop("elements")]
        if ctx.failed_since(mark) or None in elements:
            continue
        activity = EngagementActivity(organisation=ctx.organisation, strategy=strategy, **values)
        if ctx.save(row, activity):
            activity.elements.set(elements)


def _run(ctx: ImportContext) -> Strategy | None:
    strategy = import_strategy_row(ctx)
    if strategy is None:
        # Nothing can be saved under a strategy that failed, but every cell can still
        # be read, so that the next attempt has fewer surprises.
        for level in LEVELS[1:]:
            list(ctx.rows(level))
        return None
    import_values(ctx, strategy)
    import_elements(ctx, strategy)
    import_engagement(ctx, strategy)
    import_deliverables(ctx)
    import_milestones(ctx)
    import_updates(ctx)
    import_alignment(ctx)
    return strategy


def import_document(
    actor: User | None,
    organisation: Organisation,
    document: Document,
    problems: list[Problem],
    *,
    create_kinds: bool = False,
) -> Strategy:
    """Save the document's strategy, or raise StrategyFileError with every problem found.

    `problems` are those the reader found in the file's shape; the rows it could read
    are still checked, so that one attempt reports as much as possible.
    """
    if problems and not document.rows:
        raise StrategyFileError(problems)
    ctx = ImportContext(actor, organisation, document, create_kinds=create_kinds)
    ctx.problems += problems
    try:
        with transaction.atomic():
            strategy = _run(ctx)
            if ctx.problems or strategy is None:
                raise StrategyFileError(ctx.problems)
    except IntegrityError as e:
        raise StrategyFileError([Problem("The file", "", f"could not be saved: {e}.")]) from None
    return strategy
