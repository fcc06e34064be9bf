"""Small builders for risk tests, shared by every risk test module.

Like the strategy and delivery builders they write rows directly rather than through
services, so that a test of one service does not depend on every other service working.
Scores and bands are still set the way the services set them, by the organisation's
matrix (`matrix_for(org).grade`), so a built risk looks like a real one.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from lodestar.accounts.models import User
from lodestar.core import services as core_services
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.core.testing import PersonaTestCase, make_user
from lodestar.governance.models import Committee
from lodestar.risk.matrix import matrix_for
from lodestar.risk.models import (
    AppetiteCategory,
    OperationalRisk,
    RiskReview,
    StrategicRisk,
)
from lodestar.strategy.models import Element
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

__all__ = [
    "RiskTestCase",
    "add_member",
    "make_appetite_category",
    "make_committee",
    "make_element",
    "make_operational_risk",
    "make_review",
    "make_risk_committee",
    "make_strategic_risk",
    "make_strategy",
    "scored_fields",
]

#: Where a built risk sits unless a test says otherwise: inherent 4x5 = 20 Extreme,
#: current 4x4 = 16 Extreme, target 2x4 = 8 High (under the NPSA bands).
DEFAULT_RATINGS: dict[str, int] = {
    "inherent_likelihood": 4,
    "inherent_consequence": 5,
    "current_likelihood": 4,
    "current_consequence": 4,
    "target_likelihood": 2,
    "target_consequence": 4,
}


def scored_fields(organisation: Organisation, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with each position's score and band filled in by the organisation's matrix."""
    matrix = matrix_for(organisation)
    result = dict(fields)
    for position in ("inherent", "current", "target"):
        graded = matrix.grade(result[f"{position}_likelihood"], result[f"{position}_consequence"])
        result[f"{position}_score"] = graded.score
        result[f"{position}_band"] = graded.band.name
    return result


def make_appetite_category(organisation: Organisation, **kw: Any) -> AppetiteCategory:
    """A category (Finance, Cautious, tolerance 12 unless told); reused if the name exists."""
    fields: dict[str, Any] = {"name": "Finance", "level": 3, "tolerance": 12, "order": 0}
    fields.update(kw)
    name = fields.pop("name")
    category, _ = AppetiteCategory.objects.get_or_create(
        organisation=organisation, name=name, defaults=fields
    )
    return category


def make_risk_committee(
    organisation: Organisation, name: str = "Audit and Risk Committee"
) -> Committee:
    """A committee of the board, reused if one of that name exists."""
    found = Committee.objects.filter(organisation=organisation, name=name).first()
    return found or make_committee(organisation, name, kind=Committee.Kind.COMMITTEE)


def _next_reference(
    model: type[StrategicRisk] | type[OperationalRisk], prefix: str, org: Organisation
) -> str:
    taken = set(model.objects.filter(organisation=org).values_list("reference", flat=True))
    number = len(taken) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def make_strategic_risk(
    organisation: Organisation,
    executive: User,
    committee: Committee | None = None,
    element: Element | None = None,
    **kw: Any,
) -> StrategicRisk:
    """An open BAF risk led by `executive`, linked to `element` (one is made if not given).

    Pass any model field as a keyword (ratings, `reference`, `appetite_category`, `status`
    ...); `elements=[...]` links several elements and `metrics=[...]` names metrics.
    """
    elements: Sequence[Element] = kw.pop("elements", ())
    metrics: Sequence[Any] = kw.pop("metrics", ())
    if element is None and not elements:
        element = make_element(make_strategy(organisation))
    fields: dict[str, Any] = {
        "reference": _next_reference(StrategicRisk, "SR", organisation),
        "title": "Unable to recruit and keep enough staff",
        "cause": "If we cannot recruit and keep enough registered nurses",
        "event": "there is a risk that wards run below safe staffing levels",
        "effect": "resulting in harm to patients and a loss of public confidence.",
        "committee": committee or make_risk_committee(organisation),
        "appetite_category": kw.get("appetite_category") or make_appetite_category(organisation),
        "next_review_on": datetime.date(2026, 3, 31),
        **DEFAULT_RATINGS,
    }
    fields.update(kw)
    risk = StrategicRisk.objects.create(
        organisation=organisation, executive_lead=executive, **scored_fields(organisation, fields)
    )
    risk.elements.set([*elements, *([element] if element else [])])
    if metrics:
        risk.metrics.set(metrics)
    return risk


def make_operational_risk(organisation: Organisation, owner: User, **kw: Any) -> OperationalRisk:
    """An open corporate register risk owned by `owner`; pass `strategic_risk=` to link it."""
    fields: dict[str, Any] = {
        "reference": _next_reference(OperationalRisk, "CR", organisation),
        "title": "Agency spend above the cap",
        "description": "Vacancies in inpatient wards are filled by agency staff above the cap.",
        "service": "Acute inpatient services",
        **DEFAULT_RATINGS,
        "current_likelihood": 3,
        "current_consequence": 3,
    }
    fields.update(kw)
    return OperationalRisk.objects.create(
        organisation=organisation, owner=owner, **scored_fields(organisation, fields)
    )


def make_review(risk: StrategicRisk, reviewer: User, **kw: Any) -> RiskReview:
    """A review row only: it does not move the risk's current score (the service does)."""
    fields: dict[str, Any] = {
        "reviewed_on": datetime.date(2025, 6, 30),
        "likelihood": risk.current_likelihood,
        "consequence": risk.current_consequence,
        "rationale": "Controls unchanged since the last review.",
    }
    fields.update(kw)
    graded = matrix_for(risk.organisation).grade(fields["likelihood"], fields["consequence"])
    return RiskReview.objects.create(
        organisation=risk.organisation,
        risk=risk,
        reviewer=reviewer,
        score=graded.score,
        band=graded.band.name,
        **fields,
    )


class RiskTestCase(PersonaTestCase):
    """The personas, plus a manager and a non-executive director, a strategy element, a
    committee and a Finance appetite category in RXM."""

    manager: User
    ned: User
    element: Element
    committee: Committee
    category: AppetiteCategory

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.manager = cls._member("mona", "Mona", "Manager", Role.MANAGER)
        cls.ned = cls._member("nia", "Nia", "Non-executive", Role.NON_EXECUTIVE_DIRECTOR)
        cls.element = make_element(make_strategy(cls.org))
        cls.committee = make_risk_committee(cls.org)
        cls.category = make_appetite_category(cls.org)


def add_member(organisation: Organisation, username: str, role: Role) -> User:
    """Another member of `organisation` with `role` (for a second executive, say)."""
    user = make_user(username, username.title(), "Member")
    core_services.add_member(None, organisation, user, role)
    return user
