"""Settings for the whole test run."""

from __future__ import annotations

import pytest
from django.test import SimpleTestCase, TransactionTestCase
from hypothesis import settings

# Hypothesis fails an example that takes over 200 ms by default: a timed assertion, which
# a busy CI machine trips at random. Speed is measured by `make bench`, never by tests.
settings.register_profile("lodestar", deadline=None)
settings.load_profile("lodestar")

# Fixtures through which a pytest-style test reaches the configured database.
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_setup"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="leave out tests that never touch the configured database (pure code, and "
        "command-line tests that make databases of their own): CI's second database run",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        (kept if _uses_the_database(item) else left_out).append(item)
    config.hook.pytest_deselected(items=left_out)
    items[:] = kept


def _uses_the_database(item: pytest.Item) -> bool:
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, SimpleTestCase):
        return issubclass(cls, TransactionTestCase)
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
