from __future__ import annotations

from django.urls import path

from lodestar.audit import views

app_name = "audit"
urlpatterns = [
    path("o/<uuid:org>/audit/", views.organisation_log, name="organisation_log"),
    path("o/<uuid:org>/audit/export.csv", views.export_csv, name="export_csv"),
    path("o/<uuid:org>/audit/record/<uuid:record>/", views.record_history, name="record_history"),
]
