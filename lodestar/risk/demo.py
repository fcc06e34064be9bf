"""Demo Board Assurance Frameworks and risk registers for Derbyshire Healthcare (RXM) and
Derbyshire Community Health Services (RY8), all illustrative.

The content is in `demo_bafs.yaml`, which says what is invented (everything but the
organisations, their strategies' elements and their committees). It is loaded through
the risk services with no actor, as the system, so the demo fills the audit trail as
real use would. Risks link to the elements of each trust's demo strategy and, where the
performance demo has loaded them, to its metrics by code; a metric that is missing is
skipped, and linked on a later load once it exists.

Dates in the file are written as at October 2025 and are moved by whole months, like the
delivery plans (`lodestar.strategy.demo`), so that the reviews, the one overdue action
and the one risk past its review date keep their distance from today; so are the dates
written in register risks' further actions. Loading twice changes nothing: each step
looks for what it would make.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.core.models import Organisation
from lodestar.governance.models import Committee
from lodestar.performance.models import Metric
from lodestar.risk import control_services, register_services, services, settings_services
from lodestar.risk.matrix import risk_settings_for
from lodestar.risk.models import AppetiteCategory, OperationalRisk, StrategicRisk
from lodestar.risk.register_services import TEXTS
from lodestar.strategy.demo import months_since_written, move_months
from lodestar.strategy.models import Element

FILE = Path(__file__).resolve().parent / "demo_bafs.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Move = Callable[[datetime.date], datetime.date]
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class DemoRiskError(Exception):
    """The demo file names a person or committee the demo does not have: a bug in it."""


def load_risks(made: list[str] | None = None, today: datetime.date | None = None) -> list[str]:
    """Load the demo BAFs and registers that are missing; return a line for each thing
    made (none on a second run). Organisations not loaded yet are skipped."""
    made = [] if made is None else made
    months = months_since_written(today or timezone.localdate())
    data: dict[str, Any] = yaml.load(FILE.read_text("utf-8"), Loader=_LOADER)  # noqa: S506
    with transaction.atomic():
        for ods_code, baf in data.items():
            organisation = Organisation.objects.filter(ods_code=ods_code).first()
            if organisation is not None:
                _DemoBaf(organisation, baf, lambda d: move_months(d, months), made).load()
    return made


class _DemoBaf:
    def __init__(
        self, organisation: Organisation, data: dict[str, Any], move: Move, made: list[str]
    ) -> None:
        self.org = organisation
        self.data = data
        self.move = move
        self.made = made

    def load(self) -> None:
        self.appetite(self.data["appetite"])
        for spec in self.data["strategic"]:
            self.strategic(spec)
        for row in self.data["operational"]:
            self.operational(row)

    # --- lookups -----------------------------------------------------------------------

    def person(self, username: str) -> User:
        found = User.objects.filter(username=username).first()
        if found is None:
            raise DemoRiskError(f"The demo has no person called {username}.")
        return found

    def committee(self, name: str) -> Committee:
        found = Committee.objects.filter(organisation=self.org, name=name).first()
        if found is None:
            raise DemoRiskError(f"{self.org.ods_code} has no committee called {name}.")
        return found

    def category(self, name: str) -> AppetiteCategory:
        return AppetiteCategory.objects.get(organisation=self.org, name=name)

    def elements(self, titles: list[str]) -> list[Element]:
        found = []
        for title in titles:
            element = (
                Element.objects.filter(
                    organisation=self.org, strategy__title=self.data["strategy"], title=title
                )
                .order_by("-strategy__version")
                .first()
            )
            if element is not None:
                found.append(element)
        return found

    def metrics(self, codes: list[str]) -> list[Metric]:
        # The performance demo may not have loaded (yet); link what there is.
        return list(Metric.objects.filter(organisation=self.org, code__in=codes))

    # --- appetite ----------------------------------------------------------------------

    def appetite(self, spec: dict[str, Any]) -> None:
        org = self.org
        if not AppetiteCategory.objects.filter(organisation=org).exists():
            settings_services.ensure_default_appetite_categories(org)
            self.made.append(f"appetite categories {org.ods_code}")
        for name, level, tolerance, description in spec["extra_categories"]:
            if not AppetiteCategory.objects.filter(organisation=org, name=name).exists():
                settings_services.create_appetite_category(
                    None, org, name=name, level=level, tolerance=tolerance, description=description
                )
                self.made.append(f"appetite category {org.ods_code} {name}")
        if not risk_settings_for(org).appetite_statement:
            settings_services.update_appetite_statement(
                None,
                org,
                statement=spec["statement"],
                approved_on=spec["approved_on"],
                approved_by=self.committee(self.data["board"]),
            )
            self.made.append(f"risk appetite statement {org.ods_code}")

    # --- strategic risks ---------------------------------------------------------------

    def strategic(self, spec: dict[str, Any]) -> None:
        existing = StrategicRisk.objects.filter(
            organisation=self.org, reference=spec["reference"]
        ).first()
        if existing is not None:
            self.link_new_metrics(existing, spec["metrics"])
            return
        elements = self.elements(spec["elements"])
        if not elements:
            return  # the strategy it threatens is not loaded: nothing to hang it from
        first = spec["reviews"][0]
        risk = services.create_strategic_risk(
            None,
            self.org,
            reference=spec["reference"],
            title=spec["title"],
            cause=spec["cause"],
            event=spec["event"],
            effect=spec["effect"],
            executive_lead=self.person(spec["lead"]),
            committee=self.committee(spec["committee"]),
            appetite_category=self.category(spec["appetite"]),
            elements=elements,
            metrics=self.metrics(spec["metrics"]),
            inherent_likelihood=spec["inherent"][0],
            inherent_consequence=spec["inherent"][1],
            current_likelihood=first[1],
            current_consequence=first[2],
            target_likelihood=spec["target"][0],
            target_consequence=spec["target"][1],
            target_date=self.move(spec["target_date"]),
            illustrative=True,
        )
        self.controls(risk, spec)
        self.actions(risk, spec["actions"])
        self.reviews(risk, spec["reviews"], spec["next_review"])
        self.made.append(f"BAF risk {self.org.ods_code} {risk.reference}")

    def controls(self, risk: StrategicRisk, spec: dict[str, Any]) -> None:
        for description in spec["controls"]:
            control_services.add_control(None, risk, kind="control", description=description)
        for description in spec["gaps_in_control"]:
            control_services.add_control(None, risk, kind="gap", description=description)
        for line, source, positive, level, dated, document in spec["assurances"]:
            control_services.add_assurance(
                None,
                risk,
                line=line,
                source=source,
                positive=positive,
                level=level,
                dated=self.move(dated),
                document=document,
            )
        for description in spec["assurance_gaps"]:
            control_services.add_assurance_gap(None, risk, description=description)

    def actions(self, risk: StrategicRisk, rows: list[list[Any]]) -> None:
        for description, owner, due, status, completed in rows:
            action = control_services.add_action(
                None,
                risk,
                description=description,
                owner=self.person(owner),
                due_date=self.move(due),
                status=status,
            )
            if completed is not None:
                control_services.complete_action(None, action, self.move(completed))

    def reviews(self, risk: StrategicRisk, rows: list[list[Any]], next_review: Any) -> None:
        """Oldest first; each names the next one's date as when it is due again."""
        dates = [row[0] for row in rows[1:]] + [next_review]
        for (reviewed_on, likelihood, consequence, committee, rationale), due in zip(
            rows, dates, strict=True
        ):
            services.record_review(
                None,
                risk,
                reviewed_on=self.move(reviewed_on),
                likelihood=likelihood,
                consequence=consequence,
                rationale=rationale,
                committee=self.committee(committee),
                next_review_on=self.move(due),
            )

    def link_new_metrics(self, risk: StrategicRisk, codes: list[str]) -> None:
        linked = set(risk.metrics.all())
        new = [m for m in self.metrics(codes) if m not in linked]
        if new:
            services.update_strategic_risk(None, risk, metrics=[*linked, *new])
            self.made.append(f"metrics linked to {self.org.ods_code} {risk.reference}")

    # --- the register ------------------------------------------------------------------

    def operational(self, row: list[Any]) -> None:
        reference, title, description, owner, service, feeds, inherent, current, target = row[:9]
        last, following = row[9:]
        texts = self.register_texts(reference)
        existing = OperationalRisk.objects.filter(organisation=self.org, reference=reference)
        if existing.exists():
            self.add_texts(existing.get(), texts)
            return
        fed = None
        if feeds is not None:
            fed = StrategicRisk.objects.filter(organisation=self.org, reference=feeds).first()
        register_services.create_operational_risk(
            None,
            self.org,
            reference=reference,
            title=title,
            description=description,
            owner=self.person(owner),
            service=service,
            strategic_risk=fed,
            inherent_likelihood=inherent[0],
            inherent_consequence=inherent[1],
            current_likelihood=current[0],
            current_consequence=current[1],
            target_likelihood=target[0],
            target_consequence=target[1],
            last_reviewed_on=self.move(last),
            next_review_on=self.move(following),
            illustrative=True,
            **texts,
        )
        self.made.append(f"register risk {self.org.ods_code} {reference}")

    def register_texts(self, reference: str) -> dict[str, str]:
        """A register risk's controls, gaps and actions, each item a line, with the dates
        written in them moved like every other date."""
        spec: dict[str, str] = self.data.get("register_controls", {}).get(reference, {})
        return {name: _DATE.sub(self.moved_date, spec.get(name, "")) for name in TEXTS}

    def moved_date(self, found: re.Match[str]) -> str:
        day = self.move(datetime.date.fromisoformat(found.group(0)))
        return f"{day.day} {day:%B %Y}"

    def add_texts(self, risk: OperationalRisk, texts: dict[str, str]) -> None:
        # A demo loaded before the register had these fields gets them once; a risk
        # someone has since written in, or closed, is left as it is.
        blank = not (risk.controls or risk.gaps or risk.actions)
        if not (blank and any(texts.values()) and risk.illustrative):
            return
        try:
            register_services.update_operational_risk(None, risk, **texts)
        except ValidationError:
            return  # closed since, or feeding a BAF risk closed since: leave it be
        self.made.append(f"controls and actions of {self.org.ods_code} {risk.reference}")
