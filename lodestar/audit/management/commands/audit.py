from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from lodestar.audit.models import AuditEntry
from lodestar.audit.services import verify_chain
from lodestar.core.commands import database_problem


class Command(BaseCommand):
    help = (
        "Work with the audit trail. `lodestar audit verify` recomputes every entry's hash "
        "in order and exits 1, naming the first broken entry, if any row was altered or "
        "removed outside Lodestar. It prints the newest entry's hash: keep that somewhere "
        "else (a log, a ticket) and pass it later as --anchor to prove no entry up to it "
        "was removed from the end, which the chain alone cannot show."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        verify = actions.add_parser(
            "verify",
            help="check the hash chain from the first entry to the last",
            description="Check the audit trail's hash chain from the first entry to the last.",
        )
        verify.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="HASH",
            help="a hash an earlier run printed; fail unless that entry is still in the trail",
        )

    def handle(self, *args: Any, action: str, anchor: list[str], **options: Any) -> None:
        # Only "verify" exists; argparse has refused anything else already.
        for given in anchor:
            if not _HASH.fullmatch(given):
                raise CommandError(f"--anchor {given!r} is not a hash: give 64 hex digits.")
        try:
            checked, broken = verify_chain()
            missing = [h for h in anchor if not AuditEntry.objects.filter(hash=h.lower()).exists()]
            newest = AuditEntry.objects.order_by("-id").first()
        except DatabaseError as e:
            raise CommandError(
                f"The audit trail cannot be read ({database_problem(e)}). Check DATABASE_URL."
            ) from None
        if broken is not None:
            raise CommandError(f"Audit trail broken: {broken}", returncode=1)
        if missing:
            # The chain before the gap still checks out, so only removal from the end (or
            # a hash from another trail) can explain an anchor that is not there.
            raise CommandError(
                f"Audit trail cut short: the entry with hash {missing[0]} is no longer in it, "
                "so entries were removed from its end (or the hash is from another trail).",
                returncode=1,
            )
        self.stdout.write(f"Audit trail intact: {checked} entries checked.")
        if newest is not None:
            self.stdout.write(f"Newest entry #{newest.pk}, hash {newest.hash}")


_HASH = re.compile(r"[0-9a-fA-F]{64}")
