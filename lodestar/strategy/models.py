"""An organisation's strategy: vision, values and ordered strategic elements.

A strategy covers a period and moves from draft through consultation to approved, and is
superseded by its next version. Partners' plans (an ICB's five-year plan, an integrated
care strategy) are strategies of the partner organisations, so alignment is a link from
one element to another.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from lodestar.core.models import Organisation, OrgOwnedModel, OrgOwnedQuerySet, PartnerGrant
from lodestar.governance.models import Committee


class Domain(models.TextChoices):
    """What CQC's well-led "what good looks like" expects a strategy to address."""

    QUALITY = "quality", "Quality of care"
    IMPROVEMENT = "improvement", "Improvement"
    FINANCE = "finance", "Finances"
    OPERATIONAL = "operational", "Operational performance"
    WORKFORCE = "workforce", "Workforce"
    ESTATES = "estates", "Estates"
    PROCUREMENT = "procurement", "Procurement"
    DIGITAL = "digital", "IT and digital"


class StrategyQuerySet(OrgOwnedQuerySet["Strategy"]):
    def approved(self) -> StrategyQuerySet:
        return self.filter(status=Strategy.Status.APPROVED)

    def readable_by(self, organisation: Organisation) -> StrategyQuerySet:
        """An organisation's own strategies, joint ones, and those partners shared with it."""
        shared = PartnerGrant.objects.filter(
            partner=organisation, content_type=ContentType.objects.get_for_model(Strategy)
        ).values("object_uuid")
        return self.filter(
            Q(organisation=organisation) | Q(joint_owners=organisation) | Q(uuid__in=shared)
        ).distinct()

    def current_for(self, organisation: Organisation, on: datetime.date) -> Strategy | None:
        """The approved strategy in force on a date, for public pages and "my part"."""
        approved = self.approved().filter(organisation=organisation)
        in_period = approved.filter(start_year__lte=on.year, end_year__gte=on.year)
        # Ties (two plans starting the same year) go to the most recently approved, and
        # then to the newer record, so every database gives the same answer.
        newest = ("-approved_on", "-pk")
        return (
            in_period.order_by("-start_year", *newest).first()
            or approved.order_by("-end_year", *newest).first()
        )


class Strategy(OrgOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "Out for consultation"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    class Kind(models.TextChoices):
        ORGANISATIONAL = "organisational", "Organisational strategy"
        FIVE_YEAR_PLAN = "five_year_plan", "Five-year plan (joint forward plan)"
        INTEGRATED_CARE = "integrated_care", "Integrated care strategy"
        PLACE = "place", "Place partnership plan"
        PROVIDER_COLLABORATIVE = "provider_collaborative", "Provider collaborative plan"
        IMPROVEMENT = "improvement", "Integrated improvement plan"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.ORGANISATIONAL)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    vision = models.TextField()
    mission = models.TextField(blank=True)
    purpose = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="An introduction for the public page.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        Committee, models.PROTECT, null=True, blank=True, related_name="approved_strategies"
    )
    approved_on = models.DateField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    # A joint strategy (an integrated care strategy, say) is owned by several partners;
    # `organisation` is the one that keeps it, these are the others.
    joint_owners = models.ManyToManyField(
        Organisation, blank=True, related_name="joint_strategies"
    )
    source_url = models.URLField(blank=True, help_text="Where the published strategy lives.")
    illustrative = models.BooleanField(
        default=False, help_text="Invented for the demo rather than taken from a publication."
    )

    # django-stubs sees the base class's manager as a class variable; this narrows it.
    objects = StrategyQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["organisation__name", "-start_year", "-version"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="strategy_period_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    @property
    def period(self) -> str:
        return f"{self.start_year} to {self.end_year}"

    @property
    def is_frozen(self) -> bool:
        """Approved and superseded versions are the record of what a board agreed."""
        return self.status in {self.Status.APPROVED, self.Status.SUPERSEDED}

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "The period must end after it starts."})


class Value(OrgOwnedModel):
    strategy = models.ForeignKey(Strategy, models.CASCADE, related_name="values")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    behaviours = models.JSONField(
        default=list, blank=True, help_text="The behaviours that show the value, one a line."
    )

    class Meta:
        ordering = ["strategy", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ElementKind(OrgOwnedModel):
    """Strategic objective, clinical priority, guiding policy... or a kind an org names."""

    name = models.CharField(max_length=100)
    plural = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    DEFAULTS = [
        ("Strategic objective", "Strategic objectives"),
        ("Clinical priority", "Clinical priorities"),
        ("Clinical ambition", "Clinical ambitions"),
        ("Guiding policy", "Guiding policies"),
        ("Aim", "Aims"),
        ("Key area of focus", "Key areas of focus"),
    ]

    class Meta:
        ordering = ["organisation", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="element_kind_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Element(OrgOwnedModel):
    """One strategic objective, priority, ambition or policy of a strategy."""

    strategy = models.ForeignKey(Strategy, models.CASCADE, related_name="elements")
    kind = models.ForeignKey(ElementKind, models.PROTECT, related_name="elements")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    statements = models.JSONField(default=list, blank=True)
    outcomes = models.JSONField(
        default=list, blank=True, help_text='Intended outcomes: "what success will look like".'
    )
    indicators = models.JSONField(default=list, blank=True)
    domains = models.JSONField(
        default=list, blank=True, help_text="Which of the Domain values this element addresses."
    )
    executive_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_elements",
    )
    # Points at the element this one was copied from, so versions can be compared.
    copied_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="copies"
    )

    class Meta:
        ordering = ["strategy", "kind__order", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        unknown = set(self.domains) - set(Domain.values)
        if unknown:
            raise ValidationError({"domains": f"Unknown domains: {', '.join(sorted(unknown))}."})


class EngagementActivity(OrgOwnedModel):
    """Co-production: who helped shape the strategy, how, and what changed as a result."""

    class Level(models.TextChoices):
        INFORM = "inform", "Inform"
        CONSULT = "consult", "Consult"
        INVOLVE = "involve", "Involve"
        CO_DESIGN = "co_design", "Co-design"
        CO_PRODUCE = "co_produce", "Co-produce"

    strategy = models.ForeignKey(Strategy, models.CASCADE, related_name="engagements")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=200, help_text="Workshop, survey, focus group...")
    level = models.CharField(max_length=20, choices=Level.choices)
    people_using_services = models.PositiveIntegerField(default=0)
    carers = models.PositiveIntegerField(default=0)
    staff = models.PositiveIntegerField(default=0)
    partners = models.PositiveIntegerField(default=0)
    public = models.PositiveIntegerField(default=0)
    what_was_said = models.TextField("you said")
    what_changed = models.TextField("we did", blank=True)
    elements = models.ManyToManyField(Element, blank=True, related_name="engagements")

    class Meta:
        ordering = ["strategy", "-held_on"]
        verbose_name_plural = "engagement activities"

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %b %Y})"

    @property
    def participants(self) -> int:
        return self.people_using_services + self.carers + self.staff + self.partners + self.public


class AlignmentLink(OrgOwnedModel):
    """Our element serves a partner's element (an ICB guiding policy, say)."""

    class Relationship(models.TextChoices):
        CONTRIBUTES_TO = "contributes_to", "Contributes to"
        EQUIVALENT = "equivalent", "Equivalent to"
        PARTLY = "partly", "Partly contributes to"

    element = models.ForeignKey(Element, models.CASCADE, related_name="alignments")
    partner_element = models.ForeignKey(Element, models.CASCADE, related_name="aligned_from")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["element", "partner_element"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "partner_element"], name="one_link_per_element_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element} {self.get_relationship_display().lower()} {self.partner_element}"
