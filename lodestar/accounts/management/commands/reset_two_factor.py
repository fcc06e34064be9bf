"""`lodestar reset_two_factor USERNAME`: for someone who has lost their authenticator app."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lodestar.accounts import services
from lodestar.accounts.models import User


class Command(BaseCommand):
    help = "Turn off two-factor authentication for one person, so they can set it up again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no account with the username {options['username']!r}.")
        removed = services.reset_two_factor(user)
        if removed == 0:
            self.stdout.write(f"{user.username} did not have two-factor authentication on.")
        else:
            self.stdout.write(
                f"Two-factor authentication is off for {user.username}. They can sign in "
                "with their password and set it up again."
            )
