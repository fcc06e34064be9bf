from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "public_strategy"
urlpatterns: list[URLPattern | URLResolver] = []
