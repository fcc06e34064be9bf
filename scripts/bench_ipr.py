"""Benchmark of the integrated performance report. Prints figures; asserts nothing.

The issue asks that the report of 200 metrics of 36 monthly points renders in at most 2 s.
This builds such an organisation (seeded random data, some rebases, most with targets),
then renders the page, its PDF and one metric's page with the test client.

Run with `.venv/bin/python scripts/bench_ipr.py` (SQLite in a temporary file) or with
DATABASE_URL set to a PostgreSQL database that may be emptied, e.g.
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python scripts/bench_ipr.py`.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp(prefix="lodestar-bench-ipr-")
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from lodestar.accounts.models import User  # noqa: E402
from lodestar.core import services  # noqa: E402
from lodestar.core.models import Organisation  # noqa: E402
from lodestar.core.roles import Role  # noqa: E402
from lodestar.performance.models import (  # noqa: E402
    Domain,
    Frequency,
    ImprovementDirection,
    Metric,
    Narrative,
    Observation,
    Rebase,
    Unit,
)
from lodestar.strategy.models import Element, ElementKind, Strategy  # noqa: E402

METRICS = 200
POINTS = 36
FIRST = datetime.date(2022, 7, 1)


def months(count: int) -> list[datetime.date]:
    return [
        datetime.date(FIRST.year + (FIRST.month - 1 + i) // 12, (FIRST.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


def timed(label: str, fn: Callable[[], object], repeat: int = 1) -> float:
    """Print the best and median wall-clock times, and the median CPU time.

    On a shared machine the wall clock includes waiting for the processor; the CPU time
    is what the work itself costs.
    """
    runs, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(runs)
    print(  # noqa: T201
        f"{label:<50} best {min(runs) * 1000:8.1f} ms  median {median * 1000:8.1f} ms"
        f"  (CPU {statistics.median(cpu) * 1000:8.1f} ms)"
    )
    return median


def build() -> tuple[Organisation, User, Metric]:
    """A trust with 200 metrics of 36 months each, made with bulk inserts."""
    org = services.create_organisation(
        None,
        name="Benchmark Hospitals NHS Foundation Trust",
        ods_code="XBH",
        kind=Organisation.Kind.NHS_FOUNDATION_TRUST,
        ics=services.get_or_create_ics("Benchmark ICS"),
    )
    executive = User.objects.create_user("bench-exec", first_name="Bea", last_name="Bench")
    services.add_member(None, org, executive, Role.EXECUTIVE_DIRECTOR)
    rng = random.Random(20240601)  # noqa: S311 - made-up figures, not secrets
    metrics = Metric.objects.bulk_create(_metric(org, executive, i, rng) for i in range(METRICS))
    periods = months(POINTS)
    Observation.objects.bulk_create(
        (
            Observation(organisation=org, metric=m, period=p, value=v)
            for m in metrics
            for p, v in zip(periods, _series(rng), strict=True)
        ),
        batch_size=2000,
    )
    rebased = metrics[::10]
    Rebase.objects.bulk_create(
        Rebase(organisation=org, metric=m, period=periods[18], reason="A new pathway")
        for m in rebased
    )
    Narrative.objects.bulk_create(
        Narrative(
            organisation=org,
            metric=m,
            period=periods[-1],
            what_the_chart_shows="Performance is within its usual range.",
            root_cause="Demand rose over the winter.",
            actions="Extra clinics are booked for the next quarter.",
            risks="Staffing remains tight.",
            author=executive,
        )
        for m in metrics[::3]
    )
    _link_objectives(org, metrics)
    return org, executive, metrics[0]


def _metric(org: Organisation, executive: User, i: int, rng: random.Random) -> Metric:
    direction = rng.choice(list(ImprovementDirection))
    return Metric(
        organisation=org,
        code=f"metric-{i:03d}",
        name=f"Benchmark metric {i:03d}",
        unit=rng.choice([Unit.PERCENT, Unit.COUNT, Unit.DAYS, Unit.RATE]),
        improvement_direction=direction,
        target=None if i % 4 == 0 else rng.uniform(40, 110),
        target_source="Illustrative",
        frequency=Frequency.MONTHLY,
        lead_executive=executive,
        domain=list(Domain)[i % len(Domain)],
        illustrative=True,
    )


def _series(rng: random.Random) -> list[float]:
    """A noisy level, sometimes with a step or a drift, so every point type turns up."""
    level, noise = rng.uniform(50, 100), rng.uniform(1, 6)
    step = rng.choice([0, 0, 0, noise * 3, -noise * 3])
    drift = rng.choice([0, 0, 0.3, -0.3])
    return [
        level + rng.gauss(0, noise) + (step if i >= 24 else 0) + drift * i for i in range(POINTS)
    ]


def _link_objectives(org: Organisation, metrics: list[Metric]) -> None:
    strategy = Strategy.objects.create(
        organisation=org,
        title="Benchmark strategy",
        kind=Strategy.Kind.FIVE_YEAR_PLAN,
        start_year=2024,
        end_year=2028,
        vision="Benchmarks that stay fast.",
    )
    kind = ElementKind.objects.create(
        organisation=org, name="Strategic objective", plural="Strategic objectives"
    )
    elements = [
        Element.objects.create(
            organisation=org, strategy=strategy, kind=kind, order=i, title=f"Objective {i}"
        )
        for i in range(5)
    ]
    links = Metric.elements.through
    links.objects.bulk_create(
        links(metric=m, element=elements[i % 5]) for i, m in enumerate(metrics) if i % 7
    )


def _getter(client: Client, url: str) -> Callable[[], object]:
    return lambda: client.get(url)


def main() -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    print(f"Integrated performance report benchmarks on {connection.vendor}")  # noqa: T201
    start = time.perf_counter()
    org, executive, first = build()
    print(  # noqa: T201
        f"{'build 200 metrics x 36 months (bulk inserts)':<50} "
        f"{(time.perf_counter() - start) * 1000:9.1f} ms"
    )
    client = Client()
    client.force_login(executive)
    report = reverse("performance:report", args=[org.uuid])
    for by in ("domain", "objective"):
        url = f"{report}?by={by}"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # Counted now: the next request clears the connection's log of queries.
        count, size = len(queries), len(response.content) / 1024
        assert response.status_code == 200, response.status_code
        timed(f"render the IPR by {by} (median of 7)", _getter(client, url), repeat=7)
        print(f"{'':<50} {count} queries, {size:,.0f} KiB of HTML")  # noqa: T201
    metric = reverse("performance:metric", args=[org.uuid, first.uuid])
    timed("render one metric's page (median of 20)", lambda: client.get(metric), repeat=20)
    pdf = reverse("performance:report_pdf", args=[org.uuid])
    response = client.get(pdf)
    assert response.content.startswith(b"%PDF"), "not a PDF"
    from django.core.cache import cache  # noqa: PLC0415 - after django.setup()

    def fresh_pdf() -> None:
        cache.clear()  # the view keeps PDFs until the data change; measure the real work
        client.get(pdf)

    timed("the IPR as a PDF (WeasyPrint, median of 3)", fresh_pdf, repeat=3)
    print(f"{'':<50} {len(response.content) / 1024:,.0f} KiB of PDF")  # noqa: T201
    client.get(pdf)
    timed("the same PDF again, kept (median of 7)", lambda: client.get(pdf), repeat=7)


if __name__ == "__main__":
    main()
