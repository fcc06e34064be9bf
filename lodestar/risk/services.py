"""Every change to a strategic risk and its reviews, each with its audit entry.

`actor` is None only for the system (demo data, imports); then no permission is checked.
Governance officers (MANAGE_RISKS) may change any risk; executive directors
(EDIT_OWN_RISKS) only the risks they lead. Scores and bands are never taken from the
caller: they are always worked out from the organisation's matrix (`matrix_for`).
Controls, assurances, gaps and actions are in `lodestar.risk.control_services`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.audit.services import record_create, record_update, snapshot
from lodestar.core.models import Membership, Organisation
from lodestar.core.permissions import capabilities, require
from lodestar.core.roles import Capability, Role
from lodestar.governance.models import Committee
from lodestar.performance.models import Metric
from lodestar.risk.matrix import matrix_for
from lodestar.risk.models import (
    AppetiteCategory,
    OperationalRisk,
    RiskReview,
    RiskStatus,
    StrategicRisk,
)
from lodestar.strategy.models import Element

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lodestar.accounts.models import User

RATING_FIELDS = (
    "inherent_likelihood",
    "inherent_consequence",
    "current_likelihood",
    "current_consequence",
    "target_likelihood",
    "target_consequence",
)
RISK_FIELDS = (
    "reference",
    "title",
    "cause",
    "event",
    "effect",
    "executive_lead",
    "committee",
    "appetite_category",
    *RATING_FIELDS,
    "target_date",
    "last_reviewed_on",
    "next_review_on",
    "illustrative",
)
# Handing a risk to another executive is the governance team's decision, not the lead's.
_MANAGERS_ONLY = frozenset({"executive_lead"})
_POSITIONS = ("inherent", "current", "target")


# --- Who may change a risk -------------------------------------------------------------


def may_edit_risk(user: User | AnonymousUser, risk: StrategicRisk) -> bool:
    """May this person change this risk (and its controls, assurances, actions, reviews)?"""
    granted = capabilities(user, risk.organisation)
    if Capability.MANAGE_RISKS in granted:
        return True
    return Capability.EDIT_OWN_RISKS in granted and risk.executive_lead_id == user.pk


def require_risk_editor(actor: User | None, risk: StrategicRisk) -> None:
    """Refuse anyone but a governance officer or the risk's own executive lead."""
    if actor is None or may_edit_risk(actor, risk):
        return
    if Capability.EDIT_OWN_RISKS in capabilities(actor, risk.organisation):
        raise PermissionDenied(
            f"You may change only the risks you lead. {risk.reference} is led by "
            f"{risk.executive_lead.display_name}."
        )
    require(actor, risk.organisation, Capability.MANAGE_RISKS)


def _require_manager(actor: User | None, organisation: Organisation) -> None:
    if actor is not None:
        require(actor, organisation, Capability.MANAGE_RISKS)


# --- Validation ------------------------------------------------------------------------


def _reference_errors(risk: StrategicRisk) -> list[str]:
    reference = (risk.reference or "").strip()
    if not reference:
        return ["Give the risk a reference, like SR1."]
    taken = StrategicRisk.objects.filter(
        organisation=risk.organisation, reference__iexact=reference
    ).exclude(pk=risk.pk)
    if taken.exists():
        return [f"{reference} is already used by another risk: choose another reference."]
    return []


def _link_errors(risk: StrategicRisk) -> dict[str, str]:
    org = risk.organisation
    errors: dict[str, str] = {}
    # The columns are NOT NULL, but an unsaved risk may not have them yet.
    lead_id: int | None = risk.executive_lead_id
    if lead_id is None:
        errors["executive_lead"] = "Choose the executive lead: every risk has exactly one."
    elif not Membership.objects.filter(
        organisation=org, user_id=lead_id, role=Role.EXECUTIVE_DIRECTOR
    ).exists():
        errors["executive_lead"] = (
            f"{risk.executive_lead.display_name} is not an executive director of {org.name}. "
            "The executive lead must be one."
        )
    committee_id: int | None = risk.committee_id
    if committee_id is None:
        errors["committee"] = "Choose the lead committee."
    elif not Committee.objects.filter(pk=committee_id, organisation=org).exists():
        errors["committee"] = f"Choose one of {org.name}'s own boards or committees."
    category_id: int | None = risk.appetite_category_id
    if category_id is None:
        errors["appetite_category"] = "Choose the risk appetite category."
    elif not AppetiteCategory.objects.filter(pk=category_id, organisation=org).exists():
        errors["appetite_category"] = f"Choose one of {org.name}'s own appetite categories."
    return errors


def _rating_errors(risk: StrategicRisk) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field in RATING_FIELDS:
        value = getattr(risk, field)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            words = field.replace("_", " ")
            errors[field] = f"The {words} must be a whole number from 1 to 5."
    return errors


def _position_errors(risk: StrategicRisk) -> dict[str, str]:
    """The inherent score is the risk with no controls at all, so controls cannot make it
    worse: neither the current nor the target score may exceed it. If the risk really has
    grown beyond its inherent score, that score was misjudged and should be raised first.
    A current score below the target is allowed: the risk has met its target early.
    """
    inherent = risk.inherent_likelihood * risk.inherent_consequence
    errors: dict[str, str] = {}
    for position in ("current", "target"):
        value = getattr(risk, f"{position}_likelihood") * getattr(risk, f"{position}_consequence")
        if value > inherent:
            errors[f"{position}_likelihood"] = (
                f"The {position} score ({value}) cannot be above the inherent score "
                f"({inherent}): controls cannot make a risk worse. Raise the inherent "
                "score if it was misjudged."
            )
    return errors


_TEXT_PROMPTS = {
    "title": "Give the risk a title.",
    "cause": "Describe the cause: If we do not ...",
    "event": "Describe the event: there is a risk that ...",
    "effect": "Describe the effect: resulting in ...",
}


def _text_errors(risk: StrategicRisk) -> dict[str, str]:
    return {f: prompt for f, prompt in _TEXT_PROMPTS.items() if not str(getattr(risk, f)).strip()}


def _date_errors(risk: StrategicRisk) -> dict[str, str]:
    errors: dict[str, str] = {}
    last = risk.last_reviewed_on
    if last is not None and last > timezone.localdate():
        errors["last_reviewed_on"] = "The last review cannot be in the future."
    following = risk.next_review_on
    if last is not None and following is not None and following <= last:
        errors["next_review_on"] = (
            f"The next review must be after the last one, {last.day} {last:%B %Y}."
        )
    return errors


def _same_org_errors(
    organisation: Organisation, elements: Sequence[Element], metrics: Sequence[Metric]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not elements:
        errors["elements"] = "Link the risk to at least one strategic objective."
    elif any(element.organisation_id != organisation.pk for element in elements):
        errors["elements"] = f"Choose objectives from {organisation.name}'s own strategy."
    if any(metric.organisation_id != organisation.pk for metric in metrics):
        errors["metrics"] = f"Choose metrics that {organisation.name} monitors."
    return errors


def _validate(risk: StrategicRisk, elements: Sequence[Element], metrics: Sequence[Metric]) -> None:
    """Refuse a risk that breaks a rule, naming each field at fault."""
    found: dict[str, str] = (
        _link_errors(risk) | _rating_errors(risk) | _date_errors(risk) | _text_errors(risk)
    )
    if not any(field in found for field in RATING_FIELDS):
        found |= _position_errors(risk)
    found |= _same_org_errors(risk.organisation, elements, metrics)
    errors: dict[str, list[str]] = {field: [message] for field, message in found.items()}
    if reference := _reference_errors(risk):
        errors["reference"] = reference
    # Scores are set only once the ratings are known to be sound.
    skip = [*errors, "inherent_score", "current_score", "target_score", "elements", "metrics"]
    try:
        risk.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _grade(risk: StrategicRisk | OperationalRisk) -> None:
    """Set each position's score and band from the organisation's own matrix."""
    matrix = matrix_for(risk.organisation)
    for position in _POSITIONS:
        graded = matrix.grade(
            getattr(risk, f"{position}_likelihood"), getattr(risk, f"{position}_consequence")
        )
        setattr(risk, f"{position}_score", graded.score)
        setattr(risk, f"{position}_band", graded.band.name)


def _links(risk: StrategicRisk) -> dict[str, list[str]]:
    """The many-to-many links as the audit trail records them."""
    return {
        "elements": sorted(f"{e} ({e.uuid})" for e in risk.elements.all()),
        "metrics": sorted(f"{m} ({m.uuid})" for m in risk.metrics.all()),
    }


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(RISK_FIELDS)
    if unknown:
        raise ValueError(f"Cannot set {', '.join(sorted(unknown))} of a strategic risk.")
    return values


# --- Strategic risks -------------------------------------------------------------------


@transaction.atomic
def create_strategic_risk(
    actor: User | None,
    organisation: Organisation,
    *,
    reference: str,
    title: str,
    cause: str,
    event: str,
    effect: str,
    executive_lead: User | None,
    committee: Committee | None,
    appetite_category: AppetiteCategory | None,
    elements: Sequence[Element],
    inherent_likelihood: int,
    inherent_consequence: int,
    current_likelihood: int,
    current_consequence: int,
    target_likelihood: int,
    target_consequence: int,
    metrics: Sequence[Metric] = (),
    **values: Any,
) -> StrategicRisk:
    """A new risk on the Board Assurance Framework, linked to the objectives it threatens."""
    _require_manager(actor, organisation)
    values = _checked(values) | {
        "reference": (reference or "").strip(),
        "title": title,
        "cause": cause,
        "event": event,
        "effect": effect,
        "inherent_likelihood": inherent_likelihood,
        "inherent_consequence": inherent_consequence,
        "current_likelihood": current_likelihood,
        "current_consequence": current_consequence,
        "target_likelihood": target_likelihood,
        "target_consequence": target_consequence,
    }
    risk = StrategicRisk(organisation=organisation, **values)
    # Assigning None to a required relation raises, so the ids are set instead.
    risk.executive_lead_id = executive_lead.pk if executive_lead else None  # type: ignore[assignment]
    risk.committee_id = committee.pk if committee else None  # type: ignore[assignment]
    risk.appetite_category_id = appetite_category.pk if appetite_category else None  # type: ignore[assignment]
    elements, metrics = list(elements), list(metrics)
    _validate(risk, elements, metrics)
    _grade(risk)
    risk.save()
    risk.elements.set(elements)
    risk.metrics.set(metrics)
    record_create(actor, organisation, risk, extra=_links(risk))
    return risk


@transaction.atomic
def update_strategic_risk(
    actor: User | None,
    risk: StrategicRisk,
    reason: str = "",
    *,
    elements: Iterable[Element] | None = None,
    metrics: Iterable[Metric] | None = None,
    **values: Any,
) -> StrategicRisk:
    """Change a risk's description, people, links or scores (its status has its own verbs)."""
    # Check against the stored lead, so nobody edits a risk by first claiming to lead it.
    risk = StrategicRisk.objects.select_for_update().get(pk=risk.pk)
    require_risk_editor(actor, risk)
    _checked(values)
    if actor is not None and not can_manage(actor, risk.organisation):
        changed = {f for f in _MANAGERS_ONLY if f in values and values[f] != getattr(risk, f)}
        if changed:
            raise PermissionDenied(
                "Only the governance team can hand a risk to another executive lead."
            )
    before = snapshot(risk) | _links(risk)
    if "reference" in values:
        values["reference"] = (values["reference"] or "").strip()
    for field, value in values.items():
        setattr(risk, field, value)
    chosen_elements = list(risk.elements.all() if elements is None else elements)
    chosen_metrics = list(risk.metrics.all() if metrics is None else metrics)
    _validate(risk, chosen_elements, chosen_metrics)
    _grade(risk)
    risk.save()
    risk.elements.set(chosen_elements)
    risk.metrics.set(chosen_metrics)
    record_update(actor, risk.organisation, risk, before, reason, extra=_links(risk))
    return risk


def can_manage(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return Capability.MANAGE_RISKS in capabilities(user, organisation)


def _check_open(risk: StrategicRisk, doing: str) -> None:
    if risk.status != RiskStatus.OPEN:
        state = "closed" if risk.status == RiskStatus.CLOSED else "merged into another risk"
        raise ValidationError(f"{risk.reference} is {state}, so it cannot be {doing}.")


def _need_reason(reason: str, doing: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": f"Say why the risk is being {doing}."})


@transaction.atomic
def close_strategic_risk(actor: User | None, risk: StrategicRisk, reason: str) -> StrategicRisk:
    """Take a risk off the BAF; it and its history stay on record."""
    _require_manager(actor, risk.organisation)
    risk = StrategicRisk.objects.select_for_update().get(pk=risk.pk)
    _check_open(risk, "closed")
    _need_reason(reason, "closed")
    before = snapshot(risk)
    risk.status = RiskStatus.CLOSED
    risk.save(update_fields=["status", "updated_at"])
    record_update(actor, risk.organisation, risk, before, reason)
    return risk


@transaction.atomic
def merge_strategic_risk(
    actor: User | None, risk: StrategicRisk, into: StrategicRisk, reason: str
) -> StrategicRisk:
    """Fold a risk into another open risk of the same organisation.

    The operational risks that fed it now feed the risk it was merged into, so nothing
    escalated to the board drops off the BAF.
    """
    _require_manager(actor, risk.organisation)
    risk = StrategicRisk.objects.select_for_update().get(pk=risk.pk)
    _check_open(risk, "merged")
    _need_reason(reason, "merged")
    if into.pk == risk.pk:
        raise ValidationError({"merged_into": "A risk cannot be merged into itself."})
    into = StrategicRisk.objects.select_for_update().get(pk=into.pk)
    if into.organisation_id != risk.organisation_id:
        raise ValidationError({"merged_into": "Choose a risk on this organisation's BAF."})
    if into.status != RiskStatus.OPEN:
        raise ValidationError(
            {"merged_into": f"{into.reference} is not open: merge into an open risk."}
        )
    before = snapshot(risk)
    risk.status = RiskStatus.MERGED
    risk.merged_into = into
    risk.save(update_fields=["status", "merged_into", "updated_at"])
    record_update(actor, risk.organisation, risk, before, reason)
    for feeder in OperationalRisk.objects.filter(strategic_risk=risk):
        was = snapshot(feeder)
        feeder.strategic_risk = into
        feeder.save(update_fields=["strategic_risk", "updated_at"])
        record_update(actor, feeder.organisation, feeder, was, reason)
    return risk


# --- Reviews ---------------------------------------------------------------------------


def _review_errors(
    risk: StrategicRisk,
    review: RiskReview,
    next_review_on: datetime.date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    reviewed_on: datetime.date | None = review.reviewed_on
    if reviewed_on is None:
        errors["reviewed_on"] = ["Give the date of the review."]
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = ["A review cannot be dated in the future."]
    if next_review_on is not None and reviewed_on is not None and next_review_on <= reviewed_on:
        errors["next_review_on"] = ["The next review must be after this one."]
    if not (review.rationale or "").strip():
        errors["rationale"] = ["Say why the score is what it is (the rationale)."]
    for field in ("likelihood", "consequence"):
        value = getattr(review, field)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[field] = [f"The {field} must be a whole number from 1 to 5."]
    committee = review.committee
    if committee is not None and committee.organisation_id != risk.organisation_id:
        errors["committee"] = ["Choose one of this organisation's own boards or committees."]
    if "likelihood" not in errors and "consequence" not in errors:
        value = review.likelihood * review.consequence
        if value > risk.inherent_score:
            errors["likelihood"] = [
                f"A score of {value} is above the inherent score ({risk.inherent_score}): "
                "controls cannot make a risk worse. Raise the inherent score first."
            ]
    return errors


@transaction.atomic
def record_review(
    actor: User | None,
    risk: StrategicRisk,
    *,
    reviewed_on: datetime.date,
    likelihood: int,
    consequence: int,
    rationale: str,
    committee: Committee | None = None,
    next_review_on: datetime.date | None = None,
    reviewer: User | None = None,
) -> RiskReview:
    """A review's new current score becomes the risk's, unless a later review is on record.

    Recording an older review (filling in history) adds it to the trend and the chart
    without overwriting the position the latest review set. The reviewer is the person
    named (an import keeps who reviewed it), else the actor, else the executive lead (the
    system, for demo data); whoever it is must be a member of the risk's organisation.
    """
    risk = StrategicRisk.objects.select_for_update().get(pk=risk.pk)
    require_risk_editor(actor, risk)
    _check_open(risk, "reviewed")
    chosen = reviewer or actor or risk.executive_lead
    review = RiskReview(
        organisation=risk.organisation,
        risk=risk,
        reviewed_on=reviewed_on,
        likelihood=likelihood,
        consequence=consequence,
        rationale=rationale,
        committee=committee,
        reviewer=chosen,
    )
    errors = _review_errors(risk, review, next_review_on)
    if not Membership.objects.filter(organisation=risk.organisation, user=chosen).exists():
        errors["reviewer"] = [
            f"{chosen.display_name} is not a member of {risk.organisation.name}: "
            "name someone who is as the reviewer."
        ]
    if errors:
        raise ValidationError(errors)
    graded = matrix_for(risk.organisation).grade(likelihood, consequence)
    review.score, review.band = graded.score, graded.band.name
    review.save()
    record_create(actor, risk.organisation, review)
    if risk.last_reviewed_on is None or reviewed_on >= risk.last_reviewed_on:
        _take_position_of(actor, risk, review, next_review_on)
    return review


def _take_position_of(
    actor: User | None,
    risk: StrategicRisk,
    review: RiskReview,
    next_review_on: datetime.date | None,
) -> None:
    """The latest review sets the risk's current position and its review dates."""
    before = snapshot(risk)
    risk.current_likelihood, risk.current_consequence = review.likelihood, review.consequence
    risk.current_score, risk.current_band = review.score, review.band
    risk.last_reviewed_on = review.reviewed_on
    if next_review_on is not None:
        risk.next_review_on = next_review_on
    elif risk.next_review_on is not None and risk.next_review_on <= review.reviewed_on:
        risk.next_review_on = None  # the date has been met; the next one is not yet set
    risk.save()
    reason = f"Review on {review.reviewed_on:%d %B %Y}"
    record_update(actor, risk.organisation, risk, before, reason)
