"""The corporate risk register's pages and its Excel export, under o/<org>/risks/register/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.risk import register_views as views

_R = "o/<uuid:org>/risks/register/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_R, views.register, name="register"),
    path(f"{_R}export.xlsx", views.register_export, name="register_export"),
    path(f"{_R}new/", views.new_operational_risk, name="new_operational_risk"),
    path(f"{_R}<uuid:risk>/", views.operational_risk, name="operational_risk"),
    path(f"{_R}<uuid:risk>/edit/", views.edit_operational_risk, name="edit_operational_risk"),
    path(f"{_R}<uuid:risk>/close/", views.close_operational_risk, name="close_operational_risk"),
    path(
        f"{_R}<uuid:risk>/reopen/", views.reopen_operational_risk, name="reopen_operational_risk"
    ),
]
