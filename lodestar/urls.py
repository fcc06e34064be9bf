from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("account/", include("lodestar.accounts.urls")),
    path("api/v1/", include("lodestar.api.urls")),
    path("", include("lodestar.audit.urls")),
    path("", include("lodestar.strategy.urls")),
    path("", include("lodestar.strategy.alignment_urls")),
    path("", include("lodestar.strategy.public_urls")),
    path("", include("lodestar.delivery.urls")),
    path("", include("lodestar.delivery.objective_urls")),
    path("", include("lodestar.performance.urls")),
    path("", include("lodestar.risk.urls")),
    path("", include("lodestar.governance.urls")),
    path("", include("lodestar.core.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
