"""Boards and committees. For now a committee is a name that owns items; meetings,
terms of reference and board papers come with the governance capability."""

from __future__ import annotations

from django.db import models

from lodestar.core.models import OrgOwnedModel


class Committee(OrgOwnedModel):
    class Kind(models.TextChoices):
        BOARD = "board", "Board"
        COMMITTEE = "committee", "Committee of the board"
        SUBCOMMITTEE = "subcommittee", "Subcommittee"
        EXECUTIVE = "executive", "Executive group"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    reports_to = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="reporting_committees"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="committee_name_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name
