"""Benchmarks for the foundation. Prints figures; asserts nothing.

Run with `make bench` (SQLite in a temporary file) or with DATABASE_URL set to a
PostgreSQL database that may be emptied, e.g.
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp(prefix="lodestar-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-use")
os.environ.setdefault("REQUIRE_ADMIN_2FA", "false")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("LODESTAR_VAR_DIR", tmp)
os.environ["DJANGO_SETTINGS_MODULE"] = "lodestar.settings"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from lodestar.accounts.models import User  # noqa: E402
from lodestar.audit.services import verify_chain  # noqa: E402
from lodestar.core import services  # noqa: E402
from lodestar.core.demo import load_demo  # noqa: E402
from lodestar.core.models import Organisation  # noqa: E402


def timed(label: str, fn: Callable[[], object], repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    best = min(runs)
    median = statistics.median(runs)
    print(f"{label:<58} best {best * 1000:9.1f} ms   median {median * 1000:9.1f} ms")  # noqa: T201
    return median


def main() -> None:
    vendor = connection.vendor
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    print(f"Lodestar foundation benchmarks on {vendor}")  # noqa: T201
    timed("load the demo data (4 organisations, 15 people)", load_demo)
    org = Organisation.objects.get(ods_code="RXM")
    admin = User.objects.get(username="admin")

    def rename_1000() -> None:
        for i in range(1000):
            services.update_organisation(admin, org, summary=f"Summary {i}")

    per = timed("1,000 audited changes (update + audit entry each)", rename_1000)
    print(f"{'':<58} = {1000 / per:,.0f} audited changes a second")  # noqa: T201
    checked, broken = verify_chain()
    assert broken is None
    per = timed(f"verify the audit chain ({checked:,} entries)", verify_chain, repeat=5)
    print(f"{'':<58} = {checked / per:,.0f} entries a second")  # noqa: T201

    client = Client()
    client.force_login(admin)
    for name in ("core:organisation_home", "core:members", "audit:organisation_log"):
        url = reverse(name, args=[org.uuid])
        timed(f"render {name} (median of 50)", lambda url=url: client.get(url), repeat=50)
    backup = Path(tmp) / "backup.json"
    timed(
        "lodestar backup of the whole database",
        lambda: call_command("backup", str(backup), verbosity=0),
    )
    print(f"{'':<58} = {backup.stat().st_size / 1024:,.0f} KiB")  # noqa: T201


if __name__ == "__main__":
    main()
