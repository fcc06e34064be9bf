"""`lodestar serve`: Django's development server with DEBUG on, gunicorn without."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from lodestar.accounts.models import User
from lodestar.core.demo import DEMO_PASSWORD, PEOPLE

DEFAULT_ADDRPORT = "127.0.0.1:8000"
DEFAULT_WORKERS = "2"
_ADDRPORT = re.compile(r"(?:(?P<addr>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(?P<port>[0-9]{1,5})")
_ANY_ADDRESS = {"0", "0.0.0.0", "[::]"}  # noqa: S104 (naming it is not binding to it)


def parse_addrport(value: str) -> tuple[str, int]:
    match = _ADDRPORT.fullmatch(value)
    port = int(match["port"]) if match else 0
    if match is None or not 0 < port < 65536:
        raise CommandError(
            f"ADDR:PORT must look like 127.0.0.1:8000, [::1]:8000 or 8000, not {value!r}."
        )
    return match["addr"] or "127.0.0.1", port


def sign_in_hint() -> str:
    """How to sign in to a development site, from what the database holds."""
    try:
        demo_loaded = User.objects.filter(username="siteadmin").exists()
        anyone = demo_loaded or User.objects.exists()
    except DatabaseError:
        return "The database is not set up yet: run `lodestar migrate` and `lodestar demo`."
    if demo_loaded:
        names = ", ".join(["siteadmin", *(p.username for p in PEOPLE)])
        return f"Sign in as any of {names} with the demo-only password {DEMO_PASSWORD!r}."
    if anyone:
        return "Sign in with an account of this database."
    return "There are no accounts yet: `lodestar demo` loads demo people."


class Command(BaseCommand):
    help = (
        "Serve Lodestar on ADDR:PORT (default 127.0.0.1:8000). With DEBUG=true this is "
        "Django's development server, which restarts itself when the code changes. With "
        "DEBUG off it is the production server, gunicorn running lodestar.wsgi with 2 "
        "worker processes: WEB_CONCURRENCY sets another number and GUNICORN_CMD_ARGS adds "
        "gunicorn options. Put a TLS-terminating proxy in front of it in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default=DEFAULT_ADDRPORT,
            metavar="ADDR:PORT",
            help=f"where to listen (default {DEFAULT_ADDRPORT}); 0.0.0.0:8000 for every address",
        )

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        addr, port = parse_addrport(addrport)
        if settings.DEBUG:
            self.develop(addr, port)
        else:
            self.produce(addr, port)

    def develop(self, addr: str, port: int) -> None:
        # The reloader runs this command again in a child process at every change;
        # the first run is the one a developer reads.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            host = "127.0.0.1" if addr in _ANY_ADDRESS else addr
            self.stdout.write(f"Lodestar (development server): http://{host}:{port}/")
            self.stdout.write(sign_in_hint())
            # Before the reloader's parent settles into waiting, or a log never sees it.
            self.stdout.flush()
        call_command("runserver", f"{addr}:{port}", use_reloader=True)

    def produce(self, addr: str, port: int) -> None:
        workers = os.environ.get("WEB_CONCURRENCY") or DEFAULT_WORKERS
        argv = [sys.executable, "-m", "gunicorn", "--workers", workers]
        # No control socket: it lives at one path per user, which two sites on a host share.
        argv += ["--bind", f"{addr}:{port}", "--no-control-socket", "lodestar.wsgi"]
        self.stdout.write(f"Lodestar (gunicorn, {workers} workers): http://{addr}:{port}/")
        self.stdout.flush()
        # gunicorn takes this process's place, so signals from systemd or Docker reach it.
        os.execv(sys.executable, argv)  # noqa: S606
