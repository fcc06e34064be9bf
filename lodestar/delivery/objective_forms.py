from __future__ import annotations

from typing import Any

from django import forms

from lodestar.accounts.models import User
from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.delivery.models import Objective, Team
from lodestar.delivery.objectives import linkable_elements
from lodestar.strategy.alignment_forms import ByUUIDChoiceField
from lodestar.strategy.models import Element, Strategy


class ElementField(ByUUIDChoiceField[Element]):
    def label_from_instance(self, obj: Element) -> str:
        label = f"{obj.kind}: {obj.title}"
        # A new version copies the elements of the last, so name the draft to tell them apart.
        if obj.strategy.status != Strategy.Status.APPROVED:
            label += f" ({obj.strategy.get_status_display().lower()}: {obj.strategy.title})"
        return label


def _set_queryset(field: forms.Field, queryset: Any) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class ObjectiveForm(NHSFormMixin, forms.Form):
    element = ElementField(
        queryset=Element.objects.none(),
        to_field_name="uuid",
        label="Part of the strategy it serves",
        error_messages={"invalid_choice": "Choose an element of one of our strategies."},
    )
    title = forms.CharField(max_length=Objective._meta.get_field("title").max_length)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(
        required=False,
        help_text="Optional. For example, 31/3/2026.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the due date as a real date, like 31/3/2026."},
    )

    def __init__(self, organisation: Organisation, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        _set_queryset(self.fields["element"], linkable_elements(organisation))


class TeamObjectiveForm(ObjectiveForm):
    team = ByUUIDChoiceField[Team](
        queryset=Team.objects.none(),
        to_field_name="uuid",
        error_messages={"invalid_choice": "Choose one of our teams."},
    )
    field_order = ["team", "element", "title", "description", "due_date"]

    def __init__(self, organisation: Organisation, *args: Any, **kw: Any) -> None:
        super().__init__(organisation, *args, **kw)
        _set_queryset(self.fields["team"], Team.objects.filter(organisation=organisation))


class TeamForm(NHSFormMixin, forms.Form):
    name = forms.CharField(max_length=Team._meta.get_field("name").max_length, label="Team name")


class TeamMemberForm(NHSFormMixin, forms.Form):
    person = ByUUIDChoiceField[User](
        queryset=User.objects.none(),
        to_field_name="uuid",
        error_messages={"invalid_choice": "Choose someone who works here."},
    )

    def __init__(self, organisation: Organisation, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        people = User.objects.filter(memberships__organisation=organisation).distinct()
        _set_queryset(self.fields["person"], people.order_by("first_name", "last_name"))
