"""A strategy and its delivery plan as plain records, ready to write as YAML or Excel.

The order of every list is fixed by what import preserves (file order becomes the
saved order), so exporting an imported file gives the same file back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestar.delivery.models import Deliverable, Milestone, ProgressUpdate
from lodestar.strategy.exchange_spec import Records
from lodestar.strategy.models import Element, Strategy

if TYPE_CHECKING:
    from lodestar.accounts.models import User
    from lodestar.governance.models import Committee


def _username(user: User | None) -> str:
    return user.username if user else ""


def _committee(committee: Committee | None) -> str:
    return committee.name if committee else ""


def _strategy(strategy: Strategy) -> dict[str, object]:
    return {
        "title": strategy.title,
        "kind": strategy.kind,
        "start_year": strategy.start_year,
        "end_year": strategy.end_year,
        "status": strategy.status,
        "version": strategy.version,
        "approved_by": _committee(strategy.approved_by),
        "approved_on": strategy.approved_on,
        "vision": strategy.vision,
        "mission": strategy.mission,
        "purpose": strategy.purpose,
        "summary": strategy.summary,
        "source_url": strategy.source_url,
        "illustrative": strategy.illustrative,
        "joint_owners": sorted(strategy.joint_owners.values_list("ods_code", flat=True)),
    }


def _element(element: Element, ref: str) -> dict[str, object]:
    return {
        "ref": ref,
        "kind": element.kind.name,
        "title": element.title,
        "description": element.description,
        "statements": list(element.statements),
        "outcomes": list(element.outcomes),
        "indicators": list(element.indicators),
        "domains": list(element.domains),
        "executive_lead": _username(element.executive_lead),
    }


def _component(component: Deliverable | Milestone) -> dict[str, object]:
    return {
        "title": component.title,
        "description": component.description,
        "start_date": component.start_date,
        "due_date": component.due_date,
        "completed_on": component.completed_on,
        "accountable_executive": component.accountable_executive.username,
        "responsible_manager": _username(component.responsible_manager),
        "committee": _committee(component.committee),
        "illustrative": component.illustrative,
    }


def _update(update: ProgressUpdate, deliverable_ref: str) -> dict[str, object]:
    # Files stay behind: a file carries only its links, so that it can be emailed and read.
    links = [{"title": e.title, "url": e.url} for e in update.evidence.order_by("id") if e.url]
    return {
        "deliverable": deliverable_ref,
        "period": update.period,
        "status": update.status,
        "confidence": update.confidence,
        "author": update.author.username,
        "narrative": update.narrative,
        "evidence_links": links,
    }


def ordered_elements(strategy: Strategy) -> list[Element]:
    """Elements in the order people read them: by kind, then by their place in the kind."""
    elements = strategy.elements.select_related("kind", "executive_lead")
    return list(elements.order_by("kind__order", "kind__name", "order", "id"))


def _plan(elements: list[Element], element_refs: dict[int, str], records: Records) -> None:
    people = ("accountable_executive", "responsible_manager", "committee")
    number = 0
    for element in elements:
        deliverables = element.deliverables.select_related(*people).order_by("due_date", "id")
        for deliverable in deliverables:
            number += 1
            ref = f"D{number}"
            row = {"ref": ref, "element": element_refs[element.pk], "kind": deliverable.kind}
            records["deliverables"].append(row | _component(deliverable))
            milestones = deliverable.milestones.select_related(*people).order_by("due_date", "id")
            for milestone in milestones:
                records["milestones"].append({"deliverable": ref} | _component(milestone))
            updates = deliverable.updates.select_related("author").order_by("period", "id")
            records["updates"] += [_update(update, ref) for update in updates]


def _engagement(strategy: Strategy, element_refs: dict[int, str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for activity in strategy.engagements.order_by("held_on", "id"):
        linked = set(activity.elements.values_list("pk", flat=True))
        rows.append(
            {
                "held_on": activity.held_on,
                "title": activity.title,
                "method": activity.method,
                "level": activity.level,
                "people_using_services": activity.people_using_services,
                "carers": activity.carers,
                "staff": activity.staff,
                "partners": activity.partners,
                "public": activity.public,
                "what_was_said": activity.what_was_said,
                "what_changed": activity.what_changed,
                "elements": [ref for pk, ref in element_refs.items() if pk in linked],
            }
        )
    return rows


def _alignment(elements: list[Element], element_refs: dict[int, str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for element in elements:
        links = element.alignments.select_related(
            "partner_element__strategy__organisation"
        ).order_by("id")
        for link in links:
            partner = link.partner_element
            rows.append(
                {
                    "element": element_refs[element.pk],
                    "partner_ods_code": partner.strategy.organisation.ods_code,
                    "partner_strategy": partner.strategy.title,
                    "partner_element": partner.title,
                    "relationship": link.relationship,
                    "note": link.note,
                }
            )
    return rows


def strategy_records(strategy: Strategy) -> Records:
    """Everything a strategy file holds, level by level."""
    elements = ordered_elements(strategy)
    element_refs = {element.pk: f"E{i}" for i, element in enumerate(elements, start=1)}
    records: Records = {
        "strategy": [_strategy(strategy)],
        "values": [
            {"name": v.name, "description": v.description, "behaviours": list(v.behaviours)}
            for v in strategy.values.order_by("order", "id")
        ],
        "elements": [_element(e, element_refs[e.pk]) for e in elements],
        "engagement": _engagement(strategy, element_refs),
        "deliverables": [],
        "milestones": [],
        "updates": [],
        "alignment": _alignment(elements, element_refs),
    }
    _plan(elements, element_refs, records)
    return {level: [_plain(record) for record in rows] for level, rows in records.items()}


def _plain(record: dict[str, object]) -> dict[str, object]:
    # Choices can be enum members (a record made in code and not read back), which
    # YAML would write as Python objects; files hold their plain values.
    return {k: str(v) if isinstance(v, str) else v for k, v in record.items()}
