"""Pages to set up, use and turn off two-factor authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from lodestar.accounts import services
from lodestar.accounts.forms import CodeForm
from lodestar.accounts.otp import (
    SECOND_FACTOR_DUE,
    confirmed_device,
    is_administrator,
    qr_code_svg,
    secret_for_manual_entry,
    unconfirmed_device,
)

if TYPE_CHECKING:
    from lodestar.accounts.views import AccountRequest


@login_required
def two_factor(request: AccountRequest) -> HttpResponse:
    user = request.user
    context = {
        "two_factor_on": confirmed_device(user) is not None,
        "required": settings.REQUIRE_ADMIN_2FA and is_administrator(user),
    }
    return render(request, "accounts/two_factor.html", context)


@never_cache
@login_required
def set_up(request: AccountRequest) -> HttpResponse:
    user = request.user
    if confirmed_device(user) is not None:
        messages.info(request, "Two-factor authentication is already on.")
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    device = unconfirmed_device(user) if request.method == "POST" else None
    if request.method == "POST" and device is None:
        messages.error(request, "That set-up had expired, so here is a new one.")
        return redirect("accounts:two_factor_setup")
    if device is not None and form.is_valid():
        try:
            services.confirm_two_factor(user, device, form.cleaned_data["code"])
        except ValidationError as e:
            form.add_error("code", e)
        else:
            django_otp.login(request, device)
            messages.success(request, "Two-factor authentication is on.")
            return redirect("accounts:account")
    # Never a second device: reuse the unconfirmed one, so the QR code stays the same.
    device = device or services.start_two_factor_setup(user)
    context = {
        "form": form,
        "qr_code": qr_code_svg(device),
        "secret": secret_for_manual_entry(device),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=_status(form))


@never_cache
@login_required
def verify(request: AccountRequest) -> HttpResponse:
    """The second step of signing in, for people who have two-factor authentication on."""
    user = request.user
    next_url = _safe_next(request)
    if user.is_verified() or confirmed_device(user) is None:  # type: ignore[attr-defined]
        request.session.pop(SECOND_FACTOR_DUE, None)
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_factor(user, form.cleaned_data["code"])
        except ValidationError as e:
            form.add_error("code", e)
        else:
            django_otp.login(request, device)
            request.session.pop(SECOND_FACTOR_DUE, None)
            return redirect(next_url)
    context = {"form": form, "next": next_url}
    return render(request, "accounts/two_factor_verify.html", context, status=_status(form))


@never_cache
@login_required
def turn_off(request: AccountRequest) -> HttpResponse:
    user = request.user
    if confirmed_device(user) is None:
        messages.info(request, "Two-factor authentication is already off.")
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.turn_off_two_factor(user, form.cleaned_data["code"])
        except ValidationError as e:
            form.add_error("code", e)
        else:
            messages.success(request, "Two-factor authentication is off.")
            return redirect("accounts:account")
    context = {"form": form, "required": settings.REQUIRE_ADMIN_2FA and is_administrator(user)}
    return render(request, "accounts/two_factor_turn_off.html", context, status=_status(form))


def _status(form: CodeForm) -> int:
    return 400 if form.errors else 200


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)
