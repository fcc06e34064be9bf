"""The performance pages. Each group of pages keeps its own list of paths."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from lodestar.performance import import_urls, metric_urls, report_urls

app_name = "performance"
urlpatterns: list[URLPattern | URLResolver] = [
    *report_urls.urlpatterns,
    *metric_urls.urlpatterns,
    *import_urls.urlpatterns,
]
