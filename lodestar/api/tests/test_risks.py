"""What the risk endpoints do: strategic risks and their parts, reviews, the BAF overview,
the register, and the settings. Who may call them is in test_risks_access."""

from __future__ import annotations

import datetime
import io
from typing import Any

import time_machine
from openpyxl import load_workbook

from lodestar.api.tests.risk_endpoints import RATINGS, RiskApiTestCase
from lodestar.audit.models import AuditEntry
from lodestar.risk.matrix import risk_settings_for
from lodestar.risk.models import OperationalRisk, RiskStatus, StrategicRisk
from lodestar.risk.tests.builders import make_operational_risk, make_strategic_risk

NOW = datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC)


def new_risk(t: RiskApiTestCase, **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "SR10",
        "title": "Unable to meet demand for crisis care",
        "cause": "If demand for crisis care keeps rising faster than capacity",
        "event": "there is a risk that people wait too long in crisis",
        "effect": "resulting in harm and lost confidence.",
        "executive_lead": str(t.executive.uuid),
        "committee": str(t.committee.uuid),
        "appetite_category": str(t.category.uuid),
        "elements": [str(t.element.uuid)],
        **RATINGS,
        "next_review_on": "2025-12-31",
    }
    body.update(kw)
    return body


@time_machine.travel(NOW, tick=False)
class StrategicRiskApiTests(RiskApiTestCase):
    def test_a_governance_officer_creates_a_risk_scored_on_the_matrix(self) -> None:
        response = self.call("POST", self.org_url("/risks"), self.governance, new_risk(self))
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(data["reference"], "SR10")
        self.assertEqual(
            [(data[p]["score"], data[p]["band"]) for p in ("inherent", "current", "target")],
            [(20, "Extreme"), (15, "Extreme"), (8, "High")],
        )
        self.assertEqual(data["elements"][0]["uuid"], str(self.element.uuid))
        self.assertEqual(data["appetite_category"]["level_label"], "Cautious")
        self.assertEqual(data["flags"]["above_tolerance"], True)  # 15 > Finance's 12
        self.assertEqual(data["trend"], "new")
        risk = StrategicRisk.objects.get(reference="SR10")
        self.assertTrue(AuditEntry.objects.filter(object_uuid=risk.uuid).exists())

    def test_bad_fields_are_refused_each_by_name_and_nothing_is_saved(self) -> None:
        before = self.state()
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({"current_likelihood": 6}, "current_likelihood", "at most 5"),
            ({"current_likelihood": True}, "current_likelihood", "whole number"),
            ({"target_consequence": "3"}, "target_consequence", "whole number"),
            ({"title": ""}, "title", "cannot be blank"),
            ({"next_review_on": "31/12/2025"}, "next_review_on", "YYYY-MM-DD"),
            ({"elements": "everything"}, "elements", "Give a list"),
            ({"executive_lead": str(self.outsider.uuid)}, "executive_lead", "executive director"),
            ({"executive_lead": str(self.chair.uuid)}, "executive_lead", "not an executive"),
            ({"committee": str(self.element.uuid)}, "committee", "own boards"),
            ({"appetite_category": str(self.risk.uuid)}, "appetite_category", "appetite"),
            ({"elements": []}, "elements", "at least one"),
            ({"current_likelihood": 5}, "current_likelihood", "above the inherent score"),
        ]
        for change, field, says in cases:
            with self.subTest(field=field, change=change):
                body = new_risk(self, **change)
                response = self.call("POST", self.org_url("/risks"), self.governance, body)
                data = self.assert_error(response, 400, field=field)
                self.assertIn(says, " ".join(data["fields"][field]))
        self.assertEqual(self.state(), before)

    def test_unknown_fields_and_nul_characters_are_refused(self) -> None:
        url = self.org_url("/risks")
        response = self.call("POST", url, self.governance, new_risk(self, score=25))
        data = self.assert_error(response, 400, field="score")
        self.assertEqual(data["fields"]["score"], ["This is not a field we accept here."])
        response = self.call("POST", url, self.governance, new_risk(self, title="Bad\x00"))
        self.assert_error(response, 400, says="NUL character")
        self.assertFalse(StrategicRisk.objects.filter(reference="SR10").exists())

    def test_a_reference_already_used_is_a_conflict(self) -> None:
        body = new_risk(self, reference="sr1")
        response = self.call("POST", self.org_url("/risks"), self.governance, body)
        self.assert_error(response, 409, field="reference", says="already used")

    def test_the_lead_changes_their_risk_but_may_not_hand_it_on(self) -> None:
        url = self.org_url(f"/risks/{self.risk.uuid}")
        response = self.call("PATCH", url, self.executive, {"target_date": "2026-03-31"})
        self.assertEqual(response.json()["target_date"], "2026-03-31")
        response = self.call("PATCH", url, self.executive, {"executive_lead": str(self.ed.uuid)})
        self.assert_error(response, 403, says="another executive lead")
        response = self.call("PATCH", url, self.executive, {})
        self.assert_error(response, 400, says="at least one field")

    def test_a_review_sets_the_current_score_and_the_trend(self) -> None:
        url = self.org_url(f"/risks/{self.risk.uuid}/reviews")
        body = {"reviewed_on": "2025-09-30", "likelihood": 5, "consequence": 4, "rationale": "Up."}
        response = self.call("POST", url, self.executive, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["score"], response.json()["band"]), (20, "Extreme"))
        risk = self.call("GET", self.org_url(f"/risks/{self.risk.uuid}"), self.chair).json()
        self.assertEqual(risk["current"]["score"], 20)
        self.assertEqual(risk["trend"], "up")
        self.assertEqual(risk["last_reviewed_on"], "2025-09-30")
        reviews = self.call("GET", url, self.chair).json()
        self.assertEqual([r["score"] for r in reviews], [16, 20])

    def test_the_detail_lists_every_part_and_the_operational_risks_feeding_it(self) -> None:
        make_operational_risk(self.org, self.executive, reference="CR9", strategic_risk=self.risk)
        data = self.call("GET", self.org_url(f"/risks/{self.risk.uuid}"), self.chair).json()
        self.assertEqual(data["controls"][0]["kind_label"], "Key control")
        self.assertEqual(data["assurances"][0]["line"], "first")
        self.assertEqual(data["assurance_gaps"][0]["description"], "No audit yet.")
        self.assertEqual(data["actions"][0]["overdue"], True)
        self.assertEqual(data["flags"]["overdue_actions"], 1)
        self.assertEqual(data["assurance"], "Reasonable")
        self.assertEqual([r["reference"] for r in data["operational_risks"]], ["CR9"])

    def test_merging_moves_the_operational_risks_to_the_risk_merged_into(self) -> None:
        feeder = make_operational_risk(
            self.org, self.executive, reference="CR9", strategic_risk=self.risk
        )
        url = self.org_url(f"/risks/{self.risk.uuid}/merge")
        body = {"merged_into": str(self.into.uuid), "reason": "Same risk."}
        data = self.call("POST", url, self.governance, body).json()
        self.assertEqual((data["status"], data["merged_into"]["reference"]), ("merged", "SR2"))
        feeder.refresh_from_db()
        self.assertEqual(feeder.strategic_risk, self.into)
        response = self.call("POST", url, self.governance, body)
        self.assert_error(response, 409, says="merged into another risk")

    def test_closing_needs_a_reason(self) -> None:
        url = self.org_url(f"/risks/{self.risk.uuid}/close")
        self.assert_error(self.call("POST", url, self.governance, {}), 400, field="reason")
        data = self.call("POST", url, self.governance, {"reason": "Gone."}).json()
        self.assertEqual(data["status"], "closed")

    def test_the_baf_lists_the_open_risks_with_escalated_register_risks(self) -> None:
        make_operational_risk(
            self.org,
            self.executive,
            reference="CR9",
            strategic_risk=self.risk,
            current_likelihood=5,
            current_consequence=3,
        )
        make_strategic_risk(self.org, self.ed, reference="SR9", status=RiskStatus.CLOSED)
        data = self.call("GET", self.org_url("/baf"), self.chair).json()
        self.assertEqual([row["risk"]["reference"] for row in data["rows"]], ["SR1", "SR2", "SR3"])
        first = data["rows"][0]
        self.assertEqual(first["escalated_operational_risks"][0]["reference"], "CR9")
        self.assertEqual((first["current"]["score"], first["flags"]["escalated"]), (16, True))
        self.assertEqual(data["escalation_threshold"], 15)
        closed = self.call("GET", self.org_url("/baf?status=closed"), self.chair).json()
        self.assertEqual([row["risk"]["reference"] for row in closed["rows"]], ["SR9"])

    def test_the_list_filters_by_committee(self) -> None:
        other = make_strategic_risk(self.org, self.ed, reference="SR8")
        url = self.org_url(f"/risks?committee={other.committee.uuid}")
        listed = self.call("GET", url, self.chair).json()
        self.assertEqual({r["reference"] for r in listed}, {"SR1", "SR2", "SR3", "SR8"})
        self.assert_error(
            self.call("GET", self.org_url(f"/risks?committee={self.risk.uuid}"), self.chair),
            400,
            field="committee",
        )


@time_machine.travel(NOW, tick=False)
class ControlsApiTests(RiskApiTestCase):
    def test_the_lead_adds_controls_assurances_gaps_and_actions(self) -> None:
        base = f"/risks/{self.risk.uuid}"
        cases = [
            ("/controls", {"kind": "gap", "description": "No e-rostering."}),
            (
                "/assurances",
                {
                    "line": "third",
                    "source": "CQC",
                    "positive": False,
                    "level": "limited",
                    "dated": "2025-05-01",
                    "document_url": "https://www.cqc.org.uk/report",
                },
            ),
            ("/assurance-gaps", {"description": "Nothing from internal audit."}),
            (
                "/actions",
                {"description": "Audit.", "owner": str(self.ed.uuid), "due_date": "2025-09-30"},
            ),
        ]
        for suffix, body in cases:
            with self.subTest(suffix=suffix):
                response = self.call("POST", self.org_url(base + suffix), self.executive, body)
                self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(self.risk.controls.count(), 2)
        action = self.risk.actions.get(owner=self.ed)
        self.assertTrue(action.due_date < NOW.date())

    def test_bad_parts_are_refused_by_field(self) -> None:
        base = f"/risks/{self.risk.uuid}"
        cases = [
            ("/controls", {"kind": "wish", "description": "x"}, "kind"),
            ("/assurances", {"line": "fourth"}, "line"),
            (
                "/actions",
                {"description": "x", "owner": str(self.outsider.uuid), "due_date": "2025-01-01"},
                "owner",
            ),
            (
                "/actions",
                {"description": "x", "owner": str(self.ed.uuid), "due_date": "soon"},
                "due_date",
            ),
        ]
        for suffix, body, field in cases:
            with self.subTest(suffix=suffix, field=field):
                response = self.call("POST", self.org_url(base + suffix), self.executive, body)
                self.assert_error(response, 400, field=field)

    def test_a_part_of_another_risk_is_not_found_under_this_one(self) -> None:
        theirs = self.others_risk.controls.get()
        url = self.org_url(f"/risks/{self.risk.uuid}/controls/{theirs.uuid}")
        self.assert_error(self.call("PATCH", url, self.governance, {"kind": "gap"}), 404)

    def test_completing_an_action_dates_it_today_unless_told(self) -> None:
        action = self.risk.actions.get()
        url = self.org_url(f"/risks/{self.risk.uuid}/actions/{action.uuid}/complete")
        data = self.call("POST", url, self.executive, {}).json()
        self.assertEqual((data["completed_on"], data["overdue"]), ("2025-10-15", False))
        response = self.call("POST", url, self.executive, {"completed_on": "2099-01-01"})
        self.assert_error(response, 400, field="completed_on")


@time_machine.travel(NOW, tick=False)
class RegisterApiTests(RiskApiTestCase):
    def body(self, **kw: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": "Ligature points on older wards",
            "description": "Fixtures that could be used as ligature points.",
            "owner": str(self.executive.uuid),
            "strategic_risk": str(self.risk.uuid),
            **RATINGS,
        }
        body.update(kw)
        return body

    def test_an_executive_raises_a_risk_given_the_next_reference(self) -> None:
        response = self.call(
            "POST", self.org_url("/operational-risks"), self.executive, self.body()
        )
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(data["reference"], "CR5")
        self.assertEqual((data["current"]["score"], data["escalated"]), (15, True))
        self.assertEqual(data["strategic_risk"]["reference"], "SR1")

    def test_an_executive_may_not_raise_a_risk_for_someone_else(self) -> None:
        body = self.body(owner=str(self.governance.uuid))
        response = self.call("POST", self.org_url("/operational-risks"), self.executive, body)
        self.assert_error(response, 403, says="for someone else")

    def test_bad_fields_are_refused_by_name(self) -> None:
        before = self.state()
        cases: list[tuple[dict[str, Any], str, int]] = [
            ({"reference": "cr1"}, "reference", 409),
            ({"owner": str(self.outsider.uuid)}, "owner", 400),
            ({"strategic_risk": str(self.operational.uuid)}, "strategic_risk", 400),
            ({"target_likelihood": 0}, "target_likelihood", 400),
            ({"last_reviewed_on": "2099-01-01"}, "last_reviewed_on", 400),
        ]
        for change, field, status in cases:
            with self.subTest(field=field):
                url = self.org_url("/operational-risks")
                response = self.call("POST", url, self.governance, self.body(**change))
                self.assert_error(response, status, field=field)
        self.assertEqual(self.state(), before)

    def test_the_register_filters_and_orders_by_score(self) -> None:
        make_operational_risk(
            self.org, self.executive, reference="CR8", current_likelihood=5, service="Estates"
        )
        url = self.org_url("/operational-risks")
        listed = self.call("GET", url, self.chair).json()
        self.assertEqual([r["reference"] for r in listed], ["CR8", "CR1", "CR2"])
        escalated = self.call("GET", url + "?escalated_only=true", self.chair).json()
        self.assertEqual([r["reference"] for r in escalated], ["CR8"])
        estates = self.call("GET", url + "?service=estates&status=all", self.chair).json()
        self.assertEqual([r["reference"] for r in estates], ["CR8"])

    def test_controls_gaps_and_actions_are_written_and_read_as_text(self) -> None:
        body = self.body(
            controls="Yearly ligature audit\nDoor-top alarms",
            gaps="Old bathroom fixtures",
            actions="Replace the fixtures (Head of Estates, 31 March 2026)",
        )
        created = self.call("POST", self.org_url("/operational-risks"), self.governance, body)
        self.assertEqual(created.status_code, 201, created.content)
        url = self.org_url(f"/operational-risks/{created.json()['uuid']}")
        data = self.call("GET", url, self.chair).json()
        self.assertEqual(data["controls"], "Yearly ligature audit\nDoor-top alarms")
        self.assertEqual(data["gaps"], "Old bathroom fixtures")
        self.assertIn("Head of Estates", data["actions"])
        changed = self.call("PATCH", url, self.governance, {"gaps": "", "reason": "Done"}).json()
        self.assertEqual((changed["gaps"], changed["controls"]), ("", data["controls"]))
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("id")
        self.assertEqual(entry.changes["gaps"], ["Old bathroom fixtures", ""])

    def test_the_register_lists_them_blank_when_none_are_recorded(self) -> None:
        listed = self.call("GET", self.org_url("/operational-risks"), self.chair).json()
        self.assertEqual(
            {(r["controls"], r["gaps"], r["actions"]) for r in listed}, {("", "", "")}
        )

    def test_null_is_not_a_control(self) -> None:
        url = self.org_url(f"/operational-risks/{self.operational.uuid}")
        response = self.call("PATCH", url, self.executive, {"controls": None})
        self.assert_error(response, 400, field="controls")

    def test_the_register_downloads_as_excel_with_the_same_filters(self) -> None:
        make_operational_risk(
            self.org, self.executive, reference="CR8", current_likelihood=5, controls="Checks"
        )
        url = self.org_url("/operational-risks/export.xlsx")
        response = self.call("GET", url, self.chair)
        self.assertEqual(response.status_code, 200)
        self.assertIn("rxm-corporate-risk-register.xlsx", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content))["Risk register"]
        self.assertEqual([c.value for c in sheet["A"]], ["Reference", "CR8", "CR1", "CR2"])
        escalated = self.call("GET", url + "?escalated_only=true", self.chair)
        sheet = load_workbook(io.BytesIO(escalated.content))["Risk register"]
        self.assertEqual([c.value for c in sheet["A"]], ["Reference", "CR8"])
        self.assertEqual(self.call("GET", url, self.chair).content, response.content)

    def test_null_clears_the_baf_risk_a_risk_feeds(self) -> None:
        OperationalRisk.objects.filter(pk=self.operational.pk).update(strategic_risk=self.risk)
        url = self.org_url(f"/operational-risks/{self.operational.uuid}")
        data = self.call("PATCH", url, self.executive, {"strategic_risk": None}).json()
        self.assertIsNone(data["strategic_risk"])

    def test_closing_and_reopening(self) -> None:
        url = self.org_url(f"/operational-risks/{self.operational.uuid}")
        data = self.call("POST", url + "/close", self.executive, {"reason": "Done."}).json()
        self.assertEqual(data["status"], "closed")
        response = self.call("PATCH", url, self.executive, {"title": "Again"})
        self.assert_error(response, 409, says="Reopen it")
        data = self.call("POST", url + "/reopen", self.executive).json()
        self.assertEqual(data["status"], "open")


@time_machine.travel(NOW, tick=False)
class SettingsApiTests(RiskApiTestCase):
    def test_the_settings_show_the_matrix_and_appetite(self) -> None:
        data = self.call("GET", self.org_url("/risk-settings"), self.chair).json()
        self.assertEqual(data["likelihood_descriptors"][0], "Rare")
        self.assertEqual(
            [b["name"] for b in data["bands"]], ["Low", "Moderate", "High", "Extreme"]
        )
        self.assertEqual(data["escalation_threshold"], 15)
        self.assertEqual(
            [c["name"] for c in data["appetite_categories"]], ["Finance", "Reputation"]
        )

    def test_custom_bands_are_saved_and_regrading_applies_them(self) -> None:
        bands = [
            {"name": "Low", "low": 1, "high": 3, "colour": "green"},
            {"name": "Moderate", "low": 4, "high": 9, "colour": "yellow"},
            {"name": "High", "low": 10, "high": 14, "colour": "amber"},
            {"name": "Extreme", "low": 15, "high": 25, "colour": "red"},
        ]
        url = self.org_url("/risk-settings")
        response = self.call("PATCH", url, self.governance, {"bands": bands})
        self.assertEqual(response.status_code, 200, response.content)
        self.operational.refresh_from_db()
        self.assertEqual(self.operational.current_band, "High")  # 3 x 3 = 9, graded when set
        data = self.call("POST", url + "/regrade", self.governance, {"reason": "New bands."})
        self.assertIn("CR1", [r["reference"] for r in data.json()["regraded"]])
        self.operational.refresh_from_db()
        self.assertEqual(self.operational.current_band, "Moderate")

    def test_bad_settings_are_refused_by_field_and_nothing_changes(self) -> None:
        before = self.state()
        url = self.org_url("/risk-settings")
        cases = [
            ({"bands": [{"name": "All", "low": 1, "high": 20, "colour": "red"}]}, "bands"),
            ({"escalation_threshold": 26}, "escalation_threshold"),
            ({"likelihood_descriptors": ["One"]}, "likelihood_descriptors"),
            ({"appetite_levels": "Averse"}, "appetite_levels"),
            ({"appetite_approved_on": "2025-01-01"}, "appetite_statement"),
        ]
        for body, field in cases:
            with self.subTest(field=field):
                self.assert_error(self.call("PATCH", url, self.governance, body), 400, field=field)
        self.assertEqual(self.state(), before)

    def test_the_appetite_statement_is_recorded_with_its_approval(self) -> None:
        body = {
            "appetite_statement": "We have a cautious appetite for financial risk.",
            "appetite_approved_on": "2025-04-01",
            "appetite_approved_by": str(self.committee.uuid),
        }
        data = self.call("PATCH", self.org_url("/risk-settings"), self.governance, body).json()
        self.assertEqual(data["appetite_approved_by"]["name"], self.committee.name)
        self.assertEqual(
            risk_settings_for(self.org).appetite_approved_on, datetime.date(2025, 4, 1)
        )

    def test_appetite_categories_are_added_changed_and_deleted_only_when_unused(self) -> None:
        url = self.org_url("/appetite-categories")
        body = {"name": "Workforce", "level": 2, "tolerance": 8}
        created = self.call("POST", url, self.governance, body).json()
        self.assertEqual(created["level_label"], "Minimal")
        self.assert_error(self.call("POST", url, self.governance, body), 409, field="name")
        changed = self.call(
            "PATCH", f"{url}/{created['uuid']}", self.governance, {"tolerance": 10}
        ).json()
        self.assertEqual(changed["tolerance"], 10)
        response = self.call("DELETE", f"{url}/{self.category.uuid}", self.governance)
        self.assert_error(response, 409, says="move them")
        response = self.call("DELETE", f"{url}/{created['uuid']}", self.governance)
        self.assertEqual(response.status_code, 204)
