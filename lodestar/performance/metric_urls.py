"""Metric definitions, rebases, target changes, narratives and single observations."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.performance import metric_views as views

_M = "o/<uuid:org>/performance/metrics/"
_ONE = f"{_M}<uuid:metric>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_M, views.metrics, name="metrics"),
    path(f"{_M}new/", views.new_metric, name="new_metric"),
    path(f"{_ONE}edit/", views.edit_metric, name="edit_metric"),
    path(f"{_ONE}delete/", views.delete_metric, name="delete_metric"),
    path(f"{_ONE}rebases/new/", views.new_rebase, name="new_rebase"),
    path(f"{_ONE}rebases/<uuid:rebase>/delete/", views.delete_rebase, name="delete_rebase"),
    path(f"{_ONE}targets/new/", views.new_target_change, name="new_target_change"),
    path(
        f"{_ONE}targets/<uuid:change>/delete/",
        views.delete_target_change,
        name="delete_target_change",
    ),
    path(f"{_ONE}narrative/", views.narrative, name="narrative"),
    path(f"{_ONE}observations/new/", views.new_observation, name="new_observation"),
]
