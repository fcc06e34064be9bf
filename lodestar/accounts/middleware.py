from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from lodestar.accounts.otp import SECOND_FACTOR_DUE, has_two_factor, is_administrator


def require_two_factor(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Hold back signed-in users who still owe a second factor.

    Two kinds: anyone with two-factor authentication on who has not yet entered a code
    since signing in, and (when REQUIRE_ADMIN_2FA is on) administrators who have not
    set it up or not used it.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        held = _hold_back(request)
        return held if held is not None else get_response(request)

    return middleware


def _hold_back(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return None
    verify_url = reverse("accounts:two_factor_verify")
    if request.session.get(SECOND_FACTOR_DUE):
        message = "Enter the code from your authenticator app to finish signing in."
        return _send(request, verify_url, message, allowed=(verify_url,))
    if settings.REQUIRE_ADMIN_2FA and is_administrator(user):
        if has_two_factor(user):
            message = "Administrators must enter a code from their authenticator app."
            return _send(request, verify_url, message, allowed=(verify_url,))
        message = "Administrators must set up two-factor authentication before going on."
        setup_prefix = reverse("accounts:two_factor")
        return _send(request, reverse("accounts:two_factor_setup"), message, (setup_prefix,))
    return None


def _send(
    request: HttpRequest, url: str, message: str, allowed: tuple[str, ...]
) -> HttpResponse | None:
    # Signing out must always work, and the stylesheets must load on the pages above.
    always = (reverse("accounts:logout"), settings.STATIC_URL, "/assets/")
    if request.path.startswith(allowed + always):
        return None
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=403)
    url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request") == "true":
        # A plain redirect would swap the whole code page into part of the current one.
        return HttpResponseClientRedirect(url)
    return redirect(url)
