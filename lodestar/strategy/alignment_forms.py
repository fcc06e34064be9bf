from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from lodestar.core.forms import NHSFormMixin
from lodestar.strategy.alignment import NOTE_MAX_LENGTH
from lodestar.strategy.models import AlignmentLink, Element, Strategy

_M = TypeVar("_M", bound=models.Model)


class ByUUIDChoiceField(forms.ModelChoiceField[_M]):
    """Choose a record by its UUID; a malformed UUID is just an invalid choice."""

    def to_python(self, value: Any) -> _M | None:
        try:
            return super().to_python(value)
        except ValidationError as e:
            if e.code == "invalid_choice":
                raise
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from e


class ElementChoiceField(ByUUIDChoiceField[Element]):
    def label_from_instance(self, obj: Element) -> str:
        return f"{obj.kind}: {obj.title}"


class AlignmentLinkForm(NHSFormMixin, forms.Form):
    """Link one of our elements to one priority of the partner strategy on the page."""

    element = ElementChoiceField(
        queryset=Element.objects.none(),
        to_field_name="uuid",
        label="Our element",
        error_messages={"invalid_choice": "Choose one of this strategy's elements."},
    )
    partner_element = ElementChoiceField(
        queryset=Element.objects.none(),
        to_field_name="uuid",
        label="Partner priority it serves",
        error_messages={
            "invalid_choice": "Choose a priority from a partner's approved strategy "
            "or a joint strategy.",
        },
    )
    relationship = forms.ChoiceField(
        choices=AlignmentLink.Relationship.choices,
        error_messages={
            "invalid_choice": "Choose contributes to, equivalent to or partly contributes to."
        },
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Optional. How our element serves the partner's priority.",
    )

    def __init__(
        self, strategy: Strategy, partner: Strategy | None, *args: Any, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        element_field = self.fields["element"]
        partner_field = self.fields["partner_element"]
        assert isinstance(element_field, ElementChoiceField)
        assert isinstance(partner_field, ElementChoiceField)
        element_field.queryset = strategy.elements.select_related("kind")
        if partner is not None:
            partner_field.queryset = partner.elements.select_related("kind")
