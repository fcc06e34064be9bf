"""Importing observations from a file."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.performance import import_views

_P = "o/<uuid:org>/performance/import/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_P, import_views.import_file, name="import"),
    path(f"{_P}template.csv", import_views.template, name="import_template"),
]
