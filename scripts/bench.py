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
    timed("load the demo (8 organisations, 36 people, 4 strategies, 36 metrics)", load_demo)
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
    _strategy_figures(client, org)
    _performance_and_risk_figures(client, org)
    backup = Path(tmp) / "backup.json"
    timed(
        "lodestar backup of the whole database",
        lambda: call_command("backup", str(backup), verbosity=0),
    )
    print(f"{'':<58} = {backup.stat().st_size / 1024:,.0f} KiB")  # noqa: T201


def _strategy_figures(client: Client, org: Organisation) -> None:
    """Pages and files of the demo's Derbyshire Healthcare strategy."""
    from django.core.cache import cache  # noqa: PLC0415 - after django.setup()

    from lodestar.strategy.exchange import (  # noqa: PLC0415
        Format,
        export_strategy,
        import_strategy,
    )
    from lodestar.strategy.models import Strategy  # noqa: PLC0415

    strategy = Strategy.objects.filter(organisation=org).order_by("-version").first()
    assert strategy is not None
    args = [org.uuid, strategy.uuid]
    pages = [
        ("strategy:detail", args),
        ("delivery:plan", args),
        ("alignment:matrix", args),
        ("alignment:check", args),
        ("objectives:thread", args),
        ("objectives:my_part", [org.uuid]),
        ("delivery:exceptions", [org.uuid]),
        ("public_strategy:strategy", [org.ods_code]),
    ]
    for name, url_args in pages:
        url = reverse(name, args=url_args)
        timed(f"render {name} (median of 20)", lambda url=url: client.get(url), repeat=20)
    pdf_url = reverse("public_strategy:plan_pdf", args=[org.ods_code])

    def fresh_pdf() -> None:
        cache.clear()  # the view keeps PDFs for ten minutes; measure the real work
        client.get(pdf_url)

    timed("plan on a page as PDF (WeasyPrint, median of 5)", fresh_pdf, repeat=5)
    yaml_file = export_strategy(strategy, Format.YAML)
    timed(
        "export the strategy and plan as YAML (median of 10)",
        lambda: export_strategy(strategy, Format.YAML),
        repeat=10,
    )
    timed(
        "export the strategy and plan as Excel (median of 10)",
        lambda: export_strategy(strategy, Format.XLSX),
        repeat=10,
    )
    # The same plan again under a new title, so it is a new strategy of the same trust
    # (its people and committees are there already).
    copy = yaml_file.replace(f"title: {strategy.title}".encode(), b"title: Bench copy", 1)
    timed(
        "import that YAML as a new strategy (all or nothing)",
        lambda: import_strategy(None, org, copy, Format.YAML, create_kinds=True),
    )


def _performance_and_risk_figures(client: Client, org: Organisation) -> None:
    """The demo's performance report and BAF of Derbyshire Healthcare (12 metrics, 6 risks)."""
    from django.core.cache import cache  # noqa: PLC0415 - after django.setup()

    from lodestar.performance.imports import import_observations  # noqa: PLC0415
    from lodestar.performance.models import Metric, Observation  # noqa: PLC0415
    from lodestar.risk.models import StrategicRisk  # noqa: PLC0415

    metric = Metric.objects.filter(organisation=org).first()
    risk = StrategicRisk.objects.filter(organisation=org).first()
    assert metric is not None and risk is not None
    pages = [
        ("performance:report", [org.uuid], 20),
        ("performance:metric", [org.uuid, metric.uuid], 20),
        ("performance:metrics", [org.uuid], 20),
        ("risk:baf", [org.uuid], 20),
        ("risk:heat_map", [org.uuid], 20),
        ("risk:risk", [org.uuid, risk.uuid], 20),
        ("risk:register", [org.uuid], 20),
        ("risk:baf_xlsx", [org.uuid], 10),
        ("performance:report_pdf", [org.uuid], 3),
        ("risk:baf_pdf", [org.uuid], 3),
    ]
    for name, url_args, repeat in pages:
        url = reverse(name, args=url_args)
        assert client.get(url).status_code == 200, name
        label = f"render {name} (median of {repeat})"

        def fetch(url: str = url) -> None:
            cache.clear()  # PDFs are kept until their data change; measure the real work
            client.get(url)

        timed(label, fetch, repeat=repeat)
    # A year of monthly data for every metric of the trust, as one CSV upload.
    rows = ["metric,period,value"]
    for m in Metric.objects.filter(organisation=org, frequency="monthly"):
        rows += [f"{m.code},2015-{month:02d},{50 + month}" for month in range(1, 13)]
    data = ("\n".join(rows) + "\n").encode()
    admin = User.objects.get(username="admin")
    before = Observation.objects.count()
    timed(
        f"import a CSV of {len(rows) - 1} observations (all or nothing)",
        lambda: import_observations(admin, org, "bench.csv", data),
    )
    assert Observation.objects.count() == before + len(rows) - 1


if __name__ == "__main__":
    main()
