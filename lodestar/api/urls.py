"""The API's URLs, answering in JSON even where ninja or Django would answer in HTML."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver, re_path, reverse

from lodestar.api.api import api
from lodestar.api.errors import error_response

View = Callable[..., HttpResponseBase]


def _json_method_not_allowed(view: View) -> View:
    """ninja answers a wrong method with a plain-text 405; clients expect JSON."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        json_response = error_response(
            405, f"{request.method} is not allowed here. Use one of: {allowed}."
        )
        json_response["Allow"] = allowed
        return json_response

    return wrapper


def index(request: HttpRequest) -> HttpResponse:
    """Where to start: ninja's own root page is an HTML "not found"."""
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "docs": reverse("api:openapi-view"),
            "openapi": reverse("api:openapi-json"),
        }
    )


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404, "There is no API endpoint at this address.")


def _api_patterns() -> list[URLPattern | URLResolver]:
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            # The root keeps its name, which ninja reverses to find the API's prefix.
            view = index if pattern.name == "api-root" else pattern.callback
            pattern.callback = _json_method_not_allowed(view)
    return patterns


app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    *_api_patterns(),
    # Last, so that any other address under /api/v1/ is a JSON 404, not an HTML page.
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
