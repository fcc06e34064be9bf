"""Strategy pages: the list, a strategy and its status, element kinds and comparisons.

Values, elements and engagement activities have their own modules of views.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lodestar.accounts.models import User
from lodestar.core import services as core_services
from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.models import Organisation, PartnerGrant
from lodestar.core.parsing import parse_uuid
from lodestar.core.roles import Capability
from lodestar.strategy import services
from lodestar.strategy.compare import compare_versions
from lodestar.strategy.forms import ApproveForm, ElementKindForm, StrategyForm
from lodestar.strategy.guards import frozen_message
from lodestar.strategy.models import ElementKind, EngagementActivity, Strategy

GROUPS = [
    ("people_using_services", "People who use services"),
    ("carers", "Carers"),
    ("staff", "Staff"),
    ("partners", "Partners"),
    ("public", "Members of the public"),
]


def readable_strategy(request: OrgRequest, strategy: uuid.UUID) -> Strategy:
    """Our own strategies, joint ones we share in keeping, and ones partners shared."""
    return get_object_or_404(
        Strategy.objects.readable_by(request.organisation).select_related("organisation"),
        uuid=strategy,
    )


def own_strategy(request: OrgRequest, strategy: uuid.UUID) -> Strategy:
    """A strategy this organisation keeps, and so may change."""
    return get_object_or_404(Strategy, uuid=strategy, organisation=request.organisation)


def detail_url(strategy: Strategy, anchor: str = "") -> str:
    url = reverse("strategy:detail", args=[strategy.organisation.uuid, strategy.uuid])
    return f"{url}#{anchor}" if anchor else url


def frozen_redirect(request: OrgRequest, strategy: Strategy) -> HttpResponse | None:
    """Send people back from a form they could never submit."""
    if not strategy.is_frozen or request.method == "POST":
        return None
    messages.error(request, frozen_message(strategy))
    return redirect(detail_url(strategy))


def _line_of(strategy: Strategy) -> list[Strategy]:
    """Every version of the strategy, first to last."""
    first = strategy
    while first.previous_version is not None:
        first = first.previous_version
    line = [first]
    while (following := Strategy.objects.filter(previous_version=line[-1]).first()) is not None:
        line.append(following)
    return line


def _engagement_totals(strategy: Strategy) -> dict[str, Any]:
    activities = EngagementActivity.objects.filter(strategy=strategy)
    sums = activities.aggregate(**{name: Sum(name) for name, _ in GROUPS})
    by_group = [(label, sums[name] or 0) for name, label in GROUPS]
    counted = dict(
        activities.values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    by_level = [
        (label, counted.get(level, 0)) for level, label in EngagementActivity.Level.choices
    ]
    return {
        "by_group": by_group,
        "by_level": by_level,
        "participants": sum(count for _, count in by_group),
    }


def detail_context(request: OrgRequest, strategy: Strategy) -> dict[str, Any]:
    """Everything the strategy page and its HTMX fragments show."""
    own = strategy.organisation_id == request.organisation.pk
    caps = request.capabilities
    elements = strategy.elements.select_related("kind", "executive_lead").order_by(
        "kind__order", "kind__name", "order", "id"
    )
    line = _line_of(strategy)
    return {
        "strategy": strategy,
        # Plans, checks and files belong to the keeper; partners read the strategy alone.
        "own": own,
        "values": strategy.values.order_by("order", "id"),
        "element_groups": [
            (kind, list(items)) for kind, items in groupby(elements, lambda e: e.kind)
        ],
        "engagements": strategy.engagements.prefetch_related("elements"),
        "totals": _engagement_totals(strategy),
        "line": line,
        "next_version": line[line.index(strategy) + 1] if line[-1] != strategy else None,
        "can_edit": own and Capability.EDIT_STRATEGY in caps and not strategy.is_frozen,
        "can_approve": own and Capability.APPROVE_STRATEGY in caps and not strategy.is_frozen,
        "can_share": own and Capability.MANAGE_PARTNER_GRANTS in caps,
        "shared_with": PartnerGrant.objects.filter(
            organisation=request.organisation, object_uuid=strategy.uuid
        ).select_related("partner"),
        "partners": Organisation.objects.exclude(pk=request.organisation.pk),
        "can_start_version": own
        and Capability.EDIT_STRATEGY in caps
        and strategy.status == Strategy.Status.APPROVED
        and line[-1] == strategy,
    }


def render_detail(
    request: OrgRequest, strategy: Strategy, partial: str = "", status: int = 200
) -> HttpResponse:
    template = "strategy/strategy_detail.html"
    if partial and request.htmx:
        template += f"#{partial}"
    return render(request, template, detail_context(request, strategy), status=status)


@org_view(Capability.VIEW_STRATEGY)
def strategy_list(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    context = {
        "strategies": Strategy.objects.filter(organisation=org).order_by(
            "-start_year", "title", "-version"
        ),
        "joint": Strategy.objects.filter(joint_owners=org).select_related("organisation"),
        "shared": Strategy.objects.readable_by(org)
        .exclude(organisation=org)
        .exclude(joint_owners=org)
        .select_related("organisation"),
        "can_edit": Capability.EDIT_STRATEGY in request.capabilities,
    }
    return render(request, "strategy/strategy_list.html", context)


@org_view(Capability.EDIT_STRATEGY)
def new_strategy(request: OrgRequest) -> HttpResponse:
    form = StrategyForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in StrategyForm.Meta.fields}
        try:
            with transaction.atomic():
                strategy = services.create_strategy(
                    request.user, request.organisation, form.cleaned_data["reason"], **values
                )
                if form.cleaned_data["joint_owners"]:
                    services.set_joint_owners(
                        request.user, strategy, form.cleaned_data["joint_owners"]
                    )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"{strategy.title} added as a draft.")
            return redirect("strategy:detail", request.organisation.uuid, strategy.uuid)
    status = 400 if form.errors else 200
    context = {"form": form, "heading": "New strategy"}
    return render(request, "strategy/item_form.html", context, status=status)


@org_view(Capability.VIEW_STRATEGY)
def strategy_detail(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    return render_detail(request, readable_strategy(request, strategy))


@org_view(Capability.EDIT_STRATEGY)
def edit_strategy(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    # The form works on its own copy, so the service's "before" is the saved record.
    form = StrategyForm(
        request.POST or None,
        instance=Strategy.objects.get(pk=target.pk),
        organisation=request.organisation,
    )
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in StrategyForm.Meta.fields}
        reason = form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                target = services.update_strategy(request.user, target, reason, **values)
                services.set_joint_owners(
                    request.user, target, form.cleaned_data["joint_owners"], reason
                )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "Strategy saved.")
            return redirect("strategy:detail", request.organisation.uuid, target.uuid)
    status = 400 if form.errors else 200
    context = {"form": form, "heading": f"Change {target.title}", "strategy": target}
    return frozen_redirect(request, target) or render(
        request, "strategy/item_form.html", context, status=status
    )


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def change_status(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    moves: dict[str, Callable[[User, Strategy, str], Strategy]] = {
        Strategy.Status.CONSULTATION: services.submit_for_consultation,
        Strategy.Status.DRAFT: services.return_to_draft,
    }
    move = moves.get(request.POST.get("status", ""))
    try:
        if move is None:
            raise ValidationError("Choose consultation or draft.")
        target = move(request.user, target, request.POST.get("reason", "")[:500])
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        messages.success(request, f"The strategy is now {target.get_status_display().lower()}.")
    return redirect("strategy:detail", request.organisation.uuid, target.uuid)


@org_view(Capability.APPROVE_STRATEGY)
def approve_strategy(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    form = ApproveForm(request.organisation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.approve_strategy(
                request.user,
                target,
                approved_by=data["approved_by"],
                approved_on=data["approved_on"],
                reason=data["reason"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Approval by {data['approved_by']} recorded.")
            return redirect("strategy:detail", request.organisation.uuid, target.uuid)
    status = 400 if form.errors else 200
    context = {"form": form, "strategy": target}
    return frozen_redirect(request, target) or render(
        request, "strategy/approve.html", context, status=status
    )


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def start_new_version(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    target = own_strategy(request, strategy)
    try:
        copy = services.start_new_version(request.user, target)
    except ValidationError as e:
        messages.error(request, e.messages[0])
        return redirect("strategy:detail", request.organisation.uuid, target.uuid)
    messages.success(request, f"Version {copy.version} started as a draft copy.")
    return redirect("strategy:detail", request.organisation.uuid, copy.uuid)


@org_view(Capability.VIEW_STRATEGY)
def compare(request: OrgRequest, strategy: uuid.UUID, other: uuid.UUID) -> HttpResponse:
    comparison = compare_versions(
        readable_strategy(request, strategy), readable_strategy(request, other)
    )
    return render(request, "strategy/compare.html", {"comparison": comparison})


def _kinds_page(request: OrgRequest, form: ElementKindForm, status: int = 200) -> HttpResponse:
    kinds = ElementKind.objects.filter(organisation=request.organisation).annotate(
        used=Count("elements")
    )
    context = {
        "kinds": kinds,
        "form": form,
        "can_edit": Capability.EDIT_STRATEGY in request.capabilities,
    }
    return render(request, "strategy/element_kinds.html", context, status=status)


@org_view(Capability.VIEW_STRATEGY)
def element_kinds(request: OrgRequest) -> HttpResponse:
    return _kinds_page(request, ElementKindForm())


@require_POST
@org_view(Capability.EDIT_STRATEGY)
def add_element_kind(request: OrgRequest) -> HttpResponse:
    form = ElementKindForm(request.POST)
    if form.is_valid():
        try:
            services.ensure_element_kinds(request.organisation, request.user)
            kind = services.add_element_kind(
                request.user, request.organisation, **form.cleaned_data
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"{kind.name} added.")
            return redirect("strategy:element_kinds", request.organisation.uuid)
    return _kinds_page(request, form, status=400)


@require_POST
@org_view(Capability.MANAGE_PARTNER_GRANTS)
def share_strategy(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    """Let a partner organisation read this strategy, even while it is a draft."""
    target = own_strategy(request, strategy)
    chosen = parse_uuid(request.POST.get("partner"))
    partner = Organisation.objects.filter(uuid=chosen).first() if chosen else None
    if partner is None:
        messages.error(request, "Choose the partner organisation to share the strategy with.")
        return redirect(detail_url(target, "sharing"))
    try:
        core_services.grant_partner_access(
            request.user, request.organisation, partner, target, request.POST.get("note", "")
        )
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        messages.success(request, f"{partner.name} can now read {target.title}.")
    return redirect(detail_url(target, "sharing"))
