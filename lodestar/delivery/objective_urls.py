from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.delivery import objective_views as views

app_name = "objectives"
urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<uuid:org>/my-part/", views.my_part, name="my_part"),
    path("o/<uuid:org>/my-part/objectives/", views.add_my_objective, name="add_my_objective"),
    path("o/<uuid:org>/objectives/<uuid:objective>/edit/", views.edit_objective, name="edit"),
    path(
        "o/<uuid:org>/objectives/<uuid:objective>/remove/",
        views.remove_objective,
        name="remove",
    ),
    path("o/<uuid:org>/teams/", views.teams, name="teams"),
    path("o/<uuid:org>/teams/new/", views.create_team, name="create_team"),
    path("o/<uuid:org>/teams/objectives/", views.add_team_objective, name="add_team_objective"),
    path("o/<uuid:org>/teams/<uuid:team>/members/", views.add_team_member, name="add_member"),
    path(
        "o/<uuid:org>/teams/<uuid:team>/members/<uuid:person>/remove/",
        views.remove_team_member,
        name="remove_member",
    ),
    path("o/<uuid:org>/strategies/<uuid:strategy>/thread/", views.thread, name="thread"),
]
