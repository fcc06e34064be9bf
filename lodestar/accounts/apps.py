from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lodestar.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from lodestar.accounts import signals  # noqa: F401, PLC0415
