from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lodestar.core.models import Membership


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/account.html", {"memberships": memberships})


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/two_factor.html")
