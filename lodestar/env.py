"""Typed readers for environment variables that fail loudly on bad values."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_MISSING = object()


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if isinstance(default, str):
            return default
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be true or false, not {value!r}."
    )


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number, not {value!r}."
        ) from None


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (for Docker secrets)."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ImproperlyConfigured(
                f"{name}_FILE names {path}, which cannot be read: {e.strerror}."
            ) from None
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} (or {name}_FILE) must be set. "
            "`make run` sets one up for local use."
        )
    if name == "SECRET_KEY" and len(value) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
    return value


def parse_database_url(url: str) -> dict[str, Any]:
    """Turn DATABASE_URL into Django's DATABASES entry; only SQLite and PostgreSQL."""
    scheme = url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with sqlite:// or postgres://, not {scheme}://."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as e:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {e}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Wait for a lock rather than failing at once when two requests write together.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
        config["CONN_MAX_AGE"] = 0
    return config
