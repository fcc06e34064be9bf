"""Every issue 3 endpoint, with a request it would accept and one it must refuse.

The access tests walk this table; test_auth's schema test fails when an endpoint is
added without being listed here, so none goes unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lodestar.api.tests.issue3_helpers import last_month, yaml_upload

if TYPE_CHECKING:
    from lodestar.api.tests.issue3_helpers import Issue3ApiTestCase

Body = Callable[["Issue3ApiTestCase"], Any]
NOPE = '{"nope": 1}'


@dataclass(frozen=True)
class Call:
    """How to call an endpoint: a body it accepts, and a malformed request.

    `body` and `form` are built from the test case, since they name its records. The
    malformed request is, of the first that is set: `missing`, the path with that record
    replaced by one that does not exist (404); `bad_query`, a query string to add;
    `bad_form`, a form to send; else `bad`, a raw JSON body (empty: nothing to malform).
    `use` names records to put in the path for the accepted request where the usual
    ones would be refused (an element with deliverables cannot be removed). `open` marks
    endpoints every member may call.
    """

    body: Body | None = None
    form: Body | None = None
    bad: str = NOPE
    bad_query: str = ""
    missing: str = ""
    bad_form: Body | None = None
    use: dict[str, str] = field(default_factory=dict)
    open: bool = False
    ok: int = 200


def _element(t: Issue3ApiTestCase) -> dict[str, Any]:
    return {"element": str(t.element.uuid), "title": "Answer calls within a day"}


def _component(t: Issue3ApiTestCase) -> dict[str, Any]:
    return {
        "title": "Crisis line live",
        "due_date": "2026-03-31",
        "accountable_executive": str(t.executive.uuid),
    }


def _engagement(t: Issue3ApiTestCase) -> dict[str, Any]:
    return {
        "held_on": "2024-09-01",
        "title": "Carers' survey",
        "method": "Survey",
        "level": "consult",
        "carers": 40,
        "what_was_said": "Tell us what is happening.",
        "elements": [str(t.element.uuid)],
    }


def _update_form(t: Issue3ApiTestCase) -> dict[str, Any]:
    return {
        "period": last_month().isoformat(),
        "status": "green",
        "narrative": "On track.",
        "confidence": "high",
    }


READ = Call(open=True, bad="")
ORG = "/organisations/{org}"
S = ORG + "/strategies/{strategy}"

ENDPOINTS: dict[tuple[str, str], Call] = {
    # Strategies
    ("GET", ORG + "/strategies"): READ,
    ("POST", ORG + "/strategies"): Call(
        lambda t: {"title": "Next", "start_year": 2030, "end_year": 2035, "vision": "Care."},
        ok=201,
    ),
    ("GET", S): Call(open=True, missing="strategy"),
    ("PATCH", S): Call(lambda t: {"summary": "For everyone."}),
    ("POST", S + "/status"): Call(lambda t: {"status": "consultation"}),
    ("POST", S + "/approve"): Call(
        lambda t: {"approved_by": str(t.board.uuid), "approved_on": "2025-03-27"}
    ),
    ("POST", S + "/new-version"): Call(
        bad_query="?reason=" + "x" * 501, use={"strategy": "approved"}, ok=201
    ),
    ("GET", S + "/compare/{other}"): Call(open=True, missing="other"),
    ("GET", S + "/check"): Call(open=True, missing="strategy"),
    ("GET", ORG + "/element-kinds"): READ,
    ("POST", ORG + "/element-kinds"): Call(lambda t: {"name": "Enabling strategy"}, ok=201),
    # Values, elements and engagement
    ("GET", S + "/values"): Call(open=True, missing="strategy"),
    ("POST", S + "/values"): Call(lambda t: {"name": "Kindness"}, ok=201),
    ("PATCH", S + "/values/{value}"): Call(lambda t: {"description": "We care."}),
    ("DELETE", S + "/values/{value}"): Call(bad_query="?reason=" + "x" * 501, ok=204),
    ("POST", S + "/values/{value}/move"): Call(lambda t: {"direction": "up"}),
    ("GET", S + "/elements"): Call(open=True, missing="strategy"),
    ("POST", S + "/elements"): Call(
        lambda t: {"kind": str(t.element.kind.uuid), "title": "Sustainable services"}, ok=201
    ),
    ("PATCH", S + "/elements/{element}"): Call(lambda t: {"domains": ["quality"]}),
    ("DELETE", S + "/elements/{element}"): Call(
        bad_query="?reason=" + "x" * 501, use={"element": "second_element"}, ok=204
    ),
    ("POST", S + "/elements/{element}/move"): Call(lambda t: {"direction": "down"}),
    ("GET", S + "/engagement"): Call(open=True, missing="strategy"),
    ("POST", S + "/engagement"): Call(_engagement, ok=201),
    ("PATCH", S + "/engagement/{activity}"): Call(lambda t: {"staff": 3}),
    ("DELETE", S + "/engagement/{activity}"): Call(bad_query="?reason=" + "x" * 501, ok=204),
    # Strategy files
    ("GET", S + "/export"): Call(open=True, bad_query="?format=pdf"),
    ("POST", ORG + "/strategies/import"): Call(
        form=lambda t: {"file": yaml_upload()},
        bad_form=lambda t: {"file": yaml_upload(name="strategy.pdf")},
        ok=201,
    ),
    # Alignment
    ("GET", S + "/alignment/partners"): Call(open=True, missing="strategy"),
    ("GET", S + "/alignment"): Call(open=True, bad_query="?partner=not-a-uuid"),
    ("POST", S + "/alignment/links"): Call(
        lambda t: {
            "element": str(t.element.uuid),
            "partner_element": str(t.partner_element.uuid),
            "relationship": "contributes_to",
        },
        ok=201,
    ),
    ("DELETE", S + "/alignment/links/{link}"): Call(bad_query="?reason=" + "x" * 501, ok=204),
    # Delivery plans
    ("GET", S + "/plan"): Call(open=True, missing="strategy"),
    ("POST", ORG + "/elements/{element}/deliverables"): Call(_component, ok=201),
    ("GET", ORG + "/deliverables/{deliverable}"): Call(open=True, missing="deliverable"),
    ("PATCH", ORG + "/deliverables/{deliverable}"): Call(lambda t: {"kind": "programme"}),
    ("DELETE", ORG + "/deliverables/{deliverable}"): Call(
        bad_query="?reason=" + "x" * 501, use={"deliverable": "spare_deliverable"}, ok=204
    ),
    ("POST", ORG + "/deliverables/{deliverable}/milestones"): Call(_component, ok=201),
    ("GET", ORG + "/milestones/{milestone}"): Call(open=True, missing="milestone"),
    ("PATCH", ORG + "/milestones/{milestone}"): Call(lambda t: {"start_date": None}),
    ("DELETE", ORG + "/milestones/{milestone}"): Call(bad_query="?reason=" + "x" * 501, ok=204),
    # Progress
    ("POST", ORG + "/milestones/{milestone}/complete"): Call(lambda t: {}),
    ("DELETE", ORG + "/milestones/{milestone}/complete"): Call(bad_query="?reason=" + "x" * 501),
    ("GET", ORG + "/deliverables/{deliverable}/updates"): Call(open=True, missing="deliverable"),
    ("POST", ORG + "/deliverables/{deliverable}/updates"): Call(
        lambda t: {**_update_form(t), "evidence_links": [{"url": "https://example.nhs.uk/a"}]},
        ok=201,
    ),
    ("POST", ORG + "/deliverables/{deliverable}/updates/with-files"): Call(
        form=_update_form,
        bad_form=lambda t: {**_update_form(t), "narrative": ""},
        ok=201,
    ),
    ("GET", ORG + "/evidence/{evidence}/file"): Call(open=True, missing="evidence"),
    ("GET", ORG + "/delivery/exceptions"): READ,
    # Committees
    ("GET", ORG + "/committees"): READ,
    ("POST", ORG + "/committees"): Call(lambda t: {"name": "Audit Committee"}, ok=201),
    ("PATCH", ORG + "/committees/{committee}"): Call(lambda t: {"name": "Quality and Safety"}),
    # Objectives and teams
    ("GET", ORG + "/my-objectives"): READ,
    ("POST", ORG + "/my-objectives"): Call(_element, open=True, ok=201),
    ("PATCH", ORG + "/objectives/{objective}"): Call(lambda t: {"due_date": "2026-03-31"}),
    ("DELETE", ORG + "/objectives/{objective}"): Call(bad_query="?reason=" + "x" * 501, ok=204),
    ("GET", S + "/thread"): Call(open=True, missing="strategy"),
    ("GET", ORG + "/teams"): READ,
    ("POST", ORG + "/teams"): Call(lambda t: {"name": "Estates team"}, ok=201),
    ("POST", ORG + "/teams/{team}/members"): Call(lambda t: {"person": str(t.analyst.uuid)}),
    ("DELETE", ORG + "/teams/{team}/members/{person}"): Call(missing="person"),
    ("POST", ORG + "/teams/{team}/objectives"): Call(_element, ok=201),
}

PUBLIC_ENDPOINTS = {("GET", "/public/organisations/{ods}/strategy")}
