from __future__ import annotations

from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "lodestar.risk"
    label = "risk"
