"""The performance API: metric definitions, observations pushed in batches, rebases,
target changes, narratives, and the SPC analysis, each checked as a client would see it."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine

from lodestar.api.tests.helpers import ApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.performance.models import (
    Domain,
    Frequency,
    Metric,
    Narrative,
    Observation,
    Rebase,
    TargetChange,
    Unit,
)
from lodestar.performance.tests.builders import add_observations, make_metric
from lodestar.strategy.tests.builders import make_committee, make_element, make_strategy

D = datetime.date
# Two years of monthly A&E performance from April 2023, dropping sharply at the end.
VALUES = [76.0, 77, 75, 76, 78, 77, 76, 75, 77, 76, 78, 77, 76, 77, 75, 76, 78, 77, 76, 75]
VALUES += [77, 76, 66, 65]


class PerformanceApiTestCase(ApiTestCase):
    """RXM's A&E metric with two years of data, a rebase, a change of target after the data
    and a narrative; a spare metric with no data; an inactive one; and a metric of another
    trust."""

    metric: Metric
    spare: Metric
    inactive: Metric
    theirs: Metric
    rebase: Rebase
    change: TargetChange
    narrative: Narrative

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.metric = make_metric(cls.org, cls.executive, code="ae-4hr")
        add_observations(cls.metric, VALUES)
        cls.spare = make_metric(
            cls.org,
            cls.executive,
            code="sickness",
            name="Sickness absence",
            unit=Unit.PERCENT,
            improvement_direction="decrease",
            domain=Domain.PEOPLE,
            target=None,
        )
        cls.inactive = make_metric(cls.org, cls.executive, code="old", active=False)
        cls.theirs = make_metric(cls.other_org, cls.outsider, code="ae-4hr")
        cls.rebase = Rebase.objects.create(
            organisation=cls.org, metric=cls.metric, period=D(2024, 4, 1), reason="New front door"
        )
        cls.change = TargetChange.objects.create(
            organisation=cls.org,
            metric=cls.metric,
            period=D(2025, 6, 1),
            target=78.0,
            source="2025/26 operational planning guidance",
            reason="The interim standard for March 2026",
        )
        cls.narrative = Narrative.objects.create(
            organisation=cls.org,
            metric=cls.metric,
            period=D(2025, 3, 1),
            what_the_chart_shows="A fall below the lower limit.",
            author=cls.executive,
        )

    def state(self) -> tuple[Any, ...]:
        """Everything a bad request might have changed, to compare before and after."""
        return (
            *super().state(),
            *(
                list(model.objects.order_by("pk").values())
                for model in (Metric, Observation, Rebase, TargetChange, Narrative)
            ),
            list(Metric.elements.through.objects.order_by("pk").values()),
        )

    def metric_url(self, suffix: str = "", metric: Metric | None = None) -> str:
        return self.org_url(f"/metrics/{(metric or self.metric).uuid}{suffix}")

    def push(self, *observations: dict[str, Any], user: Any = None, **extra: Any) -> Any:
        body = {"observations": list(observations), **extra}
        return self.call("POST", self.metric_url("/observations"), user or self.analyst, body)


class MetricDefinitionTests(PerformanceApiTestCase):
    def new(self, **changes: Any) -> dict[str, Any]:
        return {
            "code": "rtt-18",
            "name": "Referral to treatment within 18 weeks",
            "unit": "percent",
            "improvement_direction": "increase",
            "frequency": "monthly",
            "lead_executive": str(self.executive.uuid),
            "domain": "access",
            "target": 92,
            "target_source": "NHS constitutional standard",
            **changes,
        }

    def test_every_member_lists_the_metrics_and_may_choose_a_domain(self) -> None:
        everything = self.call("GET", self.org_url("/metrics"), self.staff).json()
        self.assertEqual([m["code"] for m in everything], ["ae-4hr", "old", "sickness"])
        people = self.call("GET", self.org_url("/metrics?domain=people"), self.staff).json()
        self.assertEqual([m["code"] for m in people], ["sickness"])
        active = self.call("GET", self.org_url("/metrics?active=false"), self.staff).json()
        self.assertEqual([m["code"] for m in active], ["old"])
        self.assertEqual(everything[0]["lead_executive"]["username"], "erin")
        self.assertEqual(everything[0]["domain_label"], "Access and operational performance")

    def test_an_analyst_creates_a_metric_linked_to_an_element_and_a_committee(self) -> None:
        element = make_element(make_strategy(self.org, title="Ours"), title="Timely care")
        quality = make_committee(self.org, "Quality Committee")
        body = self.new(elements=[str(element.uuid)], committee=str(quality.uuid))

        response = self.call("POST", self.org_url("/metrics"), self.analyst, body)

        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(
            (data["code"], data["target"], data["frequency"]), ("rtt-18", 92, "monthly")
        )
        self.assertEqual([e["title"] for e in data["elements"]], ["Timely care"])
        self.assertEqual(data["committee"]["name"], "Quality Committee")
        created = Metric.objects.get(organisation=self.org, code="rtt-18")
        entry = AuditEntry.objects.order_by("-pk").first()
        assert entry is not None
        self.assertEqual((entry.action, entry.object_uuid), ("create", created.uuid))

    def test_a_code_in_use_here_is_a_conflict_but_another_trusts_code_is_not(self) -> None:
        response = self.call("POST", self.org_url("/metrics"), self.analyst, self.new(code="old"))
        self.assert_error(response, 409, field="code")
        theirs = self.call(
            "POST",
            self.org_url("/metrics", self.other_org),
            self.outsider,
            self.new(code="rtt-18", lead_executive=str(self.outsider.uuid)),
        )
        self.assertNotEqual(theirs.status_code, 409)

    def test_bad_definitions_are_refused_naming_the_field_and_change_nothing(self) -> None:
        outsider_element = make_element(make_strategy(self.other_org, title="Theirs"))
        cases = [
            (self.new(lead_executive=str(self.analyst.uuid)), "lead_executive", "executive"),
            (self.new(lead_executive=str(self.outsider.uuid)), "lead_executive", "executive"),
            (self.new(elements=[str(outsider_element.uuid)]), "elements", "Link only"),
            (self.new(code="A&E 4 hours"), "code", "letters, digits"),
            (self.new(target="95%"), "target", "Give a number"),
            (self.new(fix_after=6), "fix_after", "at least 12"),
            (self.new(name=None), "name", "null is not allowed"),
            (self.new(colour="red"), "colour", "not a field we accept"),
            (self.new(frequency="hourly"), "frequency", "Choose one of"),
        ]
        before = self.state()
        for body, field, says in cases:
            with self.subTest(field=field):
                response = self.call("POST", self.org_url("/metrics"), self.analyst, body)
                self.assert_error(response, 400, field=field, says=says)
        self.assertEqual(self.state(), before)

    def test_a_target_of_nan_or_infinity_is_refused(self) -> None:
        for raw in ("NaN", "Infinity", "1e999"):
            with self.subTest(raw=raw):
                body = '{"target": %s}' % raw  # noqa: UP031 - raw JSON on purpose
                response = self.call("PATCH", self.metric_url(), self.analyst, raw=body)
                self.assert_error(response, 400, field="target")

    def test_a_governance_officer_changes_the_target_and_null_clears_it(self) -> None:
        response = self.call("PATCH", self.metric_url(), self.governance, {"target": 90})
        self.assertEqual(response.json()["target"], 90)
        response = self.call("PATCH", self.metric_url(), self.governance, {"target": None})
        self.assertIsNone(response.json()["target"])
        self.assertEqual(response.json()["code"], "ae-4hr")

    def test_a_change_with_nothing_in_it_is_refused(self) -> None:
        response = self.call("PATCH", self.metric_url(), self.analyst, {"reason": "tidy"})
        self.assert_error(response, 400, says="Send at least one field to change")

    def test_a_frequency_that_the_data_does_not_fit_is_a_conflict(self) -> None:
        response = self.call("PATCH", self.metric_url(), self.analyst, {"frequency": "weekly"})
        self.assert_error(response, 409, field="frequency")

    def test_a_metric_without_data_may_be_deleted_but_one_with_data_is_kept(self) -> None:
        response = self.call("DELETE", self.metric_url(metric=self.spare), self.analyst)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Metric.objects.filter(pk=self.spare.pk).exists())
        response = self.call("DELETE", self.metric_url(), self.analyst)
        self.assert_error(response, 409, says="Mark it inactive instead")
        self.assertTrue(Metric.objects.filter(pk=self.metric.pk).exists())

    def test_another_trusts_metric_is_not_found_here(self) -> None:
        response = self.call("GET", self.metric_url(metric=self.theirs), self.admin)
        self.assert_error(response, 404, says="no such metric")


class ObservationPushTests(PerformanceApiTestCase):
    def test_an_analyst_pushes_new_and_corrected_values_in_one_audited_batch(self) -> None:
        entries = AuditEntry.objects.count()
        response = self.push(
            {"period": "2025-04-01", "value": 70.5, "numerator": 705, "denominator": 1000},
            {"period": "2025-03-01", "value": 65, "note": "Corrected after validation"},
            {"period": "2025-02-01", "value": 66},
            reason="Monthly submission",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"created": 1, "changed": 1, "unchanged": 1})
        self.assertEqual(AuditEntry.objects.count(), entries + 1)
        entry = AuditEntry.objects.order_by("-pk").first()
        assert entry is not None
        self.assertEqual(entry.reason, "Monthly submission")
        april = self.metric.observations.get(period=D(2025, 4, 1))
        self.assertEqual((april.value, april.numerator, april.denominator), (70.5, 705, 1000))

    def test_the_observations_are_listed_in_period_order_and_may_be_narrowed(self) -> None:
        url = self.metric_url("/observations?since=2025-01-01&until=2025-02-28")
        data = self.call("GET", url, self.staff).json()
        self.assertEqual(
            [(o["period"], o["value"]) for o in data], [("2025-01-01", 76.0), ("2025-02-01", 66.0)]
        )

    def test_every_bad_row_is_named_by_index_and_field_and_nothing_is_saved(self) -> None:
        before = self.state()
        response = self.push(
            {"period": "2025-04-01", "value": 70},
            {"period": "2025-05-15", "value": 70},
            {"period": "2025-06-01", "value": 70, "numerator": 7},
            {"period": "2025-07-01", "value": 70, "numerator": 7, "denominator": 0},
            {"period": "2025-08-01", "value": 70, "numerator": 7, "denominator": 100},
            {"period": "2025-04-01", "value": 71},
        )
        data = self.assert_error(response, 400)
        self.assertEqual(
            sorted(data["fields"]),
            [
                "observations.1.period",
                "observations.2.denominator",
                "observations.3.denominator",
                "observations.4.value",
                "observations.5.period",
            ],
        )
        self.assertIn("first day of the month", data["fields"]["observations.1.period"][0])
        self.assertEqual(self.state(), before)

    def test_malformed_rows_are_named_by_index_and_field(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"period": "2025-04-01", "value": "seventy"}, "observations.0.value"),
            ({"period": "01/04/2025", "value": 70}, "observations.0.period"),
            ({"period": "2025-04-01"}, "observations.0.value"),
            ({"period": "2025-04-01", "value": 70, "colour": "red"}, "observations.0.colour"),
            ({"period": "2025-04-01", "value": 70, "note": "x" * 301}, "observations.0.note"),
            ({"period": "2025-04-01", "value": True}, "observations.0.value"),
            ({"period": "2025-04-01", "value": 1e300}, "observations.0.value"),
        ]
        before = self.state()
        for row, field in cases:
            with self.subTest(field=field, row=row):
                self.assert_error(self.push(row), 400, field=field)
        self.assertEqual(self.state(), before)

    def test_an_empty_batch_an_unknown_field_and_a_nul_byte_are_refused(self) -> None:
        before = self.state()
        self.assert_error(self.push(), 400, field="observations")
        self.assert_error(
            self.push({"period": "2025-04-01", "value": 1}, colour="red"), 400, field="colour"
        )
        nul = self.push({"period": "2025-04-01", "value": 1, "note": "a\x00b"})
        self.assert_error(nul, 400, says="NUL")
        raw = self.call("POST", self.metric_url("/observations"), self.analyst, raw=b"\x00")
        self.assert_error(raw, 400, says="NUL")
        self.assertEqual(self.state(), before)

    def test_null_numerator_and_denominator_mean_none(self) -> None:
        response = self.push(
            {"period": "2025-04-01", "value": 70, "numerator": None, "denominator": None}
        )
        self.assertEqual(response.json()["created"], 1)

    def test_an_inactive_metric_takes_no_data(self) -> None:
        before = self.state()
        url = self.metric_url("/observations", metric=self.inactive)
        body = {"observations": [{"period": "2025-04-01", "value": 70}]}
        response = self.call("POST", url, self.analyst, body)
        self.assert_error(response, 409, says="no longer active")
        self.assertEqual(self.state(), before)

    def test_a_governance_officer_may_not_submit_data(self) -> None:
        before = self.state()
        response = self.push({"period": "2025-04-01", "value": 70}, user=self.governance)
        self.assert_error(response, 403, says="submit metric data")
        self.assertEqual(self.state(), before)


class RebaseAndNarrativeTests(PerformanceApiTestCase):
    def test_rebases_are_listed_added_and_removed(self) -> None:
        listed = self.call("GET", self.metric_url("/rebases"), self.staff).json()
        self.assertEqual(
            [(r["period"], r["reason"]) for r in listed], [("2024-04-01", "New front door")]
        )
        body = {"period": "2024-10-01", "reason": "Urgent treatment centre opened"}
        response = self.call("POST", self.metric_url("/rebases"), self.governance, body)
        self.assertEqual(response.status_code, 201, response.content)
        added = Rebase.objects.get(uuid=response.json()["uuid"])
        response = self.call("DELETE", self.metric_url(f"/rebases/{added.uuid}"), self.governance)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Rebase.objects.filter(pk=added.pk).exists())

    def test_a_rebase_must_start_a_period_and_not_repeat_one(self) -> None:
        before = self.state()
        for period in ("2024-10-15", "2024-04-01"):
            with self.subTest(period=period):
                body = {"period": period, "reason": "Change"}
                response = self.call("POST", self.metric_url("/rebases"), self.analyst, body)
                self.assert_error(response, 400, field="period")
        self.assertEqual(self.state(), before)

    def test_another_metrics_rebase_is_not_found_here(self) -> None:
        url = self.metric_url(f"/rebases/{self.rebase.uuid}", metric=self.spare)
        self.assert_error(self.call("DELETE", url, self.analyst), 404, says="no such rebase")

    def test_the_narrative_for_a_month_is_read_and_rewritten(self) -> None:
        url = self.metric_url("/narratives/2025-03")
        data = self.call("GET", url, self.staff).json()
        self.assertEqual((data["period"], data["author"]["username"]), ("2025-03", "erin"))
        body = {"what_the_chart_shows": "Special cause concern.", "actions": "Extra triage."}
        response = self.call("PUT", url, self.analyst, body)
        self.assertEqual(response.status_code, 200, response.content)
        self.narrative.refresh_from_db()
        self.assertEqual(self.narrative.actions, "Extra triage.")
        self.assertEqual(self.narrative.author, self.analyst)

    def test_a_narrative_for_a_new_month_is_created_by_an_executive(self) -> None:
        url = self.metric_url("/narratives/2025-04")
        self.assert_error(self.call("GET", url, self.staff), 404, says="April 2025")
        response = self.call("PUT", url, self.executive, {"risks": "Winter pressures."})
        self.assertEqual(response.json()["risks"], "Winter pressures.")
        self.assertEqual(self.call("GET", url, self.staff).status_code, 200)

    def test_a_period_that_is_not_a_month_is_refused(self) -> None:
        for period in ("2025-13", "March", "2025-03-01"):
            with self.subTest(period=period):
                url = self.metric_url(f"/narratives/{period}")
                self.assert_error(self.call("GET", url, self.staff), 400, field="period")
                response = self.call("PUT", url, self.analyst, {"risks": "x"})
                self.assert_error(response, 400, field="period")


class TargetChangeTests(PerformanceApiTestCase):
    def add(self, user: Any = None, **body: Any) -> Any:
        body = {"period": "2024-10-01", "target": 60, "reason": "Interim ambition", **body}
        return self.call("POST", self.metric_url("/targets"), user or self.governance, body)

    def test_every_member_lists_the_changes_in_period_order(self) -> None:
        self.add(period="2024-01-01", target=None, reason="Paused")
        listed = self.call("GET", self.metric_url("/targets"), self.staff).json()
        self.assertEqual(
            [(c["period"], c["target"], c["source"]) for c in listed],
            [
                ("2024-01-01", None, ""),
                ("2025-06-01", 78.0, "2025/26 operational planning guidance"),
            ],
        )
        self.assertEqual(listed[1]["reason"], "The interim standard for March 2026")

    def test_a_governance_officer_adds_a_change_and_it_is_audited(self) -> None:
        response = self.add(source="Board decision", reason=" Interim ambition ")
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(
            (data["period"], data["target"], data["source"], data["reason"]),
            ("2024-10-01", 60.0, "Board decision", "Interim ambition"),
        )
        made = TargetChange.objects.get(uuid=data["uuid"])
        entry = AuditEntry.objects.order_by("-pk").first()
        assert entry is not None
        self.assertEqual((entry.action, entry.object_uuid), ("create", made.uuid))
        self.assertEqual(entry.actor, self.governance)

    def test_null_is_no_target_from_that_period(self) -> None:
        response = self.add(target=None)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIsNone(response.json()["target"])

    def test_the_spc_judges_the_latest_point_against_the_target_then_in_force(self) -> None:
        self.add(target=60)
        data = self.call("GET", self.metric_url("/spc"), self.staff).json()
        self.assertEqual(data["target"], 60.0)
        self.assertEqual(data["assurance_icon"], "pass")
        self.assertEqual(
            [(t["period"], t["target"]) for t in data["targets"]],
            [(None, 95.0), ("2024-10-01", 60.0), ("2025-06-01", 78.0)],
        )
        self.assertEqual(data["targets"][0]["source"], "NHS constitutional standard")
        earlier = self.call("GET", self.metric_url("/spc?period=2024-09"), self.staff).json()
        self.assertEqual((earlier["target"], earlier["assurance_icon"]), (95.0, "fail"))
        summary = self.call("GET", self.org_url("/performance/summary"), self.staff).json()
        [row] = [r for r in summary["metrics"] if r["metric"]["code"] == "ae-4hr"]
        self.assertEqual((row["target"], row["assurance_icon"]), (60.0, "pass"))

    def test_a_metric_tells_the_target_from_the_start_and_the_target_in_force_today(
        self,
    ) -> None:
        for today, now, source in (
            (datetime.datetime(2025, 5, 31, 12, tzinfo=datetime.UTC), 95.0, "NHS"),
            (datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), 78.0, "2025/26"),
        ):
            with self.subTest(today=today), time_machine.travel(today, tick=False):
                data = self.call("GET", self.metric_url(), self.staff).json()
                self.assertEqual((data["target"], data["target_now"]), (95.0, now))
                self.assertTrue(data["target_now_source"].startswith(source))
                [listed] = [
                    m
                    for m in self.call("GET", self.org_url("/metrics"), self.staff).json()
                    if m["code"] == "ae-4hr"
                ]
                self.assertEqual(listed["target_now"], now)

    def test_bad_changes_are_refused_naming_the_field_and_change_nothing(self) -> None:
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({"period": "2024-10-15"}, "period", "first day of the month"),
            ({"period": "2025-06-01"}, "period", "already changes from June 2025"),
            ({"period": "October"}, "period", "YYYY-MM-DD"),
            ({"period": None}, "period", "null is not allowed"),
            ({"target": "60"}, "target", "Give a number"),
            ({"target": 1e16}, "target", "below"),
            ({"target": True}, "target", "Give a number"),
            ({"reason": ""}, "reason", "cannot be blank"),
            ({"source": "x" * 301}, "source", "300"),
            ({"colour": "red"}, "colour", "not a field we accept"),
        ]
        before = self.state()
        for body, field, says in cases:
            with self.subTest(field=field, body=body):
                self.assert_error(self.add(self.analyst, **body), 400, field=field, says=says)
        for number in ("NaN", "Infinity"):
            with self.subTest(number=number):
                raw = '{"period": "2024-10-01", "target": %s, "reason": "x"}' % number  # noqa: UP031
                response = self.call("POST", self.metric_url("/targets"), self.analyst, raw=raw)
                self.assert_error(response, 400, field="target")
        self.assertEqual(self.state(), before)

    def test_a_missing_target_or_reason_is_named(self) -> None:
        body = {"period": "2024-10-01"}
        response = self.call("POST", self.metric_url("/targets"), self.analyst, body)
        data = self.assert_error(response, 400)
        self.assertEqual(set(data["fields"]), {"target", "reason"})

    def test_executives_and_staff_may_not_change_a_target(self) -> None:
        before = self.state()
        for person in (self.executive, self.staff, self.chair):
            with self.subTest(person=person.username):
                self.assert_error(self.add(person), 403, says="change metric definitions")
        self.assertEqual(self.state(), before)

    def test_a_change_is_removed_with_the_reason_in_the_audit_trail(self) -> None:
        url = self.metric_url(f"/targets/{self.change.uuid}?reason=Wrong%20year")
        response = self.call("DELETE", url, self.analyst)
        self.assertEqual(response.status_code, 204, response.content)
        self.assertFalse(TargetChange.objects.filter(pk=self.change.pk).exists())
        entry = AuditEntry.objects.order_by("-pk").first()
        assert entry is not None
        self.assertEqual((entry.action, entry.reason), ("delete", "Wrong year"))
        self.assertEqual(entry.object_uuid, self.change.uuid)

    def test_another_metrics_change_is_not_found_here(self) -> None:
        before = self.state()
        url = self.metric_url(f"/targets/{self.change.uuid}", metric=self.spare)
        self.assert_error(
            self.call("DELETE", url, self.analyst), 404, says="no such target change"
        )
        self.assertEqual(self.state(), before)


class AnalysisTests(PerformanceApiTestCase):
    def test_the_spc_of_a_metric_has_its_points_limits_and_icons(self) -> None:
        data = self.call("GET", self.metric_url("/spc"), self.staff).json()
        self.assertEqual(len(data["points"]), 24)
        self.assertEqual([p["baseline"] for p in data["points"]], [0] * 12 + [1] * 12)
        last = data["points"][-1]
        self.assertEqual((last["period"], last["value"]), ("2025-03-01", 65.0))
        self.assertLess(last["value"], last["lower_limit"])
        self.assertEqual(last["point_type"], "special_cause_concern")
        self.assertEqual(
            (data["variation_icon"], data["assurance_icon"], data["is_exception"]),
            ("concern_low", "fail", True),
        )
        self.assertEqual(data["rebases"][0]["reason"], "New front door")
        self.assertEqual(data["target"], 95.0)

    def test_the_spc_up_to_a_month_stops_at_its_end(self) -> None:
        data = self.call("GET", self.metric_url("/spc?period=2024-12"), self.staff).json()
        self.assertEqual(data["points"][-1]["period"], "2024-12-01")
        self.assertEqual(data["variation"], "common_cause")

    def test_the_summary_has_every_active_metric_with_its_latest_value(self) -> None:
        data = self.call("GET", self.org_url("/performance/summary"), self.staff).json()
        self.assertIsNone(data["period"])
        rows = {row["metric"]["code"]: row for row in data["metrics"]}
        self.assertEqual(set(rows), {"ae-4hr", "sickness"})
        self.assertEqual(rows["ae-4hr"]["latest"]["value"], 65.0)
        self.assertTrue(rows["ae-4hr"]["is_exception"])
        self.assertIsNone(rows["sickness"]["latest"])
        self.assertEqual(rows["sickness"]["variation_icon"], "")

    def test_the_summary_for_a_month_uses_data_up_to_its_end(self) -> None:
        url = self.org_url("/performance/summary?period=2024-12")
        data = self.call("GET", url, self.staff).json()
        self.assertEqual(data["period"], "2024-12")
        [row] = [r for r in data["metrics"] if r["metric"]["code"] == "ae-4hr"]
        self.assertEqual(row["latest"]["period"], "2024-12-01")
        self.assertEqual((row["variation"], row["assurance"]), ("common_cause", "consistent_fail"))

    def test_the_summary_flags_metrics_whose_data_are_late_for_the_month(self) -> None:
        late = make_metric(self.org, self.executive, code="turnover", target=None)
        add_observations(late, VALUES[:22])  # to January 2025; ae-4hr goes on to March
        for query, expected in (
            # Without a month, as the report: the latest month with any data, March 2025.
            ("", {"ae-4hr": False, "sickness": False, "turnover": True}),
            ("?period=2025-03", {"ae-4hr": False, "sickness": False, "turnover": True}),
            ("?period=2025-01", {"ae-4hr": False, "sickness": False, "turnover": False}),
        ):
            with self.subTest(query=query):
                url = self.org_url("/performance/summary" + query)
                data = self.call("GET", url, self.staff).json()
                self.assertEqual(
                    {r["metric"]["code"]: r["data_late"] for r in data["metrics"]}, expected
                )
                # Late is not an exception: the icons are the latest there are.
                [row] = [r for r in data["metrics"] if r["metric"]["code"] == "turnover"]
                self.assertFalse(row["is_exception"])

    def test_a_month_that_is_not_one_is_refused(self) -> None:
        for url in (
            self.org_url("/performance/summary?period=12-2024"),
            self.metric_url("/spc?period=2024-00"),
        ):
            with self.subTest(url=url):
                self.assert_error(self.call("GET", url, self.staff), 400, field="period")

    def test_a_weekly_metric_includes_every_week_of_the_month(self) -> None:
        weekly = make_metric(self.org, self.executive, code="falls", frequency=Frequency.WEEKLY)
        add_observations(weekly, [3.0, 4, 5, 6, 7], start=D(2025, 1, 6))
        data = self.call(
            "GET", self.metric_url("/spc?period=2025-01", metric=weekly), self.staff
        ).json()
        self.assertEqual([p["period"] for p in data["points"]][-1], "2025-01-27")
