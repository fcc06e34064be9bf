from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from lodestar.audit.services import verify_chain
from lodestar.core.commands import database_problem


class Command(BaseCommand):
    help = (
        "Work with the audit trail. `lodestar audit verify` recomputes every entry's hash "
        "in order and exits 1, naming the first broken entry, if any row was altered or "
        "removed outside Lodestar."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser(
            "verify",
            help="check the hash chain from the first entry to the last",
            description="Check the audit trail's hash chain from the first entry to the last.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        # Only "verify" exists; argparse has refused anything else already.
        try:
            checked, broken = verify_chain()
        except DatabaseError as e:
            raise CommandError(
                f"The audit trail cannot be read ({database_problem(e)}). Check DATABASE_URL."
            ) from None
        if broken is not None:
            raise CommandError(f"Audit trail broken: {broken}", returncode=1)
        self.stdout.write(f"Audit trail intact: {checked} entries checked.")
