"""Real A&E figures for the demo's four acute trusts, as three metrics each.

Source: NHS England, A&E Attendances and Emergency Admissions, monthly, April 2016 to
March 2019 (`ae_derbyshire_notts.csv` beside this module, the trusts' rows copied
unchanged). Contains public sector information licensed under the Open Government
Licence v3.0; attribution: NHS England. README.md says more.

Each trust gets 4-hour performance over all department types (against the 95% standard),
type 1 attendances, and 4-hour breaches over all types, with every month's observation
loaded through the same service an import uses.
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.performance import services
from lodestar.performance.models import (
    DataQuality,
    Domain,
    Frequency,
    ImprovementDirection,
    Metric,
    Unit,
)

FOLDER = Path(__file__).resolve().parent
DATA = FOLDER / "ae_derbyshire_notts.csv"
# The trusts and the executive (a demo person in lodestar.core.demo) who leads their metrics.
LEADS = {"RTG": "uhdb.exec", "RFS": "crh.exec", "RX1": "nuh.exec", "RK5": "sfh.exec"}
SOURCE = (
    "NHS England, A&E Attendances and Emergency Admissions (monthly), April 2016 to "
    "March 2019. Open Government Licence v3.0."
)
QUALITY_NOTE = "Official statistics published by NHS England, copied unchanged."
# Burton Hospitals NHS Foundation Trust (RJF) merged into the Derby trust on 1 July 2018,
# forming University Hospitals of Derby and Burton: its figures join RTG's from that month.
MERGER = datetime.date(2018, 7, 1)
MERGER_REASON = (
    "On 1 July 2018 Burton Hospitals NHS Foundation Trust merged with Derby Teaching "
    "Hospitals to form University Hospitals of Derby and Burton: from this month the "
    "figures include Queen's Hospital Burton."
)
REBASES = {"RTG": (MERGER, MERGER_REASON)}


@dataclass
class Month:
    """One trust's A&E figures for one month, over the department types it reported."""

    period: datetime.date
    attendances: int = 0
    breaches: int = 0
    type1_attendances: int = 0
    types: set[str] = field(default_factory=set)

    @property
    def within_4_hours(self) -> int:
        return self.attendances - self.breaches

    @property
    def four_hour_percent(self) -> float:
        return 100 * self.within_4_hours / self.attendances


def read_months(path: Path = DATA) -> dict[str, list[Month]]:
    """Each trust's months, oldest first, totalled over department types."""
    by_trust: dict[str, dict[datetime.date, Month]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            period = datetime.date.fromisoformat(row["period"])
            month = by_trust[row["org_code"]].setdefault(period, Month(period))
            month.attendances += int(row["attendances"])
            month.breaches += int(row["breaches"])
            month.types.add(row["type"])
            if row["type"] == "1":
                month.type1_attendances += int(row["attendances"])
    return {
        code: sorted(months.values(), key=lambda m: m.period) for code, months in by_trust.items()
    }


def write_four_hour_csv(out: IO[str], path: Path = DATA) -> None:
    """The input `lodestar spc` reads in the demo: org_code,date,value (4-hour %)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["org_code", "date", "value"])
    for code, months in sorted(read_months(path).items()):
        for m in months:
            writer.writerow([code, m.period.isoformat(), f"{m.four_hour_percent:.3f}"])


def _new_types_notes(months: list[Month]) -> dict[datetime.date, str]:
    """A note on each month in which a department type first appears in the figures."""
    notes: dict[datetime.date, str] = {}
    seen = set(months[0].types) if months else set()
    for m in months[1:]:
        for kind in sorted(m.types - seen):
            notes[m.period] = (
                f"From this month the published figures include type {kind} departments."
            )
        seen |= m.types
    return notes


@dataclass(frozen=True)
class _Definition:
    code: str
    name: str
    description: str
    unit: Unit
    direction: ImprovementDirection
    target: float | None = None
    target_source: str = ""


FOUR_HOURS = _Definition(
    "ae-4hr",
    "A&E 4-hour performance (all types)",
    "Attendances at A&E departments of every type where the patient was admitted, "
    "transferred or discharged within 4 hours of arrival, as a percentage of attendances. "
    "Real data from NHS England. The NHS constitutional standard is 95%; the 2025/26 "
    "priorities and operational planning guidance set an interim standard of at least 78% "
    "by March 2026.",
    Unit.PERCENT,
    ImprovementDirection.INCREASE,
    95.0,
    "NHS constitutional standard, 95% within 4 hours",
)
TYPE_1 = _Definition(
    "ae-type1-attendances",
    "Type 1 A&E attendances",
    "Attendances at major emergency departments (type 1) in the month. Real data from NHS "
    "England. Monitored for change: more or fewer is neither better nor worse.",
    Unit.COUNT,
    ImprovementDirection.NEUTRAL,
)
BREACHES = _Definition(
    "ae-4hr-breaches",
    "A&E 4-hour breaches (all types)",
    "Attendances at A&E departments of every type where the patient spent more than 4 "
    "hours from arrival to admission, transfer or discharge. Real data from NHS England.",
    Unit.COUNT,
    ImprovementDirection.DECREASE,
)


def _rows(definition: _Definition, months: list[Month]) -> list[services.ObservationRow]:
    notes = {} if definition is TYPE_1 else _new_types_notes(months)
    rows = []
    for m in months:
        note = notes.get(m.period, "")
        if definition is FOUR_HOURS:
            row = services.ObservationRow(
                m.period, m.four_hour_percent, m.within_4_hours, m.attendances, note
            )
        elif definition is TYPE_1:
            row = services.ObservationRow(m.period, m.type1_attendances)
        else:
            row = services.ObservationRow(m.period, m.breaches, note=note)
        rows.append(row)
    return rows


def load_ae(made: list[str]) -> None:
    """The three A&E metrics of each acute trust, each made once with all its months."""
    wanted = {(code, d.code) for code in LEADS for d in (FOUR_HOURS, TYPE_1, BREACHES)}
    have = set(
        Metric.objects.filter(organisation__ods_code__in=LEADS).values_list(
            "organisation__ods_code", "code"
        )
    )
    if wanted <= have:
        return
    months = read_months()
    for code, lead in LEADS.items():
        organisation = Organisation.objects.get(ods_code=code)
        executive = User.objects.get(username=lead)
        for definition in (FOUR_HOURS, TYPE_1, BREACHES):
            if (code, definition.code) not in have:
                _load(organisation, executive, definition, months[code])
                made.append(f"A&E metric {code} {definition.code}")


def _load(
    organisation: Organisation, executive: User, definition: _Definition, months: list[Month]
) -> None:
    metric = services.create_metric(
        None,
        organisation,
        code=definition.code,
        name=definition.name,
        unit=definition.unit,
        improvement_direction=definition.direction,
        frequency=Frequency.MONTHLY,
        lead_executive=executive,
        domain=Domain.ACCESS,
        description=definition.description,
        target=definition.target,
        target_source=definition.target_source,
        data_source=SOURCE,
        data_quality=DataQuality.GOOD,
        data_quality_note=QUALITY_NOTE,
    )
    services.record_observations(
        None, metric, _rows(definition, months), reason="NHS England A&E statistics"
    )
    if organisation.ods_code in REBASES:
        period, reason = REBASES[organisation.ods_code]
        services.add_rebase(None, metric, period=period, reason=reason)
