"""The BAF as the board reads it: overview, heat map, exports and import (report_views)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.risk import report_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<uuid:org>/risks/", report_views.baf, name="baf"),
    path("o/<uuid:org>/risks/heat-map/", report_views.heat_map, name="heat_map"),
    path("o/<uuid:org>/risks/baf.xlsx", report_views.baf_xlsx, name="baf_xlsx"),
    path("o/<uuid:org>/risks/baf.pdf", report_views.baf_pdf, name="baf_pdf"),
    path("o/<uuid:org>/risks/import/", report_views.baf_import, name="baf_import"),
]
