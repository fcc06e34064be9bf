from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.governance import views

app_name = "governance"
urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<uuid:org>/committees/", views.committees, name="committees"),
    path("o/<uuid:org>/committees/add/", views.add_committee, name="add_committee"),
    path(
        "o/<uuid:org>/committees/<uuid:committee>/edit/",
        views.edit_committee,
        name="edit_committee",
    ),
]
