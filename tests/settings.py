"""Settings for the test suite: Lodestar's own, plus a small app that exercises sharing."""

from __future__ import annotations

import os

# Tests never need a real secret; a fixed one keeps runs repeatable.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment")
os.environ.setdefault("REQUIRE_ADMIN_2FA", "false")

from lodestar.settings import *  # noqa: F403
from lodestar.settings import DATABASES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.grantable"]
# Fast hashing: argon2 is deliberately slow, and the suite signs in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# PostgreSQL need not wait for each commit to reach the disk in a test run: the data are
# thrown away, and the suite commits thousands of times (every TransactionTestCase and
# live-server test, and the flush after each). A crash would only lose the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
