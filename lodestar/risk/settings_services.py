"""Every change to an organisation's risk matrix and risk appetite, each with its audit entry.

`actor` is None only for the system (demo data, first-time defaults); then no permission
is checked. Otherwise every change needs MANAGE_RISKS: the matrix and the appetite decide
which risks the board is told about, so only governance officers and administrators set
them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.models import Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.governance.models import Committee
from lodestar.risk import scoring
from lodestar.risk.matrix import matrix_of, open_risks, regraded_values, risk_settings_for
from lodestar.risk.models import (
    AppetiteCategory,
    OperationalRisk,
    RiskSettings,
    StrategicRisk,
)

if TYPE_CHECKING:
    from lodestar.accounts.models import User

CATEGORY_FIELDS = ("name", "description", "level", "tolerance", "order")


@dataclass(frozen=True)
class DefaultCategory:
    name: str
    level: int
    tolerance: int
    description: str


# The four vectors of the Good Governance Institute's NHS risk appetite matrix. Levels
# index the default Orange Book scale (1 Averse ... 5 Eager). Tolerances climb four points
# a step (Minimal 8, Cautious 12), so each tolerance is the score of a major consequence
# (4) at a likelihood equal to the level: a starting point the board then adjusts.
# Compliance and quality start Minimal because breaching a statutory duty or harming a
# patient is what boards most want to avoid; finance and reputation start Cautious because
# trusts accept some of both to improve services.
DEFAULT_CATEGORIES: tuple[DefaultCategory, ...] = (
    DefaultCategory(
        "Finance",
        3,
        12,
        "Money and value: the trust's financial plan, use of resources and value for money.",
    ),
    DefaultCategory(
        "Compliance and regulation",
        2,
        8,
        "Statutory duties, licence conditions and the standards of regulators such as CQC.",
    ),
    DefaultCategory(
        "Quality and outcomes",
        2,
        8,
        "Patient safety, clinical effectiveness and experience, and innovation in care.",
    ),
    DefaultCategory(
        "Reputation",
        3,
        12,
        "The confidence of patients, the public, partners and regulators in the trust.",
    ),
)


def _require(actor: User | None, organisation: Organisation) -> None:
    if actor is not None:
        require(actor, organisation, Capability.MANAGE_RISKS)


# The risk matrix


def _clean_matrix(
    likelihood: Sequence[object],
    consequence: Sequence[object],
    bands: Sequence[object],
    threshold: object,
) -> dict[str, Any]:
    """The values to store, or a ValidationError naming every field at fault."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    checks: dict[str, Callable[[], object]] = {
        "likelihood_descriptors": lambda: scoring.check_descriptors(likelihood, "likelihood"),
        "consequence_descriptors": lambda: scoring.check_descriptors(consequence, "consequence"),
        "bands": lambda: _checked_bands(bands),
        "escalation_threshold": lambda: scoring.check_threshold(threshold),
    }
    for field, check in checks.items():
        try:
            values[field] = check()
        except scoring.ScoringError as e:
            errors[field] = [e.message]
    if errors:
        raise ValidationError(errors)
    return {
        "likelihood_descriptors": list(values["likelihood_descriptors"]),
        "consequence_descriptors": list(values["consequence_descriptors"]),
        "bands": [
            {"name": b.name, "low": b.low, "high": b.high, "colour": b.colour}
            for b in values["bands"]
        ],
        "escalation_threshold": values["escalation_threshold"],
    }


def _checked_bands(raw: Sequence[object]) -> tuple[scoring.Band, ...]:
    bands = scoring.check_bands(raw)
    for position, band in enumerate(bands, start=1):
        if band.colour not in scoring.BAND_COLOURS:
            choices = ", ".join(scoring.BAND_COLOURS.values())
            raise scoring.ScoringError(
                f"Band {band.name}'s colour must be one of {choices}.", band=position
            )
    return bands


@transaction.atomic
def update_risk_matrix(
    actor: User | None,
    organisation: Organisation,
    *,
    likelihood_descriptors: Sequence[object],
    consequence_descriptors: Sequence[object],
    bands: Sequence[object],
    escalation_threshold: object,
    reason: str = "",
) -> RiskSettings:
    """Change the matrix. Scores already recorded keep the band they were given; use
    `regrade_risks` to grade open risks again under the new bands."""
    _require(actor, organisation)
    values = _clean_matrix(
        likelihood_descriptors, consequence_descriptors, bands, escalation_threshold
    )
    found = risk_settings_for(organisation)
    before = snapshot(found)
    for field, value in values.items():
        setattr(found, field, value)
    found.save()
    record_update(actor, organisation, found, before, reason)
    return found


@transaction.atomic
def regrade_risks(
    actor: User | None, organisation: Organisation, reason: str
) -> list[StrategicRisk | OperationalRisk]:
    """Grade every open strategic and operational risk again under the current matrix.

    Closed and merged risks, and past reviews, keep the bands they had: they are the
    record of what the board was told at the time. Each risk whose band changes gets its
    own audit entry. Returns the risks that changed.
    """
    _require(actor, organisation)
    matrix = matrix_of(risk_settings_for(organisation))
    changed: list[StrategicRisk | OperationalRisk] = []
    for risk in open_risks(organisation):
        values = regraded_values(matrix, risk)
        if not values:
            continue
        before = snapshot(risk)
        for field, value in values.items():
            setattr(risk, field, value)
        risk.save()
        record_update(actor, organisation, risk, before, reason)
        changed.append(risk)
    return changed


# The appetite statement and scale


def _committee_error(committee: Committee | None, organisation: Organisation) -> str | None:
    if committee is not None and committee.organisation_id != organisation.pk:
        return f"Choose one of {organisation.name}'s own boards or committees."
    return None


@transaction.atomic
def update_appetite_statement(
    actor: User | None,
    organisation: Organisation,
    *,
    statement: str,
    approved_on: datetime.date | None,
    approved_by: Committee | None,
    reason: str = "",
) -> RiskSettings:
    """Record the risk appetite statement, and when and by whom it was approved.

    A statement may be saved as a draft with no approval; an approval needs a statement,
    a date no later than today, and the board or committee that gave it.
    """
    _require(actor, organisation)
    statement = statement.strip()
    errors: dict[str, str] = {}
    if (approved_on or approved_by) and not statement:
        errors["statement"] = "Write the statement the board approved."
    if approved_by is not None and approved_on is None:
        errors["approved_on"] = f"Give the date {approved_by} approved the statement."
    if approved_on is not None and approved_on > timezone.localdate():
        errors["approved_on"] = "The approval date cannot be in the future."
    if approved_on is not None and approved_by is None:
        errors["approved_by"] = "Choose the board or committee that approved the statement."
    committee_error = _committee_error(approved_by, organisation)
    if committee_error:
        errors["approved_by"] = committee_error
    if errors:
        raise ValidationError(errors)
    found = risk_settings_for(organisation)
    before = snapshot(found)
    found.appetite_statement = statement
    found.appetite_approved_on = approved_on
    found.appetite_approved_by = approved_by
    found.save()
    record_update(actor, organisation, found, before, reason)
    return found


@transaction.atomic
def update_appetite_scale(
    actor: User | None, organisation: Organisation, levels: Sequence[object], reason: str = ""
) -> RiskSettings:
    """Rename the five appetite levels, least willing first. Categories keep their
    position on the scale (a category at level 2 stays at level 2 under its new name)."""
    _require(actor, organisation)
    try:
        words = scoring.check_descriptors(levels, "appetite level")
    except scoring.ScoringError as e:
        raise ValidationError({"appetite_levels": e.message}) from e
    found = risk_settings_for(organisation)
    before = snapshot(found)
    found.appetite_levels = list(words)
    found.save()
    record_update(actor, organisation, found, before, reason)
    return found


# Appetite categories


def _category_errors(category: AppetiteCategory) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    # Trimmed here so that " Finance" cannot sit beside "Finance".
    name = category.name = str(category.name or "").strip()
    if not name:
        errors["name"] = ["Give the category a name, like Finance or Reputation."]
    elif (
        AppetiteCategory.objects.filter(organisation=category.organisation, name__iexact=name)
        .exclude(pk=category.pk)
        .exists()
    ):
        errors["name"] = [f"There is already a category called {name}."]
    # Values may come from the API or an import as anything at all.
    level: object = category.level
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        levels = matrix_of(risk_settings_for(category.organisation)).appetite_levels
        errors["level"] = [f"Choose an appetite level: {', '.join(levels)}."]
    tolerance: object = category.tolerance
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or not 1 <= tolerance <= 25:
        errors["tolerance"] = ["The tolerance must be a whole-number score from 1 to 25."]
    return errors


def _validate_category(category: AppetiteCategory) -> None:
    errors = _category_errors(category)
    try:
        # The name was checked above, whatever its case, with a clearer message.
        category.full_clean(
            exclude=list(errors), validate_unique=False, validate_constraints=False
        )
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_appetite_category(
    actor: User | None,
    organisation: Organisation,
    *,
    name: str,
    level: int,
    tolerance: int,
    description: str = "",
    order: int | None = None,
) -> AppetiteCategory:
    """A kind of risk with the board's appetite for it and the highest score it tolerates."""
    _require(actor, organisation)
    if order is None:
        order = AppetiteCategory.objects.filter(organisation=organisation).count()
    category = AppetiteCategory(
        organisation=organisation,
        name=name,
        description=description,
        level=level,
        tolerance=tolerance,
        order=order,
    )
    _validate_category(category)
    category.save()
    record_create(actor, organisation, category)
    return category


@transaction.atomic
def update_appetite_category(
    actor: User | None, category: AppetiteCategory, reason: str = "", **values: Any
) -> AppetiteCategory:
    """Change a category. Risks in it are judged against the new tolerance at once."""
    organisation = category.organisation
    _require(actor, organisation)
    unknown = set(values) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of an appetite category.")
    before = snapshot(category)
    for field, value in values.items():
        setattr(category, field, value)
    _validate_category(category)
    category.save()
    record_update(actor, organisation, category, before, reason)
    return category


def why_category_cannot_be_deleted(category: AppetiteCategory) -> str | None:
    """Why a category must stay (risks use it, closed ones too), or None if it may go."""
    users = list(
        category.strategic_risks.order_by("reference").values_list("reference", flat=True)
    )
    if not users:
        return None
    many = len(users) > 1
    return (
        f"{len(users)} risk{'s' if many else ''} ({', '.join(users)}) {'use' if many else 'uses'} "
        f"{category.name}: move {'them' if many else 'it'} to another category before "
        "deleting this one."
    )


@transaction.atomic
def delete_appetite_category(
    actor: User | None, category: AppetiteCategory, reason: str = ""
) -> None:
    """Delete a category no risk uses; risks must be moved to another category first."""
    organisation = category.organisation
    _require(actor, organisation)
    users = list(
        category.strategic_risks.order_by("reference").values_list("reference", flat=True)
    )
    if users:
        count = f"{len(users)} risk{'s' if len(users) > 1 else ''}"
        raise ValidationError(
            f"{count} ({', '.join(users)}) {'use' if len(users) > 1 else 'uses'} "
            f"{category.name}: move {'them' if len(users) > 1 else 'it'} to another category "
            "before deleting this one."
        )
    before = snapshot(category)
    category.delete()
    record_delete(actor, organisation, category, before, reason)


@transaction.atomic
def ensure_default_appetite_categories(
    organisation: Organisation, actor: User | None = None
) -> list[AppetiteCategory]:
    """Give an organisation with no appetite categories the four usual ones.

    An organisation that has any categories is left alone, so a category the board has
    deleted does not come back.
    """
    _require(actor, organisation)
    existing = list(AppetiteCategory.objects.filter(organisation=organisation))
    if existing:
        return existing
    return [
        create_appetite_category(
            actor,
            organisation,
            name=default.name,
            level=default.level,
            tolerance=default.tolerance,
            description=default.description,
            order=order,
        )
        for order, default in enumerate(DEFAULT_CATEGORIES)
    ]
