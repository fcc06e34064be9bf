"""`lodestar spc`: the command-line contract, in-process and once as a real subprocess."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lodestar.performance.spc import cli
from lodestar.performance.spc.tests.vectors import VECTORS, cases

POINTS = "series,date,value,baseline,mean,lower_limit,upper_limit,rule,point_type"
SUMMARY = "series,points,mean,lower_limit,upper_limit,variation,assurance"


def write(tmp_path: Path, text: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def rows(path: Path | str) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(args)
    except SystemExit as e:  # argparse's own refusals
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def synthetic_series(name: str) -> str:
    with (VECTORS / "synthetic_input.csv").open(newline="") as f:
        picked = [r for r in csv.DictReader(f) if r["series"] == name]
    return "date,value\n" + "".join(f"{r['x']},{r['y']}\n" for r in picked)


def test_points_and_summary_files_have_the_contract_columns_sorted_by_series_and_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path,
        "series,date,value\nb,2021-02-01,5\na,2021-02-01,3\n"
        "a,2021-01-01,1\nb,2021-01-01,7\na,2021-03-01,2\n",
    )
    points, summary = tmp_path / "p.csv", tmp_path / "s.csv"
    code, out, err = run([src, "--points", str(points), "--summary", str(summary)], capsys)
    assert code == 0
    assert out == ""
    assert "2 of 2 series have a baseline of fewer than 13 points" in err
    assert points.read_text().splitlines()[0] == POINTS
    assert [(r["series"], r["date"]) for r in rows(points)] == [
        ("a", "2021-01-01"),
        ("a", "2021-02-01"),
        ("a", "2021-03-01"),
        ("b", "2021-01-01"),
        ("b", "2021-02-01"),
    ]
    first = rows(points)[0]
    assert first["value"] == "1"
    assert (first["mean"], first["lower_limit"], first["upper_limit"]) == (
        "2.0",
        "-1.9900000000000002",
        "5.99",
    )
    assert (first["baseline"], first["rule"], first["point_type"]) == ("0", "none", "common_cause")
    assert summary.read_text().splitlines() == [
        SUMMARY,
        "a,3,2.0,-1.9900000000000002,5.99,common_cause,",
        "b,2,6.0,0.6799999999999997,11.32,common_cause,",
    ]


def test_the_summary_goes_to_standard_output_by_default_and_the_input_may_be_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfdate,value\n2021-01-01,1\n2021-02-01,2\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(["-", "--target", "10"], capsys)
    assert code == 0
    assert out.splitlines() == [
        SUMMARY,
        ",2,1.5,-1.1600000000000001,4.16,common_cause,consistent_fail",
    ]


def test_a_golden_case_comes_out_of_the_command_as_the_package_gives_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = cases()["rebase__decrease__rebase21"]
    src = write(tmp_path, synthetic_series("rebase"))
    args = [
        src,
        "--points",
        "-",
        "--improvement-direction",
        "decrease",
        "--target",
        "55",
        "--rebase",
        "2022-09-01",
    ]
    code, out, _ = run(args, capsys)
    assert code == 0
    got = list(csv.DictReader(io.StringIO(out)))
    assert len(got) == len(expected.points)
    for row, want in zip(got, expected.points, strict=True):
        assert row["baseline"] == want["rebase_group"]
        assert row["point_type"] == want["point_type"]
        assert float(row["upper_limit"]) == pytest.approx(float(want["upl"]), rel=1e-9)
    code, out, _ = run(
        [src, "--improvement-direction", "decrease", "--target", "55", "--rebase", "2022-09-01"],
        capsys,
    )
    assert out.splitlines()[1].endswith(",common_cause,inconsistent")


def test_rules_are_named_by_precedence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path, synthetic_series("outside_limits"))
    _, out, _ = run([src, "--points", "-"], capsys)
    got = list(csv.DictReader(io.StringIO(out)))
    expected = cases()["outside_limits__increase"].points
    for row, want in zip(got, expected, strict=True):
        outside = want["outside_limits"] == "TRUE"
        assert (row["rule"] == "outside_limits") == outside


def test_screening_and_fixing_can_be_chosen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path, synthetic_series("screen_outliers"))
    _, on, _ = run([src], capsys)
    _, off, _ = run([src, "--no-screen-outliers"], capsys)
    want = cases()["screen_outliers__increase__screen_off"].summary
    assert float(off.splitlines()[1].split(",")[4]) == pytest.approx(float(want["last_upl"]))
    assert on != off
    src = write(tmp_path, synthetic_series("fix_after_12"))
    _, fixed, _ = run([src, "--fix-after", "12"], capsys)
    want = cases()["fix_after_12__increase__fix12"].summary
    assert float(fixed.splitlines()[1].split(",")[2]) == pytest.approx(float(want["last_mean"]))


def test_columns_can_be_renamed_and_override_the_options_per_series(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "".join(
        f"{org},2021-{m:02d}-01,{v},{d},{t},{rb}\n"
        for org, d, t in (("A", "decrease", "100"), ("B", "", ""))
        for m, v, rb in (
            (1, 10, ""),
            (2, 12, ""),
            (3, 11, "1" if org == "A" else ""),
            (4, 13, "0"),
            (5, 12, ""),
        )
    )
    src = write(tmp_path, "org,month,perf,improvement_direction,target,rebase\n" + body)
    code, out, _ = run(
        [
            src,
            "--series-column",
            "org",
            "--date-column",
            "month",
            "--value-column",
            "perf",
            "--target",
            "5",
            "--points",
            "-",
            "--rebase",
            "2021-05-01",
        ],
        capsys,
    )
    assert code == 0
    got = list(csv.DictReader(io.StringIO(out)))
    assert [r["baseline"] for r in got] == ["0", "0", "1", "1", "2", "0", "0", "0", "0", "1"]
    _, out, _ = run(
        [
            src,
            "--series-column",
            "org",
            "--date-column",
            "month",
            "--value-column",
            "perf",
            "--target",
            "5",
        ],
        capsys,
    )
    summary = {r["series"]: r for r in csv.DictReader(io.StringIO(out))}
    assert summary["A"]["assurance"] == "consistent_pass"  # decrease, target 100 above
    assert summary["B"]["assurance"] == ""  # the target column is blank: no target


def test_a_file_without_a_series_column_is_one_series_with_missing_values_echoed_blank(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path, "date,value\n2021-01-01,1\n2021-02-01,NA\n2021-03-01,\n2021-04-01,3\n")
    code, out, _ = run([src, "--points", "-"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[2] == ",2021-02-01,,0,2.0,,,none,common_cause"
    assert len(lines) == 5


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            "date,value\n2021-01-01,1\n2021-02-01,lots\n",
            [],
            "in.csv, row 3, column 'value': 'lots' is not a number",
        ),
        (
            "series,date,value\na,2021-01-01,1\nb,2021-01-01,1\na,2021-01-01,2\n",
            [],
            "in.csv, series 'a', row 4, column 'date': the date 2021-01-01 appears twice",
        ),
        (
            "date,value\n2021-01-01,1\n",
            ["--fix-after", "5"],
            "--fix-after 5: it must be at least 12",
        ),
        (
            "date,value\nyesterday,1\n",
            [],
            "in.csv, row 2, column 'date': 'yesterday' is not a date",
        ),
        (
            "date,value\n2021-13-01,1\n",
            [],
            "in.csv, row 2, column 'date': '2021-13-01' is not a date",
        ),
        ("day,value\n2021-01-01,1\n", [], "in.csv: no column 'date' (columns: day, value)"),
        ("date,value\n2021-01-01,1\n2021-02-01\n", [], "in.csv, row 3: the row has 1 cells"),
        (
            "date,value,target\n2021-01-01,1,5\n2021-02-01,2,6\n",
            [],
            "in.csv, series '', row 3, column 'target': target 6.0 differs",
        ),
        (
            "date,value,rebase\n2021-01-01,1,yes\n",
            [],
            "in.csv, row 2, column 'rebase': 'yes' is not 1",
        ),
        (
            "date,value,improvement_direction\n2021-01-01,1,up\n",
            [],
            "in.csv, row 2, column 'improvement_direction': improvement direction 'up'",
        ),
        ("", [], "in.csv: the file is empty"),
        ("date,value\n2021-01-01,1\n", ["--rebase", "soon"], "--rebase 'soon': give dates"),
        ("date,value\n2021-01-01,1\n", ["--points", "-", "--summary", "-"], "only one of"),
        ("date,value\n2021-01-01,1\n", ["--improvement-direction", "up"], "invalid choice"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, args: list[str], message: str
) -> None:
    code, out, err = run([write(tmp_path, content), *args], capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("lodestar spc: ")
    assert message in err


def test_a_missing_input_file_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["/no/such/file.csv"], capsys)
    assert code == 2
    assert err == "lodestar spc: /no/such/file.csv: No such file or directory\n"


def test_the_real_command_runs_without_loading_django(tmp_path: Path) -> None:
    src = write(tmp_path, "series,date,value\nx,2021-01-01,1\nx,2021-02-01,2\n")
    lodestar = Path(sys.executable).with_name("lodestar")
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(lodestar), "spc", src, "--points", "-"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == POINTS
    assert "lodestar.performance.spc.cli" in done.stderr  # the import profile is there...
    assert "django" not in done.stderr  # ...and Django is not in it


def test_series_names_that_need_quoting_are_quoted_and_windows_line_ends_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'series,date,value\r\n"Derby, Royal",2021-01-01,1\r\n"say ""hi""",2021-01-01,2\r\n'
    src = write(tmp_path, text)
    Path(src).write_bytes(text.encode())
    code, out, _ = run([src, "--points", "-"], capsys)
    assert code == 0
    got = list(csv.DictReader(io.StringIO(out)))
    assert [r["series"] for r in got] == ["Derby, Royal", 'say "hi"']
    assert out.splitlines()[1].startswith('"Derby, Royal",2021-01-01,1,0,1.0,')
