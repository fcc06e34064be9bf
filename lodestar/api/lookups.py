"""Finding an organisation's records by UUID, and saying a service's refusals in HTTP.

A record of another organisation is "not found" here, whatever its UUID, so that a
caller learns nothing about what other trusts hold. People and committees named in a
request body are looked up among this organisation's own, and a miss names the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from ninja.errors import HttpError

from lodestar.accounts.models import User
from lodestar.api.errors import field_error
from lodestar.core.models import Organisation
from lodestar.governance.models import Committee
from lodestar.strategy.guards import frozen_message
from lodestar.strategy.models import Element, ElementKind, Strategy

_M = TypeVar("_M", bound=Model)


@contextmanager
def refusals(*, conflicts: Collection[str] = ()) -> Iterator[None]:
    """A service's refusal as the API reports it.

    A refusal naming no field is about what is stored, not about the request: the
    strategy is approved and so frozen, only a draft can go out for consultation, a
    deliverable with updates is kept. That is a 409. A refusal naming only fields in
    `conflicts` (a name already taken) is a 409 too, keeping the fields. Any other
    names the fields at fault and is a 400.
    """
    try:
        yield
    except ValidationError as e:
        if not hasattr(e, "error_dict"):
            raise HttpError(409, " ".join(e.messages)) from e
        if conflicts and set(e.error_dict) <= set(conflicts):
            # The error handler answers 409 when every error is a clash with what exists.
            raise ValidationError(
                {
                    name: [ValidationError(message, code="unique") for message in messages]
                    for name, messages in e.message_dict.items()
                }
            ) from e
        raise


def clash(field: str, message: str) -> ValidationError:
    """A field whose value clashes with a record already stored: answered 409."""
    return ValidationError({field: [ValidationError(message, code="unique")]})


def one(queryset: QuerySet[_M], record: uuid.UUID, message: str) -> _M:
    found = queryset.filter(uuid=record).first()
    if found is None:
        raise Http404(message)
    return found


def own_strategy(organisation: Organisation, strategy: uuid.UUID) -> Strategy:
    """A strategy this organisation keeps, and so may change."""
    strategies = Strategy.objects.filter(organisation=organisation).select_related(
        "organisation", "approved_by", "previous_version", "next_version"
    )
    return one(strategies, strategy, "This organisation has no such strategy.")


def readable_strategy(organisation: Organisation, strategy: uuid.UUID) -> Strategy:
    """Our own strategies, and joint strategies we share in keeping (as on the pages)."""
    ids = Strategy.objects.filter(Q(organisation=organisation) | Q(joint_owners=organisation))
    strategies = Strategy.objects.filter(pk__in=ids.values("pk")).select_related(
        "organisation", "approved_by", "previous_version", "next_version"
    )
    return one(strategies, strategy, "This organisation has no such strategy.")


def member(organisation: Organisation, person: uuid.UUID, field: str, message: str = "") -> User:
    """A member of the organisation named in the body; anyone else is not found."""
    found = User.objects.filter(memberships__organisation=organisation, uuid=person).first()
    if found is None:
        raise field_error(field, message or f"{organisation.name} has no member with this UUID.")
    return found


def committee(organisation: Organisation, chosen: uuid.UUID, field: str) -> Committee:
    found = Committee.objects.filter(organisation=organisation, uuid=chosen).first()
    if found is None:
        raise field_error(field, f"Choose one of {organisation.name}'s own boards or committees.")
    return found


def element_kind(organisation: Organisation, chosen: uuid.UUID) -> ElementKind:
    found = ElementKind.objects.filter(organisation=organisation, uuid=chosen).first()
    if found is None:
        raise field_error("kind", "Choose one of this organisation's kinds of element.")
    return found


def elements_of(strategy: Strategy, chosen: list[uuid.UUID], field: str) -> list[Element]:
    found = list(strategy.elements.filter(uuid__in=chosen))
    if len(found) != len(set(chosen)):
        raise field_error(field, "Link only elements of this strategy.")
    return found


def editable(strategy: Strategy) -> Strategy:
    """Refuse at once to change what a board agreed, before looking at the request.

    The service checks again under a lock; this makes the answer the same 409 whatever
    else is wrong with the request.
    """
    if strategy.is_frozen:
        raise HttpError(409, frozen_message(strategy))
    return strategy
