"""What Lodestar's own management commands share: finding an organisation by its ODS
code, and saying in one line why the database cannot be used."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError

from lodestar.core.models import Organisation


def organisation_by_ods(ods_code: str) -> Organisation:
    organisation = Organisation.objects.filter(ods_code=ods_code.strip().upper()).first()
    if organisation is None:
        raise CommandError(f"No organisation has the ODS code {ods_code!r}.")
    return organisation


def database_problem(error: DatabaseError) -> str:
    """The first line of the database's complaint, without a traceback."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
