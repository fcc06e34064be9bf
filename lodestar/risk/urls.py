"""The Board Assurance Framework and risk register pages, one list of paths per group."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from lodestar.risk import baf_urls, register_urls, report_urls, settings_urls

app_name = "risk"
urlpatterns: list[URLPattern | URLResolver] = [
    *report_urls.urlpatterns,
    *baf_urls.urlpatterns,
    *register_urls.urlpatterns,
    *settings_urls.urlpatterns,
]
