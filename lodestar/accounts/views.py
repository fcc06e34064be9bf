from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters

from lodestar.accounts import services
from lodestar.accounts.forms import ChangePasswordForm, SignInForm
from lodestar.accounts.models import ApiToken
from lodestar.accounts.otp import has_two_factor
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Membership

if TYPE_CHECKING:
    from lodestar.accounts.models import User


class AccountRequest(HttpRequest):
    """A request from a signed-in user, as every view here but sign-in receives."""

    user: User


def sign_in(request: HttpRequest) -> HttpResponseBase:
    # Django's LoginView passes the request to authenticate(), which django-axes needs
    # to count failures, and checks that `next` stays on this site.
    view = LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=SignInForm,
        extra_context=_sign_in_context(),
    )
    return view(request)


def _sign_in_context() -> dict[str, Any]:
    # LoginView would otherwise set site_name to the host name, which the title shows.
    context: dict[str, Any] = {"site_name": settings.SITE_NAME, "single_sign_on_url": ""}
    if settings.OIDC_ENABLED:
        context["single_sign_on_url"] = reverse("oidc_authentication_init")
    return context


@login_required
def account(request: AccountRequest) -> HttpResponse:
    user = request.user
    context = {
        "memberships": Membership.objects.filter(user=user).select_related("organisation"),
        "two_factor_on": has_two_factor(user),
        "live_token_count": ApiToken.objects.for_user(user).live().count(),
        "has_password": user.has_usable_password(),
        "activity": _recent_activity(user),
    }
    return render(request, "accounts/account.html", context)


# How many account events the account page lists: enough to spot a change you did not make.
RECENT_ACTIVITY = 20


def _recent_activity(user: User) -> list[tuple[AuditEntry, str]]:
    """The person's own account events, newest first, each with a sentence saying what."""
    own = [user.uuid, *ApiToken.objects.for_user(user).values_list("uuid", flat=True)]
    entries = AuditEntry.objects.about_account(own)[:RECENT_ACTIVITY]
    return [(entry, describe_account_event(entry)) for entry in entries]


def describe_account_event(entry: AuditEntry) -> str:
    """What happened, in words, from what the entry recorded."""
    changes = entry.changes
    if entry.model_label == "accounts.apitoken":
        if entry.action == AuditEntry.Action.CREATE:
            return f"API token {entry.object_repr} made"
        if "revoked_at" in changes:
            return f"API token {entry.object_repr} revoked"
    if "password" in changes:
        return "Password changed"
    if services.TWO_FACTOR_KEY in changes:
        turned = "on" if changes[services.TWO_FACTOR_KEY][1] else "off"
        return f"Two-factor authentication turned {turned}"
    if entry.action == AuditEntry.Action.CREATE:
        return "Account made"
    return f"{entry.get_action_display()} {entry.model_verbose_name}"


@sensitive_post_parameters()
@login_required
def change_password(request: AccountRequest) -> HttpResponse:
    user = request.user
    if not user.has_usable_password():
        return render(request, "accounts/change_password.html", {"form": None})
    form = ChangePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user, form.cleaned_data["new_password1"])
        except ValidationError as e:
            form.add_error("new_password1", e)
        else:
            # Changing the password signs out every other session; this keeps this one.
            update_session_auth_hash(request, user)
            messages.success(request, "Your password has been changed.")
            return redirect("accounts:account")
    status = 400 if form.errors else 200
    return render(request, "accounts/change_password.html", {"form": form}, status=status)
