from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lodestar.strategy import public_views

# Strategy files sit here with the public pages: both are the strategy leaving Lodestar.
S = "o/<uuid:org>/strategies/<uuid:strategy>/"
P = "public/<str:ods_code>/strategy/"

app_name = "public_strategy"
urlpatterns: list[URLPattern | URLResolver] = [
    path(P, public_views.our_strategy, name="strategy"),
    path(P + "plan-on-a-page/", public_views.plan_on_a_page, name="plan"),
    path(P + "plan-on-a-page.pdf", public_views.plan_on_a_page_pdf, name="plan_pdf"),
    path("o/<uuid:org>/strategies/import/", public_views.import_file, name="import"),
    path(S + "export.yaml", public_views.export_yaml, name="export_yaml"),
    path(S + "export.xlsx", public_views.export_xlsx, name="export_xlsx"),
]
