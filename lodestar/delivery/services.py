"""Every change to a delivery plan and its progress updates, each with its audit entry.

`actor` is None only for the system (demo data, imports); then no permission is checked.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.models import Membership, Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability, Role
from lodestar.delivery.brag import BlueRule, Status, blue_refusals
from lodestar.delivery.evidence_files import evidence_file_problem
from lodestar.delivery.models import (
    Deliverable,
    DeliverySettings,
    Evidence,
    Milestone,
    ProgressUpdate,
)
from lodestar.delivery.periods import Frequency, describe_period, is_period_start
from lodestar.delivery.plan import delivery_settings_for
from lodestar.strategy.models import Element, Strategy

if TYPE_CHECKING:
    from lodestar.accounts.models import User

COMPONENT_FIELDS = (
    "title",
    "description",
    "start_date",
    "due_date",
    "accountable_executive",
    "responsible_manager",
    "committee",
    "illustrative",
)
DELIVERABLE_FIELDS = (*COMPONENT_FIELDS, "kind", "completed_on")
MILESTONE_FIELDS = COMPONENT_FIELDS

_C = TypeVar("_C", Deliverable, Milestone)


def _require(actor: User | None, organisation: Organisation, capability: Capability) -> None:
    if actor is not None:
        require(actor, organisation, capability)


def _check_open(strategy: Strategy) -> None:
    # A superseded strategy is the record of what was planned; its successor carries on.
    if strategy.status == Strategy.Status.SUPERSEDED:
        raise ValidationError(
            f"{strategy} has been superseded, so its delivery plan can no longer change. "
            "Work on the current version instead."
        )


def _people_errors(component: Deliverable | Milestone) -> dict[str, str]:
    org = component.organisation
    noun = component._meta.verbose_name
    errors: dict[str, str] = {}
    members = Membership.objects.filter(organisation=org)
    # The column is NOT NULL, but an unsaved component may not have one yet.
    executive_id: int | None = component.accountable_executive_id
    if executive_id is None:
        errors["accountable_executive"] = (
            f"Choose the accountable executive: every {noun} has exactly one."
        )
    elif not members.filter(user_id=executive_id, role=Role.EXECUTIVE_DIRECTOR).exists():
        name = component.accountable_executive.display_name
        errors["accountable_executive"] = (
            f"{name} is not an executive director of {org.name}. "
            "The accountable executive must be one."
        )
    manager_id = component.responsible_manager_id
    if manager_id is not None and not members.filter(user_id=manager_id).exists():
        name = component.responsible_manager.display_name  # type: ignore[union-attr]
        errors["responsible_manager"] = f"{name} is not a member of {org.name}."
    committee = component.committee
    if committee is not None and committee.organisation_id != org.pk:
        errors["committee"] = f"Choose one of {org.name}'s own boards or committees."
    return errors


def _validate(component: Deliverable | Milestone) -> None:
    """Refuse a component that breaks a rule, naming each field at fault."""
    errors: dict[str, list[str]] = {k: [v] for k, v in _people_errors(component).items()}
    start = component.start_date
    due: datetime.date | None = component.due_date
    if start is not None and due is not None and due < start:
        errors["due_date"] = [
            f"The due date must be on or after the start date, {start.day} {start:%B %Y}."
        ]
    try:
        component.full_clean(exclude=list(errors))
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _apply(component: _C, allowed: Sequence[str], values: dict[str, Any]) -> _C:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a delivery component.")
    for field, value in values.items():
        setattr(component, field, value)
    _validate(component)
    component.save()
    return component


@transaction.atomic
def create_deliverable(
    actor: User | None,
    element: Element,
    *,
    title: str,
    due_date: datetime.date | None,
    accountable_executive: User | None,
    **values: Any,
) -> Deliverable:
    """A programme, project or workstream under a strategic element."""
    _require(actor, element.organisation, Capability.EDIT_DELIVERY_PLAN)
    _check_open(element.strategy)
    deliverable = Deliverable(organisation=element.organisation, element=element)
    values |= {
        "title": title,
        "due_date": due_date,
        "accountable_executive": accountable_executive,
    }
    _apply(deliverable, DELIVERABLE_FIELDS, values)
    record_create(actor, deliverable.organisation, deliverable)
    return deliverable


@transaction.atomic
def update_deliverable(
    actor: User | None, deliverable: Deliverable, reason: str = "", **values: Any
) -> Deliverable:
    _require(actor, deliverable.organisation, Capability.EDIT_DELIVERY_PLAN)
    # Work on a fresh copy so a refused change leaves the caller's object as it was.
    deliverable = Deliverable.objects.select_related("element__strategy").get(pk=deliverable.pk)
    _check_open(deliverable.element.strategy)
    before = snapshot(deliverable)
    _apply(deliverable, DELIVERABLE_FIELDS, values)
    record_update(actor, deliverable.organisation, deliverable, before, reason)
    return deliverable


@transaction.atomic
def delete_deliverable(actor: User | None, deliverable: Deliverable, reason: str = "") -> None:
    """Only a deliverable nobody has reported on: the history of updates is kept."""
    _require(actor, deliverable.organisation, Capability.EDIT_DELIVERY_PLAN)
    _check_open(deliverable.element.strategy)
    reported = deliverable.updates.count()
    if reported:
        noun = "update" if reported == 1 else "updates"
        raise ValidationError(
            f"{deliverable} has {reported} progress {noun}, and their history is kept, so it "
            "cannot be deleted. Report it blue when it is complete."
        )
    for milestone in deliverable.milestones.all():
        record_delete(actor, milestone.organisation, milestone, snapshot(milestone), reason)
    record_delete(actor, deliverable.organisation, deliverable, snapshot(deliverable), reason)
    deliverable.delete()


@transaction.atomic
def create_milestone(
    actor: User | None,
    deliverable: Deliverable,
    *,
    title: str,
    due_date: datetime.date | None,
    accountable_executive: User | None,
    **values: Any,
) -> Milestone:
    _require(actor, deliverable.organisation, Capability.EDIT_DELIVERY_PLAN)
    _check_open(deliverable.element.strategy)
    milestone = Milestone(organisation=deliverable.organisation, deliverable=deliverable)
    values |= {
        "title": title,
        "due_date": due_date,
        "accountable_executive": accountable_executive,
    }
    _apply(milestone, MILESTONE_FIELDS, values)
    record_create(actor, milestone.organisation, milestone)
    return milestone


@transaction.atomic
def update_milestone(
    actor: User | None, milestone: Milestone, reason: str = "", **values: Any
) -> Milestone:
    _require(actor, milestone.organisation, Capability.EDIT_DELIVERY_PLAN)
    milestone = Milestone.objects.select_related("deliverable__element__strategy").get(
        pk=milestone.pk
    )
    _check_open(milestone.deliverable.element.strategy)
    before = snapshot(milestone)
    _apply(milestone, MILESTONE_FIELDS, values)
    record_update(actor, milestone.organisation, milestone, before, reason)
    return milestone


@transaction.atomic
def delete_milestone(actor: User | None, milestone: Milestone, reason: str = "") -> None:
    _require(actor, milestone.organisation, Capability.EDIT_DELIVERY_PLAN)
    _check_open(milestone.deliverable.element.strategy)
    record_delete(actor, milestone.organisation, milestone, snapshot(milestone), reason)
    milestone.delete()


@transaction.atomic
def complete_milestone(
    actor: User | None, milestone: Milestone, completed_on: datetime.date | None, reason: str = ""
) -> Milestone:
    """Mark a milestone complete on a date, or reopen it with None."""
    _require(actor, milestone.organisation, Capability.POST_PROGRESS_UPDATE)
    _check_open(milestone.deliverable.element.strategy)
    if completed_on is not None and completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "A milestone cannot be completed in the future."})
    before = snapshot(milestone)
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on", "updated_at"])
    record_update(actor, milestone.organisation, milestone, before, reason)
    return milestone


def _link_errors(links: Sequence[tuple[str, str]]) -> list[str]:
    check = URLValidator(schemes=["http", "https"])
    errors = []
    for title, url in links:
        try:
            check(url)
        except ValidationError:
            errors.append(f"{url} is not a web address starting http:// or https://.")
        if len(title) > Evidence._meta.get_field("title").max_length:  # type: ignore[operator]
            errors.append(f"The title of {url} is too long: use 200 characters or fewer.")
    return errors


def _update_errors(
    deliverable: Deliverable,
    *,
    period: datetime.date,
    status: Status,
    files: Sequence[UploadedFile[bytes]],
    links: Sequence[tuple[str, str]],
) -> dict[str, list[str]]:
    rules = delivery_settings_for(deliverable.organisation)
    frequency = Frequency(rules.update_frequency)
    errors: dict[str, list[str]] = {}
    if not is_period_start(period, frequency):
        unit = "month" if frequency is Frequency.MONTHLY else "quarter"
        errors["period"] = [f"Choose the first day of a {unit}: updates are {frequency}."]
    elif period > timezone.localdate():
        errors["period"] = [f"{describe_period(period, frequency)} has not started yet."]
    max_bytes = settings.EVIDENCE_MAX_BYTES
    file_problems = [evidence_file_problem(f.name or "", f.size or 0, f, max_bytes) for f in files]
    if any(file_problems):
        errors["evidence_files"] = [p for p in file_problems if p]
    if link_problems := _link_errors(links):
        errors["evidence_links"] = link_problems
    rule = BlueRule(rules.blue_needs_evidence, rules.blue_needs_milestones_complete)
    incomplete = deliverable.milestones.filter(completed_on__isnull=True)
    refusals = blue_refusals(
        status,
        rule,
        has_evidence=bool(files or links),
        incomplete_milestones=[m.title for m in incomplete],
    )
    if refusals:
        errors["status"] = refusals
    return errors


def post_progress_update(
    actor: User | None,
    deliverable: Deliverable,
    *,
    period: datetime.date,
    status: Status | str,
    narrative: str,
    confidence: str,
    files: Sequence[UploadedFile[bytes]] = (),
    links: Sequence[tuple[str, str]] = (),
) -> ProgressUpdate:
    """Report on a deliverable for a period, with evidence: all of it is saved, or none.

    Files are written to storage as the evidence rows are made; if anything then fails,
    the transaction is rolled back and the files already written are removed.
    """
    _require(actor, deliverable.organisation, Capability.POST_PROGRESS_UPDATE)
    _check_open(deliverable.element.strategy)
    try:
        status = Status(status)
    except ValueError:
        raise ValidationError({"status": "Choose blue, green, amber or red."}) from None
    errors = _update_errors(deliverable, period=period, status=status, files=files, links=links)
    if errors:
        raise ValidationError(errors)
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            return _save_update(
                actor,
                deliverable,
                stored,
                period=period,
                status=status,
                narrative=narrative,
                confidence=confidence,
                files=files,
                links=links,
            )
    except BaseException:
        for evidence in stored:
            evidence.file.delete(save=False)
        raise


def _save_update(
    actor: User | None,
    deliverable: Deliverable,
    stored: list[Evidence],
    *,
    period: datetime.date,
    status: Status,
    narrative: str,
    confidence: str,
    files: Sequence[UploadedFile[bytes]],
    links: Sequence[tuple[str, str]],
) -> ProgressUpdate:
    org = deliverable.organisation
    update = ProgressUpdate(
        organisation=org,
        deliverable=deliverable,
        period=period,
        status=status,
        narrative=narrative,
        confidence=confidence,
        # The system (demo data, imports) reports in the accountable executive's name.
        author=actor or deliverable.accountable_executive,
    )
    update.full_clean()
    update.save()
    record_create(actor, org, update)
    for upload in files:
        evidence = Evidence(organisation=org, update=update, title=(upload.name or "")[:200])
        evidence.file.save(upload.name or "evidence", upload, save=False)
        stored.append(evidence)
        evidence.full_clean()
        evidence.save()
        record_create(actor, org, evidence)
    for title, url in links:
        evidence = Evidence(organisation=org, update=update, title=(title or url)[:200], url=url)
        evidence.full_clean()
        evidence.save()
        record_create(actor, org, evidence)
    return update


@transaction.atomic
def update_delivery_settings(
    actor: User, organisation: Organisation, reason: str = "", **values: Any
) -> DeliverySettings:
    """Change how the organisation reports delivery, including its rule for blue."""
    # The blue rule decides what the board is told is "complete and evidenced", so only
    # those who may change the organisation's own details may change it.
    require(actor, organisation, Capability.EDIT_ORGANISATION)
    allowed = {"update_frequency", "blue_needs_evidence", "blue_needs_milestones_complete"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of delivery settings.")
    found = delivery_settings_for(organisation)
    before = snapshot(found)
    for field, value in values.items():
        setattr(found, field, value)
    found.full_clean()
    found.save()
    record_update(actor, organisation, found, before, reason)
    return found
