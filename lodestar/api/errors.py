"""Every failure of the API as `{"error": "<what went wrong>", ...}` with the right status.

Clients should never have to parse an HTML error page or guess which field was wrong,
so each of ninja's and Django's exceptions is turned into one sentence a person can act
on, naming the field where there is one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

NUL_MESSAGE = "The request contains a NUL character, which is not allowed."
SIGN_IN_MESSAGE = (
    "Sign in, or send a personal API token in the header 'Authorization: Bearer lst_…'."
)
SERVER_ERROR_MESSAGE = "Something went wrong on our side."

# What pydantic's error types mean, said the way the rest of Lodestar says things.
_PYDANTIC_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "This is not a field we accept here.",
    "string_type": "Give text (a JSON string).",
    "string_too_short": "This field cannot be blank.",
    "string_too_long": "Use at most {max_length} characters.",
    "int_type": "Give a whole number.",
    "int_parsing": "Give a whole number.",
    "int_from_float": "Give a whole number.",
    "greater_than_equal": "Give a number of at least {ge}.",
    "less_than_equal": "Give a number of at most {le}.",
    "uuid_type": "Give a UUID, like 123e4567-e89b-12d3-a456-426614174000.",
    "uuid_parsing": "Give a UUID, like 123e4567-e89b-12d3-a456-426614174000.",
    "enum": "Choose one of {expected}.",
    "model_type": 'Send a JSON object, like {{"name": "…"}}.',
    "model_attributes_type": 'Send a JSON object, like {{"name": "…"}}.',
    "dict_type": 'Send a JSON object, like {{"name": "…"}}.',
}
# Where ninja says a value came from; the client only needs the field's own name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_response(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def field_error(field: str, message: str) -> DjangoValidationError:
    return DjangoValidationError({field: [message]})


@contextmanager
def conflict_on_refusal() -> Iterator[None]:
    """Report a service's refusal as 409: the request was fine, the current state is not.

    Used around service calls whose only validation refusals are conflicts with what is
    already stored (a role already held, the last administrator, a grant that exists).
    """
    try:
        yield
    except DjangoValidationError as e:
        raise HttpError(409, " ".join(e.messages)) from e


class JsonParser(Parser):
    """ninja's JSON parser, with NUL characters and undecodable bodies refused clearly.

    PostgreSQL cannot store NUL in text, so a NUL that got as far as the database would
    fail there as a server error; refusing it here keeps that a clear 400.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if b"\x00" in request.body:
            raise HttpError(400, NUL_MESSAGE)
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError) as e:
            # ValueError covers bad JSON, bad UTF-8 and absurdly long numbers.
            raise HttpError(400, _bad_json_message(e)) from e
        if _holds_nul(data):
            raise HttpError(400, NUL_MESSAGE)
        if not isinstance(data, dict):
            raise HttpError(400, 'Send a JSON object, like {"name": "…"}.')
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        # The NUL middleware checks the raw query string too; this guards form bodies
        # and any route that bypasses it.
        for key, values in data.lists():
            if _holds_nul([key, *values]):
                raise HttpError(400, NUL_MESSAGE)
        return super().parse_querydict(data, list_fields, request)


def _bad_json_message(e: BaseException) -> str:
    if isinstance(e, json.JSONDecodeError):
        return (
            f"The request body is not valid JSON: {e.msg.lower()} "
            f"at line {e.lineno}, column {e.colno}."
        )
    if isinstance(e, UnicodeDecodeError):
        return "The request body is not valid JSON: it must be encoded as UTF-8."
    return "The request body is not valid JSON."


def _holds_nul(data: Any) -> bool:
    # A loop rather than recursion: a deeply nested body must not exhaust the stack.
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A JSON body arrives as one named argument of the view; drop that name.
        if source == "body" and parts:
            parts.pop(0)
    return ".".join(str(part) for part in parts) or "body"


def _pydantic_message(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if error.get("type") == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = _PYDANTIC_MESSAGES.get(str(error.get("type")))
    if template is None:
        return str(error.get("msg", "This value is not valid."))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return str(error.get("msg", "This value is not valid."))


def _fields_response(fields: dict[str, list[str]], status: int = 400) -> JsonResponse:
    summary = " ".join(
        " ".join(messages) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(messages)}"
        for name, messages in fields.items()
    )
    return error_response(status, summary, fields=fields)


def on_ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        name = _field_name(tuple(error.get("loc", ())))
        if name == "body" and error.get("type") == "missing":
            return error_response(400, "The request body is empty; send a JSON object.")
        fields.setdefault(name, []).append(_pydantic_message(error))
    return _fields_response(fields)


def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    # A clash with a unique value already stored is a conflict, not a malformed request.
    codes = {error.code for error in _each_error(exc)}
    status = 409 if codes == {"unique"} else 400
    if hasattr(exc, "error_dict"):
        return _fields_response(exc.message_dict, status)
    return error_response(status, " ".join(exc.messages))


def _each_error(exc: DjangoValidationError) -> Iterator[DjangoValidationError]:
    if hasattr(exc, "error_dict"):
        for errors in exc.error_dict.values():
            yield from errors
    else:
        yield from exc.error_list


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps whatever the body parser raised in its own vaguer 400.
    cause = exc.__cause__
    if isinstance(cause, HttpError):
        exc = cause
    return error_response(exc.status_code, exc.message)


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = SIGN_IN_MESSAGE if exc.message == "Unauthorized" else exc.message
    response = error_response(401, message)
    response["WWW-Authenticate"] = 'Bearer realm="Lodestar API"'
    return response


def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, str(exc) or "There is nothing at this address.")


def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, str(exc) or "You do not have permission to do that.")


def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Two requests raced past a service's own check; the database kept the first.
    logger.warning("Integrity error in the API: %s", exc)
    return error_response(409, "That clashes with a record that already exists.")


def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return error_response(413, "The request body is too large.")
    return error_response(400, "The request could not be understood.")


def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The details go to the log for us, never to the client.
    logger.exception("Unhandled error in the API", exc_info=exc)
    return error_response(500, SERVER_ERROR_MESSAGE)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers, which answer in a different shape or in HTML."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, on_server_error),
        (NinjaValidationError, on_ninja_validation_error),
        (DjangoValidationError, on_django_validation_error),
        (HttpError, on_http_error),
        (AuthenticationError, on_authentication_error),
        (Http404, on_not_found),
        (PermissionDenied, on_permission_denied),
        (IntegrityError, on_integrity_error),
        (SuspiciousOperation, on_suspicious_request),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
