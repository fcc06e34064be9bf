"""The alignment matrix: our elements against a partner strategy's priorities."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.strategy import alignment
from lodestar.strategy.alignment_forms import AlignmentLinkForm
from lodestar.strategy.models import AlignmentLink, Strategy


def own_strategy(request: OrgRequest, strategy: uuid.UUID) -> Strategy:
    return get_object_or_404(
        Strategy.objects.select_related("organisation"),
        uuid=strategy,
        organisation=request.organisation,
    )


def _choose_partner(strategy: Strategy, chosen: str) -> Strategy | None:
    """The partner strategy asked for, else the first of the system's (ICB first)."""
    org = strategy.organisation
    choices = alignment.partner_strategies(org).exclude(pk=strategy.pk)
    try:
        found = choices.filter(uuid=uuid.UUID(chosen)).first() if chosen else None
    except ValueError:
        found = None
    if found is not None:
        return found
    system = alignment.system_partner_strategies(org).exclude(pk=strategy.pk)
    return system.first() or choices.first()


def _page(
    request: OrgRequest,
    strategy: Strategy,
    partner: Strategy | None,
    form: AlignmentLinkForm,
    status: int = 200,
) -> HttpResponse:
    org = request.organisation
    choices = alignment.partner_strategies(org).exclude(pk=strategy.pk)
    system = alignment.system_partner_strategies(org).exclude(pk=strategy.pk)
    context = {
        "strategy": strategy,
        "partner": partner,
        "matrix": alignment.alignment_matrix(strategy, partner) if partner else None,
        "system_choices": system,
        "other_choices": choices.exclude(pk__in=system.values("pk")),
        "relationships": AlignmentLink.Relationship.choices,
        "form": form,
        "can_edit": Capability.EDIT_STRATEGY in request.capabilities,
    }
    template = "strategy/alignment_matrix.html"
    if request.htmx:
        template += "#matrix"
    return render(request, template, context, status=status)


@org_view(Capability.VIEW_STRATEGY)
def matrix(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    own = own_strategy(request, strategy)
    partner = _choose_partner(own, request.GET.get("partner", ""))
    return _page(request, own, partner, AlignmentLinkForm(own, partner))


def _back(strategy: Strategy, partner: Strategy | None) -> str:
    url = reverse("alignment:matrix", args=[strategy.organisation.uuid, strategy.uuid])
    return f"{url}?partner={partner.uuid}" if partner else url


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def add_link(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    own = own_strategy(request, strategy)
    partner = _choose_partner(own, request.POST.get("partner", ""))
    form = AlignmentLinkForm(own, partner, request.POST)
    if not form.is_valid():
        return _page(request, own, partner, form, status=400)
    data = form.cleaned_data
    try:
        link = alignment.link_elements(
            request.user,
            data["element"],
            data["partner_element"],
            data["relationship"],
            data["note"],
        )
    except ValidationError as e:
        form.add_error(None, e)
        return _page(request, own, partner, form, status=400)
    messages.success(request, f"Linked: {link}.")
    if not request.htmx:
        return redirect(_back(own, partner))
    return _page(request, own, partner, AlignmentLinkForm(own, partner))


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def remove_link(request: OrgRequest, strategy: uuid.UUID, link: uuid.UUID) -> HttpResponse:
    own = own_strategy(request, strategy)
    target = get_object_or_404(
        AlignmentLink, uuid=link, organisation=request.organisation, element__strategy=own
    )
    partner = _choose_partner(own, request.POST.get("partner", ""))
    alignment.unlink(request.user, target)
    messages.success(request, f"Link removed: {target}.")
    if not request.htmx:
        return redirect(_back(own, partner))
    return _page(request, own, partner, AlignmentLinkForm(own, partner))
