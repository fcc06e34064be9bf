"""Alignment with partners: which partner priorities our strategic elements serve.

A partner's plan (an ICB's joint forward plan, an integrated care strategy) is a
strategy of the partner organisation. Approved strategies are public documents, so any
organisation may link to any other organisation's approved strategy; an organisation
may also link to the joint strategies it owns with partners, approved or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When

from lodestar.audit.services import record_create, record_delete, snapshot
from lodestar.core.models import Organisation, OrgOwnedQuerySet
from lodestar.core.permissions import require
from lodestar.core.roles import Capability
from lodestar.strategy.models import AlignmentLink, Element, Strategy, StrategyQuerySet

if TYPE_CHECKING:
    from lodestar.accounts.models import User

NOTE_MAX_LENGTH = AlignmentLink._meta.get_field("note").max_length or 500


def partner_strategies(organisation: Organisation) -> StrategyQuerySet:
    """Strategies `organisation` may align to: others' approved ones and its joint ones."""
    others_approved = Q(status=Strategy.Status.APPROVED) & ~Q(organisation=organisation)
    own_joint = Q(organisation=organisation, joint_owners__isnull=False)
    joint = (Q(joint_owners=organisation) | own_joint) & ~Q(status=Strategy.Status.SUPERSEDED)
    ids = Strategy.objects.filter(others_approved | joint).values("pk")
    return _icb_first(Strategy.objects.filter(pk__in=ids).select_related("organisation"))


def _icb_first(strategies: StrategyQuerySet) -> StrategyQuerySet:
    icb_rank = Case(
        When(organisation__kind=Organisation.Kind.INTEGRATED_CARE_BOARD, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return strategies.annotate(icb_rank=icb_rank).order_by(
        "icb_rank", "organisation__name", "-start_year", "title"
    )


def system_partner_strategies(organisation: Organisation) -> StrategyQuerySet:
    """The ones to offer first: partners in the same integrated care system, ICB first."""
    same_ics = Q(organisation__ics=organisation.ics) | Q(joint_owners=organisation)
    return partner_strategies(organisation).filter(same_ics).distinct()


def partner_elements(organisation: Organisation) -> OrgOwnedQuerySet[Element]:
    return Element.objects.filter(strategy__in=partner_strategies(organisation).values("pk"))


@transaction.atomic
def link_elements(
    actor: User,
    element: Element,
    partner_element: Element,
    relationship: AlignmentLink.Relationship | str,
    note: str = "",
) -> AlignmentLink:
    """Record that our `element` serves `partner_element`."""
    organisation = element.organisation
    require(actor, organisation, Capability.EDIT_STRATEGY)
    _check_link(element, partner_element, relationship, note)
    link = AlignmentLink.objects.create(
        organisation=organisation,
        element=element,
        partner_element=partner_element,
        relationship=relationship,
        note=note.strip(),
    )
    record_create(actor, organisation, link)
    return link


def _check_link(element: Element, partner_element: Element, relationship: str, note: str) -> None:
    # Alignment is a living map, so links may change after approval (a partner publishes
    # a new plan); only a superseded version is closed for good.
    if element.strategy.status == Strategy.Status.SUPERSEDED:
        raise ValidationError(
            {"element": "This version of the strategy has been superseded; align the new one."}
        )
    errors: dict[str, str] = {}
    partners = partner_elements(element.organisation).exclude(strategy=element.strategy_id)
    if not partners.filter(pk=partner_element.pk).exists():
        errors["partner_element"] = (
            "Choose a priority from a partner's approved strategy or a joint strategy."
        )
    if relationship not in AlignmentLink.Relationship.values:
        errors["relationship"] = "Choose contributes to, equivalent to or partly contributes to."
    if len(note.strip()) > NOTE_MAX_LENGTH:
        errors["note"] = f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."
    if AlignmentLink.objects.filter(element=element, partner_element=partner_element).exists():
        errors["partner_element"] = f"“{element}” is already linked to “{partner_element}”."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unlink(actor: User, link: AlignmentLink, reason: str = "") -> None:
    require(actor, link.organisation, Capability.EDIT_STRATEGY)
    before = snapshot(link)
    record_delete(actor, link.organisation, link, before, reason)
    link.delete()


@dataclass(frozen=True)
class MatrixRow:
    element: Element
    cells: list[AlignmentLink | None]

    @property
    def serves_nothing(self) -> bool:
        return not any(self.cells)


@dataclass(frozen=True)
class Matrix:
    """Our elements as rows, a partner strategy's elements as columns."""

    strategy: Strategy
    partner: Strategy
    columns: list[Element]
    rows: list[MatrixRow]
    links: list[AlignmentLink]

    @property
    def own_gaps(self) -> list[Element]:
        """Our elements that serve none of the partner's priorities."""
        return [row.element for row in self.rows if row.serves_nothing]

    @property
    def partner_gaps(self) -> list[Element]:
        """Partner priorities that none of our elements serves."""
        served = {link.partner_element_id for link in self.links}
        return [column for column in self.columns if column.pk not in served]


def alignment_matrix(strategy: Strategy, partner: Strategy) -> Matrix:
    columns = list(partner.elements.select_related("kind"))
    own = list(strategy.elements.select_related("kind"))
    links = list(
        AlignmentLink.objects.filter(element__strategy=strategy, partner_element__strategy=partner)
        .select_related("element__kind", "partner_element__kind")
        .order_by("element__order", "partner_element__order")
    )
    by_pair = {(link.element_id, link.partner_element_id): link for link in links}
    rows = [
        MatrixRow(element, [by_pair.get((element.pk, column.pk)) for column in columns])
        for element in own
    ]
    return Matrix(strategy=strategy, partner=partner, columns=columns, rows=rows, links=links)
