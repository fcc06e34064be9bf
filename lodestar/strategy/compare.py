"""Two versions of a strategy side by side: what was added, removed and changed.

Elements are matched through `copied_from`, which survives renaming; an element with
no such link (added by hand, or in a strategy of another line) is matched by title.
Values have no such link, so they are matched by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from lodestar.strategy.models import Domain, Element, Strategy, Value

Shown = str | list[str]
_Item = TypeVar("_Item", Value, Element)


@dataclass
class FieldChange:
    label: str
    before: Shown
    after: Shown

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def is_list(self) -> bool:
        return isinstance(self.before, list)

    @property
    def added(self) -> list[str]:
        before = self.before if isinstance(self.before, list) else [self.before]
        after = self.after if isinstance(self.after, list) else [self.after]
        return [line for line in after if line not in before]

    @property
    def removed(self) -> list[str]:
        before = self.before if isinstance(self.before, list) else [self.before]
        after = self.after if isinstance(self.after, list) else [self.after]
        return [line for line in before if line not in after]


@dataclass
class ItemComparison(Generic[_Item]):
    before: _Item | None
    after: _Item | None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.changes else "unchanged"

    @property
    def item(self) -> _Item:
        if self.after is not None:
            return self.after
        if self.before is not None:
            return self.before
        raise ValueError("A comparison has at least one side.")


@dataclass
class Comparison:
    earlier: Strategy
    later: Strategy
    fields: list[FieldChange]
    values: list[ItemComparison[Value]]
    elements: list[ItemComparison[Element]]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
        statuses = [v.status for v in self.values] + [e.status for e in self.elements]
        for status in statuses:
            counts[status] += 1
        return counts


def _strategy_facts(strategy: Strategy) -> dict[str, Shown]:
    return {
        "Title": strategy.title,
        "Period": strategy.period,
        "Vision": strategy.vision,
        "Mission": strategy.mission,
        "Purpose": strategy.purpose,
        "Summary": strategy.summary,
    }


def _value_facts(value: Value) -> dict[str, Shown]:
    return {
        "Name": value.name,
        "Description": value.description,
        "Behaviours": list(value.behaviours),
    }


def _element_facts(element: Element) -> dict[str, Shown]:
    lead = element.executive_lead
    return {
        "Kind": element.kind.name,
        "Title": element.title,
        "Description": element.description,
        "Statements": list(element.statements),
        "What success will look like": list(element.outcomes),
        "Indicators": list(element.indicators),
        "Domains": [Domain(d).label for d in element.domains if d in Domain.values],
        "Executive lead": lead.display_name if lead else "",
    }


def _changes(before: dict[str, Shown], after: dict[str, Shown]) -> list[FieldChange]:
    both = [FieldChange(label, before[label], after[label]) for label in before]
    return [change for change in both if change.changed]


def _compare(
    pairs: Iterable[tuple[_Item | None, _Item | None]], facts: Callable[[_Item], dict[str, Shown]]
) -> list[ItemComparison[_Item]]:
    result: list[ItemComparison[_Item]] = []
    for before, after in pairs:
        changes = _changes(facts(before), facts(after)) if before and after else []
        result.append(ItemComparison(before, after, changes))
    return result


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _pair_by_name(
    earlier: list[_Item], later: list[_Item], name: Callable[[_Item], str], matched: set[int]
) -> list[tuple[_Item | None, _Item | None]]:
    """Pair what `matched` (primary keys of earlier items) has not already claimed."""
    waiting: dict[str, _Item] = {}
    for item in earlier:
        if item.pk not in matched:
            waiting.setdefault(_key(name(item)), item)
    pairs: list[tuple[_Item | None, _Item | None]] = []
    for item in later:
        match = waiting.pop(_key(name(item)), None)
        if match is not None:
            matched.add(match.pk)
        pairs.append((match, item))
    pairs += [(item, None) for item in earlier if item.pk not in matched]
    return pairs


def _ancestor_in(
    element: Element, wanted: set[int], parents: Mapping[int, int | None]
) -> int | None:
    seen: set[int] = set()
    current = parents.get(element.pk)
    while current is not None and current not in seen:
        if current in wanted:
            return current
        seen.add(current)
        current = parents.get(current)
    return None


def _pair_elements(
    earlier: list[Element], later: list[Element]
) -> list[tuple[Element | None, Element | None]]:
    organisations = {earlier[0].organisation_id} if earlier else set()
    organisations |= {e.organisation_id for e in later}
    parents: dict[int, int | None] = dict(
        Element.objects.filter(organisation_id__in=organisations).values_list(
            "id", "copied_from_id"
        )
    )
    by_pk = {e.pk: e for e in earlier}
    matched: set[int] = set()
    pairs: list[tuple[Element | None, Element | None]] = []
    unmatched: list[Element] = []
    for element in later:
        source = _ancestor_in(element, set(by_pk) - matched, parents)
        if source is None:
            unmatched.append(element)
        else:
            matched.add(source)
            pairs.append((by_pk[source], element))
    return pairs + _pair_by_name(earlier, unmatched, lambda e: e.title, matched)


def _elements_of(strategy: Strategy) -> list[Element]:
    return list(
        strategy.elements.select_related("kind", "executive_lead").order_by(
            "kind__order", "kind__name", "order", "id"
        )
    )


def compare_versions(one: Strategy, other: Strategy) -> Comparison:
    """Compare in time order, whichever way round the two were given."""
    earlier, later = sorted([one, other], key=lambda s: (s.version, s.created_at))
    values = _pair_by_name(
        list(earlier.values.all()), list(later.values.all()), lambda v: v.name, set()
    )
    elements = _pair_elements(_elements_of(earlier), _elements_of(later))
    return Comparison(
        earlier=earlier,
        later=later,
        fields=[
            FieldChange(label, before, _strategy_facts(later)[label])
            for label, before in _strategy_facts(earlier).items()
        ],
        values=_compare(values, _value_facts),
        elements=_compare(elements, _element_facts),
    )
