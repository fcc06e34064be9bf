"""Lodestar's URLs with single sign-on switched on, for tests that need them.

The routes are named as mozilla_django_oidc.urls names them, but point at Lodestar's
callback view directly, because that module picks its view class once, on import.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from lodestar.accounts.oidc import LodestarOIDCCallbackView
from lodestar.urls import urlpatterns as lodestar_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "oidc/callback/",
        LodestarOIDCCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    path(
        "oidc/authenticate/",
        OIDCAuthenticationRequestView.as_view(),
        name="oidc_authentication_init",
    ),
    *lodestar_urlpatterns,
]
