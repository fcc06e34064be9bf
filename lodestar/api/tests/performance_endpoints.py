"""Every performance endpoint (method, path template), for test_auth's schema check.

Each endpoint listed here must also be walked by this app's own access tests (outsider
404, a role without the capability 403, an allowed role 2xx): CALLS says, for each, which
capability it needs, a request it accepts and one it must refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lodestar.core.roles import Capability

Body = Callable[[Any], Any]
ORG = "/organisations/{org}"
M = ORG + "/metrics/{metric}"


@dataclass(frozen=True)
class Call:
    """How to call an endpoint as an allowed role, and how to call it wrongly.

    `body` is built from the test case, since it names the case's records. `bad` is a
    raw body and `bad_query` a query string that must be answered 400; `use` names
    records to put in the path for the accepted request.
    """

    capability: Capability
    body: Body | None = None
    bad: str = ""
    bad_query: str = ""
    use: dict[str, str] = field(default_factory=dict)
    ok: int = 200


READ = Capability.VIEW_PERFORMANCE
_REASON = "?reason=" + "x" * 501


def _metric(t: Any) -> dict[str, Any]:
    return {
        "code": "rtt-18",
        "name": "Referral to treatment within 18 weeks",
        "unit": "percent",
        "improvement_direction": "increase",
        "frequency": "monthly",
        "lead_executive": str(t.executive.uuid),
        "domain": "access",
        "target": 92,
    }


CALLS: dict[tuple[str, str], Call] = {
    ("GET", ORG + "/metrics"): Call(READ, bad_query="?domain=happiness"),
    ("POST", ORG + "/metrics"): Call(
        Capability.MANAGE_METRICS, _metric, bad='{"code": "x", "colour": "red"}', ok=201
    ),
    ("GET", M): Call(READ),
    ("PATCH", M): Call(
        Capability.MANAGE_METRICS, lambda t: {"target": 90}, bad='{"target": "high"}'
    ),
    ("DELETE", M): Call(
        Capability.MANAGE_METRICS, bad_query=_REASON, use={"metric": "spare"}, ok=204
    ),
    ("GET", M + "/observations"): Call(READ, bad_query="?since=yesterday"),
    ("POST", M + "/observations"): Call(
        Capability.SUBMIT_METRIC_DATA,
        lambda t: {"observations": [{"period": "2025-06-01", "value": 80}]},
        bad='{"observations": [{"period": "2025-06-01", "value": "eighty"}]}',
    ),
    ("GET", M + "/rebases"): Call(READ),
    ("POST", M + "/rebases"): Call(
        Capability.MANAGE_METRICS,
        lambda t: {"period": "2024-06-01", "reason": "New triage model"},
        bad='{"period": "2024-06-15", "reason": "Mid-month"}',
        ok=201,
    ),
    ("DELETE", M + "/rebases/{rebase}"): Call(
        Capability.MANAGE_METRICS, bad_query=_REASON, ok=204
    ),
    ("GET", M + "/targets"): Call(READ),
    ("POST", M + "/targets"): Call(
        Capability.MANAGE_METRICS,
        lambda t: {"period": "2025-04-01", "target": 78, "reason": "New planning year"},
        bad='{"period": "2025-04-15", "target": 78, "reason": "Mid-month"}',
        ok=201,
    ),
    ("DELETE", M + "/targets/{change}"): Call(
        Capability.MANAGE_METRICS, bad_query=_REASON, ok=204
    ),
    ("GET", M + "/narratives/{period}"): Call(READ),
    ("PUT", M + "/narratives/{period}"): Call(
        Capability.WRITE_METRIC_NARRATIVE,
        lambda t: {"what_the_chart_shows": "Common cause variation."},
        bad='{"root_cause": 42}',
    ),
    ("GET", M + "/spc"): Call(READ, bad_query="?period=2025-13"),
    ("GET", ORG + "/performance/summary"): Call(READ, bad_query="?period=March"),
}

ENDPOINTS: set[tuple[str, str]] = set(CALLS)
