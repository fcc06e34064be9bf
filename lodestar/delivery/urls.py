from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "delivery"
urlpatterns: list[URLPattern | URLResolver] = []
