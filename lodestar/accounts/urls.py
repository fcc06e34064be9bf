from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from lodestar.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("two-factor/", views.two_factor, name="two_factor"),
]
