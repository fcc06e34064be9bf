"""The notebook API: Making Data Count SPC on a pandas DataFrame, returning DataFrames.

    >>> from lodestar.performance.spc.frame import spc, spc_summary
    >>> points = spc(df, series="org_code", date="period", value="performance",
    ...              improvement_direction="increase", target=0.95)
    >>> summary = spc_summary(df, series="org_code", date="period", value="performance",
    ...                       target=0.95)

Why pandas rather than polars: NHS analysts' notebooks, NHS-R and NHS-PyCom teaching
material and most of the Python tooling they already use work with pandas DataFrames, so a
pandas result drops straight into their existing code and plotting. Polars' speed would not
help here: the engine does the work in numpy over the whole batch, and this module only
wraps its arrays. pandas' nullable dtypes also carry NHSRplotthedots' NA flags faithfully.

pandas is optional: the server and `lodestar spc` need only numpy. Install it with
``pip install 'lodestar[notebook]'`` (or any pandas); without it these functions raise an
ImportError saying so. This module is outside the hot path: it converts columns and calls
`prepare` and `analyse` once for every series together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lodestar.performance.spc import labels
from lodestar.performance.spc.engine import Result, analyse
from lodestar.performance.spc.prepare import prepare

if TYPE_CHECKING:
    import pandas as pd

PerSeries = Mapping[str, Any]


def spc(
    data: pd.DataFrame,
    *,
    value: str = "value",
    date: str = "date",
    series: str | None = "series",
    improvement_direction: str | PerSeries = "increase",
    target: float | PerSeries | None = None,
    rebase: Sequence[Any] | PerSeries = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """Analyse every series of a long DataFrame; one row per point (spc-method.md 1.2-1.4).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per point.
    value, date : str
        Column names. Values must be numeric (NaN for missing); dates datetime-like or ISO
        8601 text.
    series : str or None
        The series column; None, or a name not in `data`, makes all rows one series "".
    improvement_direction : {"increase", "decrease", "neutral"} or mapping
        For every series, or by series name (unnamed series: "increase").
    target : float, mapping or None
        For every series, or by series name (spc-method.md 1.6).
    rebase : sequence of dates, or mapping of series name to dates
        Dates that start a new baseline (spc-method.md 1.2).
    fix_after : int or None
        Limits from the first n points of each baseline, n >= 12 (spc-method.md 1.3).
    screen_outliers : bool
        Screen moving ranges at 3.267 x their mean (spc-method.md 1.3).

    Returns
    -------
    pandas.DataFrame
        Indexed by `data`'s index, sorted by series then date, with columns series, date,
        value, baseline, mean, lower_limit, upper_limit, near_lower_limit, near_upper_limit,
        outside_limits, close_to_limits (nullable booleans: NA where the value or limits are
        unknown), relative_to_mean (nullable Int8), rule, special_cause_type, point_type and
        short_baseline.

    Raises
    ------
    SpcInputError
        Naming the series and the index label of the row at fault.
    ImportError
        Without pandas.
    """
    pd = _pandas()
    result = _analyse(
        pd,
        data,
        value=value,
        date=date,
        series=series,
        improvement_direction=improvement_direction,
        target=target,
        rebase=rebase,
        fix_after=fix_after,
        screen_outliers=screen_outliers,
    )
    b, lim = result.batch, result.limits
    g = lim.group
    rtm = pd.array(result.relative_to_mean, dtype="Int8")  # NaN becomes NA
    unknown = ~result.judged
    columns = {
        "series": b.names[b.series],
        "date": b.dates,
        "value": b.values,
        "baseline": result.baseline,
        "mean": lim.mean[g],
        "lower_limit": lim.lower[g],
        "upper_limit": lim.upper[g],
        "near_lower_limit": lim.near_lower[g],
        "near_upper_limit": lim.near_upper[g],
        "outside_limits": pd.arrays.BooleanArray(result.outside_limits, unknown),
        "close_to_limits": pd.arrays.BooleanArray(result.close_to_limits, unknown),
        "relative_to_mean": rtm,
        "rule": np.array(labels.RULES)[result.rule],
        "special_cause_type": result.special_cause_types(),
        "point_type": np.array(labels.POINT_TYPES)[result.point_type],
        "short_baseline": result.short_baseline,
    }
    return pd.DataFrame(columns, index=data.index[b.order])


def spc_summary(
    data: pd.DataFrame,
    *,
    value: str = "value",
    date: str = "date",
    series: str | None = "series",
    improvement_direction: str | PerSeries = "increase",
    target: float | PerSeries | None = None,
    rebase: Sequence[Any] | PerSeries = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """Summarise every series: its last point's limits, variation and assurance.

    Parameters
    ----------
    data : pandas.DataFrame
    value, date, series, improvement_direction, target, rebase, fix_after, screen_outliers
        As for `spc`.

    Returns
    -------
    pandas.DataFrame
        One row per series, indexed by series name, with columns points, mean, lower_limit,
        upper_limit (of the last point: spc-method.md 1.6), variation (the last point's
        type: 1.5), variation_icon, assurance ("" for none), assurance_icon (None for none)
        and short_baseline (any baseline of fewer than 13 points: 1.7).
    """
    pd = _pandas()
    result = _analyse(
        pd,
        data,
        value=value,
        date=date,
        series=series,
        improvement_direction=improvement_direction,
        target=target,
        rebase=rebase,
        fix_after=fix_after,
        screen_outliers=screen_outliers,
    )
    b, lim, last = result.batch, result.limits, result.last_row
    g = lim.group[last]
    variation = np.array(labels.POINT_TYPES)[result.point_type[last]]
    assurance = np.array(labels.ASSURANCES)[result.assurance]
    words = {code: word for word, code in labels.DIRECTION_CODES.items()}
    short = np.logical_or.reduceat(result.short_baseline, np.append(0, last[:-1] + 1))
    return pd.DataFrame(
        {
            "points": np.diff(np.append(-1, last)),
            "mean": lim.mean[g],
            "lower_limit": lim.lower[g],
            "upper_limit": lim.upper[g],
            "variation": variation,
            "variation_icon": [
                labels.variation_icon(v, words[int(d)])  # type: ignore[arg-type]
                for v, d in zip(variation, b.direction, strict=True)
            ],
            "assurance": assurance,
            "assurance_icon": [labels.assurance_icon(a) for a in assurance],
            "short_baseline": short,
        },
        index=pd.Index(b.names, name="series"),
    )


def _pandas() -> Any:
    try:
        import pandas as pd  # noqa: PLC0415 - optional: only the notebook API needs it
    except ImportError:
        raise ImportError(
            "the SPC notebook API needs pandas: pip install 'lodestar[notebook]' (or pandas)"
        ) from None
    return pd


def _analyse(
    pd: Any,
    data: pd.DataFrame,
    *,
    value: str,
    date: str,
    series: str | None,
    improvement_direction: str | PerSeries,
    target: float | PerSeries | None,
    rebase: Sequence[Any] | PerSeries,
    fix_after: int | None,
    screen_outliers: bool,
) -> Result:
    names = data[series].astype(str) if series is not None and series in data else None
    values = data[value]
    y = values.to_numpy(dtype=float, na_value=np.nan) if _numeric(pd, values) else values
    when = pd.to_datetime(data[date]) if data[date].dtype == object else data[date]
    return analyse(
        prepare(
            None if names is None else names.to_numpy(),
            np.asarray(when, dtype="datetime64[s]"),
            np.asarray(y),
            improvement_direction=_by_series(names, improvement_direction, "increase"),
            target=_by_series(names, target, np.nan) if target is not None else None,
            rebase=_rebase_rows(pd, names, when, rebase),
            fix_after=fix_after,
            screen_outliers=screen_outliers,
            row_labels=_IndexLabels(data.index),
        )
    )


class _IndexLabels(Sequence[str]):
    """Name rows in errors by the DataFrame's index labels, made only when needed."""

    def __init__(self, index: pd.Index) -> None:
        self.labels = index

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return str(self.labels[i])


def _numeric(pd: Any, column: pd.Series) -> bool:
    types = pd.api.types
    return bool(types.is_numeric_dtype(column) and not types.is_bool_dtype(column))


def _by_series(names: pd.Series | None, option: Any, default: Any) -> Any:
    if not isinstance(option, Mapping):
        return option
    if names is None:
        return option.get("", default)
    return names.map(option).fillna(default).to_numpy()


def _rebase_rows(
    pd: Any, names: pd.Series | None, when: pd.Series, rebase: Sequence[Any] | PerSeries
) -> np.ndarray:
    stamps = pd.to_datetime(when)
    if not isinstance(rebase, Mapping):
        return np.asarray(stamps.isin(pd.to_datetime(list(rebase))))
    flags = np.zeros(len(stamps), dtype=np.bool_)
    for name, dates in rebase.items():  # one step per series named in the mapping
        mine = (names == name).to_numpy() if names is not None else name == ""
        flags |= mine & np.asarray(stamps.isin(pd.to_datetime(list(dates))))
    return flags
