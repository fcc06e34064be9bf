"""The corporate (operational) risk register: every change, with its audit entry, and the
register as it is read.

Operational risks are scored on the same matrix as the Board Assurance Framework, through
`matrix_for(org).grade`, so a risk's band is the one in force when its score was set.
Governance officers manage every risk on the register; an executive director may raise
and change only the risks they own. `actor` is None only for the system (demo data).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.audit.services import record_create, record_delete, record_update, snapshot
from lodestar.core.models import Membership, Organisation
from lodestar.core.permissions import capabilities, require
from lodestar.core.roles import Capability
from lodestar.risk import scoring
from lodestar.risk.matrix import Matrix, matrix_for
from lodestar.risk.models import OperationalRisk, RiskStatus, StrategicRisk
from lodestar.risk.overview import Position, natural_key, positions

if TYPE_CHECKING:
    from lodestar.accounts.models import User

POSITIONS = ("inherent", "current", "target")
RATINGS = tuple(f"{p}_{axis}" for p in POSITIONS for axis in ("likelihood", "consequence"))
# Controls in place, gaps in control and further actions, each a few lines of text.
TEXTS = ("controls", "gaps", "actions")
OPERATIONAL_FIELDS = (
    "reference",
    "title",
    "description",
    "owner",
    "service",
    "strategic_risk",
    *TEXTS,
    *RATINGS,
    "target_date",
    "last_reviewed_on",
    "next_review_on",
    "illustrative",
)
NOT_YOURS = "You do not have permission to change an operational risk you do not own."
_NUMBERED = re.compile(r"^CR(\d{1,9})$", re.IGNORECASE)


# --- who may do what -------------------------------------------------------------------


def may_manage(actor: User, organisation: Organisation) -> bool:
    return Capability.MANAGE_RISKS in capabilities(actor, organisation)


def may_raise(actor: User, organisation: Organisation) -> bool:
    """Governance officers raise any risk; executive directors raise the risks they own."""
    granted = capabilities(actor, organisation)
    return bool({Capability.MANAGE_RISKS, Capability.EDIT_OWN_RISKS} & granted)


def may_edit(actor: User, risk: OperationalRisk) -> bool:
    granted = capabilities(actor, risk.organisation)
    if Capability.MANAGE_RISKS in granted:
        return True
    return Capability.EDIT_OWN_RISKS in granted and risk.owner_id == actor.pk


def _require_edit(actor: User | None, risk: OperationalRisk) -> None:
    if actor is None or may_edit(actor, risk):
        return
    # Someone who may not change any risk is told which right they lack.
    require(actor, risk.organisation, Capability.EDIT_OWN_RISKS)
    raise PermissionDenied(NOT_YOURS)


def _require_raise(actor: User | None, organisation: Organisation, owner: object) -> None:
    if actor is None or may_manage(actor, organisation):
        return
    require(actor, organisation, Capability.EDIT_OWN_RISKS)
    if owner != actor:
        raise PermissionDenied(
            "You do not have permission to raise a risk for someone else: "
            "name yourself as its owner, or ask a governance officer."
        )


# --- validation ------------------------------------------------------------------------


def next_reference(organisation: Organisation) -> str:
    """The next free CRn: one more than the highest number used so far."""
    used = OperationalRisk.objects.filter(organisation=organisation).values_list(
        "reference", flat=True
    )
    numbers = [int(m.group(1)) for ref in used if (m := _NUMBERED.match(ref))]
    return f"CR{max(numbers, default=0) + 1}"


def _rating_errors(risk: OperationalRisk) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in RATINGS:
        try:
            scoring.check_rating(getattr(risk, name), name.replace("_", " "))
        except scoring.ScoringError as e:
            errors[name] = [str(e)]
    return errors


def grade(risk: OperationalRisk, matrix: Matrix) -> None:
    """Store each position's score and band from the organisation's matrix (NPSA 2008
    by default: score = likelihood x consequence)."""
    for position in POSITIONS:
        graded = matrix.grade(
            getattr(risk, f"{position}_likelihood"), getattr(risk, f"{position}_consequence")
        )
        setattr(risk, f"{position}_score", graded.score)
        setattr(risk, f"{position}_band", graded.band.name)


def _link_errors(risk: OperationalRisk) -> dict[str, list[str]]:
    org = risk.organisation
    errors: dict[str, list[str]] = {}
    owner_id: int | None = risk.owner_id
    if owner_id is None:
        errors["owner"] = ["Choose the risk's owner: every risk has exactly one."]
    elif not Membership.objects.filter(organisation=org, user_id=owner_id).exists():
        errors["owner"] = [f"{risk.owner.display_name} is not a member of {org.name}."]
    fed: StrategicRisk | None = risk.strategic_risk
    if fed is not None:
        if fed.organisation_id != org.pk:
            errors["strategic_risk"] = [f"Choose one of {org.name}'s own strategic risks."]
        elif fed.status != RiskStatus.OPEN:
            errors["strategic_risk"] = [
                f"{fed.reference} is {fed.get_status_display().lower()}: "
                "link an open strategic risk."
            ]
    return errors


def _date_errors(risk: OperationalRisk) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    last, following = risk.last_reviewed_on, risk.next_review_on
    if last is not None and last > timezone.localdate():
        errors["last_reviewed_on"] = ["The last review cannot be in the future."]
    if last is not None and following is not None and following <= last:
        errors["next_review_on"] = [
            f"The next review must be after the last one, {last.day} {last:%B %Y}."
        ]
    return errors


def _position_errors(risk: OperationalRisk) -> dict[str, list[Any]]:
    """As on the BAF: the inherent score is the risk with no controls, so controls cannot
    make it worse and neither the current nor the target score may exceed it."""
    inherent = risk.inherent_likelihood * risk.inherent_consequence
    errors: dict[str, list[Any]] = {}
    for position in ("current", "target"):
        value = getattr(risk, f"{position}_likelihood") * getattr(risk, f"{position}_consequence")
        if value > inherent:
            errors[f"{position}_likelihood"] = [
                f"The {position} score ({value}) cannot be above the inherent score "
                f"({inherent}): controls cannot make a risk worse. Raise the inherent "
                "score if it was misjudged."
            ]
    return errors


def _validate(risk: OperationalRisk) -> None:
    """Refuse a risk that breaks a rule, naming each field at fault."""
    risk.reference = str(risk.reference or "").strip() or next_reference(risk.organisation)
    errors: dict[str, list[Any]] = {**_link_errors(risk), **_rating_errors(risk)}
    taken = OperationalRisk.objects.filter(
        organisation=risk.organisation, reference__iexact=risk.reference
    )
    clash = taken.exclude(pk=risk.pk).first()
    if clash is not None:
        # Coded "unique": the API answers a clash with what is stored with 409.
        message = f"{clash.reference} is already used: choose another reference."
        errors["reference"] = [ValidationError(message, code="unique")]
    errors |= _date_errors(risk)
    skip = list(errors)
    if any(name in errors for name in RATINGS):
        # No score can be set while a rating is wrong; the rating's own error says why.
        skip += [f"{p}_{what}" for p in POSITIONS for what in ("score", "band")]
    else:
        errors |= _position_errors(risk)
        grade(risk, matrix_for(risk.organisation))
    try:
        risk.full_clean(exclude=skip, validate_unique=False)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _tidy(text: str) -> str:
    # Browsers send a textarea's lines ending CRLF; store them as the API sends them, so
    # that the page, the API and the Excel export all give back the same text.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _apply(risk: OperationalRisk, values: dict[str, Any]) -> OperationalRisk:
    unknown = set(values) - set(OPERATIONAL_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of an operational risk.")
    for field, value in values.items():
        setattr(risk, field, _tidy(value) if isinstance(value, str) else value)
    _validate(risk)
    risk.save()
    return risk


# --- changes ---------------------------------------------------------------------------


@transaction.atomic
def create_operational_risk(
    actor: User | None,
    organisation: Organisation,
    *,
    title: str,
    description: str,
    owner: User,
    inherent_likelihood: int,
    inherent_consequence: int,
    current_likelihood: int,
    current_consequence: int,
    target_likelihood: int,
    target_consequence: int,
    reference: str = "",
    **values: Any,
) -> OperationalRisk:
    """A risk on the corporate register; with no reference it is given the next CRn."""
    _require_raise(actor, organisation, owner)
    risk = OperationalRisk(organisation=organisation)
    values |= {
        "reference": reference,
        "title": title,
        "description": description,
        "owner": owner,
        "inherent_likelihood": inherent_likelihood,
        "inherent_consequence": inherent_consequence,
        "current_likelihood": current_likelihood,
        "current_consequence": current_consequence,
        "target_likelihood": target_likelihood,
        "target_consequence": target_consequence,
    }
    _apply(risk, values)
    record_create(actor, organisation, risk)
    return risk


def _fresh(risk: OperationalRisk) -> OperationalRisk:
    # Work on a fresh copy so that a refused change leaves the caller's object as it was.
    return OperationalRisk.objects.select_related("organisation", "owner", "strategic_risk").get(
        pk=risk.pk
    )


@transaction.atomic
def update_operational_risk(
    actor: User | None, risk: OperationalRisk, reason: str = "", **values: Any
) -> OperationalRisk:
    """Change a risk; scores and bands follow its ratings. A closed risk is reopened first."""
    risk = _fresh(risk)
    _require_edit(actor, risk)
    if risk.status != RiskStatus.OPEN:
        raise ValidationError(f"{risk.reference} is closed. Reopen it before changing it.")
    before = snapshot(risk)
    _apply(risk, values)
    record_update(actor, risk.organisation, risk, before, reason)
    return risk


def _set_status(
    actor: User | None, risk: OperationalRisk, status: RiskStatus, reason: str
) -> OperationalRisk:
    risk = _fresh(risk)
    _require_edit(actor, risk)
    before = snapshot(risk)
    risk.status = status
    risk.save(update_fields=["status", "updated_at"])
    record_update(actor, risk.organisation, risk, before, reason)
    return risk


@transaction.atomic
def close_operational_risk(
    actor: User | None, risk: OperationalRisk, reason: str
) -> OperationalRisk:
    """Close a risk that no longer needs managing; the reason goes in the audit trail."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the risk is being closed."]})
    if risk.status != RiskStatus.OPEN:
        raise ValidationError(f"{risk.reference} is already closed.")
    return _set_status(actor, risk, RiskStatus.CLOSED, reason.strip())


@transaction.atomic
def reopen_operational_risk(
    actor: User | None, risk: OperationalRisk, reason: str = ""
) -> OperationalRisk:
    if risk.status == RiskStatus.OPEN:
        raise ValidationError(f"{risk.reference} is already open.")
    return _set_status(actor, risk, RiskStatus.OPEN, reason.strip())


@transaction.atomic
def delete_operational_risk(actor: User | None, risk: OperationalRisk, reason: str = "") -> None:
    """Only for a risk raised in error (governance officers): others are closed instead,
    so that the register keeps its history."""
    if actor is not None:
        require(actor, risk.organisation, Capability.MANAGE_RISKS)
    record_delete(actor, risk.organisation, risk, snapshot(risk), reason)
    risk.delete()


# --- reading the register --------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    risk: OperationalRisk
    inherent: Position
    current: Position
    target: Position
    escalated: bool
    review_overdue: bool

    @property
    def flags(self) -> list[str]:
        words = []
        if self.escalated:
            words.append("Escalated to the BAF")
        if self.review_overdue:
            words.append("Review overdue")
        return words


def row_of(risk: OperationalRisk, matrix: Matrix, today: datetime.date) -> RegisterRow:
    placed = positions(matrix, risk)
    is_open = risk.status == RiskStatus.OPEN
    due = risk.next_review_on
    return RegisterRow(
        risk=risk,
        inherent=placed["inherent"],
        current=placed["current"],
        target=placed["target"],
        # "Risks graded 15 and above go to the Board": at or above the threshold.
        escalated=is_open and scoring.escalates(risk.current_score, matrix.escalation_threshold),
        review_overdue=is_open and due is not None and due < today,
    )


@dataclass(frozen=True)
class RegisterFilters:
    status: str = RiskStatus.OPEN  # "open", "closed" or "all"
    service: str = ""
    band: str = ""
    escalated_only: bool = False
    owner: User | None = None
    strategic_risk: StrategicRisk | None = None


def register_of(
    organisation: Organisation, filters: RegisterFilters, today: datetime.date
) -> list[RegisterRow]:
    """The register's rows, highest current score first, then by reference."""
    matrix = matrix_for(organisation)
    risks = OperationalRisk.objects.filter(organisation=organisation).select_related(
        "owner", "strategic_risk"
    )
    if filters.status in (RiskStatus.OPEN, RiskStatus.CLOSED):
        risks = risks.filter(status=filters.status)
    if filters.service:
        risks = risks.filter(service__iexact=filters.service)
    if filters.band:
        risks = risks.filter(current_band=filters.band)
    if filters.escalated_only:
        risks = risks.filter(
            status=RiskStatus.OPEN, current_score__gte=matrix.escalation_threshold
        )
    if filters.owner is not None:
        risks = risks.filter(owner=filters.owner)
    if filters.strategic_risk is not None:
        risks = risks.filter(strategic_risk=filters.strategic_risk)
    ordered = sorted(risks, key=lambda r: (-r.current_score, natural_key(r.reference)))
    return [row_of(risk, matrix, today) for risk in ordered]


def services_of(organisation: Organisation) -> list[str]:
    """The services named on the register, for the filter."""
    names: Iterable[str] = (
        OperationalRisk.objects.filter(organisation=organisation)
        .exclude(service="")
        .values_list("service", flat=True)
        .distinct()
    )
    return sorted(set(names), key=str.casefold)
