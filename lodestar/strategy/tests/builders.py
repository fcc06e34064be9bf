"""Small builders for strategy tests, shared with the delivery, alignment and check tests.

They write rows directly rather than through services so that a test of one service
does not depend on every other service working.
"""

from __future__ import annotations

from typing import Any

from lodestar.core.models import Organisation
from lodestar.governance.models import Committee
from lodestar.strategy.models import Element, ElementKind, Strategy

DEFAULT_PLURALS = dict(ElementKind.DEFAULTS)


def make_strategy(organisation: Organisation, **kw: Any) -> Strategy:
    fields: dict[str, Any] = {
        "title": "Our strategy",
        "start_year": 2022,
        "end_year": 2025,
        "vision": "Improving mental health, learning disability and autism care.",
    }
    fields.update(kw)
    return Strategy.objects.create(organisation=organisation, **fields)


def make_element_kind(
    organisation: Organisation, name: str = "Strategic objective"
) -> ElementKind:
    order = (
        [kind for kind, _ in ElementKind.DEFAULTS].index(name) if name in DEFAULT_PLURALS else 99
    )
    kind, _ = ElementKind.objects.get_or_create(
        organisation=organisation,
        name=name,
        defaults={"plural": DEFAULT_PLURALS.get(name, f"{name}s"), "order": order},
    )
    return kind


def make_element(strategy: Strategy, kind_name: str = "Strategic objective", **kw: Any) -> Element:
    fields: dict[str, Any] = {
        "title": "Deliver great care",
        "order": strategy.elements.count(),
    }
    fields.update(kw)
    kind = make_element_kind(strategy.organisation, kind_name)
    return Element.objects.create(
        organisation=strategy.organisation, strategy=strategy, kind=kind, **fields
    )


def make_committee(organisation: Organisation, name: str = "Trust Board", **kw: Any) -> Committee:
    fields: dict[str, Any] = {"kind": Committee.Kind.BOARD}
    fields.update(kw)
    return Committee.objects.create(organisation=organisation, name=name, **fields)
