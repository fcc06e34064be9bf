"""Illustrative metrics for Derbyshire Healthcare NHS Foundation Trust (RXM), mental health.

Every number is invented (see `illustrative`). The targets that come from national
guidance say which; the rest are illustrative local ambitions and say so.
"""

from __future__ import annotations

import datetime

from lodestar.performance.demo.illustrative import Commentary, IllustrativeMetric, NewTarget
from lodestar.performance.demo.series import Shape
from lodestar.performance.models import DataQuality, Domain, ImprovementDirection, Unit

UP, DOWN, NEUTRAL = (
    ImprovementDirection.INCREASE,
    ImprovementDirection.DECREASE,
    ImprovementDirection.NEUTRAL,
)
QUALITY = "Quality and Safeguarding Committee"
PEOPLE = "People and Culture Committee"
FINANCE = "Finance and Performance Committee"
GREAT_CARE = "Great care"
GREAT_PLACE = "Great place to work"
MONEY = "Best use of money"
IN_DERBYSHIRE = (
    "Ensure any admission to hospital is within Derbyshire and kept to the shortest "
    "effective period of time"
)
AT_HOME = (
    "Provide care at home or in the community where possible, through a partnership "
    "approach to promote individual and community resilience"
)
INVOLVE = (
    "Involve people who use our services in designing their care and treatment, to meet "
    "personal goals throughout their lives."
)
TRAUMA = "Be compassionate and take account of trauma-informed practice"
LOCAL = "Illustrative local ambition"
EPR = "Illustrative; in practice the electronic patient record"
ESR = "Illustrative; in practice the Electronic Staff Record"
LEDGER = "Illustrative; in practice the general ledger"
INCIDENTS = "Illustrative; in practice the incident reporting system"

METRICS = [
    IllustrativeMetric(
        code="oap-bed-days",
        name="Inappropriate out-of-area placement bed days",
        description="Bed days in the month for adults placed outside Derbyshire for acute "
        "mental health care because no local bed was free.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.ACCESS,
        lead="operations",
        shape=Shape(level=420, spread=40, steps=((26, -190),), decimals=0),
        target=0,
        target_source="NHS Long Term Plan: eliminate inappropriate adult acute out-of-area "
        "placements",
        committee=FINANCE,
        elements=(GREAT_CARE, IN_DERBYSHIRE),
        data_source=EPR,
        data_quality=DataQuality.GOOD,
        commentary=Commentary(
            what_the_chart_shows="Illustrative. Bed days have been below the mean for ten "
            "months in a row, a special cause improvement, but remain well above the "
            "ambition of none.",
            root_cause="The new crisis alternatives and the discharge team freed local beds; "
            "demand for acute beds is unchanged.",
            actions="Keep the daily bed meeting with the ICB; open the two reconfigured beds "
            "at the Radbourne Unit next quarter.",
            risks="Winter demand could reverse the gain; the ambition of none will not be met "
            "this year.",
        ),
    ),
    IllustrativeMetric(
        code="follow-up-72h",
        name="Follow-up within 72 hours of discharge",
        description="Adults discharged from inpatient mental health care who were followed "
        "up within 72 hours, as a percentage of those discharged.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.QUALITY_AND_SAFETY,
        lead="operations",
        shape=Shape(level=85, spread=4, denominator=(68, 7), high=100),
        target=80,
        target_source=LOCAL,
        committee=QUALITY,
        elements=(GREAT_CARE, AT_HOME),
        data_source=EPR,
        data_quality=DataQuality.REASONABLE,
        data_quality_note="Discharges to other trusts' care are sometimes recorded late.",
    ),
    IllustrativeMetric(
        code="care-plan-reviews",
        name="Care plans reviewed in the last 12 months",
        description="People on a community mental health team's caseload whose care plan "
        "was reviewed with them in the last 12 months.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.QUALITY_AND_SAFETY,
        lead="exec",
        shape=Shape(level=92.5, spread=1.2, denominator=(1450, 40), high=100),
        target=95,
        target_source=LOCAL,
        committee=QUALITY,
        elements=(GREAT_CARE, INVOLVE),
        data_source=EPR,
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="cmht-waits-18wk",
        name="People waiting more than 18 weeks for community mental health care",
        description="People on the adult community mental health teams' waiting lists who "
        "have waited more than 18 weeks, at the end of the month.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.ACCESS,
        lead="operations",
        shape=Shape(level=310, spread=22, decimals=0),
        committee=FINANCE,
        elements=(GREAT_CARE, AT_HOME),
        data_source=EPR,
        data_quality=DataQuality.REASONABLE,
        data_quality_note="Waits are counted from referral; some teams record triage as "
        "the first contact.",
    ),
    IllustrativeMetric(
        code="incidents-harm",
        name="Patient safety incidents causing moderate or greater harm",
        description="Patient safety incidents reported in the month that caused moderate "
        "harm, severe harm or death.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.QUALITY_AND_SAFETY,
        lead="exec",
        shape=Shape(level=14, spread=3.2, last=5, decimals=0),
        committee=QUALITY,
        elements=(GREAT_CARE,),
        data_source=INCIDENTS,
        data_quality=DataQuality.REASONABLE,
        data_quality_note="Harm levels are confirmed after review, so the latest month may "
        "change.",
        commentary=Commentary(
            what_the_chart_shows="Illustrative. Last month's count is above the upper process "
            "limit: special cause concern.",
            root_cause="Seven of the incidents were falls on one older adults' ward during "
            "an outbreak of infection; each is being reviewed under the Patient Safety "
            "Incident Response Framework.",
            actions="A falls huddle on the ward daily until the outbreak ends; the learning "
            "response reports to the Quality and Safeguarding Committee next month.",
            risks="Further harm while staffing on the ward is short; the ward is on the "
            "risk register.",
        ),
    ),
    IllustrativeMetric(
        code="restrictive-interventions",
        name="Restrictive interventions",
        description="Uses of physical restraint, seclusion and rapid tranquillisation on "
        "the trust's wards in the month.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.QUALITY_AND_SAFETY,
        lead="exec",
        shape=Shape(level=150, spread=14, steps=((18, 55),), decimals=0),
        committee=QUALITY,
        elements=(GREAT_CARE, TRAUMA),
        data_source=INCIDENTS,
        data_quality=DataQuality.LIMITED,
        data_quality_note="Counts before and after the move to the new incident system are "
        "not comparable: see the rebase.",
        rebase=(
            18,
            "Illustrative. Restrictive interventions are now recorded one by one on the new "
            "incident system, where the old form recorded one per incident.",
        ),
    ),
    IllustrativeMetric(
        code="fft-positive",
        name="Friends and Family Test: positive experience",
        description="Responses to the Friends and Family Test rating the experience good "
        "or very good.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.PATIENT_EXPERIENCE,
        lead="exec",
        shape=Shape(level=91.5, spread=1.6, denominator=(520, 40), high=100),
        target=90,
        target_source=LOCAL,
        committee=QUALITY,
        elements=(GREAT_CARE, INVOLVE),
        data_source="Illustrative; in practice the Friends and Family Test returns",
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="sickness-absence",
        name="Staff sickness absence",
        description="Working days lost to sickness as a percentage of days available.",
        unit=Unit.PERCENT,
        direction=DOWN,
        domain=Domain.PEOPLE,
        lead="people",
        shape=Shape(level=6.4, spread=0.28, decimals=2),
        target=5.0,
        target_source=LOCAL,
        committee=PEOPLE,
        elements=(GREAT_PLACE,),
        data_source=ESR,
        data_quality=DataQuality.GOOD,
        commentary=Commentary(
            what_the_chart_shows="Illustrative. Sickness absence varies around 6.4% and the "
            "lower limit is above the 5% ambition, so without a change in the process the "
            "ambition will consistently not be met.",
            root_cause="Anxiety, stress and depression account for a third of days lost, "
            "most in inpatient and crisis teams.",
            actions="Wellbeing conversations for every colleague, a fast track to "
            "occupational health for stress-related absence, and a return-to-work review "
            "in the two teams with the highest rates.",
            risks="Absence adds to bank and agency use and to pressure on the colleagues at work.",
        ),
    ),
    IllustrativeMetric(
        code="vacancy-rate",
        name="Vacancy rate",
        description="Funded posts without a substantive post-holder, as a percentage of "
        "funded posts, at the end of the month.",
        unit=Unit.PERCENT,
        direction=DOWN,
        domain=Domain.PEOPLE,
        lead="people",
        shape=Shape(level=9.4, spread=0.35, slope=0.2, slope_from=29, decimals=1),
        target=8.0,
        target_source=LOCAL,
        committee=PEOPLE,
        elements=(GREAT_PLACE,),
        data_source=ESR,
        data_quality=DataQuality.REASONABLE,
        data_quality_note="New posts funded in year appear when the budget is loaded.",
        commentary=Commentary(
            what_the_chart_shows="Illustrative. The vacancy rate has risen for seven months in "
            "a row: special cause concern.",
            root_cause="Posts funded by the Community Mental Health Framework were added to "
            "the establishment faster than they could be recruited to.",
            actions="A recruitment campaign for the new community roles, with the ICB's "
            "international recruitment scheme for registered nurses.",
            risks="Continuity of care in the community teams while posts are vacant.",
        ),
    ),
    IllustrativeMetric(
        code="staff-engagement",
        name="Staff engagement score",
        description="The engagement score (out of 10) from the trust's monthly pulse "
        "survey, built as the NHS Staff Survey's engagement theme is.",
        unit=Unit.SCORE,
        direction=UP,
        domain=Domain.PEOPLE,
        lead="people",
        shape=Shape(level=6.9, spread=0.1, decimals=2, high=10),
        committee=PEOPLE,
        elements=(GREAT_PLACE,),
        data_source="Illustrative; in practice the monthly pulse survey",
        data_quality=DataQuality.NOT_ASSESSED,
        data_quality_note="Illustrative. The survey provider's results arrive two months "
        "after the trust's own figures, so the report shows them as late.",
        months_behind=2,
    ),
    IllustrativeMetric(
        code="agency-spend",
        name="Agency spend as a share of the pay bill",
        description="Spending on agency staff in the month as a percentage of the total pay bill.",
        unit=Unit.PERCENT,
        direction=DOWN,
        domain=Domain.FINANCE,
        lead="finance",
        shape=Shape(level=4.2, spread=0.45, decimals=2),
        target=3.2,
        target_source="2024/25 priorities and operational planning guidance: agency spend "
        "at 3.2% of the total pay bill",
        new_target=NewTarget(
            period=datetime.date(2025, 4, 1),
            target=3.0,
            source="2025/26 priorities and operational planning guidance: agency spend at "
            "least 30% below 2024/25",
            reason="Illustrative. The new planning year's reduction, put as a share of the "
            "pay bill: 30% below the trust's average of about 4.3%.",
        ),
        committee=FINANCE,
        elements=(MONEY, GREAT_PLACE),
        data_source=LEDGER,
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="plan-variance",
        name="Variance from the financial plan",
        description="The month's surplus or deficit compared with the plan agreed with the "
        "integrated care board, in pounds: above zero is better than plan.",
        unit=Unit.POUNDS,
        direction=UP,
        domain=Domain.FINANCE,
        lead="finance",
        shape=Shape(level=-40_000, spread=70_000, decimals=-3, low=-1e9),
        target=0,
        target_source="The trust's financial plan for the year",
        committee=FINANCE,
        elements=(MONEY,),
        data_source=LEDGER,
        data_quality=DataQuality.GOOD,
    ),
]
