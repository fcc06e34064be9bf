"""Pages for one strategic risk: its detail, and adding or changing what it is made of.

Board members read a risk (VIEW_RISKS). Changing it needs the right to change *this*
risk (`services.may_edit_risk`): governance officers any risk, executive directors the
risks they lead. The services check again, so a page can never do more than they allow.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.performance.analysis import analyse_metrics
from lodestar.risk import control_services, scoring, services, settings_services
from lodestar.risk.flags import BandTag, band_tag, flags_for, history, history_chart
from lodestar.risk.forms import (
    ActionForm,
    AssuranceForm,
    AssuranceGapForm,
    CloseRiskForm,
    CompleteActionForm,
    ControlForm,
    ReviewForm,
    RiskForm,
    add_service_errors,
)
from lodestar.risk.matrix import Matrix, matrix_for
from lodestar.risk.models import (
    AppetiteCategory,
    Assurance,
    AssuranceGap,
    Control,
    RiskAction,
    RiskStatus,
    StrategicRisk,
)

MDC_ICONS = "performance/includes/mdc_icons.html"


def find_risk(request: OrgRequest, risk: uuid.UUID) -> StrategicRisk:
    return get_object_or_404(
        StrategicRisk.objects.select_related(
            "executive_lead", "committee", "appetite_category", "merged_into"
        ),
        uuid=risk,
        organisation=request.organisation,
    )


def risk_url(risk: StrategicRisk, section: str = "") -> str:
    url = reverse("risk:risk", args=[risk.organisation.uuid, risk.uuid])
    return f"{url}#{section}" if section else url


def _editable(request: OrgRequest, risk: uuid.UUID) -> StrategicRisk:
    """The risk, if this user may change it; a 403 saying why if not."""
    found = find_risk(request, risk)
    if not services.may_edit_risk(request.user, found):
        if Capability.EDIT_OWN_RISKS in request.capabilities:
            raise PermissionDenied(
                f"You may change only the risks you lead, not {found.reference}."
            )
        raise PermissionDenied("Your role here does not let you change the BAF's risks.")
    return found


# --- The risk page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """One of the risk's three positions: L x C = score, with its band as a tag."""

    title: str
    likelihood: str
    consequence: str
    score: int
    band: Any


def _placed(matrix: Matrix, risk: StrategicRisk) -> list[Placed]:
    found = []
    for position in ("inherent", "current", "target"):
        likelihood = getattr(risk, f"{position}_likelihood")
        consequence = getattr(risk, f"{position}_consequence")
        found.append(
            Placed(
                position.capitalize(),
                f"{likelihood} {matrix.likelihood[likelihood - 1]}",
                f"{consequence} {matrix.consequence[consequence - 1]}",
                getattr(risk, f"{position}_score"),
                band_tag(matrix, getattr(risk, f"{position}_band")),
            )
        )
    return found


def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _assurances_by_line(risk: StrategicRisk) -> list[tuple[str, list[Assurance]]]:
    found = list(risk.assurances.order_by("line", "-dated", "id"))
    return [
        (str(label), [a for a in found if a.line == value])
        for value, label in Assurance.Line.choices
    ]


def _linked_operational(risk: StrategicRisk, matrix: Matrix) -> list[tuple[Any, bool, BandTag]]:
    """Open operational risks feeding this one, highest first, each marked if escalated."""
    feeders = risk.operational_risks.filter(status=RiskStatus.OPEN).select_related("owner")
    return [
        (
            feeder,
            scoring.escalates(feeder.current_score, matrix.escalation_threshold),
            band_tag(matrix, feeder.current_band),
        )
        for feeder in feeders.order_by("-current_score", "reference")
    ]


def risk_context(request: OrgRequest, risk: StrategicRisk) -> dict[str, Any]:
    today = timezone.localdate()
    matrix = matrix_for(risk.organisation)
    found = history(risk)
    actions = risk.actions.select_related("owner").order_by("due_date", "id")
    category = risk.appetite_category
    return {
        "risk": risk,
        "today": today,
        "matrix": matrix,
        "flags": flags_for(risk, today, matrix),
        "positions": _placed(matrix, risk),
        "appetite_level": matrix.appetite_levels[category.level - 1],
        "elements": risk.elements.select_related("kind", "strategy").order_by("strategy", "order"),
        "controls": risk.controls.filter(kind=Control.Kind.CONTROL),
        "control_gaps": risk.controls.filter(kind=Control.Kind.GAP),
        "assurance_lines": _assurances_by_line(risk),
        "assurance_gaps": risk.assurance_gaps.all(),
        "actions": [(a, a.completed_on is None and a.due_date < today) for a in actions],
        "history": found,
        "chart": history_chart(found, matrix),
        "reviews_with_tags": [(r, band_tag(matrix, r.band)) for r in found.reviews],
        "metric_analyses": analyse_metrics(risk.metrics.order_by("name")),
        "has_mdc_icons": _has_template(MDC_ICONS),
        "operational": _linked_operational(risk, matrix),
        "can_edit": services.may_edit_risk(request.user, risk),
        "can_manage": services.can_manage(request.user, risk.organisation),
    }


@org_view(Capability.VIEW_RISKS)
def risk_detail(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    found = find_risk(request, risk)
    return render(request, "risk/risk.html", risk_context(request, found))


# --- Creating, changing and closing a risk ---------------------------------------------


def _form_page(
    request: OrgRequest,
    form: forms.Form,
    *,
    heading: str,
    back: str,
    submit: str,
    caption: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "heading": heading,
        "back": back,
        "submit": submit,
        "caption": caption,
        **(extra or {}),
    }
    return render(request, "risk/risk_form.html", context, status=400 if form.is_bound else 200)


def _add_default_categories(request: OrgRequest) -> HttpResponse:
    """A first risk needs an appetite category: start the organisation with the usual four."""
    made = settings_services.ensure_default_appetite_categories(request.organisation, request.user)
    messages.success(
        request,
        f"{len(made)} risk appetite categories in place. Change them to suit the board "
        "on the risk matrix and appetite page.",
    )
    return redirect("risk:new_risk", request.organisation.uuid)


@org_view(Capability.MANAGE_RISKS)
def new_risk(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    if request.method == "POST" and "add_default_categories" in request.POST:
        return _add_default_categories(request)
    form = RiskForm(request.POST or None, organisation=org, matrix=matrix_for(org))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_strategic_risk(request.user, org, **form.values())
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{created.reference} added to the BAF.")
            return redirect(risk_url(created))
    back = reverse("risk:baf", args=[org.uuid])
    no_categories = not AppetiteCategory.objects.filter(organisation=org).exists()
    return _form_page(
        request,
        form,
        heading="Add a strategic risk",
        back=back,
        submit="Add risk",
        extra={"offer_default_categories": no_categories},
    )


@org_view(Capability.VIEW_RISKS)
def edit_risk(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    target = _editable(request, risk)
    form = RiskForm(
        request.POST or None,
        organisation=request.organisation,
        matrix=matrix_for(request.organisation),
        risk=target,
        may_change_lead=services.can_manage(request.user, request.organisation),
    )
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            services.update_strategic_risk(request.user, target, reason, **form.values())
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{target.reference} saved.")
            return redirect(risk_url(target))
    return _form_page(
        request, form, heading=f"Change {target.reference}", back=risk_url(target), submit="Save"
    )


@org_view(Capability.MANAGE_RISKS)
def close_risk(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    target = find_risk(request, risk)
    form = CloseRiskForm(request.POST or None, risk=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == RiskStatus.MERGED:
                services.merge_strategic_risk(
                    request.user, target, data["merged_into"], data["reason"]
                )
            else:
                services.close_strategic_risk(request.user, target, data["reason"])
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{target.reference} taken off the BAF.")
            return redirect(risk_url(target))
    context = {"form": form, "risk": target, "back": risk_url(target)}
    return render(request, "risk/risk_close.html", context, status=400 if form.is_bound else 200)


@org_view(Capability.VIEW_RISKS)
def new_review(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
    target = _editable(request, risk)
    org = request.organisation
    form = ReviewForm(request.POST or None, organisation=org, matrix=matrix_for(org))
    form.initial = {
        "reviewed_on": timezone.localdate(),
        "likelihood": target.current_likelihood,
        "consequence": target.current_consequence,
        "committee": target.committee_id,
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(request.user, target, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"Review of {target.reference} recorded.")
            return redirect(risk_url(target, "history"))
    return _form_page(
        request,
        form,
        heading=f"Record a review of {target.reference}",
        caption=target.title,
        back=risk_url(target, "history"),
        submit="Record review",
    )


# --- Controls, assurances, gaps and actions --------------------------------------------


@dataclass(frozen=True)
class Part:
    """How the pages add, change and delete one kind of thing a risk is made of."""

    model: type[Control] | type[Assurance] | type[AssuranceGap] | type[RiskAction]
    form: Callable[..., forms.Form]
    noun: str
    section: str
    add: Callable[..., Model]
    update: Callable[..., Model]
    delete: Callable[..., None]
    fields: tuple[str, ...]
    needs_organisation: bool = False


CONTROL = Part(
    Control,
    ControlForm,
    "control",
    "controls",
    control_services.add_control,
    control_services.update_control,
    control_services.delete_control,
    control_services.CONTROL_FIELDS,
)
ASSURANCE = Part(
    Assurance,
    AssuranceForm,
    "assurance",
    "assurances",
    control_services.add_assurance,
    control_services.update_assurance,
    control_services.delete_assurance,
    control_services.ASSURANCE_FIELDS,
)
ASSURANCE_GAP = Part(
    AssuranceGap,
    AssuranceGapForm,
    "gap in assurance",
    "assurance-gaps",
    control_services.add_assurance_gap,
    control_services.update_assurance_gap,
    control_services.delete_assurance_gap,
    control_services.GAP_FIELDS,
)
ACTION = Part(
    RiskAction,
    ActionForm,
    "action",
    "actions",
    control_services.add_action,
    control_services.update_action,
    control_services.delete_action,
    control_services.ACTION_FIELDS,
    needs_organisation=True,
)


def _part_form(request: OrgRequest, part: Part, **kwargs: Any) -> forms.Form:
    if part.needs_organisation:
        kwargs["organisation"] = request.organisation
    return part.form(request.POST or None, **kwargs)


def _find_part(request: OrgRequest, part: Part, risk: StrategicRisk, item: uuid.UUID) -> Any:
    return get_object_or_404(
        part.model.objects.all(), uuid=item, risk=risk, organisation=request.organisation
    )


def _noun(part: Part, item: Model | None = None, kind: str = "") -> str:
    if part is CONTROL:
        # The same words as the risk page's links: "Add a key control", "Add a gap in control".
        gap = (kind or getattr(item, "kind", "")) == Control.Kind.GAP
        return "gap in control" if gap else "key control"
    return part.noun


def _new_part(request: OrgRequest, risk: uuid.UUID, part: Part) -> HttpResponse:
    target = _editable(request, risk)
    form = _part_form(request, part)
    kind = request.GET.get("kind", "")
    if part is CONTROL and kind in Control.Kind.values:
        form.initial = {"kind": kind}
    if request.method == "POST" and form.is_valid():
        try:
            part.add(request.user, target, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{_noun(part, kind=kind).capitalize()} added.")
            return redirect(risk_url(target, part.section))
    noun = _noun(part, kind=kind)
    return _form_page(
        request,
        form,
        heading=f"Add a{'n' if noun[0] in 'aeiou' else ''} {noun} to {target.reference}",
        caption=target.title,
        back=risk_url(target, part.section),
        submit=f"Add {noun}",
    )


def _edit_part(request: OrgRequest, risk: uuid.UUID, item: uuid.UUID, part: Part) -> HttpResponse:
    target = _editable(request, risk)
    found = _find_part(request, part, target, item)
    form = _part_form(request, part)
    if isinstance(form, AssuranceForm):
        form.set_initial(found)
    else:
        form.initial = {name: getattr(found, name) for name in part.fields}
        if part is ACTION:
            form.initial["owner"] = found.owner_id
    if request.method == "POST" and form.is_valid():
        try:
            part.update(request.user, found, "", **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{_noun(part, found).capitalize()} saved.")
            return redirect(risk_url(target, part.section))
    return _form_page(
        request,
        form,
        heading=f"Change this {_noun(part, found)}",
        caption=f"{target.reference} {target.title}",
        back=risk_url(target, part.section),
        submit="Save",
    )


def _delete_part(
    request: OrgRequest, risk: uuid.UUID, item: uuid.UUID, part: Part
) -> HttpResponse:
    target = _editable(request, risk)
    found = _find_part(request, part, target, item)
    back = risk_url(target, part.section)
    noun = _noun(part, found)
    if request.method == "POST":
        reason = request.POST.get("reason", "")[:500]
        part.delete(request.user, found, reason)
        messages.success(request, f"{noun.capitalize()} deleted.")
        return redirect(back)
    context = {"target": found, "noun": noun, "risk": target, "back": back}
    return render(request, "risk/risk_confirm_delete.html", context)


@org_view(Capability.VIEW_RISKS)
def complete_action(request: OrgRequest, risk: uuid.UUID, action: uuid.UUID) -> HttpResponse:
    """Mark an action complete on a date (today if none is given), or reopen it."""
    target = _editable(request, risk)
    found = _find_part(request, ACTION, target, action)
    back = risk_url(target, ACTION.section)
    if request.method != "POST":
        return redirect(back)
    form = CompleteActionForm(request.POST)
    on = form.cleaned_data["completed_on"] if form.is_valid() else None
    if "reopen" not in request.POST:
        on = on or timezone.localdate()
    try:
        control_services.complete_action(request.user, found, on)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, "Action reopened." if on is None else "Action marked complete.")
    return redirect(back)


def _part_views(part: Part) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """The add, change and delete pages of one kind of part, each guarded by `org_view`."""

    def new(request: OrgRequest, risk: uuid.UUID) -> HttpResponse:
        return _new_part(request, risk, part)

    def edit(request: OrgRequest, risk: uuid.UUID, item: uuid.UUID) -> HttpResponse:
        return _edit_part(request, risk, item, part)

    def delete(request: OrgRequest, risk: uuid.UUID, item: uuid.UUID) -> HttpResponse:
        return _delete_part(request, risk, item, part)

    guard = org_view(Capability.VIEW_RISKS)
    return guard(new), guard(edit), guard(delete)


new_control, edit_control, delete_control = _part_views(CONTROL)
new_assurance, edit_assurance, delete_assurance = _part_views(ASSURANCE)
new_assurance_gap, edit_assurance_gap, delete_assurance_gap = _part_views(ASSURANCE_GAP)
new_action, edit_action, delete_action = _part_views(ACTION)
