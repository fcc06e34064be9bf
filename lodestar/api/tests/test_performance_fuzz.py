"""Whatever arrives at a performance endpoint, the answer is never a server error.

As in test_fuzz, Hypothesis sends arbitrary bytes and JSON, and also bodies shaped like
each endpoint's requests, mixing plausible values with hostile ones so that many get past
the schema and reach the services, the database and the SPC engine. After each example
that changed data, the chart and the summary must still be answered.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lodestar.api.tests.test_fuzz import FUZZ, _anything_or, _shaped, _value, json_values
from lodestar.api.tests.test_performance import PerformanceApiTestCase
from lodestar.performance.models import (
    DataQuality,
    Domain,
    Frequency,
    ImprovementDirection,
    Unit,
)

period = _value(
    "2025-04-01", "2025-05-01", "2024-04-01", "2025-04-15", "2025-02-30", "1900-01-01",
    "9999-12-01", "0001-01-01", "2025-04", "01/04/2025",
)  # fmt: skip
number = _value(70, 70.5, 0, -1, 1e15, 1e16, 1e308, 10**400, 5e-324, "70", True, None)
row = _shaped(
    ("period", "value"),
    period=period,
    value=number,
    numerator=_value(7, 0, -7, None, 1e308),
    denominator=_value(10, 0, -10, None, 5e-324),
    note=_value("", "Validated", "x" * 301, "\x00"),
).map(json.loads)
batch = _anything_or(
    st.fixed_dictionaries(
        {"observations": st.lists(row, max_size=6) | json_values},
        optional={"reason": _value("Monthly", "x" * 501), "extra": st.text()},
    ).map(lambda v: json.dumps(v).encode())
)
metric_fields = {
    "code": _value("rtt-18", "ae-4hr", "sickness", "A&E", "x" * 41, ""),
    "name": _value("Referral to treatment", "", "x" * 201),
    "unit": _value(*Unit.values, "furlongs"),
    "improvement_direction": _value(*ImprovementDirection.values, "sideways"),
    "target": number,
    "frequency": _value(*Frequency.values, "hourly"),
    "lead_executive": _value("@executive", "@analyst", "@outsider", str(uuid.uuid4())),
    "committee": _value(None, str(uuid.uuid4())),
    "domain": _value(*Domain.values, "happiness"),
    "elements": _value([], [str(uuid.uuid4())], "nope"),
    "data_quality": _value(*DataQuality.values, "perfect"),
    "fix_after": _value(None, 12, 11, 2**40, 12.5),
    "screen_outliers": _value(True, False, "yes"),
    "active": _value(True, False),
}
REQUIRED_METRIC_FIELDS = (
    "code", "name", "unit", "improvement_direction", "frequency", "lead_executive", "domain",
)  # fmt: skip
WRITES: list[tuple[str, str, st.SearchStrategy[bytes]]] = [
    ("POST", "/metrics/@metric/observations", batch),
    (
        "POST",
        "/metrics",
        _anything_or(
            _shaped(
                REQUIRED_METRIC_FIELDS,
                **metric_fields,
            )
        ),
    ),
    ("PATCH", "/metrics/@metric", _anything_or(_shaped((), **metric_fields))),
    (
        "POST",
        "/metrics/@metric/rebases",
        _anything_or(_shaped(("period", "reason"), period=period, reason=_value("New", ""))),
    ),
    (
        "POST",
        "/metrics/@metric/targets",
        _anything_or(
            _shaped(
                ("period", "target", "reason"),
                period=period,
                target=number,
                source=_value("", "Planning guidance", "x" * 301, "\x00"),
                reason=_value("New year", "", "x" * 2001),
            )
        ),
    ),
    (
        "PUT",
        "/metrics/@metric/narratives/" + "2025-03",
        _anything_or(_shaped(what_the_chart_shows=_value("Better", "\x00"), risks=_value("", 42))),
    ),
]
months = st.sampled_from(["2025-03", "2025-13", "0000-01", "9999-12", "March", ""]) | st.text()


class PerformanceFuzzTests(HypothesisTestCase, PerformanceApiTestCase):
    def resolve(self, raw: str) -> str:
        names = {
            "@metric": self.metric.uuid,
            "@executive": self.executive.uuid,
            "@analyst": self.analyst.uuid,
            "@outsider": self.outsider.uuid,
        }
        for name, value in names.items():
            raw = raw.replace(name, str(value))
        return raw

    def send(self, method: str, path: str, body: bytes | None = None) -> None:
        raw = (
            None
            if body is None
            else self.resolve(body.decode("utf-8", "surrogateescape")).encode(
                "utf-8", "surrogateescape"
            )
        )
        with self.assertNoLogs("lodestar.api.errors", "WARNING"):
            response = self.call(method, self.org_url(self.resolve(path)), self.admin, raw=raw)
        self.assertLess(response.status_code, 500, response.content)
        if response.status_code >= 400:
            self.assertIsInstance(response.json().get("error"), str)

    @FUZZ
    @given(data=st.data())
    def test_every_write_endpoint_never_fails_on_our_side(self, data: st.DataObject) -> None:
        for method, path, bodies in WRITES:
            self.send(method, path, data.draw(bodies, label=f"{method} {path}"))
        # Whatever was saved must still be analysed and drawn.
        self.send("GET", "/metrics/@metric/spc")
        self.send("GET", "/performance/summary")

    @FUZZ
    @given(month=months, reason=st.text())
    def test_reading_and_removing_with_any_query_never_fails_on_our_side(
        self, month: str, reason: str
    ) -> None:
        self.send("GET", f"/metrics/@metric/spc?period={quote(month)}")
        self.send("GET", f"/performance/summary?period={quote(month)}")
        # A slash would make it another address, outside the API's routes.
        segment = quote(month.replace("/", "-"), safe="")
        self.send("GET", f"/metrics/@metric/narratives/{segment}")
        self.send("GET", f"/metrics/@metric/observations?since={quote(month)}")
        self.send("DELETE", f"/metrics/{self.spare.uuid}?reason={quote(reason)}")

    @FUZZ
    @given(body=_anything_or(st.just(b"{}")))
    def test_deleting_a_rebase_or_listing_with_any_body_never_fails(self, body: bytes) -> None:
        self.send("DELETE", f"/metrics/@metric/rebases/{self.rebase.uuid}", body)
        self.send("DELETE", f"/metrics/@metric/targets/{self.change.uuid}", body)
        self.send("GET", "/metrics?domain=" + quote(body.decode("utf-8", "replace")[:20]))
