"""Delivery plans: how each strategic element is carried out, and by whom.

Every deliverable and milestone has exactly one accountable executive: a required
foreign key, so the database itself refuses a component without one (and services check
the person is an executive of the organisation).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from lodestar.core.models import BaseModel, Organisation, OrgOwnedModel, OrgOwnedQuerySet
from lodestar.governance.models import Committee
from lodestar.strategy.models import Element


class Brag(models.TextChoices):
    """Status of delivery. Blue means complete and evidenced (the rule is configurable)."""

    BLUE = "blue", "Blue – complete and evidenced"
    GREEN = "green", "Green – on track"
    AMBER = "amber", "Amber – at risk, recoverable"
    RED = "red", "Red – off track, needs escalation"


class DeliverySettings(BaseModel):
    """How an organisation runs its delivery reporting. Changes are audited."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    organisation = models.OneToOneField(
        Organisation, models.CASCADE, related_name="delivery_settings"
    )
    update_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    blue_needs_evidence = models.BooleanField(
        default=True, help_text="Blue may only be reported with evidence attached."
    )
    blue_needs_milestones_complete = models.BooleanField(
        default=True, help_text="Blue may only be reported when every milestone is complete."
    )

    def __str__(self) -> str:
        return f"Delivery settings of {self.organisation}"


class _Component(OrgOwnedModel):
    """What deliverables and milestones share: one leader, a manager, a committee, dates."""

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField()
    accountable_executive = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    responsible_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    committee = models.ForeignKey(
        Committee, models.PROTECT, null=True, blank=True, related_name="+"
    )
    illustrative = models.BooleanField(default=False)

    class Meta:
        abstract = True


class Deliverable(_Component):
    class Kind(models.TextChoices):
        PROGRAMME = "programme", "Programme"
        PROJECT = "project", "Project"
        WORKSTREAM = "workstream", "Workstream"

    element = models.ForeignKey(Element, models.CASCADE, related_name="deliverables")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["element", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class MilestoneQuerySet(OrgOwnedQuerySet["Milestone"]):
    def overdue(self, today: datetime.date) -> MilestoneQuerySet:
        """Milestones past their due date and not complete, for exception lists."""
        return self.filter(completed_on__isnull=True, due_date__lt=today)


class Milestone(_Component):
    deliverable = models.ForeignKey(Deliverable, models.CASCADE, related_name="milestones")
    completed_on = models.DateField(null=True, blank=True)

    # django-stubs sees the base class's manager as a class variable; this narrows it.
    objects = MilestoneQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["deliverable", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(OrgOwnedModel):
    """A report on a deliverable for one period. Updates are kept, never overwritten."""

    class Confidence(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    deliverable = models.ForeignKey(Deliverable, models.CASCADE, related_name="updates")
    # The first day of the month or quarter the update reports on.
    period = models.DateField()
    status = models.CharField(max_length=10, choices=Brag.choices)
    narrative = models.TextField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["deliverable", "-period", "-created_at"]

    def __str__(self) -> str:
        return f"{self.deliverable} – {self.period:%B %Y}: {self.get_status_display()}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.organisation.uuid}/{instance.uuid}/{filename}"


class Evidence(OrgOwnedModel):
    """A file or a link that shows progress is real."""

    update = models.ForeignKey(ProgressUpdate, models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=evidence_path, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["update", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="evidence_is_a_file_or_a_link",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Team(OrgOwnedModel):
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Objective(OrgOwnedModel):
    """A team's or a person's objective, linked up to a strategic element: the golden thread."""

    element = models.ForeignKey(Element, models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
    )
    team = models.ForeignKey(
        Team, models.PROTECT, null=True, blank=True, related_name="objectives"
    )
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["element", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(team__isnull=True))
                | (Q(owner__isnull=True) & Q(team__isnull=False)),
                name="objective_belongs_to_a_person_or_a_team",
            )
        ]

    def __str__(self) -> str:
        return self.title
