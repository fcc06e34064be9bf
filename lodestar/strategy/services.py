"""Every change to strategies and their element kinds, each with its audit entry.

Values, elements and engagement activities are changed in `content_services`; they are
re-exported here so that callers (pages, the API, imports) have one place to look.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lodestar.audit.services import record_create, record_update, snapshot
from lodestar.core.models import Organisation
from lodestar.core.roles import Capability
from lodestar.governance.models import Committee
from lodestar.strategy.content_services import (
    add_element,
    add_value,
    move_element,
    move_value,
    record_engagement,
    remove_element,
    remove_engagement,
    remove_value,
    update_element,
    update_engagement,
    update_value,
)
from lodestar.strategy.guards import lock_unfrozen, require_if_person
from lodestar.strategy.models import Element, ElementKind, Strategy, Value

if TYPE_CHECKING:
    from lodestar.accounts.models import User

__all__ = [
    "STRATEGY_FIELDS",
    "add_element",
    "add_element_kind",
    "add_value",
    "approve_strategy",
    "create_strategy",
    "ensure_element_kinds",
    "move_element",
    "move_value",
    "record_engagement",
    "remove_element",
    "remove_engagement",
    "remove_value",
    "return_to_draft",
    "start_new_version",
    "submit_for_consultation",
    "update_element",
    "update_engagement",
    "update_strategy",
    "update_value",
]

STRATEGY_FIELDS = (
    "title",
    "kind",
    "start_year",
    "end_year",
    "vision",
    "mission",
    "purpose",
    "summary",
    "source_url",
    "illustrative",
)
FIRST_YEAR, LAST_YEAR = 1990, 2100


@transaction.atomic
def ensure_element_kinds(
    organisation: Organisation, actor: User | None = None
) -> list[ElementKind]:
    """Give an organisation the usual kinds of element it does not have yet."""
    existing = set(
        ElementKind.objects.filter(organisation=organisation).values_list("name", flat=True)
    )
    made: list[ElementKind] = []
    for order, (name, plural) in enumerate(ElementKind.DEFAULTS):
        if name in existing:
            continue
        kind = ElementKind.objects.create(
            organisation=organisation, name=name, plural=plural, order=order
        )
        record_create(actor, organisation, kind, "A usual kind of strategic element.")
        made.append(kind)
    return made


def _plural_of(name: str) -> str:
    """English plurals good enough for kind names: "policy" → "policies", "focus" → "focuses"."""
    if len(name) > 1 and name.endswith("y") and name[-2].lower() not in "aeiou":
        return name[:-1] + "ies"
    if name.endswith(("s", "x", "z", "ch", "sh")):
        return name + "es"
    return name + "s"


@transaction.atomic
def add_element_kind(
    actor: User | None, organisation: Organisation, *, name: str, plural: str = ""
) -> ElementKind:
    """Any kind an organisation names: "Big bold ambition", "Enabling strategy"..."""
    require_if_person(actor, organisation, Capability.EDIT_STRATEGY)
    name, plural = name.strip(), plural.strip()
    if ElementKind.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a kind called {name!r}."})
    last = ElementKind.objects.filter(organisation=organisation).aggregate(m=Max("order"))["m"]
    kind = ElementKind(
        organisation=organisation,
        name=name,
        plural=plural or _plural_of(name),
        order=(last or 0) + 1,
    )
    kind.full_clean()
    kind.save()
    record_create(actor, organisation, kind)
    return kind


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(STRATEGY_FIELDS)
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))} of a strategy.")


def _full_clean(strategy: Strategy) -> None:
    """The model's own checks, and a period in years people will recognise."""
    errors: dict[str, str] = {}
    for field in ("start_year", "end_year"):
        year = getattr(strategy, field)
        if isinstance(year, int) and not FIRST_YEAR <= year <= LAST_YEAR:
            errors[field] = f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}."
    if errors:
        raise ValidationError(errors)
    strategy.full_clean()


@transaction.atomic
def create_strategy(
    actor: User | None, organisation: Organisation, reason: str = "", **values: Any
) -> Strategy:
    require_if_person(actor, organisation, Capability.EDIT_STRATEGY)
    _check_fields(values)
    strategy = Strategy(organisation=organisation, **values)
    _full_clean(strategy)
    strategy.save()
    record_create(actor, organisation, strategy, reason)
    ensure_element_kinds(organisation, actor)
    return strategy


@transaction.atomic
def update_strategy(
    actor: User | None, strategy: Strategy, reason: str = "", **values: Any
) -> Strategy:
    require_if_person(actor, strategy.organisation, Capability.EDIT_STRATEGY)
    _check_fields(values)
    strategy = lock_unfrozen(strategy)
    before = snapshot(strategy)
    for field, value in values.items():
        setattr(strategy, field, value)
    _full_clean(strategy)
    strategy.save()
    record_update(actor, strategy.organisation, strategy, before, reason)
    return strategy


@transaction.atomic
def set_joint_owners(
    actor: User | None,
    strategy: Strategy,
    owners: Iterable[Organisation],
    reason: str = "",
) -> Strategy:
    """Name the partners who own a joint strategy (an integrated care strategy, say)."""
    require_if_person(actor, strategy.organisation, Capability.EDIT_STRATEGY)
    chosen = set(owners)
    if strategy.organisation in chosen:
        raise ValidationError(
            {"joint_owners": "The organisation that keeps the strategy already owns it."}
        )
    strategy = lock_unfrozen(strategy)
    codes_before = sorted(strategy.joint_owners.values_list("ods_code", flat=True))
    before = snapshot(strategy) | {"joint_owners": codes_before}
    strategy.joint_owners.set(chosen)
    codes_after = sorted(o.ods_code for o in chosen)
    record_update(
        actor, strategy.organisation, strategy, before, reason, extra={"joint_owners": codes_after}
    )
    return strategy


def _move_status(
    actor: User | None,
    strategy: Strategy,
    moves: tuple[Strategy.Status, Strategy.Status],
    refusal: str,
    reason: str,
) -> Strategy:
    require_if_person(actor, strategy.organisation, Capability.EDIT_STRATEGY)
    strategy = lock_unfrozen(strategy)
    if strategy.status != moves[0]:
        raise ValidationError(refusal)
    before = snapshot(strategy)
    strategy.status = moves[1]
    strategy.save()
    record_update(actor, strategy.organisation, strategy, before, reason)
    return strategy


@transaction.atomic
def submit_for_consultation(actor: User | None, strategy: Strategy, reason: str = "") -> Strategy:
    return _move_status(
        actor,
        strategy,
        (Strategy.Status.DRAFT, Strategy.Status.CONSULTATION),
        "Only a draft strategy can go out for consultation.",
        reason,
    )


@transaction.atomic
def return_to_draft(actor: User | None, strategy: Strategy, reason: str = "") -> Strategy:
    return _move_status(
        actor,
        strategy,
        (Strategy.Status.CONSULTATION, Strategy.Status.DRAFT),
        "Only a strategy out for consultation can go back to draft.",
        reason,
    )


def _check_approval(
    strategy: Strategy, approved_by: Committee | None, approved_on: datetime.date | None
) -> None:
    errors: dict[str, str] = {}
    if approved_by is None:
        errors["approved_by"] = "Choose the board or committee that approved the strategy."
    elif approved_by.organisation_id != strategy.organisation_id:
        errors["approved_by"] = "Choose one of this organisation's boards or committees."
    if approved_on is None:
        errors["approved_on"] = "Enter the date the strategy was approved."
    elif approved_on > timezone.localdate():
        errors["approved_on"] = "The date of approval cannot be in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def approve_strategy(
    actor: User | None,
    strategy: Strategy,
    *,
    approved_by: Committee | None,
    approved_on: datetime.date | None,
    reason: str = "",
) -> Strategy:
    """Record the board's approval; the earlier approved version is then superseded."""
    require_if_person(actor, strategy.organisation, Capability.APPROVE_STRATEGY)
    strategy = lock_unfrozen(strategy)
    _check_approval(strategy, approved_by, approved_on)
    before = snapshot(strategy)
    strategy.status = Strategy.Status.APPROVED
    strategy.approved_by = approved_by
    strategy.approved_on = approved_on
    strategy.save()
    record_update(actor, strategy.organisation, strategy, before, reason)
    _supersede_earlier_versions(actor, strategy)
    return strategy


def _supersede_earlier_versions(actor: User | None, strategy: Strategy) -> None:
    earlier = strategy.previous_version
    while earlier is not None:
        if earlier.status == Strategy.Status.APPROVED:
            before = snapshot(earlier)
            earlier.status = Strategy.Status.SUPERSEDED
            earlier.save()
            record_update(
                actor,
                earlier.organisation,
                earlier,
                before,
                f"Superseded by version {strategy.version}.",
            )
        earlier = earlier.previous_version


@transaction.atomic
def start_new_version(actor: User | None, strategy: Strategy, reason: str = "") -> Strategy:
    """A draft copy of an approved strategy, with its values and elements.

    Engagement stays with the version it shaped; the copy's elements remember where
    they came from, so the two versions can be compared.
    """
    require_if_person(actor, strategy.organisation, Capability.EDIT_STRATEGY)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    successor = Strategy.objects.filter(previous_version=strategy).first()
    if successor is not None:
        raise ValidationError(
            f"Version {successor.version} of this strategy already exists. "
            "Make your changes there."
        )
    if strategy.status != Strategy.Status.APPROVED:
        raise ValidationError(
            "Only an approved strategy needs a new version: change this one instead."
        )
    copy = Strategy(
        organisation=strategy.organisation,
        version=strategy.version + 1,
        previous_version=strategy,
        status=Strategy.Status.DRAFT,
        **{field: getattr(strategy, field) for field in STRATEGY_FIELDS},
    )
    copy.full_clean()
    copy.save()
    copy.joint_owners.set(strategy.joint_owners.all())
    why = reason or f"Copied from version {strategy.version}."
    record_create(actor, copy.organisation, copy, why)
    _copy_contents(actor, strategy, copy, why)
    return copy


def _copy_contents(actor: User | None, source: Strategy, copy: Strategy, why: str) -> None:
    organisation = copy.organisation
    for value in source.values.all():
        new_value = Value.objects.create(
            organisation=organisation,
            strategy=copy,
            order=value.order,
            name=value.name,
            description=value.description,
            behaviours=list(value.behaviours),
        )
        record_create(actor, organisation, new_value, why)
    for element in source.elements.all():
        new_element = Element.objects.create(
            organisation=organisation,
            strategy=copy,
            kind=element.kind,
            order=element.order,
            title=element.title,
            description=element.description,
            statements=list(element.statements),
            outcomes=list(element.outcomes),
            indicators=list(element.indicators),
            domains=list(element.domains),
            executive_lead=element.executive_lead,
            copied_from=element,
        )
        record_create(actor, organisation, new_element, why)
