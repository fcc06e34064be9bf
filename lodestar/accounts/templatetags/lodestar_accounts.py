from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.filter
def duration(value: datetime.timedelta) -> str:
    """A wait in words, such as "15 minutes" or "1 hour and 30 minutes"."""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " and ".join(parts)
