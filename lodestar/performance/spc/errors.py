"""The one exception the SPC engine raises for input it cannot analyse."""

from __future__ import annotations


class SpcInputError(ValueError):
    """Input the method cannot analyse, named precisely enough to fix.

    Attributes
    ----------
    series : str or None
        The series at fault, when the problem belongs to one.
    row : str or None
        The row at fault, as the caller labels rows (a line of a CSV file, an index label
        of a DataFrame, or the 0-based position in the arrays given to the engine).
    column : str or None
        The input column at fault, when known.
    """

    def __init__(
        self,
        problem: str,
        *,
        series: str | None = None,
        row: str | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = problem
        self.series = series
        self.row = row
        self.column = column
        where = []
        if series is not None:
            where.append(f"series {series!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)
