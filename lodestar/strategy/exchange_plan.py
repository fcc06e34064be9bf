"""Importing the delivery plan and alignment rows of a strategy file.

The rules are those the delivery services apply: one accountable executive who is an
executive director here, a manager who is a member, the organisation's own committees,
a due date on or after the start date.
"""

from __future__ import annotations

from typing import Any

from lodestar.core.models import Organisation
from lodestar.delivery.models import Deliverable, Evidence, Milestone, ProgressUpdate
from lodestar.strategy.exchange_context import ImportContext
from lodestar.strategy.exchange_spec import ALIGNMENT, DELIVERABLES, MILESTONES, UPDATES, Row
from lodestar.strategy.models import AlignmentLink, Element, Strategy

_PEOPLE = ("accountable_executive", "responsible_manager", "committee")


def _component(ctx: ImportContext, row: Row, values: dict[str, Any]) -> dict[str, Any]:
    """The component's own fields, with its people and committee looked up."""
    fields = {k: v for k, v in values.items() if k not in _PEOPLE}
    fields["accountable_executive"] = ctx.person(
        row, "accountable_executive", values["accountable_executive"], executive=True
    )
    fields["responsible_manager"] = ctx.person(
        row, "responsible_manager", values["responsible_manager"]
    )
    fields["committee"] = ctx.committee(row, "committee", values["committee"])
    start, due = fields["start_date"], fields["due_date"]
    if start and due and due < start:
        ctx.add(row, "due_date", f"must be on or after the start date, {start:%Y-%m-%d}.")
    return fields


def import_deliverables(ctx: ImportContext) -> None:
    for row, values in ctx.rows(DELIVERABLES):
        mark = len(ctx.problems)
        ref = values.pop("ref")
        ctx.claim(row, "deliverables", ref)
        element = ctx.ref(row, "element", "elements", values.pop("element"))
        fields = _component(ctx, row, values)
        if ctx.failed_since(mark) or element is None:
            continue
        deliverable = Deliverable(organisation=ctx.organisation, element=element, **fields)
        if ctx.save(row, deliverable):
            ctx.deliverables[ref] = deliverable


def import_milestones(ctx: ImportContext) -> None:
    for row, values in ctx.rows(MILESTONES):
        mark = len(ctx.problems)
        deliverable = ctx.ref(row, "deliverable", "deliverables", values.pop("deliverable"))
        fields = _component(ctx, row, values)
        if ctx.failed_since(mark) or deliverable is None:
            continue
        ctx.save(row, Milestone(organisation=ctx.organisation, deliverable=deliverable, **fields))


def import_updates(ctx: ImportContext) -> None:
    for row, values in ctx.rows(UPDATES):
        mark = len(ctx.problems)
        deliverable = ctx.ref(row, "deliverable", "deliverables", values.pop("deliverable"))
        # Authors may have moved on since: an update stays theirs even if they have left.
        author = ctx.person(row, "author", values.pop("author"), member=False)
        links = values.pop("evidence_links")
        if ctx.failed_since(mark) or deliverable is None:
            continue
        update = ProgressUpdate(
            organisation=ctx.organisation, deliverable=deliverable, author=author, **values
        )
        if not ctx.save(row, update):
            continue
        for link in links:
            evidence = Evidence(organisation=ctx.organisation, update=update, **link)
            ctx.save(row, evidence, {"title": "evidence_links", "url": "evidence_links"})


def _partner_element(ctx: ImportContext, row: Row, values: dict[str, Any]) -> Element | None:
    code = values["partner_ods_code"].upper()
    partner = Organisation.objects.filter(ods_code=code).first()
    if partner is None:
        ctx.add(row, "partner_ods_code", f"no organisation has the ODS code '{code}'.")
        return None
    # Drafts are a partner's private work; only what a board has agreed is aligned to.
    strategies = Strategy.objects.in_organisation(partner).filter(
        title=values["partner_strategy"],
        status__in=[Strategy.Status.APPROVED, Strategy.Status.SUPERSEDED],
    )
    strategy = strategies.order_by("-version").first()
    if strategy is None:
        ctx.add(
            row,
            "partner_strategy",
            f"{partner.name} has no approved strategy called '{values['partner_strategy']}'.",
        )
        return None
    element = strategy.elements.filter(title=values["partner_element"]).first()
    if element is None:
        ctx.add(
            row,
            "partner_element",
            f"'{strategy.title}' has no element called '{values['partner_element']}'.",
        )
    return element


def import_alignment(ctx: ImportContext) -> None:
    for row, values in ctx.rows(ALIGNMENT):
        mark = len(ctx.problems)
        element = ctx.ref(row, "element", "elements", values["element"])
        partner_element = _partner_element(ctx, row, values)
        if ctx.failed_since(mark) or element is None or partner_element is None:
            continue
        link = AlignmentLink(
            organisation=ctx.organisation,
            element=element,
            partner_element=partner_element,
            relationship=values["relationship"],
            note=values["note"],
        )
        ctx.save(row, link)
