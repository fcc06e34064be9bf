"""A stand-in domain record, used only by tests of partner sharing.

Later capabilities (strategies, plans, reports) inherit OrgOwnedModel the same way.
"""

from __future__ import annotations

from django.db import models

from lodestar.core.models import OrgOwnedModel


class Note(OrgOwnedModel):
    title = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.title
