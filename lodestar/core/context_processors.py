from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lodestar.core.models import Organisation


def organisations(request: HttpRequest) -> dict[str, Any]:
    """The organisation being viewed and the user's others, for the header."""
    context: dict[str, Any] = {
        "site_name": settings.SITE_NAME,
        "organisation": getattr(request, "organisation", None),
        "capabilities": getattr(request, "capabilities", frozenset()),
        "my_organisations": [],
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_organisations"] = list(Organisation.objects.for_user(user))
    return context
