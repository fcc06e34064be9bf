"""Illustrative metrics for the seed trusts: invented figures that show every part of the report.

Derbyshire Healthcare (RXM) and Derbyshire Community Health Services (RY8) publish their
board reports, but not as data Lodestar can load, so their metrics here are invented: the
names and targets are the kind such trusts monitor, the numbers come from `series`, and
every metric is marked `illustrative` and says so in its description. Between them they
show special cause concern and improvement, a process change with a rebase, targets
consistently met and consistently missed, a target that changes with the planning year,
data that arrive late, and commentary on the exceptions.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.governance.models import Committee
from lodestar.performance import services, target_services
from lodestar.performance.demo.series import Shape, generate
from lodestar.performance.models import DataQuality, Domain, Frequency, Metric, Unit
from lodestar.strategy.demo import DemoDataError
from lodestar.strategy.models import Element, Strategy

MONTHS = 36
T = TypeVar("T")
# Every illustrative metric's description starts so; the report and the tests rely on it.
PREFIX = "Illustrative: invented for the Lodestar demo, not the trust's own figures. "


@dataclass(frozen=True)
class Commentary:
    """The lead executive's narrative on an exception, for the latest month."""

    what_the_chart_shows: str
    root_cause: str
    actions: str
    risks: str


@dataclass(frozen=True)
class NewTarget:
    """A target that replaces the metric's own from `period` on, as a new planning year's.

    A fixed date, as the planning year it belongs to is; the demo's months move with the
    day it is loaded, so a demo loaded years later shows only the new target.
    """

    period: datetime.date
    target: float | None
    source: str
    reason: str


@dataclass(frozen=True)
class IllustrativeMetric:
    code: str
    name: str
    description: str
    unit: Unit
    direction: str
    domain: Domain
    lead: str
    shape: Shape
    data_source: str
    data_quality: DataQuality
    data_quality_note: str = ""
    target: float | None = None
    target_source: str = ""
    committee: str = ""
    elements: tuple[str, ...] = ()
    # (month index, reason): the limits start again there, where `shape` steps.
    rebase: tuple[int, str] | None = None
    new_target: NewTarget | None = None
    commentary: Commentary | None = None
    # Months the data run behind the others': the same 36 months of values, ending that
    # much earlier, so that the report flags the metric's data as late.
    months_behind: int = 0


def months_to(today: datetime.date, behind: int = 0) -> list[datetime.date]:
    """The 36 months up to the one before `today`'s: last month is the latest reported.

    With `behind`, they end that many months earlier, as late data do.
    """
    index = today.year * 12 + today.month - 1 - MONTHS - behind
    return [datetime.date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(MONTHS)]


def load_illustrative(
    organisation: Organisation,
    metrics: Sequence[IllustrativeMetric],
    today: datetime.date,
    made: list[str],
) -> None:
    """Make each metric the organisation does not have yet, with its data; skip the rest."""
    existing = set(Metric.objects.filter(organisation=organisation).values_list("code", flat=True))
    todo = [m for m in metrics if m.code not in existing]
    if not todo:
        return
    context = _Context.of(organisation, today)
    for spec in todo:
        _load_one(organisation, spec, months_to(today, spec.months_behind), context)
        made.append(f"illustrative metric {organisation.ods_code} {spec.code}")


@dataclass(frozen=True)
class _Context:
    """The people, committees and strategic elements metrics link to, looked up once."""

    members: dict[str, User]
    committees: dict[str, Committee]
    elements: dict[str, Element]

    @classmethod
    def of(cls, organisation: Organisation, today: datetime.date) -> _Context:
        strategy = Strategy.objects.current_for(organisation, today)
        elements = strategy.elements.all() if strategy is not None else Element.objects.none()
        users = User.objects.filter(memberships__organisation=organisation).distinct()
        return cls(
            members={u.username: u for u in users},
            committees={c.name: c for c in Committee.objects.filter(organisation=organisation)},
            elements={e.title: e for e in elements},
        )

    def find(self, table: dict[str, T], name: str, what: str, code: str) -> T:
        found = table.get(name)
        if found is None:
            raise DemoDataError(f"Illustrative metric {code}: no {what} {name!r}.")
        return found


def _load_one(
    organisation: Organisation,
    spec: IllustrativeMetric,
    periods: list[datetime.date],
    context: _Context,
) -> None:
    metric = _create(organisation, spec, context)
    values = generate(spec.shape, f"{organisation.ods_code}:{spec.code}", MONTHS)
    rows = [
        services.ObservationRow(p, v.value, v.numerator, v.denominator)
        for p, v in zip(periods, values, strict=True)
    ]
    services.record_observations(None, metric, rows, reason="Illustrative demo data")
    if spec.rebase is not None:
        month, reason = spec.rebase
        services.add_rebase(None, metric, period=periods[month], reason=reason)
    if (new := spec.new_target) is not None:
        target_services.change_target(
            None,
            metric,
            period=new.period,
            target=new.target,
            source=new.source,
            reason=new.reason,
        )
    if spec.commentary is not None:
        text = spec.commentary
        services.save_narrative(
            None,
            metric,
            period=periods[-1],
            what_the_chart_shows=text.what_the_chart_shows,
            root_cause=text.root_cause,
            actions=text.actions,
            risks=text.risks,
        )


def _create(organisation: Organisation, spec: IllustrativeMetric, context: _Context) -> Metric:
    code = spec.code
    committee = None
    if spec.committee:
        committee = context.find(context.committees, spec.committee, "committee", code)
    return services.create_metric(
        None,
        organisation,
        code=code,
        name=spec.name,
        unit=spec.unit,
        improvement_direction=spec.direction,
        frequency=Frequency.MONTHLY,
        lead_executive=context.find(context.members, spec.lead, "member", code),
        domain=spec.domain,
        elements=[context.find(context.elements, t, "element", code) for t in spec.elements],
        description=PREFIX + spec.description,
        target=spec.target,
        target_source=spec.target_source,
        data_source=spec.data_source,
        committee=committee,
        data_quality=spec.data_quality,
        data_quality_note=spec.data_quality_note,
        illustrative=True,
    )
