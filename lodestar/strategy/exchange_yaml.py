"""Strategy files as YAML: one section per level, records as mappings.

Multi-line text is written as literal blocks so that a vision or a narrative reads in
the file as it reads on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from lodestar.strategy.exchange_spec import (
    LEVELS,
    LEVELS_BY_KEY,
    Document,
    Problem,
    Records,
    Row,
)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # PyYAML falls back to a quoted string by itself where a block cannot hold the text.
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def write_yaml(records: Records) -> bytes:
    document: dict[str, Any] = {}
    for level in LEVELS:
        rows = records[level.key]
        document[level.key] = rows[0] if level.single else rows
    text = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )
    return text.encode("utf-8")


def _where(key: str, index: int | None) -> str:
    return key if index is None else f"{key}, item {index}"


def _rows(key: str, section: object, problems: list[Problem]) -> list[Row]:
    level = LEVELS_BY_KEY[key]
    if level.single:
        items: list[tuple[int | None, object]] = [(None, section)]
    elif isinstance(section, list):
        items = list(enumerate(section, start=1))
    else:
        problems.append(Problem(key, "", "must be a list of records, each starting with '- '."))
        return []
    rows: list[Row] = []
    for index, item in items:
        where = _where(key, index)
        if not isinstance(item, dict):
            problems.append(Problem(where, "", "must be a record of 'field: value' lines."))
            continue
        unknown = [str(name) for name in item if name not in level.names]
        for name in unknown:
            expected = ", ".join(level.names)
            problems.append(Problem(where, name, f"is not a field here; expected {expected}."))
        rows.append(Row(where, {str(k): v for k, v in item.items() if str(k) in level.names}))
    return rows


def _nul_character_at(data: Any, path: str) -> str | None:
    """Where in the YAML a text holds a NUL character, as "section.key[row]"; or None."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    if isinstance(data, dict):
        items: Iterator[tuple[str, Any, Any]] = (
            (f"{path}.{k}" if path else str(k), k, v) for k, v in data.items()
        )
    elif isinstance(data, list):
        items = ((f"{path}[{i + 1}]", "", v) for i, v in enumerate(data))
    else:
        return None
    for place, key, value in items:
        if isinstance(key, str) and "\x00" in key:
            return place
        found = _nul_character_at(value, place)
        if found is not None:
            return found
    return None


def _shape_problem(data: Any) -> Problem | None:
    if not isinstance(data, dict) or "strategy" not in data:
        return Problem("The file", "", "has no 'strategy' section, so it is not a strategy.")
    nul_at = _nul_character_at(data, "")
    if nul_at is not None:
        # PostgreSQL cannot store text with a NUL character: refuse it here, by place,
        # rather than fail in the database.
        return Problem(nul_at or "The file", "", "contains a NUL character.")
    return None


def read_yaml(content: bytes) -> tuple[Document, list[Problem]]:
    """The rows of a YAML strategy file, and what is wrong with its shape."""
    try:
        text = content.decode("utf-8")
        # Anchors and aliases let a small file expand into an enormous one; strategies
        # never need them.
        events = yaml.parse(text, Loader=yaml.SafeLoader)
        if any(isinstance(event, yaml.AliasEvent) for event in events):
            return Document(), [
                Problem("The file", "", "uses YAML aliases, which are not allowed.")
            ]
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        return Document(), [Problem("The file", "", "is not UTF-8 text, so it cannot be YAML.")]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        return Document(), [Problem(f"YAML {place}", "", f"cannot be read: {e.problem or e}.")]
    except yaml.YAMLError as e:
        return Document(), [Problem("The file", "", f"is not valid YAML: {e}.")]
    unreadable = _shape_problem(data)
    if unreadable is not None:
        return Document(), [unreadable]
    problems: list[Problem] = []
    document = Document()
    for key, section in data.items():
        if key not in LEVELS_BY_KEY:
            expected = ", ".join(LEVELS_BY_KEY)
            problems.append(Problem(str(key), "", f"is not a section; expected {expected}."))
        elif section is not None:
            document.rows[key] = _rows(key, section, problems)
    return document, problems
