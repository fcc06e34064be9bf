"""Running the real `lodestar` command against throwaway databases, for the CLI tests.

Each run gets a fresh environment naming its own database, so a test never touches the
suite's test database or the developer's var/ folder.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg import sql

LODESTAR = Path(sys.executable).parent / "lodestar"
# Forty characters, for tests only.
SECRET_KEY = "cli-tests-only-secret-key-0123456789abcd"
POSTGRES_SERVER = "host=127.0.0.1 port=5432 user=postgres connect_timeout=3"


def lodestar_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        DJANGO_SETTINGS_MODULE="lodestar.settings",
        REQUIRE_ADMIN_2FA="false",
        LODESTAR_VAR_DIR=str(var_dir),
    )
    env.update(extra)
    return env


def run_lodestar(
    database_url: str,
    var_dir: Path,
    *args: str,
    check: bool = True,
    stdin: IO[bytes] | None = None,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 - our own command, arguments chosen by the test
        [str(LODESTAR), *args],
        env=lodestar_env(database_url, var_dir),
        stdin=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"lodestar {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
        )
    return result


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_tables(path: Path) -> list[str]:
    """The tables in an SQLite file; none if the file was never made."""
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return [name for (name,) in rows]


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


@functools.cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    try:
        with psycopg.connect(POSTGRES_SERVER, dbname="postgres") as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        return f"no PostgreSQL server reachable at 127.0.0.1:5432 as user postgres ({e})"
    return None


def create_postgres_database() -> tuple[str, str]:
    """A new empty database with a unique name; returns its name and URL."""
    name = f"lodestar_cli_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_SERVER, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(name: str) -> None:
    with psycopg.connect(POSTGRES_SERVER, dbname="postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
