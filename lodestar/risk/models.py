"""The Board Assurance Framework and the corporate risk register.

Strategic risks threaten the strategy's objectives; the board is assured they are under
control by controls, assurances on three lines of defence, actions and regular reviews.
Scores follow the organisation's risk matrix (`RiskSettings`, NPSA 2008 by default); the
arithmetic is the pure module `lodestar.risk.scoring`. Each score is stored with its band
as they were when the score was set, so a later change of bands does not rewrite history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lodestar.core.models import BaseModel, Organisation, OrgOwnedModel, OrgOwnedQuerySet
from lodestar.delivery.models import Brag
from lodestar.governance.models import Committee
from lodestar.performance.models import Metric
from lodestar.strategy.models import Element

_ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def _rating(verbose_name: str) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(verbose_name, validators=_ONE_TO_FIVE)


class RiskSettings(BaseModel):
    """An organisation's risk matrix and appetite scale. Changes are audited.

    JSON fields hold what `lodestar.risk.scoring` validates: five likelihood and five
    consequence descriptors, the bands as ``[{"name", "low", "high", "colour"}]`` covering
    scores 1 to 25, and the five appetite levels from least to most willing.
    """

    organisation = models.OneToOneField(Organisation, models.CASCADE, related_name="risk_settings")
    likelihood_descriptors = models.JSONField()
    consequence_descriptors = models.JSONField()
    bands = models.JSONField()
    escalation_threshold = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="Operational risks scoring this or more are shown on the BAF.",
    )
    appetite_levels = models.JSONField()
    appetite_statement = models.TextField(blank=True)
    appetite_approved_on = models.DateField(null=True, blank=True)
    appetite_approved_by = models.ForeignKey(
        Committee, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "risk settings"

    def __str__(self) -> str:
        return f"Risk settings of {self.organisation}"


class AppetiteCategory(OrgOwnedModel):
    """A kind of risk the board has set an appetite for, like finance or reputation."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # 1 to 5: an index into RiskSettings.appetite_levels (1 = the least willing).
    level = _rating("appetite level")
    tolerance = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="The highest current score the board will tolerate in this category.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "order", "name"]
        verbose_name_plural = "appetite categories"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="appetite_category_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class _Scored(OrgOwnedModel):
    """A risk's three positions on the matrix, each stored with its score and band."""

    inherent_likelihood = _rating("inherent likelihood")
    inherent_consequence = _rating("inherent consequence")
    inherent_score = models.PositiveSmallIntegerField(editable=False)
    inherent_band = models.CharField(max_length=40, editable=False)
    current_likelihood = _rating("current likelihood")
    current_consequence = _rating("current consequence")
    current_score = models.PositiveSmallIntegerField(editable=False)
    current_band = models.CharField(max_length=40, editable=False)
    target_likelihood = _rating("target likelihood")
    target_consequence = _rating("target consequence")
    target_score = models.PositiveSmallIntegerField(editable=False)
    target_band = models.CharField(max_length=40, editable=False)
    target_date = models.DateField(null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        abstract = True


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    MERGED = "merged", "Merged into another risk"


class StrategicRiskQuerySet(OrgOwnedQuerySet["StrategicRisk"]):
    def open(self) -> StrategicRiskQuerySet:
        return self.filter(status=RiskStatus.OPEN)


class StrategicRisk(_Scored):
    """A risk on the Board Assurance Framework, described as cause, event and effect."""

    reference = models.CharField(max_length=20, help_text="Like SR1.")
    title = models.CharField(max_length=300)
    cause = models.TextField(help_text="If we do not ... (the cause)")
    event = models.TextField(help_text="there is a risk that ... (the event)")
    effect = models.TextField(help_text="resulting in ... (the effect)")
    executive_lead = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    committee = models.ForeignKey(Committee, models.PROTECT, related_name="strategic_risks")
    appetite_category = models.ForeignKey(
        AppetiteCategory, models.PROTECT, related_name="strategic_risks"
    )
    elements = models.ManyToManyField(Element, related_name="strategic_risks")
    metrics = models.ManyToManyField(Metric, blank=True, related_name="strategic_risks")
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_risks"
    )

    # django-stubs sees the base class's manager as a class variable; this narrows it.
    objects = StrategicRiskQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["organisation", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="strategic_risk_reference_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Control(OrgOwnedModel):
    """A key control in place, or a gap in control (something missing or not working)."""

    class Kind(models.TextChoices):
        CONTROL = "control", "Key control"
        GAP = "gap", "Gap in control"

    risk = models.ForeignKey(StrategicRisk, models.CASCADE, related_name="controls")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField()

    class Meta:
        ordering = ["risk", "kind", "created_at", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class Assurance(OrgOwnedModel):
    """Evidence that controls work, from one of the three lines of defence."""

    class Line(models.TextChoices):
        FIRST = "first", "First line: management reports"
        SECOND = "second", "Second line: oversight functions and committees"
        THIRD = "third", "Third line: independent assurance"

    class Level(models.TextChoices):
        SUBSTANTIAL = "substantial", "Substantial"
        REASONABLE = "reasonable", "Reasonable"
        LIMITED = "limited", "Limited"
        NONE = "none", "None"

    risk = models.ForeignKey(StrategicRisk, models.CASCADE, related_name="assurances")
    line = models.CharField(max_length=10, choices=Line.choices)
    source = models.CharField(max_length=300, help_text="Like Internal audit or CQC.")
    description = models.TextField(blank=True)
    positive = models.BooleanField(help_text="Does it show the controls working?")
    level = models.CharField(max_length=12, choices=Level.choices)
    document = models.CharField(max_length=300, blank=True, help_text="The source document.")
    document_url = models.URLField(blank=True)
    dated = models.DateField()

    class Meta:
        ordering = ["risk", "line", "-dated", "id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.dated:%d %B %Y})"


class AssuranceGap(OrgOwnedModel):
    """Where the board lacks evidence that a control works."""

    risk = models.ForeignKey(StrategicRisk, models.CASCADE, related_name="assurance_gaps")
    description = models.TextField()

    class Meta:
        ordering = ["risk", "created_at", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class RiskActionQuerySet(OrgOwnedQuerySet["RiskAction"]):
    def overdue(self, today: object) -> RiskActionQuerySet:
        return self.filter(completed_on__isnull=True, due_date__lt=today)


class RiskAction(OrgOwnedModel):
    """An action to close a gap in control or assurance: one owner, a date, a status."""

    risk = models.ForeignKey(StrategicRisk, models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Brag.choices, default=Brag.GREEN)
    completed_on = models.DateField(null=True, blank=True)

    objects = RiskActionQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["risk", "due_date", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class RiskReview(OrgOwnedModel):
    """A review of a strategic risk: its new current score, and why."""

    risk = models.ForeignKey(StrategicRisk, models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    likelihood = _rating("likelihood")
    consequence = _rating("consequence")
    score = models.PositiveSmallIntegerField(editable=False)
    band = models.CharField(max_length=40, editable=False)
    rationale = models.TextField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        Committee, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["risk", "reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.risk.reference} reviewed {self.reviewed_on:%d %B %Y}: {self.score}"


class OperationalRiskQuerySet(OrgOwnedQuerySet["OperationalRisk"]):
    def open(self) -> OperationalRiskQuerySet:
        return self.filter(status=RiskStatus.OPEN)


class OperationalRisk(_Scored):
    """A risk on the corporate risk register, which may feed a strategic risk."""

    reference = models.CharField(max_length=20, help_text="Like CR101.")
    title = models.CharField(max_length=300)
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    service = models.CharField(max_length=200, blank=True, help_text="The service or directorate.")
    strategic_risk = models.ForeignKey(
        StrategicRisk,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="operational_risks",
        help_text="The BAF risk this one feeds.",
    )
    # Plain text on purpose. A BAF risk's controls, gaps and actions are records of their
    # own (each action with one owner, a date and a status), because the board is assured
    # on each. A corporate register is kept lighter, as most trusts keep theirs in Datix
    # or Excel: a few lines under each heading, owners and dates written in the actions.
    controls = models.TextField("controls in place", blank=True)
    gaps = models.TextField("gaps in control", blank=True)
    actions = models.TextField(
        "further actions", blank=True, help_text="What is planned, with owners and dates."
    )
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)

    objects = OperationalRiskQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["organisation", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="operational_risk_reference_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
