from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lodestar.core.backup import BackupError, backup_to


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the whole database to FILE, as JSON: every "
        "organisation, person, membership, grant and audit entry, read in one transaction "
        "so the site can stay up. FILE may be - for standard output; a name ending in .gz "
        "is compressed. The file holds password hashes: keep it as safe as the database. "
        "`lodestar restore FILE` loads it into an empty database."
    )
    # Backups run from cron: a failing configuration check elsewhere must not stop one.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="where to write; - for standard output")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            counts = backup_to(file)
        except BackupError as e:
            raise CommandError(str(e)) from None
        summary = f"Backed up {sum(counts.values())} records to {file}."
        if file == "-":
            # Standard output is the backup itself.
            sys.stderr.write(summary + "\n")
        else:
            self.stdout.write(summary)
