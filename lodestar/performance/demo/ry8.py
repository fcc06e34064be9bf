"""Illustrative metrics for Derbyshire Community Health Services NHS Foundation Trust (RY8).

Every number is invented (see `illustrative`). The targets that come from national
guidance say which; the rest are illustrative local ambitions and say so.
"""

from __future__ import annotations

import datetime

from lodestar.performance.demo.illustrative import Commentary, IllustrativeMetric, NewTarget
from lodestar.performance.demo.series import Shape
from lodestar.performance.models import DataQuality, Domain, ImprovementDirection, Unit

UP, DOWN = ImprovementDirection.INCREASE, ImprovementDirection.DECREASE
BOARD = "Trust Board"
QUALITY = "Quality Committee"
FINANCE = "Finance and Performance Committee"
PEOPLE_AT_THE_CENTRE = "People at the centre"
PARTNERSHIP = "Partnership working"
FUTURE = "Looking to the future"
LOCAL = "Illustrative local ambition"
EPR = "Illustrative; in practice the community electronic patient record"
ESR = "Illustrative; in practice the Electronic Staff Record"
LEDGER = "Illustrative; in practice the general ledger"
INCIDENTS = "Illustrative; in practice the incident reporting system"

METRICS = [
    IllustrativeMetric(
        code="community-waiting-list",
        name="People waiting for community services",
        description="People on the waiting lists of the trust's community services at the "
        "end of the month.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.ACCESS,
        lead="dchs.operations",
        shape=Shape(level=5200, spread=110, slope=45, slope_from=28, decimals=0),
        committee=FINANCE,
        elements=(PARTNERSHIP,),
        data_source=EPR,
        data_quality=DataQuality.REASONABLE,
        data_quality_note="Two services moved to the new record in the period; their lists "
        "were validated on transfer.",
        commentary=Commentary(
            what_the_chart_shows="Illustrative. The waiting list has grown for eight months "
            "in a row: special cause concern.",
            root_cause="Referrals to podiatry and musculoskeletal physiotherapy have risen "
            "by a fifth since spring while vacancies in both services remain.",
            actions="Validate the longest waits, offer group sessions in physiotherapy, and "
            "agree a waiting-list initiative with the ICB for the next two quarters.",
            risks="Longer waits may worsen people's mobility and increase falls; the risk is "
            "on the operations risk register.",
        ),
    ),
    IllustrativeMetric(
        code="ucr-2-hours",
        name="Urgent community response within 2 hours",
        description="Referrals to the 2-hour urgent community response service seen within "
        "2 hours, as a percentage of those referrals.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.ACCESS,
        lead="dchs.operations",
        shape=Shape(level=86, spread=1.8, denominator=(780, 45), high=100),
        target=70,
        target_source="2023/24 priorities and operational planning guidance: meet or exceed "
        "the 70% 2-hour urgent community response standard",
        committee=FINANCE,
        elements=(PARTNERSHIP,),
        data_source="Illustrative; in practice the Community Services Data Set",
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="virtual-ward-occupancy",
        name="Virtual ward occupancy",
        description="Virtual ward beds in use as a percentage of beds open, on average over "
        "the month.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.ACCESS,
        lead="dchs.operations",
        shape=Shape(level=76, spread=3, decimals=1, high=100),
        target=80,
        target_source=LOCAL,
        committee=FINANCE,
        elements=(PARTNERSHIP, FUTURE),
        data_source=EPR,
        data_quality=DataQuality.LIMITED,
        data_quality_note="Occupancy is counted at midnight by each place's team; the "
        "method is being aligned across places.",
    ),
    IllustrativeMetric(
        code="pressure-ulcers",
        name="Pressure ulcers (category 2 and above) developed in our care",
        description="Category 2, 3, 4 and unstageable pressure ulcers that developed while "
        "people were in the trust's care, in community hospitals and at home.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.QUALITY_AND_SAFETY,
        lead="dchs.exec",
        shape=Shape(level=34, spread=4, steps=((25, -14),), decimals=0),
        committee=QUALITY,
        elements=(PEOPLE_AT_THE_CENTRE,),
        data_source=INCIDENTS,
        data_quality=DataQuality.REASONABLE,
        data_quality_note="Categories are confirmed by tissue viability review.",
    ),
    IllustrativeMetric(
        code="falls-harm",
        name="Falls causing moderate or greater harm",
        description="Falls in the community hospitals that caused moderate harm, severe harm "
        "or death.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.QUALITY_AND_SAFETY,
        lead="dchs.exec",
        shape=Shape(level=4, spread=1.6, decimals=0),
        committee=QUALITY,
        elements=(PEOPLE_AT_THE_CENTRE,),
        data_source=INCIDENTS,
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="fft-positive",
        name="Friends and Family Test: positive experience",
        description="Responses to the Friends and Family Test rating the experience good "
        "or very good.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.PATIENT_EXPERIENCE,
        lead="dchs.exec",
        shape=Shape(level=97.3, spread=0.5, denominator=(2600, 150), high=100),
        target=95,
        target_source=LOCAL,
        committee=QUALITY,
        elements=(PEOPLE_AT_THE_CENTRE,),
        data_source="Illustrative; in practice the Friends and Family Test returns",
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="complaints",
        name="Formal complaints received",
        description="Formal complaints received in the month.",
        unit=Unit.COUNT,
        direction=DOWN,
        domain=Domain.PATIENT_EXPERIENCE,
        lead="dchs.exec",
        shape=Shape(level=11, spread=3, decimals=0),
        committee=QUALITY,
        elements=(PEOPLE_AT_THE_CENTRE,),
        data_source="Illustrative; in practice the complaints system",
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="sickness-absence",
        name="Staff sickness absence",
        description="Working days lost to sickness as a percentage of days available.",
        unit=Unit.PERCENT,
        direction=DOWN,
        domain=Domain.PEOPLE,
        lead="dchs.people",
        shape=Shape(level=5.3, spread=0.35, decimals=2),
        target=5.0,
        target_source=LOCAL,
        committee=BOARD,
        elements=(PEOPLE_AT_THE_CENTRE,),
        data_source=ESR,
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="staff-turnover",
        name="Staff turnover (rolling 12 months)",
        description="Permanent staff who left in the last 12 months as a percentage of "
        "average permanent headcount.",
        unit=Unit.PERCENT,
        direction=DOWN,
        domain=Domain.PEOPLE,
        lead="dchs.people",
        shape=Shape(level=11.4, spread=0.18, decimals=2),
        target=10.0,
        target_source=LOCAL,
        committee=BOARD,
        elements=(PEOPLE_AT_THE_CENTRE,),
        data_source=ESR,
        data_quality=DataQuality.GOOD,
        commentary=Commentary(
            what_the_chart_shows="Illustrative. Turnover is stable at about 11.4%, and the "
            "lower limit is above the 10% ambition: it will consistently not be met without "
            "a change.",
            root_cause="Most leavers are in their first two years, and exit interviews cite "
            "travel between community bases and limited flexible working.",
            actions="Flexible working offered by default from the first day, and a "
            "stay conversation at six and eighteen months for every new starter.",
            risks="Turnover costs in recruitment and training, and in continuity for the "
            "people the teams care for.",
        ),
    ),
    IllustrativeMetric(
        code="statutory-training",
        name="Statutory and mandatory training compliance",
        description="Colleagues up to date with their statutory and mandatory training.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.PEOPLE,
        lead="dchs.people",
        shape=Shape(level=94.6, spread=0.7, decimals=1, high=100),
        target=90,
        target_source=LOCAL,
        new_target=NewTarget(
            period=datetime.date(2025, 4, 1),
            target=92,
            source=f"{LOCAL} for 2025/26, in the trust's annual plan",
            reason="Illustrative. Compliance has stayed well above 90%, so the board raised "
            "the ambition for the new planning year.",
        ),
        committee=BOARD,
        elements=(PEOPLE_AT_THE_CENTRE,),
        data_source=ESR,
        data_quality=DataQuality.GOOD,
    ),
    IllustrativeMetric(
        code="efficiency-delivery",
        name="Efficiency savings delivered against plan",
        description="Savings from the cost improvement programme delivered in the month, as "
        "a percentage of the savings planned for it.",
        unit=Unit.PERCENT,
        direction=UP,
        domain=Domain.FINANCE,
        lead="dchs.finance",
        shape=Shape(level=93, spread=6, decimals=1),
        target=100,
        target_source="The trust's financial plan for the year",
        committee=FINANCE,
        elements=(FUTURE,),
        data_source=LEDGER,
        data_quality=DataQuality.REASONABLE,
        data_quality_note="Some savings are confirmed only at the quarter's end.",
    ),
    IllustrativeMetric(
        code="agency-spend",
        name="Agency spend as a share of the pay bill",
        description="Spending on agency staff in the month as a percentage of the total pay bill.",
        unit=Unit.PERCENT,
        direction=DOWN,
        domain=Domain.FINANCE,
        lead="dchs.finance",
        shape=Shape(level=2.2, spread=0.22, decimals=2),
        target=3.2,
        target_source="2024/25 priorities and operational planning guidance: agency spend "
        "at 3.2% of the total pay bill",
        committee=FINANCE,
        elements=(FUTURE,),
        data_source=LEDGER,
        data_quality=DataQuality.GOOD,
    ),
]
