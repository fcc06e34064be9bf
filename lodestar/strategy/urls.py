from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.strategy import element_views, engagement_views, views

# .../check/, .../alignment/ and .../delivery/ under a strategy belong to other modules.
S = "o/<uuid:org>/strategies/<uuid:strategy>/"

app_name = "strategy"
urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<uuid:org>/strategies/", views.strategy_list, name="list"),
    path("o/<uuid:org>/strategies/new/", views.new_strategy, name="new"),
    path("o/<uuid:org>/strategies/kinds/", views.element_kinds, name="element_kinds"),
    path("o/<uuid:org>/strategies/kinds/add/", views.add_element_kind, name="add_element_kind"),
    path(S, views.strategy_detail, name="detail"),
    path(S + "edit/", views.edit_strategy, name="edit"),
    path(S + "status/", views.change_status, name="change_status"),
    path(S + "approve/", views.approve_strategy, name="approve"),
    path(S + "new-version/", views.start_new_version, name="new_version"),
    path(S + "share/", views.share_strategy, name="share"),
    path(S + "compare/<uuid:other>/", views.compare, name="compare"),
    path(S + "values/new/", element_views.new_value, name="new_value"),
    path(S + "values/<uuid:value>/edit/", element_views.edit_value, name="edit_value"),
    path(S + "values/<uuid:value>/remove/", element_views.remove_value, name="remove_value"),
    path(S + "values/<uuid:value>/move/", element_views.move_value, name="move_value"),
    path(S + "elements/new/", element_views.new_element, name="new_element"),
    path(S + "elements/<uuid:element>/edit/", element_views.edit_element, name="edit_element"),
    path(
        S + "elements/<uuid:element>/remove/",
        element_views.remove_element,
        name="remove_element",
    ),
    path(S + "elements/<uuid:element>/move/", element_views.move_element, name="move_element"),
    path(S + "engagement/new/", engagement_views.new_engagement, name="new_engagement"),
    path(
        S + "engagement/<uuid:activity>/edit/",
        engagement_views.edit_engagement,
        name="edit_engagement",
    ),
    path(
        S + "engagement/<uuid:activity>/remove/",
        engagement_views.remove_engagement,
        name="remove_engagement",
    ),
]
