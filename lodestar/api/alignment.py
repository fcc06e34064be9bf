"""Alignment with partners: which partner priorities our strategic elements serve.

The matrix shows the gaps both ways: our elements that serve no priority of the
partner, and partner priorities that none of ours serves.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from lodestar.api.auth import organisation_access
from lodestar.api.errors import field_error
from lodestar.api.lookups import clash, own_strategy, refusals
from lodestar.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, ReasonQuery
from lodestar.api.strategies import S
from lodestar.api.strategy_report_schemas import (
    LinkOut,
    MatrixOut,
    NewLink,
    PartnerQuery,
    PartnerStrategyOut,
)
from lodestar.api.strategy_schemas import StrategyRef
from lodestar.core.roles import Capability
from lodestar.strategy import alignment
from lodestar.strategy.models import AlignmentLink, Strategy, StrategyQuerySet

router = Router(tags=["Alignment"])

SUPERSEDED_MESSAGE = "This version of the strategy has been superseded; align the new one."
PARTNER_MESSAGE = "Choose one of the partner strategies listed at .../alignment/partners."


def _choices(strategy: Strategy) -> tuple[StrategyQuerySet, set[int]]:
    """Partner strategies this one may align to, and which are in the same system."""
    organisation = strategy.organisation
    choices = alignment.partner_strategies(organisation).exclude(pk=strategy.pk)
    system = alignment.system_partner_strategies(organisation).exclude(pk=strategy.pk)
    return choices, set(system.values_list("pk", flat=True))


@router.get(S + "/alignment/partners", response={200: list[PartnerStrategyOut], **READ_ERRORS})
def partner_strategies(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID
) -> list[PartnerStrategyOut]:
    """Strategies this one may align to: partners' approved strategies and joint ones,
    the integrated care board's first. `in_system` marks partners in the same system."""
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    choices, system = _choices(own_strategy(access.organisation, strategy))
    return [PartnerStrategyOut.of(choice, choice.pk in system) for choice in choices]


@router.get(S + "/alignment", response={200: MatrixOut, 400: ErrorOut, **READ_ERRORS})
def matrix(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, query: Query[PartnerQuery]
) -> MatrixOut:
    """Our elements (rows) against a partner strategy's elements (columns).

    Without `partner`, the first strategy of a partner in the same system (the ICB's
    first), as on the page; `partner` is null if there is none to align to.
    """
    access = organisation_access(request, org, Capability.VIEW_STRATEGY)
    own = own_strategy(access.organisation, strategy)
    choices, system = _choices(own)
    if query.partner is not None:
        partner = choices.filter(uuid=query.partner).first()
        if partner is None:
            raise field_error("partner", PARTNER_MESSAGE)
    else:
        partner = choices.filter(pk__in=system).first() or choices.first()
    if partner is None:
        ours = StrategyRef.of(own)
        return MatrixOut(
            strategy=ours, partner=None, columns=[], rows=[], own_gaps=[], partner_gaps=[]
        )
    return MatrixOut.of(alignment.alignment_matrix(own, partner), partner.pk in system)


@router.post(S + "/alignment/links", response={201: LinkOut, **WRITE_ERRORS})
def add_link(
    request: HttpRequest, org: uuid.UUID, strategy: uuid.UUID, new: NewLink
) -> Status[LinkOut]:
    """Record that one of this strategy's elements serves a partner's priority.

    Alignment may change after approval (a partner publishes a new plan); only a
    superseded version is closed. Linking the same pair twice is a 409.
    """
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    own = own_strategy(access.organisation, strategy)
    if own.status == Strategy.Status.SUPERSEDED:
        # A state of the strategy, not a fault in the request: the same 409 as a frozen one.
        raise HttpError(409, SUPERSEDED_MESSAGE)
    element = own.elements.filter(uuid=new.element).first()
    if element is None:
        raise field_error("element", "Choose one of this strategy's elements.")
    partners = alignment.partner_elements(access.organisation).exclude(strategy=own)
    partner_element = partners.filter(uuid=new.partner_element).first()
    if partner_element is None:
        raise field_error(
            "partner_element",
            "Choose a priority from a partner's approved strategy or a joint strategy.",
        )
    if AlignmentLink.objects.filter(element=element, partner_element=partner_element).exists():
        raise clash("partner_element", f"“{element}” is already linked to “{partner_element}”.")
    with refusals():
        link = alignment.link_elements(
            access.user, element, partner_element, new.relationship, new.note
        )
    return Status(201, LinkOut.of(link))


@router.delete(S + "/alignment/links/{uuid:link}", response={204: None, **WRITE_ERRORS})
def remove_link(
    request: HttpRequest,
    org: uuid.UUID,
    strategy: uuid.UUID,
    link: uuid.UUID,
    query: Query[ReasonQuery],
) -> Status[None]:
    access = organisation_access(request, org, Capability.EDIT_STRATEGY)
    own = own_strategy(access.organisation, strategy)
    target = AlignmentLink.objects.filter(
        organisation=access.organisation, element__strategy=own, uuid=link
    ).first()
    if target is None:
        raise Http404("This strategy has no such alignment link.")
    with refusals():
        alignment.unlink(access.user, target, query.reason)
    return Status(204, None)
