from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.strategy import alignment_views, check_views

app_name = "alignment"
_STRATEGY = "o/<uuid:org>/strategies/<uuid:strategy>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(_STRATEGY + "alignment/", alignment_views.matrix, name="matrix"),
    path(_STRATEGY + "alignment/links/", alignment_views.add_link, name="add_link"),
    path(
        _STRATEGY + "alignment/links/<uuid:link>/remove/",
        alignment_views.remove_link,
        name="remove_link",
    ),
    # The check reads alignment among other things; it lives here so that the strategy
    # app's own URL module stays with the pages that edit the strategy.
    path(_STRATEGY + "check/", check_views.check, name="check"),
]
