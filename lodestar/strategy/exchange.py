"""Import and export of a whole strategy with its delivery plan, as YAML or Excel.

Pages and `lodestar strategy import|export` both come here. Export then import then
export gives the same file; an import either saves everything, audited, or nothing.
See exchange_spec for the levels and columns of a file.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.utils.text import slugify

from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.strategy.exchange_excel import read_excel, write_excel
from lodestar.strategy.exchange_export import strategy_records
from lodestar.strategy.exchange_import import import_document
from lodestar.strategy.exchange_spec import Problem, StrategyFileError
from lodestar.strategy.exchange_yaml import read_yaml, write_yaml

if TYPE_CHECKING:
    from lodestar.accounts.models import User
    from lodestar.core.models import Organisation
    from lodestar.strategy.models import Strategy

__all__ = [
    "MAX_BYTES",
    "Format",
    "Problem",
    "StrategyFileError",
    "export_filename",
    "export_strategy",
    "format_for",
    "import_strategy",
]

# Far more than any strategy needs, and little enough to read into memory safely.
MAX_BYTES = 5 * 1024 * 1024


class Format(StrEnum):
    YAML = "yaml"
    XLSX = "xlsx"

    @property
    def content_type(self) -> str:
        if self == Format.YAML:
            return "application/yaml; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_SUFFIXES = {".yaml": Format.YAML, ".yml": Format.YAML, ".xlsx": Format.XLSX}


def format_for(filename: str) -> Format | None:
    """The format a file name says it holds, or None if it is neither."""
    return _SUFFIXES.get(PurePath(filename).suffix.lower())


def export_strategy(strategy: Strategy, fmt: Format) -> bytes:
    records = strategy_records(strategy)
    return write_yaml(records) if fmt == Format.YAML else write_excel(records)


def export_filename(strategy: Strategy, fmt: Format) -> str:
    name = slugify(strategy.title) or "strategy"
    return f"{strategy.organisation.ods_code.lower()}-{name}-v{strategy.version}.{fmt}"


def import_strategy(
    actor: User | None,
    organisation: Organisation,
    content: bytes,
    fmt: Format,
    *,
    create_kinds: bool = False,
) -> Strategy:
    """Create the strategy a file describes, with its plan, or raise StrategyFileError.

    `actor` is None for the command line, run by whoever runs the server; a person
    needs to be able to change the strategy (and to record approvals, for an approved
    one). Kinds of element the organisation has not named are refused unless
    `create_kinds`.
    """
    if actor is not None:
        require(actor, organisation, Capability.EDIT_STRATEGY)
    if len(content) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise StrategyFileError([Problem("The file", "", f"is larger than {limit} MB.")])
    document, problems = read_yaml(content) if fmt == Format.YAML else read_excel(content)
    return import_document(actor, organisation, document, problems, create_kinds=create_kinds)
