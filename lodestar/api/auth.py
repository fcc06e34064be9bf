"""Who is calling: a personal bearer token, or a signed-in browser."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from lodestar.accounts.models import User
from lodestar.accounts.services import authenticate_api_token
from lodestar.core.models import Organisation
from lodestar.core.permissions import capabilities, require
from lodestar.core.roles import Capability

NO_SUCH_ORGANISATION = "No such organisation."
CSRF_MESSAGE = (
    "The CSRF check failed. A signed-in browser must send the csrftoken cookie's value "
    "in an X-CSRFToken header; scripts should use an API token instead."
)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = authenticate_api_token(token)
        if user is None:
            # Falling through to the session would hide from a script that its token is
            # wrong, so a token that was sent but does not work is refused outright.
            raise AuthenticationError(
                message="That API token is not valid: it may be mistyped, expired or revoked."
            )
        request.user = user
        return admit(request, user)


class BrowserSession(SessionAuth):
    """ninja's session auth, which checks CSRF on unsafe methods, for signed-in users only.

    Without the sign-in check first, a script with no credentials at all would be told
    that CSRF failed rather than that it needs to sign in.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        try:
            user = super().__call__(request)
        except HttpError as e:
            raise HttpError(403, CSRF_MESSAGE) from e
        return admit(request, user) if isinstance(user, User) else None


def admit(request: HttpRequest, user: User) -> User:
    """Refuse an organisation's addresses to anyone outside it, before reading the body.

    ninja validates a request body before the endpoint runs, so without this a user from
    another trust would be told their body was malformed rather than that there is
    nothing here. The capability check proper stays in `organisation_access`.
    """
    match = request.resolver_match
    org = match.kwargs.get("org") if match else None
    if org is not None and not Organisation.objects.for_user(user).filter(uuid=org).exists():
        raise Http404(NO_SUCH_ORGANISATION)
    return user


def caller(request: HttpRequest) -> User:
    """The authenticated user (ninja has already refused anyone else with a 401)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


@dataclass(frozen=True)
class OrgAccess:
    user: User
    organisation: Organisation
    capabilities: frozenset[Capability]


def organisation_access(
    request: HttpRequest,
    org: uuid.UUID,
    capability: Capability = Capability.VIEW_ORGANISATION,
) -> OrgAccess:
    """The same rule as the pages' `org_view`: outsiders get 404, the wrong role 403.

    A user from another trust must not even learn which organisations exist here.
    """
    user = caller(request)
    organisation = Organisation.objects.select_related("ics").filter(uuid=org).first()
    # One message for "does not exist" and "not yours", so the two cannot be told apart.
    granted = capabilities(user, organisation) if organisation else frozenset()
    if organisation is None or not granted:
        raise Http404(NO_SUCH_ORGANISATION)
    if capability not in granted:
        require(user, organisation, capability)
    return OrgAccess(user, organisation, granted)
