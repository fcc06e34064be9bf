"""The notebook API: the same answers as the engine, as pandas DataFrames."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from lodestar.performance.spc import SpcInputError
from lodestar.performance.spc.frame import spc, spc_summary
from lodestar.performance.spc.tests.vectors import cases


def frame(*case_ids: str) -> pd.DataFrame:
    parts = [
        pd.DataFrame({"series": cid, "date": cases()[cid].dates, "value": cases()[cid].values})
        for cid in case_ids
    ]
    return pd.concat(parts, ignore_index=True)


def test_points_carry_the_package_labels_and_its_missing_flags() -> None:
    df = frame("with_na__increase", "outside_limits__decrease")
    points = spc(df, improvement_direction={"outside_limits__decrease": "decrease"})
    for cid in ("with_na__increase", "outside_limits__decrease"):
        mine = points[points["series"] == cid]
        expected = cases()[cid].points
        assert mine["special_cause_type"].tolist() == [p["special_cause_type"] for p in expected]
        assert mine["point_type"].tolist() == [p["point_type"] for p in expected]
        outside = ["NA" if v is pd.NA else str(v).upper() for v in mine["outside_limits"]]
        assert outside == [p["outside_limits"] for p in expected]
    gap = points[points["value"].isna()]
    assert len(gap) == 1
    assert gap["relative_to_mean"].isna().all()


def test_the_summary_has_icons_and_assurance_per_series() -> None:
    df = frame("hit_and_miss__increase__target_60", "shift_up__increase")
    summary = spc_summary(df, target={"hit_and_miss__increase__target_60": 60})
    hit = summary.loc["hit_and_miss__increase__target_60"]
    assert (hit["assurance"], hit["assurance_icon"]) == ("consistent_pass", "pass.svg")
    shift = summary.loc["shift_up__increase"]
    assert shift["variation_icon"] == "improvement_high.svg"
    assert shift["assurance"] == ""
    assert shift["points"] == 24


def test_rows_keep_their_index_labels_and_rebase_by_series() -> None:
    df = frame("rebase__increase__rebase21").set_index(pd.Index([f"r{i}" for i in range(36)]))
    df = df.iloc[::-1]
    points = spc(df, rebase={"rebase__increase__rebase21": ["2022-09-01"]}, target=55)
    assert points.index[0] == "r0"
    assert points["baseline"].tolist() == [0] * 20 + [1] * 16
    expected = cases()["rebase__increase__rebase21"].points
    assert np.allclose(points["upper_limit"], [float(p["upl"]) for p in expected], rtol=1e-9)


def test_a_frame_without_a_series_column_is_one_series() -> None:
    df = frame("two_points__increase").drop(columns="series")
    assert spc_summary(df).index.tolist() == [""]


def test_errors_name_the_index_label_of_the_row() -> None:
    df = pd.DataFrame(
        {"series": ["a", "a"], "date": ["2021-01-01", "2021-01-01"], "value": [1.0, 2.0]},
        index=["first", "second"],
    )
    with pytest.raises(SpcInputError, match=r"row second.*appears twice"):
        spc(df)
    df = pd.DataFrame({"date": ["2021-01-01"], "value": ["high"]}, index=["x"])
    with pytest.raises(SpcInputError, match=r"row x, column 'value': 'high' is not a number"):
        spc(df)


def test_without_pandas_the_api_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    df = frame("two_points__increase")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'lodestar\[notebook\]'"):
        spc(df)
