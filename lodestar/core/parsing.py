"""Reading identifiers that arrive as text from forms, query strings and sessions."""

from __future__ import annotations

import uuid


def parse_uuid(value: object) -> uuid.UUID | None:
    """The UUID the text names, or None for anything else (blank, garbage, None)."""
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None
