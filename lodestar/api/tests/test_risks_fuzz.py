"""Whatever arrives at a risk endpoint that makes or changes something, it is never a 500.

As in test_issue3_fuzz, Hypothesis sends arbitrary bytes and JSON and also objects shaped
like each endpoint's requests, with "@name" references replaced by the UUIDs of the
test's own records (or of another trust's), so that many requests reach the services.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lodestar.api.tests.risk_endpoints import RiskApiTestCase
from lodestar.api.tests.test_fuzz import FUZZ, _anything_or, _shaped, _value
from lodestar.delivery.models import Brag
from lodestar.risk.models import Assurance, Control, StrategicRisk
from lodestar.risk.tests.builders import make_risk_committee, make_strategic_risk

text = _value("Plain words", "", " ", "x" * 301, "Ünïcödé – “quotes”")
reason = _value("Tidying up", "", "x" * 501)
day = _value("2025-03-27", "2099-01-01", "2025-02-30", "27/03/2025", None)
rating = _value(1, 3, 5, 0, 6, True, "3", 2.5, -(2**63))
score = _value(1, 12, 25, 0, 26, 2**40)
person = _value("@executive", "@ed", "@chair", "@outsider", str(uuid.uuid4()), "nope")
ratings = {
    f"{position}_{axis}": rating
    for position in ("inherent", "current", "target")
    for axis in ("likelihood", "consequence")
}
dates = {"target_date": day, "last_reviewed_on": day, "next_review_on": day}
strategic_fields = {
    "reference": _value("SR50", "SR1", "", "x" * 21),
    "title": text,
    "cause": text,
    "event": text,
    "effect": text,
    "executive_lead": person,
    "committee": _value("@committee", "@their_committee", None),
    "appetite_category": _value("@category", "@their_category"),
    "elements": _value(["@element"], ["@their_element"], [], "@element"),
    "metrics": _value([], [str(uuid.uuid4())], None),
    **ratings,
    **dates,
    "illustrative": _value(True, False, "yes"),
}
operational_fields = {
    "reference": _value("CR50", "CR1", "", "x" * 21),
    "title": text,
    "description": text,
    "owner": person,
    "service": _value("Estates", "x" * 201),
    "strategic_risk": _value("@risk", "@their_risk", "@closed_risk", None),
    "controls": text,
    "gaps": _value("Line one\nLine two", "\u000b", None),
    "actions": text,
    **ratings,
    **dates,
}
band = st.fixed_dictionaries(
    {"name": _value("Low", "", "x" * 41), "low": score, "high": score, "colour": _value("red")}
)
settings_fields = {
    "likelihood_descriptors": _value(["A", "B", "C", "D", "E"], ["A"], "ABCDE", ["A"] * 5),
    "consequence_descriptors": _value(["A", "B", "C", "D", "E"], [1, 2, 3, 4, 5]),
    "bands": st.lists(band, max_size=5) | _value([], "Low"),
    "escalation_threshold": score,
    "appetite_levels": _value(["A", "B", "C", "D", "E"], []),
    "appetite_statement": text,
    "appetite_approved_on": day,
    "appetite_approved_by": _value("@committee", "@their_committee", None),
    "reason": reason,
}

R = "/risks/@risk"
WRITES: list[tuple[str, str, st.SearchStrategy[bytes]]] = [
    (
        "POST",
        "/risks",
        _anything_or(_shaped((*tuple(strategic_fields)[:9], *ratings), **strategic_fields)),
    ),
    ("PATCH", R, _anything_or(_shaped((), **strategic_fields))),
    (
        "POST",
        R + "/reviews",
        _anything_or(
            _shaped(
                ("reviewed_on", "likelihood", "consequence", "rationale"),
                reviewed_on=day,
                likelihood=rating,
                consequence=rating,
                rationale=text,
                committee=_value("@committee", "@their_committee", None),
                next_review_on=day,
            )
        ),
    ),
    (
        "POST",
        R + "/controls",
        _anything_or(
            _shaped(("kind", "description"), kind=_value(*Control.Kind.values), description=text)
        ),
    ),
    (
        "POST",
        R + "/assurances",
        _anything_or(
            _shaped(
                ("line", "source", "positive", "level", "dated"),
                line=_value(*Assurance.Line.values, "fourth"),
                source=text,
                positive=_value(True, False, "no"),
                level=_value(*Assurance.Level.values, "total"),
                dated=day,
                document_url=_value("https://example.nhs.uk", "javascript:alert(1)", "x" * 201),
            )
        ),
    ),
    ("POST", R + "/assurance-gaps", _anything_or(_shaped(("description",), description=text))),
    (
        "POST",
        R + "/actions",
        _anything_or(
            _shaped(
                ("description", "owner", "due_date"),
                description=text,
                owner=person,
                due_date=day,
                status=_value(*Brag.values, "purple"),
            )
        ),
    ),
    (
        "POST",
        "/operational-risks",
        _anything_or(_shaped(("title", "description", "owner", *ratings), **operational_fields)),
    ),
    ("PATCH", "/operational-risks/@operational", _anything_or(_shaped((), **operational_fields))),
    (
        "POST",
        "/appetite-categories",
        _anything_or(
            _shaped(
                ("name", "level", "tolerance"),
                name=_value("Workforce", "Finance", "", "x" * 101),
                level=rating,
                tolerance=score,
                order=_value(0, -1, 2**40),
            )
        ),
    ),
    ("PATCH", "/risk-settings", _anything_or(_shaped((), **settings_fields))),
]


class RiskFuzzTests(HypothesisTestCase, RiskApiTestCase):
    their_risk: StrategicRisk
    closed_risk: StrategicRisk

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.their_risk = make_strategic_risk(cls.other_org, cls.outsider)
        cls.closed_risk = make_strategic_risk(
            cls.org, cls.ed, cls.committee, cls.element, status="closed"
        )

    def refs(self) -> dict[str, str]:
        their_committee = make_risk_committee(self.other_org)
        found: dict[str, Any] = {
            "@risk": self.risk,
            "@their_risk": self.their_risk,
            "@closed_risk": self.closed_risk,
            "@operational": self.operational,
            "@committee": self.committee,
            "@their_committee": their_committee,
            "@category": self.category,
            "@their_category": self.their_risk.appetite_category,
            "@element": self.element,
            "@their_element": self.their_risk.elements.get(),
            "@executive": self.executive,
            "@ed": self.ed,
            "@chair": self.chair,
            "@outsider": self.outsider,
        }
        return {name: str(record.uuid) for name, record in found.items()}

    def resolve(self, raw: str) -> str:
        # Longest first, so that "@risk" does not eat the start of "@risks".
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
            self.assert_handled(self.call(method, url, self.governance, raw=raw))

    @FUZZ
    @given(data=st.data())
    def test_every_write_endpoint_never_fails_on_our_side(self, data: st.DataObject) -> None:
        # Every endpoint in each example, so that each gets as many bodies as the rest.
        for method, path, bodies in WRITES:
            self.send(method, path, data.draw(bodies, label=f"{method} {path}"))

    @FUZZ
    @given(
        path=st.sampled_from(
            ["/risks/@risk/close", "/operational-risks/@operational/close", "/risks/@risk/merge"]
        ),
        body=_anything_or(
            _shaped(
                merged_into=_value("@closed_risk", "@risk", "@their_risk"),
                reason=reason,
            )
        ),
    )
    def test_closing_or_merging_with_anything_never_fails_on_our_side(
        self, path: str, body: bytes
    ) -> None:
        self.send("POST", path, body)

    @FUZZ
    @given(reason=st.text())
    def test_removing_with_any_reason_never_fails_on_our_side(self, reason: str) -> None:
        for path in ("/operational-risks/@operational", "/appetite-categories/@category"):
            self.send("DELETE", f"{path}?reason={quote(reason)}")
