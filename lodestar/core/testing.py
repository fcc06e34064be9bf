"""Personas for tests, after healthchecks' Alice, Bob and Charlie.

Derbyshire Healthcare (RXM) is the organisation under test. `outsider` works for
Nottinghamshire Healthcare (RHA) and must see nothing of RXM's.
"""

from __future__ import annotations

from django.test import TestCase

from lodestar.accounts.models import User
from lodestar.core import services
from lodestar.core.models import Organisation
from lodestar.core.roles import Role

PASSWORD = "persona-password"  # noqa: S105 - test accounts only


def make_user(username: str, first: str = "", last: str = "", **extra: object) -> User:
    user = User(username=username, first_name=first, last_name=last, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_organisation(ods_code: str, name: str, ics: str = "Test ICS") -> Organisation:
    return services.create_organisation(
        None,
        name=name,
        ods_code=ods_code,
        kind=Organisation.Kind.NHS_FOUNDATION_TRUST,
        ics=services.get_or_create_ics(ics),
    )


class PersonaTestCase(TestCase):
    org: Organisation
    other_org: Organisation
    admin: User
    chair: User
    executive: User
    analyst: User
    governance: User
    staff: User
    outsider: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = make_organisation("RXM", "Derbyshire Healthcare NHS Foundation Trust")
        cls.other_org = make_organisation(
            "RHA", "Nottinghamshire Healthcare NHS Foundation Trust", ics="Other ICS"
        )
        cls.admin = cls._member("alice", "Alice", "Admin", Role.ADMINISTRATOR)
        cls.chair = cls._member("charles", "Charles", "Chair", Role.CHAIR)
        cls.executive = cls._member("erin", "Erin", "Exec", Role.EXECUTIVE_DIRECTOR)
        cls.analyst = cls._member("anil", "Anil", "Analyst", Role.ANALYST)
        cls.governance = cls._member("gwen", "Gwen", "Governance", Role.GOVERNANCE_OFFICER)
        cls.staff = cls._member("sam", "Sam", "Staff", Role.STAFF_MEMBER)
        cls.outsider = make_user("olly", "Olly", "Outsider")
        services.add_member(None, cls.other_org, cls.outsider, Role.ADMINISTRATOR)

    @classmethod
    def _member(cls, username: str, first: str, last: str, role: Role) -> User:
        user = make_user(username, first, last)
        services.add_member(None, cls.org, user, role)
        return user
