"""Lodestar's versioned JSON API, served at /api/v1/ with its docs at /api/v1/docs."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI

from lodestar.api import errors, members, organisations, partner_grants
from lodestar.api.auth import BearerToken, BrowserSession, caller
from lodestar.api.schemas import ErrorOut, MembershipOut, MeOut, PublicOrganisation
from lodestar.core.models import Membership, Organisation

DESCRIPTION = """\
Read and change what you may in your organisations, with the same permissions as the
pages. Send a personal token as `Authorization: Bearer lst_…` (make one on your account
page), or use the API from a signed-in browser, which must send its CSRF token on
changes. Every error is JSON: `{"error": "…"}`, with `fields` naming the bad fields.
"""

api = NinjaAPI(
    title="Lodestar API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    auth=[BearerToken(), BrowserSession()],
    parser=errors.JsonParser(),
)
errors.install(api)
api.add_router("/organisations", organisations.router)
api.add_router("/organisations", members.router)
api.add_router("/organisations", partner_grants.router)


@api.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["You"])
def me(request: HttpRequest) -> MeOut:
    """Who you are signed in as, and your roles in each organisation."""
    user = caller(request)
    memberships = Membership.objects.filter(user=user).select_related("user", "organisation")
    return MeOut(
        uuid=user.uuid,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        memberships=[MembershipOut.of(membership) for membership in memberships],
    )


@api.get("/public/organisations", auth=None, response=list[PublicOrganisation], tags=["Public"])
def public_organisations(request: HttpRequest) -> list[PublicOrganisation]:
    """Every organisation using Lodestar, with only the facts already public."""
    everyone = Organisation.objects.select_related("ics")
    return [PublicOrganisation.of(organisation) for organisation in everyone]
