"""Every change to an organisation's boards and committees, each with its audit entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lodestar.audit.services import record_create, record_update, snapshot
from lodestar.core.models import Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.governance.models import Committee

if TYPE_CHECKING:
    from lodestar.accounts.models import User

COMMITTEE_FIELDS = ("name", "kind", "reports_to")


def _validate(committee: Committee) -> None:
    """Refuse a committee that breaks a rule, naming the field at fault."""
    errors: dict[str, list[str]] = {}
    org = committee.organisation
    committee.name = committee.name.strip()
    same_name = Committee.objects.filter(organisation=org, name__iexact=committee.name)
    if same_name.exclude(pk=committee.pk).exists():
        errors["name"] = [f"{org.name} already has a committee called {committee.name}."]
    parent = committee.reports_to
    if parent is not None:
        if parent.organisation_id != org.pk:
            errors["reports_to"] = [f"Choose one of {org.name}'s own boards or committees."]
        elif _reports_through(parent, committee):
            errors["reports_to"] = [
                f"{committee.name} cannot report to {parent.name}: {parent.name} "
                f"already reports, directly or not, to {committee.name}."
            ]
    try:
        committee.full_clean(exclude=list(errors), validate_unique=False)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _reports_through(start: Committee, target: Committee) -> bool:
    """Whether `start` is `target` or reports up, through any chain, to it."""
    seen: set[int] = set()
    current: Committee | None = start
    while current is not None and current.pk not in seen:
        if current.pk == target.pk:
            return True
        seen.add(current.pk)
        current = current.reports_to
    return False


@transaction.atomic
def create_committee(
    actor: User | None,
    organisation: Organisation,
    *,
    name: str,
    kind: Committee.Kind | str = Committee.Kind.COMMITTEE,
    reports_to: Committee | None = None,
) -> Committee:
    if actor is not None:
        require(actor, organisation, Capability.MANAGE_COMMITTEES)
    committee = Committee(organisation=organisation, name=name, kind=kind, reports_to=reports_to)
    _validate(committee)
    committee.save()
    record_create(actor, organisation, committee)
    return committee


@transaction.atomic
def update_committee(
    actor: User | None, committee: Committee, reason: str = "", **values: Any
) -> Committee:
    if actor is not None:
        require(actor, committee.organisation, Capability.MANAGE_COMMITTEES)
    unknown = set(values) - set(COMMITTEE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a committee.")
    # Work on a fresh copy so a refused change leaves the caller's object as it was.
    committee = Committee.objects.select_related("organisation").get(pk=committee.pk)
    before = snapshot(committee)
    for field, value in values.items():
        setattr(committee, field, value)
    _validate(committee)
    committee.save()
    record_update(actor, committee.organisation, committee, before, reason)
    return committee
