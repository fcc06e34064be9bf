"""The risk matrix and risk appetite pages (helper E's part of `risk:`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.risk import settings_views as views

_S = "o/<uuid:org>/risks/settings/"
_C = f"{_S}appetite/categories/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_S, views.risk_settings, name="settings"),
    path(f"{_S}matrix/", views.edit_matrix, name="edit_matrix"),
    path(f"{_S}regrade/", views.regrade, name="regrade"),
    path(f"{_S}appetite/", views.edit_appetite_statement, name="edit_appetite_statement"),
    path(f"{_S}appetite/scale/", views.edit_appetite_scale, name="edit_appetite_scale"),
    path(f"{_C}new/", views.new_appetite_category, name="new_appetite_category"),
    path(f"{_C}defaults/", views.default_appetite_categories, name="default_appetite_categories"),
    path(
        f"{_C}<uuid:category>/edit/", views.edit_appetite_category, name="edit_appetite_category"
    ),
    path(
        f"{_C}<uuid:category>/delete/",
        views.delete_appetite_category,
        name="delete_appetite_category",
    ),
]
