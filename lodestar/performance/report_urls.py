"""The integrated performance report, its PDF, and the page of one metric."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.performance import views

_P = "o/<uuid:org>/performance/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_P, views.report, name="report"),
    path(f"{_P}report.pdf", views.report_pdf, name="report_pdf"),
    path(f"{_P}metrics/<uuid:metric>/", views.metric, name="metric"),
]
