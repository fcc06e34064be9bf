"""One strategic risk's page, and the pages that add to or change it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, path

from lodestar.risk import views

_B = "o/<uuid:org>/risks/"
_R = f"{_B}<uuid:risk>/"
View = Callable[..., HttpResponseBase]


def _part_paths(segment: str, name: str, new: View, edit: View, delete: View) -> list[URLPattern]:
    """Add, change and delete pages for one kind of part: controls, actions ..."""
    return [
        path(f"{_R}{segment}/new/", new, name=f"new_{name}"),
        path(f"{_R}{segment}/<uuid:item>/edit/", edit, name=f"edit_{name}"),
        path(f"{_R}{segment}/<uuid:item>/delete/", delete, name=f"delete_{name}"),
    ]


urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{_B}new/", views.new_risk, name="new_risk"),
    path(_R, views.risk_detail, name="risk"),
    path(f"{_R}edit/", views.edit_risk, name="edit_risk"),
    path(f"{_R}close/", views.close_risk, name="close_risk"),
    path(f"{_R}reviews/new/", views.new_review, name="new_review"),
    *_part_paths(
        "controls", "control", views.new_control, views.edit_control, views.delete_control
    ),
    *_part_paths(
        "assurances",
        "assurance",
        views.new_assurance,
        views.edit_assurance,
        views.delete_assurance,
    ),
    *_part_paths(
        "assurance-gaps",
        "assurance_gap",
        views.new_assurance_gap,
        views.edit_assurance_gap,
        views.delete_assurance_gap,
    ),
    *_part_paths("actions", "action", views.new_action, views.edit_action, views.delete_action),
    path(f"{_R}actions/<uuid:action>/complete/", views.complete_action, name="complete_action"),
]
