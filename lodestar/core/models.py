"""Organisations, the people in them, and what they share with partners.

Every domain record in Lodestar belongs to exactly one organisation (`OrgOwnedModel`).
What a user may read is decided here, in `OrgOwnedQuerySet.visible_to`, so that every
app asks the same question the same way.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from lodestar.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lodestar.accounts.models import User

# ODS codes are upper-case letters and digits: three for trusts and ICBs (RXM, QJ2),
# five for sites and sub-ICB locations, six for GP practices (A81001).
ODS_CODE_RE = re.compile(r"^[A-Z0-9]{3,6}$")


def validate_ods_code(value: str) -> None:
    if not ODS_CODE_RE.fullmatch(value):
        raise ValidationError(
            "Enter an ODS code of 3 to 6 capital letters and numbers, like RXM or QJ2.",
            code="invalid_ods_code",
        )


class BaseModel(models.Model):
    """UUID for URLs and the API, and when the row was made and last changed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IntegratedCareSystem(BaseModel):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "integrated care system"

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_user(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """Organisations the user is a member of, for the switcher and the API."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        NHS_FOUNDATION_TRUST = "nhs_foundation_trust", "NHS foundation trust"
        INTEGRATED_CARE_BOARD = "integrated_care_board", "Integrated care board"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        VCSE = "vcse", "Voluntary, community or social enterprise"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code", max_length=6, unique=True, validators=[validate_ods_code]
    )
    kind = models.CharField("type", max_length=32, choices=Kind.choices)
    ics = models.ForeignKey(
        IntegratedCareSystem,
        models.PROTECT,
        related_name="organisations",
        verbose_name="integrated care system",
    )
    summary = models.TextField(
        blank=True, help_text="A sentence or two about the organisation for its public page."
    )
    website = models.URLField(blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


_M = TypeVar("_M", bound="OrgOwnedModel")


class OrgOwnedQuerySet(models.QuerySet[_M]):
    def in_organisation(self, organisation: Organisation) -> OrgOwnedQuerySet[_M]:
        return self.filter(organisation=organisation)

    def visible_to(self, user: User | AnonymousUser) -> OrgOwnedQuerySet[_M]:
        """Records of the user's own organisations, plus items partners have shared."""
        if not user.is_authenticated:
            return self.none()
        own = Organisation.objects.filter(memberships__user=user)
        content_type = ContentType.objects.get_for_model(self.model)
        shared = PartnerGrant.objects.filter(partner__in=own, content_type=content_type).values(
            "object_uuid"
        )
        return self.filter(Q(organisation__in=own) | Q(uuid__in=shared)).distinct()


class OrgOwnedModel(BaseModel):
    """Base for every domain record: it belongs to one organisation."""

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")

    objects = OrgOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class MembershipQuerySet(models.QuerySet["Membership"]):
    def roles_of(self, user: User | AnonymousUser, organisation: Organisation) -> set[Role]:
        """The set of roles a user holds in one organisation (empty for outsiders)."""
        if not user.is_authenticated:
            return set()
        values = self.filter(user=user, organisation=organisation).values_list("role", flat=True)
        return {Role(value) for value in values}


class Membership(BaseModel):
    """A user holds a role in an organisation. A user may hold several roles."""

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


class PartnerGrant(BaseModel):
    """Organisation A lets partner organisation B read one chosen item of A's.

    Items are named by content type and UUID so that any later domain record (a
    strategy, a delivery plan, a performance report) can be shared without changing
    this model. Grants give read access only; they never let a partner change anything.
    """

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="grants_given")
    partner = models.ForeignKey(Organisation, models.PROTECT, related_name="grants_received")
    content_type = models.ForeignKey(ContentType, models.PROTECT)
    object_uuid = models.UUIDField()
    note = models.CharField(max_length=300, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partner", "content_type", "object_uuid"],
                name="one_grant_per_item_and_partner",
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("partner")),
                name="grant_is_to_another_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} shares a {self.content_type.name} with {self.partner}"

    def item(self) -> models.Model | None:
        model = self.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(uuid=self.object_uuid).first()
