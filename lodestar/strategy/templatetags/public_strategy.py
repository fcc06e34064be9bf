"""Lets the organisation's public page link to its strategy only when there is one."""

from __future__ import annotations

from django import template
from django.utils import timezone

from lodestar.core.models import Organisation
from lodestar.strategy.models import Strategy

register = template.Library()


@register.simple_tag
def published_strategy(organisation: Organisation) -> Strategy | None:
    return Strategy.objects.current_for(organisation, timezone.localdate())
