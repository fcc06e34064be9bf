"""The strategy check page: CQC's "what good looks like", gap by gap."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import render

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.roles import Capability
from lodestar.strategy.alignment_views import own_strategy
from lodestar.strategy.check import check_strategy


@org_view(Capability.VIEW_STRATEGY)
def check(request: OrgRequest, strategy: uuid.UUID) -> HttpResponse:
    result = check_strategy(own_strategy(request, strategy))
    return render(request, "strategy/check.html", {"strategy": result.strategy, "check": result})
