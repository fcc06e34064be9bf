"""Whatever arrives at a strategy, delivery or objectives endpoint, it is never a 500.

As in test_fuzz, Hypothesis sends arbitrary bytes and JSON and also objects shaped like
each endpoint's requests. Plausible values include "@name" references, replaced before
sending by the UUIDs of the test's own records (or of another trust's), so that many
requests get past the schema and reach the services and the database.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lodestar.api.tests.issue3_helpers import STRATEGY_YAML, Issue3ApiTestCase, last_month
from lodestar.api.tests.test_fuzz import FUZZ, _anything_or, _shaped, _value, json_values
from lodestar.delivery.models import Brag, Deliverable, ProgressUpdate
from lodestar.governance.models import Committee
from lodestar.strategy.models import AlignmentLink, Domain, EngagementActivity, Strategy
from lodestar.strategy.tests.builders import make_committee

text = _value("Plain words", "", " ", "x" * 301, "Ünïcödé – “quotes”")
reason = _value("Tidying up", "x" * 501)
day = _value("2025-03-27", "2099-01-01", "2025-02-30", "27/03/2025", last_month().isoformat())
person = _value("@executive", "@analyst", "@staff", "@outsider", str(uuid.uuid4()), "nope")
lines = _value(["One", "Two"], "One", [1], ["x" * 1001], [])
count = _value(0, 3, -1, 10**12, 1.5)
flag = _value(True, False, "yes", 1)

strategy_fields = {
    "title": text,
    "kind": _value(*Strategy.Kind.values, "masterplan"),
    "start_year": _value(2025, 1989, 2101, 2**40),
    "end_year": _value(2030, 2024, 2101),
    "vision": text,
    "mission": text,
    "source_url": _value("https://example.nhs.uk", "not a url", "x" * 201),
    "illustrative": flag,
    "reason": reason,
}
element_fields = {
    "kind": _value("@kind", "@their_kind", str(uuid.uuid4())),
    "title": text,
    "statements": lines,
    "outcomes": lines,
    "domains": _value([Domain.QUALITY.value], ["happiness"], "quality"),
    "executive_lead": _value("@executive", "@analyst", "@outsider", None),
    "reason": reason,
}
engagement_fields = {
    "held_on": day,
    "title": text,
    "method": text,
    "level": _value(*EngagementActivity.Level.values, "tokenism"),
    "people_using_services": count,
    "staff": count,
    "what_was_said": text,
    "elements": _value(["@element"], ["@partner_element"], "@element", []),
    "reason": reason,
}
component_fields = {
    "title": text,
    "start_date": day,
    "due_date": day,
    "accountable_executive": person,
    "responsible_manager": _value("@analyst", "@outsider", None),
    "committee": _value("@quality", "@their_board", None),
    "illustrative": flag,
}
deliverable_fields = {
    **component_fields,
    "kind": _value(*Deliverable.Kind.values, "epic"),
}
objective_fields = {
    "element": _value("@element", "@partner_element", "@their_element"),
    "title": text,
    "description": text,
    "due_date": _value("2026-03-31", None, "nope"),
}
update_fields = {
    "period": _value(last_month().isoformat(), "2025-04-02", "2099-01-01"),
    "status": _value(*Brag.values, "purple"),
    "narrative": text,
    "confidence": _value(*ProgressUpdate.Confidence.values, "certain"),
    "evidence_links": _value(
        [{"url": "https://example.nhs.uk/a"}],
        [{"title": "x" * 201, "url": "https://example.nhs.uk"}],
        [{"url": "javascript:alert(1)"}],
        "https://example.nhs.uk",
    ),
}
committee_fields = {
    "name": _value("Audit Committee", "Trust Board", "x" * 201),
    "kind": _value(*Committee.Kind.values, "cabal"),
    "reports_to": _value("@board", "@quality", "@their_board", None),
}

# (method, path, body): paths and bodies may name records as "@name".
WRITES: list[tuple[str, str, st.SearchStrategy[bytes]]] = [
    (
        "POST",
        "/strategies",
        _anything_or(_shaped(("title", "start_year", "end_year", "vision"), **strategy_fields)),
    ),
    ("PATCH", "/strategies/@strategy", _anything_or(_shaped((), **strategy_fields))),
    (
        "POST",
        "/strategies/@strategy/status",
        _anything_or(_shaped(status=_value("consultation", "draft", "approved"))),
    ),
    (
        "POST",
        "/strategies/@strategy/approve",
        _anything_or(
            _shaped(
                ("approved_by", "approved_on"),
                approved_by=_value("@board", "@their_board"),
                approved_on=day,
            )
        ),
    ),
    (
        "POST",
        "/element-kinds",
        _anything_or(_shaped(("name",), name=_value("Aim", "Pledge", "x" * 101), plural=text)),
    ),
    (
        "POST",
        "/strategies/@strategy/values",
        _anything_or(_shaped(("name",), name=text, behaviours=lines, reason=reason)),
    ),
    (
        "PATCH",
        "/strategies/@strategy/values/@value",
        _anything_or(_shaped(name=text, behaviours=lines)),
    ),
    (
        "POST",
        "/strategies/@strategy/values/@value/move",
        _anything_or(_shaped(direction=_value("up", "down", "left"))),
    ),
    (
        "POST",
        "/strategies/@strategy/elements",
        _anything_or(_shaped(("kind", "title"), **element_fields)),
    ),
    (
        "PATCH",
        "/strategies/@strategy/elements/@element",
        _anything_or(_shaped((), **element_fields)),
    ),
    (
        "POST",
        "/strategies/@strategy/engagement",
        _anything_or(
            _shaped(("held_on", "title", "method", "level", "what_was_said"), **engagement_fields)
        ),
    ),
    (
        "PATCH",
        "/strategies/@strategy/engagement/@activity",
        _anything_or(_shaped((), **engagement_fields)),
    ),
    (
        "POST",
        "/strategies/@strategy/alignment/links",
        _anything_or(
            _shaped(
                ("element", "partner_element", "relationship"),
                element=_value("@element", "@partner_element"),
                partner_element=_value("@partner_element", "@element"),
                relationship=_value(*AlignmentLink.Relationship.values, "loosely"),
                note=_value("", "x" * 501),
            )
        ),
    ),
    (
        "POST",
        "/elements/@element/deliverables",
        _anything_or(
            _shaped(("title", "due_date", "accountable_executive"), **deliverable_fields)
        ),
    ),
    ("PATCH", "/deliverables/@deliverable", _anything_or(_shaped((), **deliverable_fields))),
    (
        "POST",
        "/deliverables/@deliverable/milestones",
        _anything_or(_shaped(("title", "due_date", "accountable_executive"), **component_fields)),
    ),
    ("PATCH", "/milestones/@milestone", _anything_or(_shaped((), **component_fields))),
    (
        "POST",
        "/milestones/@milestone/complete",
        _anything_or(_shaped(completed_on=day, reason=reason)),
    ),
    (
        "POST",
        "/deliverables/@deliverable/updates",
        _anything_or(_shaped(("period", "status", "narrative", "confidence"), **update_fields)),
    ),
    ("POST", "/committees", _anything_or(_shaped(("name",), **committee_fields))),
    ("PATCH", "/committees/@quality", _anything_or(_shaped((), **committee_fields))),
    ("POST", "/my-objectives", _anything_or(_shaped(("element", "title"), **objective_fields))),
    ("PATCH", "/objectives/@team_objective", _anything_or(_shaped((), **objective_fields))),
    (
        "POST",
        "/teams",
        _anything_or(_shaped(("name",), name=_value("Estates", "Community team", "x" * 201))),
    ),
    ("POST", "/teams/@team/members", _anything_or(_shaped(("person",), person=person))),
    (
        "POST",
        "/teams/@team/objectives",
        _anything_or(_shaped(("element", "title"), **objective_fields)),
    ),
]
DELETES = [
    "/strategies/@strategy/values/@value",
    "/strategies/@strategy/elements/@second_element",
    "/strategies/@strategy/engagement/@activity",
    "/strategies/@strategy/alignment/links/@link",
    "/deliverables/@spare_deliverable",
    "/milestones/@milestone",
    "/milestones/@milestone/complete",
    "/objectives/@my_objective",
]
forms = st.dictionaries(
    st.sampled_from(["period", "status", "narrative", "confidence", "evidence_links", "x"]),
    st.text(max_size=50) | st.sampled_from([last_month().isoformat(), "green", "high"]),
    max_size=6,
)
files = st.tuples(
    st.sampled_from(["a.yaml", "a.yml", "a.xlsx", "a.pdf", "a.txt", "a"]),
    st.binary(max_size=300)
    | st.sampled_from([STRATEGY_YAML, STRATEGY_YAML.replace(b"2025", b"1066")])
    | json_values.map(lambda v: json.dumps(v).encode()),
)


class Issue3FuzzTests(HypothesisTestCase, Issue3ApiTestCase):
    their_board: Committee

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.their_board = make_committee(cls.other_org, "Their board")

    def refs(self) -> dict[str, str]:
        names = [
            "strategy",
            "value",
            "element",
            "second_element",
            "activity",
            "link",
            "deliverable",
            "spare_deliverable",
            "milestone",
            "team",
            "team_objective",
            "my_objective",
            "partner_element",
            "board",
            "quality",
            "their_board",
            "executive",
            "analyst",
            "staff",
            "outsider",
        ]
        found = {f"@{name}": str(getattr(self, name).uuid) for name in names}
        found["@kind"] = str(self.element.kind.uuid)
        found["@their_kind"] = str(self.partner_element.kind.uuid)
        found["@their_element"] = str(self.partner_element.uuid)
        return found

    def resolve(self, raw: str) -> str:
        # Longest first, so that "@element" does not eat the start of "@elements".
        for name, value in sorted(self.refs().items(), key=lambda kv: -len(kv[0])):
            raw = raw.replace(name, value)
        return raw

    def assert_handled(self, response: Any) -> None:
        self.assertLess(response.status_code, 500, getattr(response, "content", b""))
        if response.status_code >= 400:
            self.assertIsInstance(response.json().get("error"), str)

    def send(self, method: str, path: str, body: bytes | None = None) -> None:
        url = self.org_url(self.resolve(path))
        raw = (
            None
            if body is None
            else self.resolve(body.decode("utf-8", "surrogateescape")).encode(
                "utf-8", "surrogateescape"
            )
        )
        with self.assertNoLogs("lodestar.api.errors", "WARNING"):
            self.assert_handled(self.call(method, url, self.admin, raw=raw))

    @FUZZ
    @given(data=st.data())
    def test_every_write_endpoint_never_fails_on_our_side(self, data: st.DataObject) -> None:
        # Every endpoint in each example, so that each gets as many bodies as the rest.
        for method, path, bodies in WRITES:
            self.send(method, path, data.draw(bodies, label=f"{method} {path}"))

    @FUZZ
    @given(path=st.sampled_from(DELETES), reason=st.text())
    def test_removing_anything_with_any_reason_never_fails_on_our_side(
        self, path: str, reason: str
    ) -> None:
        self.send("DELETE", f"{path}?reason={quote(reason)}")

    @FUZZ
    @given(upload=files, create_kinds=st.text(max_size=5))
    def test_importing_any_file_never_fails_on_our_side(
        self, upload: tuple[str, bytes], create_kinds: str
    ) -> None:
        name, content = upload
        form = {"file": SimpleUploadedFile(name, content), "create_kinds": create_kinds}
        self.assert_handled(self.upload(self.org_url("/strategies/import"), self.admin, form))

    @FUZZ
    @given(form=forms, upload=files)
    def test_posting_an_update_with_any_form_never_fails_on_our_side(
        self, form: dict[str, str], upload: tuple[str, bytes]
    ) -> None:
        url = self.org_url(f"/deliverables/{self.deliverable.uuid}/updates/with-files")
        data: dict[str, Any] = {**form, "evidence_files": SimpleUploadedFile(*upload)}
        self.assert_handled(self.upload(url, self.admin, data))
