"""Demo strategies: the seed organisations' published strategies, with illustrative plans.

The YAML files beside this module are strategy files in the importer's own format
(see exchange_spec), loaded through the real importer, so the demo runs the code people
use and fills the audit trail as an import would. README.md says where each fact comes
from and what was invented.

Plan dates in the files are written as at PLAN_WRITTEN. Loading moves them by whole
months so they keep their distance from today: a demo loaded a year after the files
were written would otherwise show every milestone overdue and every update missing.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

from lodestar.core.models import Organisation
from lodestar.governance import services as governance
from lodestar.governance.models import Committee
from lodestar.strategy.demo.thread import load_golden_thread
from lodestar.strategy.exchange import Format, StrategyFileError, import_strategy
from lodestar.strategy.models import Strategy

FOLDER = Path(__file__).resolve().parent
# The files read as if it were this month: updates run to the month before it, the
# overdue milestones fall due before it and the rest after it.
PLAN_WRITTEN = datetime.date(2025, 10, 1)


@dataclass(frozen=True)
class DemoStrategy:
    ods_code: str
    filename: str


# The ICB first: the trusts' files link their elements to its guiding policies.
STRATEGIES = [
    DemoStrategy("QJ2", "qj2-our-local-nhs-plan-2023-2028.yaml"),
    DemoStrategy("RXM", "rxm-2022-2025.yaml"),
    DemoStrategy("RY8", "ry8-2023-2028.yaml"),
    DemoStrategy("RHA", "rha-2022-2027.yaml"),
]

_BOARD, _COMMITTEE = Committee.Kind.BOARD, Committee.Kind.COMMITTEE
# Illustrative structures, named as many trusts name them. The first of each list is the
# board the others report to; the files name these as approvers and overseers.
COMMITTEES: dict[str, list[tuple[str, Committee.Kind]]] = {
    "RXM": [
        ("Trust Board", _BOARD),
        ("Quality and Safeguarding Committee", _COMMITTEE),
        ("People and Culture Committee", _COMMITTEE),
        ("Finance and Performance Committee", _COMMITTEE),
    ],
    "RY8": [
        ("Trust Board", _BOARD),
        ("Quality Committee", _COMMITTEE),
        ("Finance and Performance Committee", _COMMITTEE),
    ],
    "RHA": [("Trust Board", _BOARD)],
    "QJ2": [("Integrated Care Board", _BOARD)],
}

# The dates of the delivery plan, which move with today. Approvals and engagement are
# history and stay where the files put them.
PLAN_DATES = {
    "deliverables": ("start_date", "due_date", "completed_on"),
    "milestones": ("start_date", "due_date", "completed_on"),
    "updates": ("period",),
}


# libyaml's loader and dumper where PyYAML has them: the same result, several times faster,
# which matters because the browser tests load the demo for every test.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class DemoDataError(Exception):
    """A demo file was refused: a bug in the demo data, not something a user did."""


def months_since_written(today: datetime.date) -> int:
    return (today.year - PLAN_WRITTEN.year) * 12 + today.month - PLAN_WRITTEN.month


def move_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), kept within the month: 31 May → 30 June."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, index + 1)[1]
    return datetime.date(year, index + 1, min(day.day, last))


def load_strategies(made: list[str], today: datetime.date | None = None) -> None:
    """Committees, strategies with their plans, then teams and objectives; each once."""
    months = months_since_written(today or timezone.localdate())
    for ods_code, committees in COMMITTEES.items():
        _committees(Organisation.objects.get(ods_code=ods_code), committees, made)
    for demo in STRATEGIES:
        _import(demo, months, made)
    load_golden_thread(made, lambda day: move_months(day, months))


def _committees(
    organisation: Organisation, committees: list[tuple[str, Committee.Kind]], made: list[str]
) -> None:
    board: Committee | None = None
    for name, kind in committees:
        found = Committee.objects.filter(organisation=organisation, name=name).first()
        if found is None:
            found = governance.create_committee(
                None, organisation, name=name, kind=kind, reports_to=board
            )
            made.append(f"committee {organisation.ods_code} {name}")
        board = board or found


def _moved(data: dict[str, Any], months: int) -> dict[str, Any]:
    for level, fields in PLAN_DATES.items():
        for record in data.get(level) or []:
            for field in fields:
                if isinstance(record.get(field), datetime.date):
                    record[field] = move_months(record[field], months)
    return data


def _import(demo: DemoStrategy, months: int, made: list[str]) -> None:
    organisation = Organisation.objects.get(ods_code=demo.ods_code)
    text = (FOLDER / demo.filename).read_text("utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    head = data["strategy"]
    # Loaded already, or the organisation has its own strategy of that name: leave it be.
    same = Strategy.objects.filter(
        organisation=organisation, title=head["title"], version=head["version"]
    )
    if same.exists():
        return
    moved = _moved(data, months)
    content = yaml.dump(moved, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
    try:
        strategy = import_strategy(
            None, organisation, content.encode("utf-8"), Format.YAML, create_kinds=True
        )
    except StrategyFileError as e:
        problems = "; ".join(str(p) for p in e.problems)
        raise DemoDataError(f"The demo file {demo.filename} was refused: {problems}") from None
    made.append(f"strategy {demo.ods_code} {strategy}")
