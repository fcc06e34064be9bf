"""Turning what a YAML or Excel cell holds into the value a column means.

Both formats come here, so a date, a list or a yes/no reads the same from either: YAML
hands over dates and lists already made, Excel hands over datetimes and text lines.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from lodestar.strategy.exchange_excel import LINK_SEPARATOR
from lodestar.strategy.exchange_spec import Column, Level, Problem, Row, Type

_TRUE = {"yes", "true", "y", "1"}
_FALSE = {"no", "false", "n", "0", ""}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CellError(ValueError):
    """A cell that cannot mean what its column needs; the message says what would."""


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, str | int | float):
        return str(raw)
    raise CellError("must be text, not a list or a record.")


def _list(raw: object, column: Column) -> list[str]:
    if raw is None:
        items: list[str] = []
    elif isinstance(raw, list):
        items = [_text(item).strip() for item in raw]
    else:
        items = [line.strip() for line in _text(raw).splitlines()]
    items = [item for item in items if item]
    if column.choices:
        unknown = [item for item in items if item not in column.choices]
        if unknown:
            allowed = ", ".join(column.choices)
            raise CellError(f"'{unknown[0]}' is not one of: {allowed}.")
    return items


def _date(raw: object) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = _text(raw).strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CellError(
            f"'{text}' is not a date; write it as YYYY-MM-DD, like 2025-03-31."
        ) from None


def _int(raw: object) -> int | None:
    text = _text(raw).strip()
    if not text:
        return None
    if isinstance(raw, bool) or not text.isdigit():
        raise CellError(f"'{text}' is not a whole number of 0 or more.")
    return int(text)


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"'{text}' is not yes or no.")


def _choice(raw: object, column: Column) -> str:
    text = _text(raw).strip()
    if text and text not in column.choices:
        raise CellError(f"'{text}' is not one of: {', '.join(column.choices)}.")
    return text


def _link(item: object) -> dict[str, str]:
    if isinstance(item, dict) and set(item) == {"title", "url"}:
        title, url = _text(item["title"]).strip(), _text(item["url"]).strip()
    else:
        title, _, url = _text(item).strip().rpartition(LINK_SEPARATOR.strip())
        title, url = title.strip(), url.strip()
    if not title or not url:
        raise CellError("each evidence link needs a title and a web address: 'Title | https://…'.")
    return {"title": title, "url": url}


def _links(raw: object) -> list[dict[str, str]]:
    if raw is None:
        return []
    if isinstance(raw, list):
        return [_link(item) for item in raw]
    return [_link(line) for line in _text(raw).splitlines() if line.strip()]


_CONVERTERS: dict[Type, Callable[[object, Column], object]] = {
    Type.LIST: _list,
    Type.DATE: lambda raw, _: _date(raw),
    Type.INT: lambda raw, _: _int(raw),
    Type.BOOL: lambda raw, _: _bool(raw),
    Type.CHOICE: _choice,
    Type.LINKS: lambda raw, _: _links(raw),
}


def convert(column: Column, raw: object) -> object:
    """The value of one cell, or CellError saying why it cannot be."""
    converter = _CONVERTERS.get(column.type)
    if converter is not None:
        return converter(raw, column)
    # Text, names and refs. Forms strip text too, so an imported title matches one typed.
    return _text(raw).strip()


def convert_row(level: Level, row: Row, problems: list[Problem]) -> dict[str, object] | None:
    """A row's values by column, or None (with its problems added) if any cell is wrong."""
    values: dict[str, object] = {}
    ok = True
    for column in level.columns:
        try:
            value = convert(column, row.values.get(column.name))
        except CellError as e:
            problems.append(Problem(row.where, column.name, str(e)))
            ok = False
            continue
        if column.required and value in (None, "", []):
            problems.append(Problem(row.where, column.name, "is required."))
            ok = False
        values[column.name] = 0 if column.type == Type.INT and value is None else value
    return values if ok else None
