from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lodestar.accounts.models import User
from lodestar.accounts.services import find_or_create_user
from lodestar.core import services
from lodestar.core.decorators import SESSION_KEY, OrgRequest, org_view
from lodestar.core.forms import AddMemberForm, NewOrganisationForm, OrganisationForm, ReasonForm
from lodestar.core.models import Membership, Organisation, PartnerGrant
from lodestar.core.parsing import parse_uuid
from lodestar.core.roles import Capability, Role


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users land on their current organisation; everyone else on the public list."""
    if not request.user.is_authenticated:
        return public_index(request)
    mine = Organisation.objects.for_user(request.user)
    remembered = parse_uuid(request.session.get(SESSION_KEY))
    current = (remembered and mine.filter(uuid=remembered).first()) or mine.first()
    if current is None:
        return render(request, "core/no_organisation.html")
    return redirect("core:organisation_home", current.uuid)


def public_index(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.select_related("ics")
    return render(request, "core/public_index.html", {"organisations": organisations})


def public_organisation(request: HttpRequest, ods_code: str) -> HttpResponse:
    public = get_object_or_404(
        Organisation.objects.select_related("ics"), ods_code=ods_code.upper()
    )
    return render(request, "core/public_organisation.html", {"public": public})


@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    mine = Organisation.objects.for_user(request.user)
    chosen_uuid = parse_uuid(request.GET.get("organisation"))
    chosen = mine.filter(uuid=chosen_uuid).first() if chosen_uuid else None
    if chosen is None:
        raise Http404("No such organisation.")
    return redirect("core:organisation_home", chosen.uuid)


@login_required
def new_organisation(request: HttpRequest) -> HttpResponse:
    """Site staff add an organisation; everyone else is told there is no such page."""
    if not request.user.is_superuser:
        raise Http404("No such page.")
    form = NewOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        first_admin = User.objects.filter(username=data["first_administrator"]).first()
        if first_admin is None:
            form.add_error("first_administrator", "There is no account with this username.")
        else:
            with transaction.atomic():
                organisation = services.create_organisation(
                    request.user,
                    **{f: data[f] for f in NewOrganisationForm.Meta.fields},
                )
                services.add_member(None, organisation, first_admin, Role.ADMINISTRATOR)
            messages.success(request, f"{organisation.name} added.")
            return redirect("core:public_organisation", organisation.ods_code)
    return render(request, "core/new_organisation.html", {"form": form})


@org_view()
def organisation_home(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    context = {
        "my_roles": Membership.objects.filter(organisation=org, user=request.user),
        "member_count": Membership.objects.filter(organisation=org)
        .values("user")
        .distinct()
        .count(),
        "partners": Organisation.objects.filter(ics=org.ics).exclude(pk=org.pk),
    }
    return render(request, "core/organisation_home.html", context)


@org_view(Capability.EDIT_ORGANISATION)
def edit_organisation(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in OrganisationForm.Meta.fields}
        try:
            services.update_organisation(
                request.user, org, reason=form.cleaned_data["reason"], **values
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "Organisation details saved.")
            return redirect("core:organisation_home", org.uuid)
    return render(request, "core/edit_organisation.html", {"form": form})


@org_view()
def members(request: OrgRequest) -> HttpResponse:
    form = AddMemberForm()
    return _members_page(request, form)


def _members_page(
    request: OrgRequest, form: AddMemberForm, status: int = 200, new_password: str = ""
) -> HttpResponse:
    memberships = Membership.objects.filter(organisation=request.organisation).select_related(
        "user"
    )
    template = "core/members.html"
    if request.htmx:
        template += "#members"
    context = {"memberships": memberships, "form": form, "new_password": new_password}
    return render(request, template, context, status=status)


@require_POST
@org_view(Capability.MANAGE_MEMBERS)
def add_member(request: OrgRequest) -> HttpResponse:
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        return _members_page(request, form, status=400)
    data = form.cleaned_data
    try:
        # One transaction: a new account that cannot join is not left behind.
        with transaction.atomic():
            user, password = find_or_create_user(
                request.user, data["username"], data["full_name"], data["email"]
            )
            services.add_member(
                request.user, request.organisation, user, data["role"], data["job_title"]
            )
    except ValidationError as e:
        form.add_error(None, e)
        return _members_page(request, form, status=400)
    messages.success(request, f"{user.display_name} added as {data['role'].label}.")
    return _members_page(request, AddMemberForm(), new_password=password)


@require_POST
@org_view(Capability.MANAGE_MEMBERS)
def remove_member(request: OrgRequest, membership: str) -> HttpResponse:
    target = get_object_or_404(Membership, uuid=membership, organisation=request.organisation)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.remove_member(request.user, target, reason)
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        name, role = target.user.display_name, target.get_role_display()
        messages.success(request, f"{name} is no longer {role}.")
    if not request.htmx:
        return redirect("core:members", request.organisation.uuid)
    return _members_page(request, AddMemberForm())


@org_view()
def partner_grants(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    context = {
        "given": PartnerGrant.objects.filter(organisation=org).select_related(
            "partner", "content_type", "granted_by"
        ),
        "received": PartnerGrant.objects.filter(partner=org).select_related(
            "organisation", "content_type"
        ),
    }
    return render(request, "core/partner_grants.html", context)


@require_POST
@org_view(Capability.MANAGE_PARTNER_GRANTS)
def revoke_grant(request: OrgRequest, grant: str) -> HttpResponse:
    target = get_object_or_404(PartnerGrant, uuid=grant, organisation=request.organisation)
    form = ReasonForm(request.POST)
    services.revoke_partner_access(
        request.user, target, form.cleaned_data["reason"] if form.is_valid() else ""
    )
    messages.success(request, f"{target.partner} can no longer read that item.")
    return redirect("core:partner_grants", request.organisation.uuid)
