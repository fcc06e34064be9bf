from __future__ import annotations

from django.apps import AppConfig


class GrantableConfig(AppConfig):
    name = "tests.grantable"
    label = "grantable"
