"""The one way a page finds its organisation and checks the user may be there."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from lodestar.core.models import Organisation
from lodestar.core.permissions import capabilities
from lodestar.core.roles import CAPABILITY_PHRASES, Capability

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from lodestar.accounts.models import User

P = ParamSpec("P")
SESSION_KEY = "current_organisation"


class OrgRequest(HttpRequest):
    """A request to a page of one organisation, by a user who may see it."""

    user: User
    htmx: HtmxDetails
    organisation: Organisation
    capabilities: frozenset[Capability]


OrgView = Callable[Concatenate[OrgRequest, P], HttpResponseBase]


def org_view(
    capability: Capability = Capability.VIEW_ORGANISATION,
) -> Callable[[OrgView[P]], Callable[..., HttpResponseBase]]:
    """Resolve the `org` URL argument and require `capability` there.

    Someone outside the organisation gets "not found", not "forbidden", so that a user
    from another trust cannot even learn which organisations use Lodestar. A member who
    lacks the capability gets "forbidden" (a 403 with an explanation).
    """

    def decorator(view: OrgView[P]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, org: uuid.UUID, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            organisation = get_object_or_404(Organisation, uuid=org)
            granted = capabilities(request.user, organisation)
            if not granted:
                raise Http404("No such organisation.")
            if capability not in granted:
                raise PermissionDenied(
                    f"Your role here does not let you {CAPABILITY_PHRASES[capability]}."
                )
            org_request: OrgRequest = request  # type: ignore[assignment]
            org_request.organisation = organisation
            org_request.capabilities = granted
            request.session[SESSION_KEY] = str(organisation.uuid)
            return view(org_request, *args, **kwargs)

        result: Callable[..., Any] = login_required(wrapper)
        return result

    return decorator
