"""`lodestar spc` on real NHS England A&E data for the Derbyshire and Nottinghamshire trusts.

data/ae_derbyshire_notts.csv (Open Government Licence v3.0, NHS England; see
data/SOURCE.md): 4-hour performance of each trust's type 1 departments, 1 - breaches /
attendances, against the 95% standard.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from lodestar.performance.spc import cli

DATA = Path(__file__).parent / "data" / "ae_derbyshire_notts.csv"
TRUSTS = {"RFS", "RK5", "RTG", "RX1"}


def four_hour_performance(tmp_path: Path) -> str:
    with DATA.open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["type"] == "1"]
    path = tmp_path / "ae.csv"
    with path.open("w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["org_code", "period", "performance"])
        for r in rows:
            out.writerow(
                [r["org_code"], r["period"], 1 - int(r["breaches"]) / int(r["attendances"])]
            )
    return str(path)


def spc(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, str]]:
    args = [
        four_hour_performance(tmp_path),
        "--series-column",
        "org_code",
        "--date-column",
        "period",
        "--value-column",
        "performance",
        *extra,
    ]
    assert cli.main(args) == 0
    out, err = capsys.readouterr()
    assert err == ""  # 36 months each: no trial limits
    return list(csv.DictReader(io.StringIO(out)))


def test_each_trust_gets_a_summary_with_sane_limits_and_assurance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = {r["series"]: r for r in spc(tmp_path, capsys, "--target", "0.95")}
    assert set(summary) == TRUSTS
    for trust, row in summary.items():
        low, mean, high = (float(row[k]) for k in ("lower_limit", "mean", "upper_limit"))
        assert row["points"] == "36", trust
        assert 0.5 < low < mean < high < 1.0, trust
        expected = "consistent_fail" if high < 0.95 else "inconsistent"
        assert row["assurance"] == expected, trust
    # None of these trusts met the 95% standard on average over 2016-2019.
    assert all(float(r["mean"]) < 0.95 for r in summary.values())
    assert summary["RX1"]["assurance"] == "consistent_fail"


def test_each_trust_gets_36_classified_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    points = spc(tmp_path, capsys, "--points", "-")
    assert len(points) == 4 * 36
    for trust in TRUSTS:
        mine = [p for p in points if p["series"] == trust]
        assert [p["date"] for p in mine] == sorted(p["date"] for p in mine)
        assert len({p["upper_limit"] for p in mine}) == 1
        outside = [p for p in mine if p["rule"] == "outside_limits"]
        for p in outside:
            assert not float(p["lower_limit"]) <= float(p["value"]) <= float(p["upper_limit"])
    assert {p["point_type"] for p in points} <= {
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
    }
