from __future__ import annotations

from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "lodestar.performance"
    label = "performance"
