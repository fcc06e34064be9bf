"""Does a strategy look like CQC's "what good looks like" for shared direction?

Each rule below reads one part of the well-led standard and yields either a sentence
saying what is in place or a `Gap` saying what is missing and what would close it. The
page, the API and `lodestar strategy check` all call `check_strategy`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import Role
from lodestar.delivery.models import Deliverable, Milestone
from lodestar.strategy.models import AlignmentLink, Domain, EngagementActivity, Strategy


@dataclass(frozen=True)
class Gap:
    area: str
    problem: str
    remedy: str


@dataclass(frozen=True)
class StrategyCheck:
    strategy: Strategy
    passed: list[str]
    gaps: list[Gap]

    @property
    def ok(self) -> bool:
        return not self.gaps


Finding = str | Gap
Rule = Callable[[Strategy, datetime.date], Iterable[Finding]]

GROUNDING = "Grounded in quality, improvement, finances and operations"
ENABLERS = "Workforce, estates, procurement and IT"
LEADERS = "One accountable leader for each component"
TIMESCALES = "Objectives with timescales"
CO_PRODUCTION = "Produced with people who use services, staff and partners"
ALIGNMENT = "Aligned with partners' strategies"

# Co-design and co-production are the levels at which people shape a strategy rather
# than comment on it; CQC asks for strategies "produced together with" people.
SHAPING_LEVELS = {EngagementActivity.Level.CO_DESIGN, EngagementActivity.Level.CO_PRODUCE}


def _gaps_or(gaps: list[Gap], passed: str) -> list[Finding]:
    """The gaps if there are any, otherwise the one sentence saying all is well."""
    return list(gaps) if gaps else [passed]


def _domain_findings(strategy: Strategy, domains: list[Domain], area: str) -> Iterator[Finding]:
    tagged = {d for element in strategy.elements.all() for d in element.domains}
    for domain in domains:
        label = domain.label.lower() if domain != Domain.DIGITAL else "IT and digital"
        if domain in tagged:
            yield f"The strategy addresses {label}."
        else:
            yield Gap(
                area,
                f"No element of the strategy addresses {label}.",
                f"Tag the elements that address {label} with that domain, "
                f"or add an element about {label}.",
            )


def grounded_in_the_basics(strategy: Strategy, today: datetime.date) -> Iterator[Finding]:
    basics = [Domain.QUALITY, Domain.IMPROVEMENT, Domain.FINANCE, Domain.OPERATIONAL]
    return _domain_findings(strategy, basics, GROUNDING)


def addresses_the_enablers(strategy: Strategy, today: datetime.date) -> Iterator[Finding]:
    enablers = [Domain.WORKFORCE, Domain.ESTATES, Domain.PROCUREMENT, Domain.DIGITAL]
    return _domain_findings(strategy, enablers, ENABLERS)


def _components(strategy: Strategy) -> list[Deliverable | Milestone]:
    deliverables = Deliverable.objects.filter(element__strategy=strategy)
    milestones = Milestone.objects.filter(deliverable__element__strategy=strategy)
    related = ("accountable_executive",)
    return [*deliverables.select_related(*related), *milestones.select_related(*related)]


def _name(component: Deliverable | Milestone) -> str:
    kind = "Deliverable" if isinstance(component, Deliverable) else "Milestone"
    return f"{kind} “{component.title}”"


def every_component_has_an_executive(
    strategy: Strategy, today: datetime.date
) -> Iterator[Finding]:
    # The accountable executive is required by the database; what can go wrong is that
    # the person has since left the executive team.
    executives = set(
        Membership.objects.filter(
            organisation=strategy.organisation, role=Role.EXECUTIVE_DIRECTOR
        ).values_list("user_id", flat=True)
    )
    gaps = [
        Gap(
            LEADERS,
            f"{_name(c)} is held by {c.accountable_executive}, "
            "who is no longer an executive director here.",
            "Name a current executive director as its accountable executive.",
        )
        for c in _components(strategy)
        if c.accountable_executive_id not in executives
    ]
    yield from _gaps_or(
        gaps, "Every deliverable and milestone has one accountable executive director."
    )


def _day(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _timescale_gaps(component: Deliverable | Milestone) -> Iterator[Gap]:
    if component.start_date is None:
        yield Gap(
            TIMESCALES,
            f"{_name(component)} has no start date.",
            "Give it a start date so that its timescale is clear.",
        )
    elif component.due_date < component.start_date:
        yield Gap(
            TIMESCALES,
            f"{_name(component)} is due on {_day(component.due_date)}, "
            f"before it starts on {_day(component.start_date)}.",
            "Correct its start or due date.",
        )


def every_component_has_timescales(strategy: Strategy, today: datetime.date) -> Iterator[Finding]:
    gaps = [gap for c in _components(strategy) for gap in _timescale_gaps(c)]
    yield from _gaps_or(gaps, "Every deliverable and milestone has a start date and a due date.")


def every_element_has_deliverables(strategy: Strategy, today: datetime.date) -> Iterator[Finding]:
    if not strategy.elements.exists():
        yield Gap(
            TIMESCALES,
            "The strategy has no strategic objectives or other elements yet.",
            "Add the strategy's elements, then the deliverables that carry each one out.",
        )
        return
    unplanned = strategy.elements.filter(deliverables__isnull=True).select_related("kind")
    gaps = [
        Gap(
            TIMESCALES,
            f"{element.kind} “{element.title}” has no deliverables.",
            "Add at least one deliverable with dates and an accountable executive.",
        )
        for element in unplanned
    ]
    yield from _gaps_or(gaps, "Every element of the strategy has a delivery plan.")


ENGAGED_GROUPS = [
    ("people_using_services", "people who use services"),
    ("staff", "staff"),
    ("partners", "system partners"),
]


def produced_with_people(strategy: Strategy, today: datetime.date) -> Iterator[Finding]:
    activities = EngagementActivity.objects.filter(strategy=strategy)
    totals = activities.aggregate(**{field: Sum(field) for field, _ in ENGAGED_GROUPS})
    for field, group in ENGAGED_GROUPS:
        if totals[field]:
            yield f"{totals[field]} {group} took part in shaping the strategy."
        else:
            yield Gap(
                CO_PRODUCTION,
                f"No engagement activity recorded {group} taking part.",
                f"Record the engagement with {group}, with how many took part, or hold some.",
            )
    if activities.filter(level__in=SHAPING_LEVELS).exists():
        yield "At least one engagement activity was co-designed or co-produced."
    else:
        yield Gap(
            CO_PRODUCTION,
            "No engagement activity went further than involving people.",
            "Co-design or co-produce part of the strategy with the people it serves, "
            "and record it at that level.",
        )


def every_element_is_aligned(strategy: Strategy, today: datetime.date) -> Iterator[Finding]:
    unaligned = strategy.elements.filter(alignments__isnull=True).select_related("kind")
    gaps = [
        Gap(
            ALIGNMENT,
            f"{element.kind} “{element.title}” is not linked to any partner's priority.",
            "Link it to the partner priorities it serves on the alignment page.",
        )
        for element in unaligned
    ]
    if gaps or strategy.elements.exists():
        yield from _gaps_or(gaps, "Every element is linked to a partner's priority.")


def _icb_of(organisation: Organisation) -> Organisation | None:
    return (
        Organisation.objects.filter(
            ics=organisation.ics, kind=Organisation.Kind.INTEGRATED_CARE_BOARD
        )
        .order_by("name")
        .first()
    )


def aligned_with_the_icb(strategy: Strategy, today: datetime.date) -> Iterator[Finding]:
    icb = _icb_of(strategy.organisation)
    if icb == strategy.organisation:
        return
    if icb is None:
        yield Gap(
            ALIGNMENT,
            f"No integrated care board is recorded for {strategy.organisation.ics}.",
            "Ask a site administrator to add the ICB and its approved strategy.",
        )
        return
    icb_strategy = Strategy.objects.current_for(icb, today)
    if icb_strategy is None:
        yield Gap(
            ALIGNMENT,
            f"{icb} has no approved strategy in Lodestar.",
            f"Ask {icb} to record its approved strategy, such as its joint forward plan.",
        )
        return
    linked = AlignmentLink.objects.filter(
        element__strategy=strategy, partner_element__strategy=icb_strategy
    )
    if linked.exists():
        yield f"The strategy is aligned with {icb}'s “{icb_strategy.title}”."
    else:
        yield Gap(
            ALIGNMENT,
            f"No element is linked to {icb}'s “{icb_strategy.title}”.",
            "Link the elements that serve the ICB's priorities on the alignment page.",
        )


RULES: list[Rule] = [
    grounded_in_the_basics,
    addresses_the_enablers,
    every_component_has_an_executive,
    every_component_has_timescales,
    every_element_has_deliverables,
    produced_with_people,
    every_element_is_aligned,
    aligned_with_the_icb,
]


def check_strategy(strategy: Strategy, today: datetime.date | None = None) -> StrategyCheck:
    on = today or timezone.localdate()
    passed: list[str] = []
    gaps: list[Gap] = []
    for rule in RULES:
        for finding in rule(strategy, on):
            if isinstance(finding, Gap):
                gaps.append(finding)
            else:
                passed.append(finding)
    return StrategyCheck(strategy=strategy, passed=passed, gaps=gaps)
