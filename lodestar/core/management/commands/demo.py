from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lodestar.core.demo import DEMO_PASSWORD, PEOPLE, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and people. Running it again changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        made = load_demo()
        if made:
            self.stdout.write(f"Loaded {len(made)} demo records.")
        else:
            self.stdout.write("The demo data is already loaded; nothing changed.")
        names = ", ".join(["siteadmin", *(p.username for p in PEOPLE)])
        self.stdout.write(
            f"Sign in as any of {names} with the demo-only password {DEMO_PASSWORD!r}."
        )
