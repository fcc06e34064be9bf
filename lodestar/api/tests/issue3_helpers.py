"""A strategy with a plan, partners and objectives, for testing the issue 3 endpoints.

Rows are written directly (through the strategy and delivery builders) so that a test
of an endpoint does not lean on every service. Uploaded files go to a private folder
that is emptied after each test.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from lodestar.api.tests.helpers import ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.core.models import Organisation
from lodestar.core.testing import make_organisation
from lodestar.delivery.models import (
    Deliverable,
    Evidence,
    Milestone,
    Objective,
    ProgressUpdate,
    Team,
)
from lodestar.delivery.tests.builders import make_deliverable, make_milestone, make_update
from lodestar.governance.models import Committee
from lodestar.strategy import services as strategy_services
from lodestar.strategy.models import (
    AlignmentLink,
    Element,
    ElementKind,
    EngagementActivity,
    Strategy,
    Value,
)
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from lodestar.accounts.models import User

# Every model an issue 3 endpoint may write, for "nothing changed" checks.
MODELS = (
    Strategy,
    Value,
    ElementKind,
    Element,
    EngagementActivity,
    AlignmentLink,
    Deliverable,
    Milestone,
    ProgressUpdate,
    Evidence,
    Team,
    Objective,
    Committee,
)

STRATEGY_YAML = b"""\
strategy:
  title: Imported strategy
  kind: organisational
  start_year: 2025
  end_year: 2030
  status: draft
  version: 1
  vision: Outstanding care, every time.
values:
- name: Kindness
  behaviours:
  - We listen
"""


def last_month(today: datetime.date | None = None) -> datetime.date:
    """The first day of the month before this one: a period that may be reported on."""
    first = (today or timezone.localdate()).replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def yaml_upload(content: bytes = STRATEGY_YAML, name: str = "strategy.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/yaml")


class Issue3ApiTestCase(ApiTestCase):
    """RXM's draft strategy with a value, two elements, engagement, a plan with an update
    and evidence, teams and objectives; an approved (frozen) earlier strategy; and an
    ICB in the same system whose approved plan one of our elements serves."""

    media_root: Path
    board: Committee
    quality: Committee
    strategy: Strategy
    approved: Strategy
    value: Value
    element: Element
    second_element: Element
    activity: EngagementActivity
    deliverable: Deliverable
    spare_deliverable: Deliverable
    milestone: Milestone
    update: ProgressUpdate
    evidence: Evidence
    team: Team
    team_objective: Objective
    my_objective: Objective
    icb: Organisation
    partner_strategy: Strategy
    partner_element: Element
    link: AlignmentLink

    @classmethod
    def setUpClass(cls) -> None:
        media = tempfile.TemporaryDirectory(prefix="lodestar-api-media-")
        cls.addClassCleanup(media.cleanup)
        cls.media_root = Path(media.name)
        override = override_settings(MEDIA_ROOT=media.name)
        override.enable()
        cls.addClassCleanup(override.disable)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.board = make_committee(cls.org, "Trust Board")
        cls.quality = make_committee(
            cls.org, "Quality Committee", kind=Committee.Kind.COMMITTEE, reports_to=cls.board
        )
        strategy_services.ensure_element_kinds(cls.org)
        cls._strategies()
        cls._plan()
        cls._thread()
        cls._partner()

    @classmethod
    def _strategies(cls) -> None:
        cls.strategy = make_strategy(cls.org, title="Our strategy", start_year=2025, end_year=2030)
        cls.approved = make_strategy(
            cls.org,
            title="Our earlier strategy",
            start_year=2019,
            end_year=2024,
            status=Strategy.Status.APPROVED,
            approved_by=cls.board,
            approved_on=datetime.date(2019, 3, 27),
        )
        cls.value = Value.objects.create(
            organisation=cls.org, strategy=cls.strategy, name="Respect", behaviours=["We listen"]
        )
        cls.element = make_element(cls.strategy, title="Great care, every time")
        cls.second_element = make_element(cls.strategy, title="A great place to work")
        cls.activity = EngagementActivity.objects.create(
            organisation=cls.org,
            strategy=cls.strategy,
            held_on=datetime.date(2024, 6, 12),
            title="Service user workshop",
            method="Workshop",
            level=EngagementActivity.Level.CO_DESIGN,
            people_using_services=12,
            what_was_said="Make it easier to get help.",
        )

    @classmethod
    def _plan(cls) -> None:
        cls.deliverable = make_deliverable(cls.element, cls.executive, committee=cls.quality)
        cls.spare_deliverable = make_deliverable(
            cls.element, cls.executive, title="Inpatient quality programme"
        )
        cls.milestone = make_milestone(cls.deliverable)
        cls.update = make_update(cls.deliverable)
        cls.evidence = Evidence(organisation=cls.org, update=cls.update, title="Board paper")
        cls.evidence.file.save("paper.txt", ContentFile(b"Minutes of the board."), save=False)
        cls.evidence.save()

    @classmethod
    def _thread(cls) -> None:
        cls.team = Team.objects.create(organisation=cls.org, name="Community team")
        cls.team.members.add(cls.staff)
        cls.team_objective = Objective.objects.create(
            organisation=cls.org, element=cls.element, team=cls.team, title="Cut waits"
        )
        cls.my_objective = Objective.objects.create(
            organisation=cls.org, element=cls.element, owner=cls.admin, title="Lead the review"
        )

    @classmethod
    def _partner(cls) -> None:
        cls.icb = make_organisation("QJ2", "NHS Derby and Derbyshire ICB")
        Organisation.objects.filter(pk=cls.icb.pk).update(
            kind=Organisation.Kind.INTEGRATED_CARE_BOARD
        )
        icb_board = make_committee(cls.icb, "ICB Board")
        cls.partner_strategy = make_strategy(
            cls.icb,
            title="Joint forward plan",
            kind=Strategy.Kind.FIVE_YEAR_PLAN,
            status=Strategy.Status.APPROVED,
            approved_by=icb_board,
            approved_on=datetime.date(2023, 6, 30),
        )
        cls.partner_element = make_element(
            cls.partner_strategy, "Guiding policy", title="Prevention first"
        )
        cls.link = AlignmentLink.objects.create(
            organisation=cls.org,
            element=cls.second_element,
            partner_element=cls.partner_element,
            relationship=AlignmentLink.Relationship.CONTRIBUTES_TO,
        )

    def setUp(self) -> None:
        super().setUp()
        # The database is rolled back after each test; files saved by a test must go too.
        before = set(self.media_root.rglob("*"))
        self.addCleanup(self._remove_new_files, before)

    def _remove_new_files(self, before: set[Path]) -> None:
        for path in sorted(self.media_root.rglob("*"), reverse=True):
            if path in before:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def state(self) -> tuple[Any, ...]:
        """Everything a bad request might have changed, to compare before and after."""
        return (
            *super().state(),
            *(list(model.objects.order_by("pk").values()) for model in MODELS),
            AuditEntry.objects.count(),
            sorted(str(p) for p in self.media_root.rglob("*")),
        )

    def url(self, suffix: str, organisation: Organisation | None = None) -> str:
        return self.org_url(suffix, organisation)

    def strategy_url(self, suffix: str = "", strategy: Strategy | None = None) -> str:
        return self.org_url(f"/strategies/{(strategy or self.strategy).uuid}{suffix}")

    def upload(
        self, url: str, user: User | None, data: dict[str, Any], method: str = "post"
    ) -> Response:
        """Send multipart form data, as a browser form or `curl -F` would."""
        extra: dict[str, Any] = {}
        if user is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.keys[user.username]}"
        response: Response = getattr(self.client, method)(url, data, **extra)
        return response

    def audit_entries(self, since: int) -> list[tuple[str, str]]:
        """(action, model) of each audit entry written after entry `since`, oldest first."""
        entries = AuditEntry.objects.filter(pk__gt=since).order_by("pk")
        return [(entry.action, entry.model_label) for entry in entries]

    def last_audit_id(self) -> int:
        last = AuditEntry.objects.order_by("-pk").first()
        return last.pk if last else 0
