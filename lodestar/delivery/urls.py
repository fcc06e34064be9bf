from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.delivery import progress_views, settings_views, views

app_name = "delivery"
_D = "o/<uuid:org>/delivery/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_D, views.index, name="index"),
    path("o/<uuid:org>/strategies/<uuid:strategy>/delivery/", views.plan, name="plan"),
    path(f"{_D}exceptions/", progress_views.exceptions, name="exceptions"),
    path(f"{_D}settings/", settings_views.delivery_settings, name="settings"),
    path(
        f"{_D}elements/<uuid:element>/deliverables/new/",
        views.new_deliverable,
        name="new_deliverable",
    ),
    path(f"{_D}deliverables/<uuid:deliverable>/", views.deliverable, name="deliverable"),
    path(
        f"{_D}deliverables/<uuid:deliverable>/edit/",
        views.edit_deliverable,
        name="edit_deliverable",
    ),
    path(
        f"{_D}deliverables/<uuid:deliverable>/delete/",
        views.delete_deliverable,
        name="delete_deliverable",
    ),
    path(
        f"{_D}deliverables/<uuid:deliverable>/milestones/new/",
        views.new_milestone,
        name="new_milestone",
    ),
    path(
        f"{_D}deliverables/<uuid:deliverable>/updates/new/",
        progress_views.new_update,
        name="new_update",
    ),
    path(f"{_D}milestones/<uuid:milestone>/edit/", views.edit_milestone, name="edit_milestone"),
    path(
        f"{_D}milestones/<uuid:milestone>/delete/",
        views.delete_milestone,
        name="delete_milestone",
    ),
    path(
        f"{_D}milestones/<uuid:milestone>/complete/",
        progress_views.complete_milestone,
        name="complete_milestone",
    ),
    path(f"{_D}evidence/<uuid:evidence>/", progress_views.evidence_file, name="evidence"),
]
