from __future__ import annotations

from django import template

from lodestar.strategy.models import Domain, Strategy

register = template.Library()

_STATUS_COLOURS = {
    Strategy.Status.DRAFT: "grey",
    Strategy.Status.CONSULTATION: "yellow",
    Strategy.Status.APPROVED: "green",
    Strategy.Status.SUPERSEDED: "white",
}


@register.filter
def domain_label(value: str) -> str:
    return Domain(value).label if value in Domain.values else value


@register.inclusion_tag("strategy/includes/status_tag.html")
def status_tag(strategy: Strategy) -> dict[str, str]:
    colour = _STATUS_COLOURS.get(Strategy.Status(strategy.status), "grey")
    return {"label": strategy.get_status_display(), "colour": colour}
