"""A strategy shaped like Derbyshire Healthcare's published one, built for public-page tests.

The words follow the seed page's structure (one vision, two clinical priorities, four
strategic objectives, four values, five clinical ambitions); tests never read the seed.
"""

from __future__ import annotations

import datetime

from lodestar.core.models import Organisation
from lodestar.strategy.models import Element, ElementKind, Strategy, Value
from lodestar.strategy.tests.builders import make_committee

VISION = "To make a positive difference in people’s lives by improving health and wellbeing"
PRIORITIES = [
    "Designed in consultation with our colleagues and people who use our services",
    "Based on best clinical evidence",
]
OBJECTIVES = {
    "Great care": [
        "Delivering compassionate, person-centred, innovative and safe care",
        "Choice, empowerment and shared decision-making is the norm",
    ],
    "Great place to work": [
        "Attracting colleagues to work with us who we develop, retain and support",
        "An empowered, compassionate and inclusive culture that embraces diversity",
    ],
    "Best use of money": [
        "Making financially-wise decisions every day and avoid wasting resources",
        "Always striving for best value by finding ways to make our money go further",
    ],
    "Great partner": [
        "Actively embracing collaboration as our way of working",
        "Working together with the citizens of Derbyshire for the best start in life",
    ],
}
VALUES = {
    "People first": "We work compassionately and supportively with each other.",
    "Respect": "We respect and value the diversity of our patients, colleagues and partners.",
    "Honesty": "We are open and transparent in all we do.",
    "Do your best": "Together we want to work smarter, striving for continuous improvement.",
}
AMBITIONS = [
    "Be person-centred and prevent ill health",
    "Provide care at home or in the community where possible",
    "Ensure any admission to hospital is within Derbyshire and kept short",
    "Be compassionate and take account of trauma-informed practice",
    "Involve people who use our services in designing their care and treatment",
]
APPROVED_ON = datetime.date(2022, 3, 1)


def _kind(organisation: Organisation, name: str, plural: str, order: int) -> ElementKind:
    kind, _ = ElementKind.objects.get_or_create(
        organisation=organisation, name=name, defaults={"plural": plural, "order": order}
    )
    return kind


def _element(strategy: Strategy, kind: ElementKind, order: int, title: str, **kw: object) -> None:
    Element.objects.create(
        organisation=strategy.organisation,
        strategy=strategy,
        kind=kind,
        order=order,
        title=title,
        **kw,
    )


def make_seed_like_strategy(organisation: Organisation, **kw: object) -> Strategy:
    """An approved strategy for 2022 to 2025 with the seed page's elements and values."""
    fields: dict[str, object] = {
        "title": "Trust strategy",
        "start_year": 2022,
        "end_year": 2025,
        "vision": VISION,
        "status": Strategy.Status.APPROVED,
        "approved_by": make_committee(organisation, "Board of Directors"),
        "approved_on": APPROVED_ON,
    }
    fields.update(kw)
    strategy = Strategy.objects.create(organisation=organisation, **fields)
    # Clinical priorities come first on the seed page, so their kind is ordered first.
    priority = _kind(organisation, "Clinical priority", "Clinical priorities", 0)
    objective = _kind(organisation, "Strategic objective", "Strategic objectives", 1)
    ambition = _kind(organisation, "Clinical ambition", "Clinical ambitions", 2)
    for order, title in enumerate(PRIORITIES):
        _element(strategy, priority, order, title)
    for order, (title, statements) in enumerate(OBJECTIVES.items()):
        _element(strategy, objective, order, title, statements=statements)
    for order, title in enumerate(AMBITIONS):
        _element(strategy, ambition, order, title)
    for order, (name, description) in enumerate(VALUES.items()):
        Value.objects.create(
            organisation=organisation,
            strategy=strategy,
            order=order,
            name=name,
            description=description,
        )
    return strategy
