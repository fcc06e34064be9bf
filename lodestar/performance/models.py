"""Metrics an organisation monitors, their observations, and what the board reads of them.

A metric's observations are analysed with the Making Data Count method by the pure engine
in `lodestar.performance.spc`; `lodestar.performance.analysis` is the only bridge between
these models and that engine.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lodestar.core.models import OrgOwnedModel, OrgOwnedQuerySet
from lodestar.governance.models import Committee
from lodestar.strategy.models import Element


class Domain(models.TextChoices):
    """The sections of an integrated performance report (nhs-conventions.md section 5)."""

    QUALITY_AND_SAFETY = "quality_and_safety", "Quality and safety"
    PATIENT_EXPERIENCE = "patient_experience", "Patient experience"
    ACCESS = "access", "Access and operational performance"
    PEOPLE = "people", "People"
    FINANCE = "finance", "Finance"


class ImprovementDirection(models.TextChoices):
    """Which way is better; the engine's `improvement_direction` (spc-method.md 1.1)."""

    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither (monitored for change)"


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Unit(models.TextChoices):
    PERCENT = "percent", "Percentage"
    COUNT = "count", "Count"
    RATE = "rate", "Rate"
    DAYS = "days", "Days"
    HOURS = "hours", "Hours"
    MINUTES = "minutes", "Minutes"
    POUNDS = "pounds", "Pounds (£)"
    RATIO = "ratio", "Ratio"
    SCORE = "score", "Score"


class DataQuality(models.TextChoices):
    """How far the board may rely on the data, as data-quality kitemarks grade it."""

    GOOD = "good", "Good: assured"
    REASONABLE = "reasonable", "Reasonable: minor issues known"
    LIMITED = "limited", "Limited: significant issues known"
    NOT_ASSESSED = "not_assessed", "Not yet assessed"


class MetricQuerySet(OrgOwnedQuerySet["Metric"]):
    def active(self) -> MetricQuerySet:
        return self.filter(active=True)


class Metric(OrgOwnedModel):
    # A short code, unique in the organisation, names the metric in imported files.
    code = models.SlugField(
        max_length=40, help_text="A short code for files and the API, like ae-4hr."
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    improvement_direction = models.CharField(max_length=10, choices=ImprovementDirection.choices)
    # The target from the first period; a TargetChange replaces it from a later period on,
    # so each month is drawn against the target of its time. The engine compares the
    # target in force at the last point with the latest limits (spc-method.md 1.6).
    target = models.FloatField(null=True, blank=True)
    target_source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the target comes from, like the NHS constitutional standard.",
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    data_source = models.CharField(max_length=300, blank=True)
    lead_executive = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        Committee, models.PROTECT, null=True, blank=True, related_name="+"
    )
    domain = models.CharField(max_length=30, choices=Domain.choices)
    elements = models.ManyToManyField(Element, blank=True, related_name="metrics")
    data_quality = models.CharField(
        max_length=20, choices=DataQuality.choices, default=DataQuality.NOT_ASSESSED
    )
    data_quality_note = models.TextField(blank=True)
    # Engine options (spc-method.md 1.1 and 1.3): limits fixed after n points (n >= 12),
    # and the moving-range screen, on by default as in NHSRplotthedots.
    fix_after = models.PositiveSmallIntegerField(null=True, blank=True)
    screen_outliers = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    illustrative = models.BooleanField(
        default=False, help_text="Invented for the demo rather than real data."
    )

    # django-stubs sees the base class's manager as a class variable; this narrows it.
    objects = MetricQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["domain", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="metric_code_unique_in_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(fix_after__isnull=True) | models.Q(fix_after__gte=12),
                name="metric_fix_after_at_least_12",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Observation(OrgOwnedModel):
    """One value of a metric for one period (the first day of its day, week, month or quarter)."""

    metric = models.ForeignKey(Metric, models.CASCADE, related_name="observations")
    period = models.DateField()
    value = models.FloatField()
    # For rates and percentages: what the value was computed from, when known.
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period"], name="one_observation_per_metric_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period:%Y-%m-%d}: {self.value:g}"


class Rebase(OrgOwnedModel):
    """A known change in the process: limits are recalculated from this period on."""

    metric = models.ForeignKey(Metric, models.CASCADE, related_name="rebases")
    period = models.DateField()
    reason = models.TextField()

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "period"], name="one_rebase_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.metric}: rebased from {self.period:%Y-%m-%d}"


class TargetChange(OrgOwnedModel):
    """A new target from one period on, as when each year's planning guidance resets it.

    Earlier periods keep the target of their time. A change to no target (None) ends the
    metric's target from that period, and with it the assurance icon.
    """

    metric = models.ForeignKey(Metric, models.CASCADE, related_name="target_changes")
    period = models.DateField()
    target = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period"], name="one_target_change_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}: target changed from {self.period:%Y-%m-%d}"


class Narrative(OrgOwnedModel):
    """The executive's commentary on a metric for one report period."""

    metric = models.ForeignKey(Metric, models.CASCADE, related_name="narratives")
    # The report period (the first day of its month) this commentary belongs to.
    period = models.DateField()
    what_the_chart_shows = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["metric", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period"], name="one_narrative_per_metric_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}, {self.period:%B %Y}"
