"""Lodestar's versioned JSON API, served at /api/v1/ with its docs at /api/v1/docs."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI

from lodestar.api import (
    alignment,
    committees,
    delivery,
    errors,
    members,
    objectives,
    organisations,
    partner_grants,
    performance,
    progress,
    risk_controls,
    risk_register,
    risks,
    strategies,
    strategy_content,
    strategy_files,
)
from lodestar.api.auth import BearerToken, BrowserSession, caller
from lodestar.api.schemas import ErrorOut, MembershipOut, MeOut, PublicOrganisation
from lodestar.core.models import Membership, Organisation

DESCRIPTION = """\
Read and change what you may in your organisations, with the same permissions as the
pages. Send a personal token as `Authorization: Bearer lst_…` (make one on your account
page), or use the API from a signed-in browser, which must send its CSRF token on
changes. Every error is JSON: `{"error": "…"}`, with `fields` naming the bad fields.

A request that is fine in itself but clashes with what is stored is a 409: any change
to an approved or superseded strategy (it is frozen: start a new version), a name
already in use, a deliverable that has progress updates. Bad input is a 400, a record
of another organisation a 404, and a role without the right a 403.
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
# Strategy, delivery and the golden thread (issue 3).
api.add_router("/organisations", strategies.router)
api.add_router("/organisations", strategy_content.router)
api.add_router("/organisations", strategy_files.router)
api.add_router("/organisations", alignment.router)
api.add_router("/organisations", delivery.router)
api.add_router("/organisations", progress.router)
api.add_router("/organisations", objectives.router)
api.add_router("/organisations", committees.router)
# Performance metrics and their analysis (issue 4).
api.add_router("/organisations", performance.router)
# The Board Assurance Framework and the risk register (issue 5).
api.add_router("/organisations", risks.router)
api.add_router("/organisations", risk_controls.router)
api.add_router("/organisations", risk_register.router)
api.add_router("/public", strategy_files.public_router)


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
