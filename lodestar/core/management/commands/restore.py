from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lodestar.core.backup import BackupError, restore_from


class Command(BaseCommand):
    help = (
        "Restore a file made by `lodestar backup` into an EMPTY database: run the "
        "migrations, then load every record in one transaction, keeping their ids. It "
        "refuses, changing nothing, a database that already holds data, a file that is "
        "not a complete Lodestar backup, and a backup made by a different version of "
        "Lodestar. FILE may be - for standard input; gzipped files are read as they are."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the backup; - for standard input")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            counts = restore_from(file)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"Restored {sum(counts.values())} records from {file}. "
            "`lodestar audit verify` checks the audit trail."
        )
