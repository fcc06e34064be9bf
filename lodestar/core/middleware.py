from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse


def reject_nul_bytes(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Refuse requests whose query string or path holds a NUL byte.

    PostgreSQL cannot store or compare text containing NUL, so such input would reach
    the database and fail there with a server error instead of a clear message.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        raw = request.META.get("QUERY_STRING", "") + request.path
        if "\x00" in raw or "%00" in raw:
            message = "The request contains a NUL character, which is not allowed."
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=400)
            return HttpResponseBadRequest(message)
        return get_response(request)

    return middleware
