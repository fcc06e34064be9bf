"""Demo data: the four seed organisations and four acute trusts, a fictional person for
every role, the seed organisations' published strategies with illustrative delivery plans,
and performance metrics.

Organisation names and ODS codes are real (NHS Organisation Data Service). Every person
is invented. Loading twice changes nothing: each step looks for what it would make.
The strategies are loaded by lodestar.strategy.demo and the metrics (real A&E data for
the acute trusts, illustrative metrics for two seed trusts) by lodestar.performance.demo;
their READMEs say what is real.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from lodestar.accounts.models import User
from lodestar.core import services
from lodestar.core.models import Membership, Organisation
from lodestar.core.roles import Role
from lodestar.performance.demo import load_metrics
from lodestar.risk.demo import load_risks
from lodestar.strategy.demo import load_strategies

# Every demo account has this password. It is for local demonstration only.
DEMO_PASSWORD = "demo-only-password"

DERBYSHIRE_ICS = "Derby and Derbyshire Integrated Care System"
NOTTINGHAMSHIRE_ICS = "Nottingham and Nottinghamshire Integrated Care System"


@dataclass(frozen=True)
class DemoOrganisation:
    ods_code: str
    name: str
    kind: Organisation.Kind
    ics: str
    summary: str
    website: str


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    ods_code: str
    role: Role
    job_title: str


ORGANISATIONS = [
    DemoOrganisation(
        "RXM",
        "Derbyshire Healthcare NHS Foundation Trust",
        Organisation.Kind.NHS_FOUNDATION_TRUST,
        DERBYSHIRE_ICS,
        "Mental health, learning disability, substance misuse and children's services "
        "for Derby and Derbyshire.",
        "https://www.derbyshirehealthcareft.nhs.uk/",
    ),
    DemoOrganisation(
        "RY8",
        "Derbyshire Community Health Services NHS Foundation Trust",
        Organisation.Kind.NHS_FOUNDATION_TRUST,
        DERBYSHIRE_ICS,
        "Community health services across Derbyshire.",
        "https://www.dchs.nhs.uk/",
    ),
    DemoOrganisation(
        "RHA",
        "Nottinghamshire Healthcare NHS Foundation Trust",
        Organisation.Kind.NHS_FOUNDATION_TRUST,
        NOTTINGHAMSHIRE_ICS,
        "Mental health, learning disability, community and forensic services.",
        "https://www.nottinghamshirehealthcare.nhs.uk/",
    ),
    DemoOrganisation(
        "QJ2",
        "NHS Derby and Derbyshire Integrated Care Board",
        Organisation.Kind.INTEGRATED_CARE_BOARD,
        DERBYSHIRE_ICS,
        "Plans and buys health services for the people of Derby and Derbyshire.",
        "https://joinedupcarederbyshire.co.uk/",
    ),
    # The acute trusts, whose real A&E figures are the demo's real performance data.
    DemoOrganisation(
        "RTG",
        "University Hospitals of Derby and Burton NHS Foundation Trust",
        Organisation.Kind.NHS_FOUNDATION_TRUST,
        DERBYSHIRE_ICS,
        "Hospital services for Derby, Burton and the surrounding area, at the Royal Derby "
        "Hospital, Queen's Hospital Burton and community hospitals.",
        "https://www.uhdb.nhs.uk/",
    ),
    DemoOrganisation(
        "RFS",
        "Chesterfield Royal Hospital NHS Foundation Trust",
        Organisation.Kind.NHS_FOUNDATION_TRUST,
        DERBYSHIRE_ICS,
        "Hospital services for north Derbyshire at Chesterfield Royal Hospital.",
        "https://www.chesterfieldroyal.nhs.uk/",
    ),
    DemoOrganisation(
        "RX1",
        "Nottingham University Hospitals NHS Trust",
        Organisation.Kind.NHS_TRUST,
        NOTTINGHAMSHIRE_ICS,
        "Hospital and specialist services at the Queen's Medical Centre and Nottingham "
        "City Hospital.",
        "https://www.nuh.nhs.uk/",
    ),
    DemoOrganisation(
        "RK5",
        "Sherwood Forest Hospitals NHS Foundation Trust",
        Organisation.Kind.NHS_FOUNDATION_TRUST,
        NOTTINGHAMSHIRE_ICS,
        "Hospital services for mid Nottinghamshire at King's Mill, Newark and Mansfield "
        "Community hospitals.",
        "https://www.sfh-tr.nhs.uk/",
    ),
]


def _acute_trust_people(
    prefix: str,
    ods_code: str,
    chair: tuple[str, str],
    executive: tuple[str, str],
    analyst: tuple[str, str],
) -> list[DemoPerson]:
    """An acute trust's chair, the chief operating officer who leads its A&E metrics, and
    the analyst who keeps them."""
    return [
        DemoPerson(f"{prefix}.chair", *chair, ods_code, Role.CHAIR, "Chair"),
        DemoPerson(
            f"{prefix}.exec",
            *executive,
            ods_code,
            Role.EXECUTIVE_DIRECTOR,
            "Chief Operating Officer",
        ),
        DemoPerson(
            f"{prefix}.analyst", *analyst, ods_code, Role.ANALYST, "Senior performance analyst"
        ),
    ]


# Fictional people. The usernames say what each persona is for.
PEOPLE = [
    DemoPerson("admin", "Amira", "Okafor", "RXM", Role.ADMINISTRATOR, "Head of digital"),
    DemoPerson("chair", "Colin", "Hartley", "RXM", Role.CHAIR, "Chair"),
    DemoPerson(
        "ned", "Nadia", "Rahman", "RXM", Role.NON_EXECUTIVE_DIRECTOR, "Non-executive director"
    ),
    DemoPerson("exec", "Eleanor", "Price", "RXM", Role.EXECUTIVE_DIRECTOR, "Director of Nursing"),
    DemoPerson(
        "finance", "Fraser", "Doyle", "RXM", Role.EXECUTIVE_DIRECTOR, "Director of Finance"
    ),
    DemoPerson(
        "people",
        "Priya",
        "Nair",
        "RXM",
        Role.EXECUTIVE_DIRECTOR,
        "Director of People and Inclusion",
    ),
    DemoPerson(
        "partnerships",
        "Tom",
        "Whitaker",
        "RXM",
        Role.EXECUTIVE_DIRECTOR,
        "Director of Strategy and Partnerships",
    ),
    DemoPerson(
        "operations", "Helen", "Marsh", "RXM", Role.EXECUTIVE_DIRECTOR, "Chief Operating Officer"
    ),
    DemoPerson("manager", "Marcus", "Bell", "RXM", Role.MANAGER, "Service manager"),
    DemoPerson("analyst", "Anita", "Kowalski", "RXM", Role.ANALYST, "Senior analyst"),
    DemoPerson(
        "governance",
        "Gareth",
        "Lewis",
        "RXM",
        Role.GOVERNANCE_OFFICER,
        "Head of corporate governance",
    ),
    DemoPerson("staff", "Sophie", "Turner", "RXM", Role.STAFF_MEMBER, "Community nurse"),
    DemoPerson(
        "guardian",
        "Grace",
        "Adeyemi",
        "RXM",
        Role.SPEAK_UP_GUARDIAN,
        "Freedom to Speak Up guardian",
    ),
    DemoPerson("dchs.admin", "Daniel", "Moss", "RY8", Role.ADMINISTRATOR, "Head of information"),
    DemoPerson(
        "dchs.exec",
        "Ruth",
        "Ellison",
        "RY8",
        Role.EXECUTIVE_DIRECTOR,
        "Director of Nursing and Quality",
    ),
    DemoPerson(
        "dchs.finance", "Kwame", "Mensah", "RY8", Role.EXECUTIVE_DIRECTOR, "Director of Finance"
    ),
    DemoPerson(
        "dchs.people", "Hannah", "Cole", "RY8", Role.EXECUTIVE_DIRECTOR, "Director of People"
    ),
    DemoPerson(
        "dchs.operations",
        "Stuart",
        "Reid",
        "RY8",
        Role.EXECUTIVE_DIRECTOR,
        "Chief Operating Officer",
    ),
    DemoPerson(
        "dchs.manager", "Lucy", "Barker", "RY8", Role.MANAGER, "Community services manager"
    ),
    DemoPerson("notts.admin", "Nia", "Fletcher", "RHA", Role.ADMINISTRATOR, "Head of digital"),
    DemoPerson(
        "notts.exec", "Oliver", "Shaw", "RHA", Role.EXECUTIVE_DIRECTOR, "Director of Strategy"
    ),
    DemoPerson("icb.admin", "Isla", "Grant", "QJ2", Role.ADMINISTRATOR, "Head of strategy"),
    DemoPerson("icb.analyst", "Ravi", "Patel", "QJ2", Role.ANALYST, "Population health analyst"),
    *_acute_trust_people(
        "uhdb", "RTG", ("Judith", "Carver"), ("Femi", "Adebayo"), ("Laura", "Jennings")
    ),
    *_acute_trust_people(
        "crh", "RFS", ("Robert", "Hale"), ("Claire", "Thornton"), ("Imran", "Hussain")
    ),
    *_acute_trust_people(
        "nuh", "RX1", ("Patricia", "Wong"), ("Michael", "Brennan"), ("Zoe", "Clarke")
    ),
    *_acute_trust_people(
        "sfh", "RK5", ("Andrew", "Fielding"), ("Sarah", "Kaur"), ("Joe", "Bennett")
    ),
]


@transaction.atomic
def load_demo() -> list[str]:
    """Load the demo data; return a line for each thing made (none on a second run)."""
    made: list[str] = []
    organisations = {o.ods_code: _organisation(o, made) for o in ORGANISATIONS}
    # Every demo account has the same published password, so one hash serves them all:
    # Argon2 is slow on purpose, and hashing once per account took most of the load time.
    password = functools.cache(lambda: make_password(DEMO_PASSWORD))
    _user("siteadmin", "Sam", "Ashworth", made, password, superuser=True)
    for person in PEOPLE:
        user = _user(person.username, person.first_name, person.last_name, made, password)
        organisation = organisations[person.ods_code]
        if not Membership.objects.filter(
            organisation=organisation, user=user, role=person.role
        ).exists():
            services.add_member(None, organisation, user, person.role, person.job_title)
            made.append(f"{user.username} is {person.role.label} at {organisation.ods_code}")
    load_strategies(made)
    load_metrics(made)
    # After the metrics, so that risks link to them on the first load.
    load_risks(made)
    return made


def _organisation(demo: DemoOrganisation, made: list[str]) -> Organisation:
    existing = Organisation.objects.filter(ods_code=demo.ods_code).first()
    if existing is not None:
        return existing
    made.append(f"organisation {demo.ods_code} {demo.name}")
    return services.create_organisation(
        None,
        name=demo.name,
        ods_code=demo.ods_code,
        kind=demo.kind,
        ics=services.get_or_create_ics(demo.ics),
        summary=demo.summary,
        website=demo.website,
    )


def _user(
    username: str,
    first: str,
    last: str,
    made: list[str],
    password: Callable[[], str],
    *,
    superuser: bool = False,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.nhs.uk",
        is_superuser=superuser,
        is_staff=superuser,
        password=password(),
    )
    user.save()
    made.append(f"user {username}")
    return user
