"""Checks every strategy service makes before it changes anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from lodestar.core.models import Membership, Organisation
from lodestar.core.permissions import require
from lodestar.core.roles import Capability, Role
from lodestar.strategy.models import Strategy

if TYPE_CHECKING:
    from lodestar.accounts.models import User

MAX_LINE_LENGTH = 1000


def require_if_person(actor: User | None, organisation: Organisation, cap: Capability) -> None:
    """`None` is the system itself (demo data, imports run by site staff)."""
    if actor is not None:
        require(actor, organisation, cap)


def frozen_message(strategy: Strategy) -> str:
    on = strategy.approved_on
    when = f" on {on.day} {on:%B %Y}" if on is not None else ""
    return (
        f"This strategy was approved{when} and cannot be changed. "
        "Start a new version to make changes."
    )


def lock_unfrozen(strategy: Strategy) -> Strategy:
    """Lock the strategy's row and refuse if it is approved or superseded.

    The status is read afresh under the lock so that an edit racing an approval cannot
    slip into the version the board has just agreed.
    """
    current = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if current.is_frozen:
        raise ValidationError(frozen_message(current))
    return current


def clean_lines(field: str, value: Any) -> list[str]:
    """A list of short texts, one a line: blank lines go, a non-text item is refused."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        raise ValidationError({field: "Give a list of texts, one a line."})
    lines: list[str] = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise ValidationError({field: f"Item {number} is not text."})
        line = item.strip()
        if len(line) > MAX_LINE_LENGTH:
            raise ValidationError(
                {field: f"Line {number} is longer than {MAX_LINE_LENGTH} characters."}
            )
        if line:
            lines.append(line)
    return lines


def check_executive_lead(organisation: Organisation, user: User | None) -> None:
    if user is None:
        return
    is_executive = Membership.objects.filter(
        organisation=organisation, user=user, role=Role.EXECUTIVE_DIRECTOR
    ).exists()
    if not is_executive:
        raise ValidationError(
            {"executive_lead": f"{user.display_name} is not an executive director here."}
        )
