"""Every risk endpoint (method, path template), for test_auth's schema check, with how to
call it and who may.

Each endpoint listed here is walked by test_risks_access (outsider 404, a role without
the capability 403, an allowed role 2xx). `RiskApiTestCase` holds the records the paths
and bodies name.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lodestar.accounts.models import User
from lodestar.accounts.services import create_api_token
from lodestar.api.tests.helpers import ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.core.roles import Role
from lodestar.delivery.models import Brag
from lodestar.governance.models import Committee
from lodestar.risk.models import (
    AppetiteCategory,
    Assurance,
    AssuranceGap,
    Control,
    OperationalRisk,
    RiskAction,
    RiskReview,
    RiskSettings,
    RiskStatus,
    StrategicRisk,
)
from lodestar.risk.tests.builders import (
    add_member,
    make_appetite_category,
    make_element,
    make_operational_risk,
    make_review,
    make_risk_committee,
    make_strategic_risk,
    make_strategy,
)
from lodestar.strategy.models import Element

# Every model a risk endpoint may write, for "nothing changed" checks.
MODELS = (
    RiskSettings,
    AppetiteCategory,
    StrategicRisk,
    Control,
    Assurance,
    AssuranceGap,
    RiskAction,
    RiskReview,
    OperationalRisk,
)


class Access(StrEnum):
    READ = "read"  # board members: VIEW_RISKS
    OWN = "own"  # the risk's executive lead or owner, and governance officers
    MANAGE = "manage"  # governance officers only: MANAGE_RISKS


Body = Callable[["RiskApiTestCase"], Any]
NOPE = '{"nope": 1}'
LONG_REASON = "?reason=" + "x" * 501


@dataclass(frozen=True)
class Call:
    """How to call an endpoint, and who may.

    `body` builds a request it accepts. The malformed request is, of the first that is
    set: `missing`, the path with that record replaced by one that does not exist (404);
    `bad_query`, a query string to add (400); else `bad`, a raw JSON body (400). `use`
    names records to put in the path for the accepted request.
    """

    access: Access
    body: Body | None = None
    bad: str = NOPE
    bad_query: str = ""
    missing: str = ""
    use: dict[str, str] = field(default_factory=dict)
    ok: int = 200


def _strategic(t: RiskApiTestCase) -> dict[str, Any]:
    return {
        "reference": "SR99",
        "title": "Unable to meet demand for crisis care",
        "cause": "If demand for crisis care keeps rising faster than capacity",
        "event": "there is a risk that people wait too long in crisis",
        "effect": "resulting in harm and lost confidence.",
        "executive_lead": str(t.executive.uuid),
        "committee": str(t.committee.uuid),
        "appetite_category": str(t.category.uuid),
        "elements": [str(t.element.uuid)],
        **RATINGS,
    }


def _operational(t: RiskApiTestCase) -> dict[str, Any]:
    return {
        "title": "Ligature points on older wards",
        "description": "Older wards have fixtures that could be used as ligature points.",
        "owner": str(t.executive.uuid),
        "controls": "Yearly ligature audit\nDoor-top alarms",
        **RATINGS,
    }


RATINGS = {
    "inherent_likelihood": 4,
    "inherent_consequence": 5,
    "current_likelihood": 3,
    "current_consequence": 5,
    "target_likelihood": 2,
    "target_consequence": 4,
}
READ = Call(Access.READ, bad="")
ORG = "/organisations/{org}"
R = ORG + "/risks/{risk}"
OPS = ORG + "/operational-risks"

CALLS: dict[tuple[str, str], Call] = {
    # Strategic risks, reviews and the overview
    ("GET", ORG + "/baf"): Call(Access.READ, bad_query="?status=forgotten"),
    ("GET", ORG + "/risks"): Call(Access.READ, bad_query="?committee=not-a-uuid"),
    ("POST", ORG + "/risks"): Call(Access.MANAGE, _strategic, ok=201),
    ("GET", R): Call(Access.READ, missing="risk"),
    ("PATCH", R): Call(Access.OWN, lambda t: {"title": "Renamed"}),
    ("POST", R + "/close"): Call(Access.MANAGE, lambda t: {"reason": "Mitigated."}),
    ("POST", R + "/merge"): Call(
        Access.MANAGE, lambda t: {"merged_into": str(t.into.uuid), "reason": "Overlaps."}
    ),
    ("GET", R + "/reviews"): Call(Access.READ, missing="risk"),
    ("POST", R + "/reviews"): Call(
        Access.OWN,
        lambda t: {
            "reviewed_on": "2025-06-30",
            "likelihood": 3,
            "consequence": 4,
            "rationale": "Recruitment campaign working.",
        },
        ok=201,
    ),
    # Controls, assurances, gaps and actions
    ("POST", R + "/controls"): Call(
        Access.OWN, lambda t: {"kind": "control", "description": "Safer staffing."}, ok=201
    ),
    ("PATCH", R + "/controls/{control}"): Call(Access.OWN, lambda t: {"kind": "gap"}),
    ("DELETE", R + "/controls/{control}"): Call(Access.OWN, bad_query=LONG_REASON, ok=204),
    ("POST", R + "/assurances"): Call(
        Access.OWN,
        lambda t: {
            "line": "third",
            "source": "Internal audit",
            "positive": True,
            "level": "reasonable",
            "dated": "2025-03-01",
        },
        ok=201,
    ),
    ("PATCH", R + "/assurances/{assurance}"): Call(Access.OWN, lambda t: {"level": "limited"}),
    ("DELETE", R + "/assurances/{assurance}"): Call(Access.OWN, bad_query=LONG_REASON, ok=204),
    ("POST", R + "/assurance-gaps"): Call(
        Access.OWN, lambda t: {"description": "No audit of rostering."}, ok=201
    ),
    ("PATCH", R + "/assurance-gaps/{gap}"): Call(Access.OWN, lambda t: {"description": "New."}),
    ("DELETE", R + "/assurance-gaps/{gap}"): Call(Access.OWN, bad_query=LONG_REASON, ok=204),
    ("POST", R + "/actions"): Call(
        Access.OWN,
        lambda t: {
            "description": "Commission an audit of rostering.",
            "owner": str(t.executive.uuid),
            "due_date": "2026-03-31",
        },
        ok=201,
    ),
    ("PATCH", R + "/actions/{action}"): Call(Access.OWN, lambda t: {"status": Brag.AMBER}),
    ("DELETE", R + "/actions/{action}"): Call(Access.OWN, bad_query=LONG_REASON, ok=204),
    ("POST", R + "/actions/{action}/complete"): Call(Access.OWN, lambda t: {}),
    # The register
    ("GET", OPS): Call(Access.READ, bad_query="?status=forgotten"),
    ("GET", OPS + "/export.xlsx"): Call(Access.READ, bad_query="?escalated_only=perhaps"),
    ("POST", OPS): Call(Access.OWN, _operational, ok=201),
    ("GET", OPS + "/{risk}"): Call(Access.READ, missing="risk"),
    ("PATCH", OPS + "/{risk}"): Call(
        Access.OWN, lambda t: {"service": "Estates", "actions": "Survey the roof."}
    ),
    ("DELETE", OPS + "/{risk}"): Call(Access.MANAGE, bad_query=LONG_REASON, ok=204),
    ("POST", OPS + "/{risk}/close"): Call(Access.OWN, lambda t: {"reason": "Mitigated."}),
    ("POST", OPS + "/{risk}/reopen"): Call(
        Access.OWN, bad_query=LONG_REASON, use={"risk": "closed_operational"}
    ),
    # Settings and appetite
    ("GET", ORG + "/risk-settings"): READ,
    ("PATCH", ORG + "/risk-settings"): Call(Access.MANAGE, lambda t: {"escalation_threshold": 12}),
    ("POST", ORG + "/risk-settings/regrade"): Call(
        Access.MANAGE, lambda t: {"reason": "New bands."}
    ),
    ("GET", ORG + "/appetite-categories"): READ,
    ("POST", ORG + "/appetite-categories"): Call(
        Access.MANAGE, lambda t: {"name": "Workforce", "level": 2, "tolerance": 8}, ok=201
    ),
    ("PATCH", ORG + "/appetite-categories/{category}"): Call(
        Access.MANAGE, lambda t: {"tolerance": 10}
    ),
    ("DELETE", ORG + "/appetite-categories/{category}"): Call(
        Access.MANAGE, bad_query=LONG_REASON, use={"category": "spare_category"}, ok=204
    ),
}

ENDPOINTS: set[tuple[str, str]] = set(CALLS)


class RiskApiTestCase(ApiTestCase):
    """The personas with tokens, a second executive (`ed`), and in RXM: a strategic risk
    led by the executive with one of each part, another led by `ed` with its own parts,
    a third to merge into, operational risks (the executive's, Gwen's, and a closed one),
    and a spare appetite category."""

    ed: User
    element: Element
    committee: Committee
    category: AppetiteCategory
    spare_category: AppetiteCategory
    risk: StrategicRisk
    into: StrategicRisk
    others_risk: StrategicRisk
    operational: OperationalRisk
    others_operational: OperationalRisk
    closed_operational: OperationalRisk
    others_closed_operational: OperationalRisk

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ed = add_member(cls.org, "ed", Role.EXECUTIVE_DIRECTOR)
        _, cls.keys["ed"] = create_api_token(cls.ed, "tests")
        cls.element = make_element(make_strategy(cls.org))
        cls.committee = make_risk_committee(cls.org)
        cls.category = make_appetite_category(cls.org)
        cls.spare_category = make_appetite_category(cls.org, name="Reputation")
        cls.risk = cls._risk(cls.executive, "SR1")
        cls.into = cls._risk(cls.executive, "SR2")
        cls.others_risk = cls._risk(cls.ed, "SR3")
        cls.operational = make_operational_risk(cls.org, cls.executive, reference="CR1")
        cls.others_operational = make_operational_risk(cls.org, cls.governance, reference="CR2")
        cls.closed_operational = make_operational_risk(
            cls.org, cls.executive, reference="CR3", status=RiskStatus.CLOSED
        )
        cls.others_closed_operational = make_operational_risk(
            cls.org, cls.governance, reference="CR4", status=RiskStatus.CLOSED
        )

    @classmethod
    def _risk(cls, lead: User, reference: str) -> StrategicRisk:
        risk = make_strategic_risk(
            cls.org,
            lead,
            cls.committee,
            cls.element,
            reference=reference,
            appetite_category=cls.category,
        )
        org = cls.org
        Control.objects.create(organisation=org, risk=risk, kind="control", description="Rotas.")
        Assurance.objects.create(
            organisation=org,
            risk=risk,
            line="first",
            source="Ward dashboards",
            positive=True,
            level="reasonable",
            dated=datetime.date(2025, 2, 1),
        )
        AssuranceGap.objects.create(organisation=org, risk=risk, description="No audit yet.")
        RiskAction.objects.create(
            organisation=org,
            risk=risk,
            description="Run an audit.",
            owner=lead,
            due_date=datetime.date(2025, 1, 31),
        )
        make_review(risk, lead, reviewed_on=datetime.date(2025, 3, 31))
        return risk

    def places(self, whose: str = "") -> dict[str, Any]:
        """The record for each placeholder; `whose="others"` picks ed's and Gwen's."""
        others = whose == "others"
        risk = self.others_risk if others else self.risk
        return {
            "org": self.org,
            "risk": risk,
            "control": risk.controls.get(),
            "assurance": risk.assurances.get(),
            "gap": risk.assurance_gaps.get(),
            "action": risk.actions.get(),
            "category": self.category,
            "operational": self.others_operational if others else self.operational,
            "closed_operational": (
                self.others_closed_operational if others else self.closed_operational
            ),
            "spare_category": self.spare_category,
        }

    def state(self) -> tuple[Any, ...]:
        """Everything a refused request might have changed, to compare before and after."""
        return (
            *(list(model.objects.order_by("pk").values()) for model in MODELS),
            AuditEntry.objects.count(),
        )
