"""Making Data Count statistical process control, as NHSRplotthedots 0.2.2 computes it.

A pure Python and numpy engine, with no Django (an import-linter contract keeps it so), that
analyses many series at once with no Python loop over series or points. The method, rule
by rule, is ``spc-method.md``; its section numbers are cited in every docstring here.

- `prepare` validates and sorts columns of data into a `Batch`;
- `analyse` computes limits, rules, point types and assurance into a `Result`;
- `lodestar.performance.spc.cli` is the `lodestar spc` command (a stable CSV contract);
- `lodestar.performance.spc.frame` is the notebook API, returning pandas DataFrames.

    >>> from lodestar.performance.spc import analyse, prepare
    >>> result = analyse(prepare(["a"] * 3, ["2024-01-01", "2024-02-01", "2024-03-01"],
    ...                          [1.0, 3.0, 2.0]))
    >>> float(result.limits.upper[0])
    5.99
"""

from __future__ import annotations

from lodestar.performance.spc.engine import Batch, Result, analyse
from lodestar.performance.spc.errors import SpcInputError
from lodestar.performance.spc.prepare import prepare

__all__ = ["Batch", "Result", "SpcInputError", "analyse", "prepare"]
