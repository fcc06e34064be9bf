"""A strategy with every kind of record a strategy file carries, for exchange tests.

It has what round trips get wrong: non-ASCII text, multi-line fields, empty optional
fields, dates, text that looks like a formula or a number, and a link to a partner's
element. Everything is written directly, so the tests do not lean on other services.
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.test import override_settings

from lodestar.accounts.models import User
from lodestar.audit.models import AuditEntry
from lodestar.core import services
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.core.testing import PersonaTestCase, make_organisation
from lodestar.delivery.models import Deliverable, Evidence, Milestone, ProgressUpdate
from lodestar.governance.models import Committee
from lodestar.strategy.models import (
    AlignmentLink,
    Element,
    ElementKind,
    EngagementActivity,
    Strategy,
    Value,
)
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

# Every model an import writes, for "nothing changed" checks.
IMPORTED_MODELS = (
    Strategy,
    Value,
    ElementKind,
    Element,
    EngagementActivity,
    Deliverable,
    Milestone,
    ProgressUpdate,
    Evidence,
    AlignmentLink,
    Committee,
    AuditEntry,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in IMPORTED_MODELS}


@dataclass
class People:
    executive: User
    manager: User
    author: User


def prepare(organisation: Organisation, people: People) -> None:
    """What a file refers to by name: the people as members, and the committees."""
    roles = [
        (people.executive, Role.EXECUTIVE_DIRECTOR),
        (people.manager, Role.MANAGER),
        (people.author, Role.ANALYST),
    ]
    for user, role in roles:
        if not organisation.memberships.filter(user=user, role=role).exists():
            services.add_member(None, organisation, user, role)
    for name in ("Trust Board", "Quality and Safeguarding Committee"):
        if not Committee.objects.filter(organisation=organisation, name=name).exists():
            make_committee(organisation, name)


def partner_element(partner: Organisation) -> Element:
    """An element of the partner ICB's approved five-year plan to align with."""
    plan = make_strategy(
        partner,
        title="Joined Up Care Derbyshire – five-year plan",
        status=Strategy.Status.APPROVED,
        approved_by=make_committee(partner, "ICB Board"),
        approved_on=datetime.date(2023, 6, 1),
    )
    return make_element(plan, "Guiding policy", title="Start well, stay well, age well")


def _elements(strategy: Strategy, people: People) -> tuple[Element, Element, Element]:
    care = make_element(
        strategy,
        title="Great care – für alle",
        description="Safe, kind care.\nEvery time, everywhere.\n\nSecond paragraph.",
        statements=["Compassionate, person-centred care", "Choice is the norm – ✓"],
        outcomes=["Fewer out-of-area placements"],
        indicators=["Out-of-area bed days"],
        domains=["quality", "improvement"],
        executive_lead=people.executive,
    )
    money = make_element(strategy, title="=SUM(A1:A2)", domains=["finance"])
    priority = make_element(strategy, "Clinical priority", title="2025", order=0)
    return care, money, priority


def _plan(care: Element, people: People, partner: Element) -> None:
    org = care.organisation
    board = Committee.objects.get(organisation=org, name="Trust Board")
    deliverable = Deliverable.objects.create(
        organisation=org,
        element=care,
        kind=Deliverable.Kind.PROGRAMME,
        title="Community mental health transformation",
        description="Line one\nLine two – with an en dash",
        start_date=datetime.date(2023, 4, 1),
        due_date=datetime.date(2025, 3, 31),
        accountable_executive=people.executive,
        responsible_manager=people.manager,
        committee=board,
        illustrative=True,
    )
    Deliverable.objects.create(
        organisation=org,
        element=care,
        title="Dormitory eradication",
        due_date=datetime.date(2024, 12, 31),
        accountable_executive=people.executive,
    )
    for title, due, done in (
        ("Locality teams live", datetime.date(2023, 9, 30), datetime.date(2023, 10, 2)),
        ("Évaluation published", datetime.date(2024, 6, 30), None),
    ):
        Milestone.objects.create(
            organisation=org,
            deliverable=deliverable,
            title=title,
            due_date=due,
            completed_on=done,
            accountable_executive=people.executive,
        )
    _updates(deliverable, people)
    AlignmentLink.objects.create(
        organisation=org,
        element=care,
        partner_element=partner,
        relationship=AlignmentLink.Relationship.CONTRIBUTES_TO,
        note="Community care – closer to home",
    )


def _updates(deliverable: Deliverable, people: People) -> None:
    org = deliverable.organisation
    for period, status, narrative in (
        (datetime.date(2024, 1, 1), "amber", "Recruitment is slow.\nAgency use is rising."),
        (datetime.date(2024, 2, 1), "green", "Back on track – 3 posts filled."),
    ):
        update = ProgressUpdate.objects.create(
            organisation=org,
            deliverable=deliverable,
            period=period,
            status=status,
            narrative=narrative,
            confidence="medium",
            author=people.author,
        )
    Evidence.objects.create(
        organisation=org, update=update, title="Board paper | March", url="https://example.org/p"
    )
    # A file stays behind on export: files are not carried in strategy files.
    Evidence.objects.create(
        organisation=org, update=update, title="Scan", file=ContentFile(b"x", name="scan.txt")
    )


def make_full_strategy(organisation: Organisation, people: People, partner: Element) -> Strategy:
    prepare(organisation, people)
    strategy = make_strategy(
        organisation,
        title="Strategy “Our future” – 2024",
        start_year=2024,
        end_year=2027,
        vision="To make a positive difference\nin people’s lives – together.",
        mission="",
        purpose="Caring for Derbyshire’s communities",
        summary="",
        source_url="https://example.org/strategy",
        status=Strategy.Status.APPROVED,
        approved_by=Committee.objects.get(organisation=organisation, name="Trust Board"),
        approved_on=datetime.date(2024, 3, 28),
        version=2,
    )
    strategy.joint_owners.set([partner.organisation])
    Value.objects.create(
        organisation=organisation,
        strategy=strategy,
        name="People first",
        description="We work compassionately.\nWe support each other.",
        behaviours=["Listen", "Say thank you – ünd mean it"],
    )
    Value.objects.create(organisation=organisation, strategy=strategy, order=1, name="Respect")
    care, _, priority = _elements(strategy, people)
    activity = EngagementActivity.objects.create(
        organisation=organisation,
        strategy=strategy,
        held_on=datetime.date(2023, 11, 14),
        title="Co-design workshop",
        method="Workshop",
        level=EngagementActivity.Level.CO_DESIGN,
        people_using_services=12,
        carers=4,
        staff=20,
        what_was_said="Closer to home, please.\nAnd faster.",
        what_changed="",
    )
    activity.elements.set([care, priority])
    _plan(care, people, partner)
    return strategy


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="lodestar-test-media-"))
class ExchangeTestCase(PersonaTestCase):
    """The personas, a partner ICB with an approved plan, and RXM's full strategy."""

    icb: Organisation
    people: People
    partner: Element
    strategy: Strategy

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.icb = make_organisation("QJ2", "NHS Derby and Derbyshire Integrated Care Board")
        cls.people = People(executive=cls.executive, manager=cls.staff, author=cls.analyst)
        cls.partner = partner_element(cls.icb)
        cls.strategy = make_full_strategy(cls.org, cls.people, cls.partner)

    def fresh_organisation(self, ods_code: str = "RY8") -> Organisation:
        """Another trust with the same people and committees, and no strategy yet."""
        fresh = make_organisation(ods_code, "Derbyshire Community Health Services")
        prepare(fresh, self.people)
        return fresh
