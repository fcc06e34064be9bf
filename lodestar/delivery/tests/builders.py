"""Small builders for delivery tests. Like the strategy builders, they write rows directly
so that a test of one service does not depend on every other service working."""

from __future__ import annotations

import datetime
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.test import override_settings

from lodestar.accounts.models import User
from lodestar.core.testing import PersonaTestCase
from lodestar.delivery.models import Deliverable, Milestone, ProgressUpdate
from lodestar.governance.models import Committee
from lodestar.strategy.models import Element, Strategy
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy


def make_deliverable(element: Element, executive: User, **kw: Any) -> Deliverable:
    fields: dict[str, Any] = {
        "title": "Community mental health transformation",
        "start_date": datetime.date(2025, 1, 1),
        "due_date": datetime.date(2025, 12, 31),
    }
    fields.update(kw)
    return Deliverable.objects.create(
        organisation=element.organisation,
        element=element,
        accountable_executive=executive,
        **fields,
    )


def make_milestone(deliverable: Deliverable, **kw: Any) -> Milestone:
    fields: dict[str, Any] = {
        "title": "New model live in two localities",
        "due_date": datetime.date(2025, 6, 30),
        "accountable_executive": deliverable.accountable_executive,
    }
    fields.update(kw)
    return Milestone.objects.create(
        organisation=deliverable.organisation, deliverable=deliverable, **fields
    )


def make_update(deliverable: Deliverable, **kw: Any) -> ProgressUpdate:
    fields: dict[str, Any] = {
        "period": datetime.date(2025, 4, 1),
        "status": "green",
        "narrative": "On track.",
        "confidence": "high",
        "author": deliverable.accountable_executive,
    }
    fields.update(kw)
    return ProgressUpdate.objects.create(
        organisation=deliverable.organisation, deliverable=deliverable, **fields
    )


class DeliveryTestCase(PersonaTestCase):
    """The personas, a strategy with one element, a committee, and a private media folder."""

    strategy: Strategy
    element: Element
    committee: Committee
    media_root: Path

    @classmethod
    def setUpClass(cls) -> None:
        media = tempfile.TemporaryDirectory(prefix="lodestar-test-media-")
        cls.addClassCleanup(media.cleanup)
        cls.media_root = Path(media.name)
        override = override_settings(MEDIA_ROOT=media.name)
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.strategy = make_strategy(cls.org, title="Our strategy")
        cls.element = make_element(cls.strategy, title="Great care, every time")
        cls.committee = make_committee(
            cls.org, "Quality and Safety Committee", kind=Committee.Kind.COMMITTEE
        )

    def setUp(self) -> None:
        super().setUp()
        # The database is rolled back after each test; the stored files must go too.
        self.addCleanup(self._empty_media)

    def _empty_media(self) -> None:
        for child in self.media_root.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def stored_files(self) -> list[Path]:
        return [p for p in self.media_root.rglob("*") if p.is_file()]
