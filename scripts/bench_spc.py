"""Benchmark of the SPC engine and of `lodestar spc`. Prints figures; asserts nothing.

10,000 series of 36 monthly points (seeded random data, with some shifts and trends so
that the rules have work to do), the size of a large trust's whole metric set over three
years. For scale, NHSRplotthedots takes about 40 s for the same work (spc-method.md).
Targets on a 2-core machine: engine at most 0.2 s, whole command at most 3 s.

    .venv/bin/python scripts/bench_spc.py [--series N] [--points N]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lodestar.performance.spc.engine import analyse  # noqa: E402
from lodestar.performance.spc.prepare import prepare  # noqa: E402


def make_data(
    series: int, points: int, seed: int = 20260401
) -> tuple[list[str], list[str], np.ndarray]:
    """Seeded monthly series: noise around a level, a third with a step part-way through."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(20, 200, size=(series, 1))
    y = level + rng.normal(0, level / 10, size=(series, points))
    step = rng.random(series) < 1 / 3
    y[step, points // 2 :] += level[step] / 5
    y = np.round(y, 2)
    months = np.arange("2021-01", np.datetime64("2021-01") + points, dtype="datetime64[M]")
    dates = np.datetime_as_string(months.astype("datetime64[D]")).tolist()
    names = [f"metric-{i:05d}" for i in range(series)]
    return names, dates, y


def write_input(path: Path, names: list[str], dates: list[str], y: np.ndarray) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["series", "date", "value"])
        for name, row in zip(names, y.tolist(), strict=True):
            w.writerows((name, d, repr(v)) for d, v in zip(dates, row, strict=True))


def best_of(fn: object, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        runs.append(time.perf_counter() - start)
    return runs


def report(label: str, runs: list[float]) -> None:
    print(f"{label:<60} {min(runs):8.3f} s  (median {statistics.median(runs):.3f} s)")  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=36)
    opts = parser.parse_args()
    names, dates, y = make_data(opts.series, opts.points)
    n = y.size
    print(f"SPC benchmark: {opts.series:,} series x {opts.points} points = {n:,} rows")  # noqa: T201

    series_col = np.repeat(np.array(names), opts.points)
    date_col = np.tile(np.array(dates, dtype="datetime64[s]"), opts.series)
    batch = prepare(series_col, date_col, y.reshape(-1))
    report("engine: analyse() on a prepared batch (best of 7)", best_of(lambda: analyse(batch), 7))
    report(
        "engine + validation: prepare() and analyse() (best of 5)",
        best_of(lambda: analyse(prepare(series_col, date_col, y.reshape(-1))), 5),
    )

    with tempfile.TemporaryDirectory(prefix="lodestar-bench-spc-") as tmp:
        src = Path(tmp) / "input.csv"
        write_input(src, names, dates, y)
        command = [
            str(Path(sys.executable).with_name("lodestar")),
            "spc",
            str(src),
            "--points",
            str(Path(tmp) / "points.csv"),
            "--summary",
            str(Path(tmp) / "summary.csv"),
        ]
        runs = best_of(lambda: subprocess.run(command, check=True), 3)  # noqa: S603
        report("whole command: lodestar spc, CSV in, 2 CSVs out (best of 3)", runs)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = os.path.getsize(src) / 1024 / 1024
        print(f"{'peak memory of the command (ru_maxrss of the child)':<60} {peak:8.0f} MiB")  # noqa: T201
        print(f"{'input CSV size':<60} {size:8.1f} MiB")  # noqa: T201


if __name__ == "__main__":
    main()
