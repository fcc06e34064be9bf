from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from lodestar.accounts import token_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("password/", views.change_password, name="change_password"),
    path("two-factor/", two_factor_views.two_factor, name="two_factor"),
    path("two-factor/set-up/", two_factor_views.set_up, name="two_factor_setup"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/turn-off/", two_factor_views.turn_off, name="two_factor_turn_off"),
    path("tokens/", token_views.api_tokens, name="api_tokens"),
    path("tokens/<uuid:token>/revoke/", token_views.revoke_api_token, name="revoke_api_token"),
]
