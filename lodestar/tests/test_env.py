"""Settings come from the environment and bad values stop the service with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lodestar.env import env_bool, env_int, env_list, env_secret, parse_database_url

LODESTAR = Path(sys.executable).parent / "lodestar"


def test_true_and_false_are_read_in_their_usual_spellings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", default=True) is True


def test_a_bad_boolean_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false, not 'maybe'"):
        env_bool("DEBUG", default=False)


def test_a_bad_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT must be a whole number"):
        env_int("AXES_FAILURE_LIMIT", default=5)


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "lodestar.nhs.uk, localhost ,")
    assert env_list("ALLOWED_HOSTS", default=[]) == ["lodestar.nhs.uk", "localhost"]


def test_a_secret_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("k" * 40 + "\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_secret("SECRET_KEY") == "k" * 40


def test_a_missing_secret_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env_secret("SECRET_KEY")


def test_a_short_secret_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        env_secret("SECRET_KEY")


def test_an_unreadable_secret_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", "/nonexistent/key")
    with pytest.raises(ImproperlyConfigured, match="/nonexistent/key"):
        env_secret("SECRET_KEY")


def test_postgresql_urls_are_understood() -> None:
    config = parse_database_url("postgres://lodestar:pw@db.example:5433/lodestar")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "lodestar")


def test_other_databases_are_refused_by_name() -> None:
    with pytest.raises(ImproperlyConfigured, match="not mysql://"):
        parse_database_url("mysql://root@localhost/lodestar")


def test_the_command_line_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "x" * 40,
        "DEBUG": "maybe",
        "LODESTAR_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(LODESTAR), "check"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr
    assert "Traceback" not in result.stderr
