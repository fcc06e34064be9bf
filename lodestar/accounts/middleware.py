from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lodestar.core.models import Membership
from lodestar.core.roles import Role

# Pages an administrator without a second factor may still reach: the ones needed to set
# one up or to leave.
_ALLOWED_PREFIXES = ("/account/two-factor/", "/account/sign-out/", "/static/", "/assets/")


def require_two_factor(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """When REQUIRE_ADMIN_2FA is on, administrators must sign in with a second factor."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if settings.REQUIRE_ADMIN_2FA and _needs_second_factor(request):
            if not request.path.startswith(_ALLOWED_PREFIXES):
                return redirect(reverse("accounts:two_factor"))
        return get_response(request)

    return middleware


def _needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr]
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()
