from __future__ import annotations

from django.urls import path

from lodestar.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("public/", views.public_index, name="public_index"),
    path("public/<str:ods_code>/", views.public_organisation, name="public_organisation"),
    path("organisations/new/", views.new_organisation, name="new_organisation"),
    path("switch/", views.switch_organisation, name="switch_organisation"),
    path("o/<uuid:org>/", views.organisation_home, name="organisation_home"),
    path("o/<uuid:org>/edit/", views.edit_organisation, name="edit_organisation"),
    path("o/<uuid:org>/people/", views.members, name="members"),
    path("o/<uuid:org>/people/add/", views.add_member, name="add_member"),
    path(
        "o/<uuid:org>/people/<uuid:membership>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("o/<uuid:org>/partners/", views.partner_grants, name="partner_grants"),
    path("o/<uuid:org>/partners/<uuid:grant>/revoke/", views.revoke_grant, name="revoke_grant"),
]
