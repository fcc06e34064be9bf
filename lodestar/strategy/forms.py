from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lodestar.accounts.models import User
from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.governance.models import Committee
from lodestar.strategy.guards import clean_lines
from lodestar.strategy.models import (
    Domain,
    Element,
    ElementKind,
    EngagementActivity,
    Strategy,
    Value,
)
from lodestar.strategy.services import FIRST_YEAR, LAST_YEAR

REASON_HELP = "Optional. Saved in the audit trail with the change."
CHECKBOX_CLASS = "nhsuk-checkboxes__input"


class LinesField(forms.CharField):
    """A list of short texts edited as a text box, one item a line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One a line.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        try:
            return clean_lines("lines", text)
        except ValidationError as e:
            raise ValidationError(e.message_dict["lines"]) from e


def _reason() -> forms.CharField:
    return forms.CharField(required=False, max_length=500, help_text=REASON_HELP)


def _year(label: str) -> forms.IntegerField:
    message = f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}, like 2025."
    return forms.IntegerField(
        label=label,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "required": f"Enter the {label.lower()}.",
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-4"}),
    )


class StrategyForm(NHSFormMixin, forms.ModelForm[Strategy]):
    start_year = _year("First year")
    end_year = _year("Last year")
    source_url = forms.URLField(
        label="Published at",
        required=False,
        assume_scheme="https",
        help_text="Optional. The web address of the published strategy.",
    )
    joint_owners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Owned jointly with",
        help_text="For a strategy agreed by several partners, such as an integrated care "
        "strategy. Partners in the same integrated care system are listed.",
    )
    reason = _reason()

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = Organisation.objects.filter(ics=organisation.ics).exclude(pk=organisation.pk)
        field = self.fields["joint_owners"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = partners
        if self.instance.pk:
            field.initial = list(self.instance.joint_owners.all())

    class Meta:
        model = Strategy
        fields = [
            "title",
            "kind",
            "start_year",
            "end_year",
            "vision",
            "mission",
            "purpose",
            "summary",
            "source_url",
        ]
        error_messages = {
            "title": {"required": "Enter the strategy's title."},
            "vision": {"required": "Enter the vision."},
        }


class ElementKindForm(NHSFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text='For example "Big ambition" or "Enabling strategy".',
        error_messages={"required": "Enter a name for the kind of element."},
    )
    plural = forms.CharField(
        max_length=100, required=False, help_text='Optional. For example "Big ambitions".'
    )


class ApproveForm(NHSFormMixin, forms.Form):
    approved_by = forms.ModelChoiceField(
        label="Approved by",
        queryset=Committee.objects.none(),
        empty_label="Choose a board or committee",
        error_messages={
            "required": "Choose the board or committee that approved the strategy.",
            "invalid_choice": "Choose one of this organisation's boards or committees.",
        },
    )
    approved_on = forms.DateField(
        label="Date of approval",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the strategy was approved.",
            "invalid": "Enter a real date, like 2025-03-27.",
        },
    )
    reason = _reason()

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committees = Committee.objects.filter(organisation=organisation)
        field = self.fields["approved_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = committees


class ValueForm(NHSFormMixin, forms.ModelForm[Value]):
    behaviours = LinesField(help_text="The behaviours that show the value, one a line.")
    reason = _reason()

    class Meta:
        model = Value
        fields = ["name", "description", "behaviours"]
        error_messages = {"name": {"required": "Enter the value's name."}}


class ElementForm(NHSFormMixin, forms.ModelForm[Element]):
    statements = LinesField()
    outcomes = LinesField(
        label="What success will look like", help_text="Intended outcomes, one a line."
    )
    indicators = LinesField(help_text="Strategic indicators, one a line.")
    domains = forms.MultipleChoiceField(
        label="What it addresses",
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    executive_lead = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="No executive lead yet",
        help_text="An executive director of this organisation.",
        error_messages={"invalid_choice": "Choose one of this organisation's executives."},
    )
    reason = _reason()

    class Meta:
        model = Element
        fields = [
            "kind",
            "title",
            "description",
            "statements",
            "outcomes",
            "indicators",
            "domains",
            "executive_lead",
        ]
        error_messages = {
            "title": {"required": "Enter the element's title."},
            "kind": {
                "required": "Choose what kind of element this is.",
                "invalid_choice": "Choose one of this organisation's kinds of element.",
            },
        }

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        lead = self.fields["executive_lead"]
        assert isinstance(kind, forms.ModelChoiceField)
        assert isinstance(lead, forms.ModelChoiceField)
        kind.queryset = ElementKind.objects.filter(organisation=organisation)
        kind.empty_label = "Choose a kind"
        lead.queryset = User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=Role.EXECUTIVE_DIRECTOR,
        ).order_by("first_name", "last_name", "username")
        self.fields["domains"].widget.attrs["class"] = CHECKBOX_CLASS


class EngagementForm(NHSFormMixin, forms.ModelForm[EngagementActivity]):
    elements = forms.ModelMultipleChoiceField(
        label="Which parts of the strategy it shaped",
        queryset=Element.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Optional. Select all that apply.",
    )
    reason = _reason()

    class Meta:
        model = EngagementActivity
        fields = [
            "held_on",
            "title",
            "method",
            "level",
            "people_using_services",
            "carers",
            "staff",
            "partners",
            "public",
            "what_was_said",
            "what_changed",
            "elements",
        ]
        labels = {
            "held_on": "Date",
            "people_using_services": "People who use services",
            "staff": "Staff",
            "partners": "Partners",
            "public": "Members of the public",
            "what_was_said": "You said",
            "what_changed": "We did",
        }
        help_texts = {
            "what_was_said": "What people told you.",
            "what_changed": "What changed in the strategy as a result.",
        }
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "held_on": {
                "required": "Enter the date of the activity.",
                "invalid": "Enter a real date, like 2024-06-12.",
            },
            "title": {"required": "Enter a title for the activity."},
            "method": {"required": "Say how people took part, for example a workshop."},
            "level": {"required": "Choose the level of engagement."},
            "what_was_said": {"required": "Enter what people said."},
        }

    COUNTS = ("people_using_services", "carers", "staff", "partners", "public")

    def __init__(self, strategy: Strategy, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elements = self.fields["elements"]
        assert isinstance(elements, forms.ModelMultipleChoiceField)
        elements.queryset = strategy.elements.select_related("kind").order_by(
            "kind__order", "order", "id"
        )
        elements.widget.attrs["class"] = CHECKBOX_CLASS
        for name in self.COUNTS:
            field = self.fields[name]
            field.required = False
            field.widget.attrs["class"] = "nhsuk-input nhsuk-input--width-5"
            field.error_messages["min_value"] = "Enter a number of 0 or more."
            field.error_messages["invalid"] = "Enter a whole number, like 12."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A blank count means nobody from that group took part.
        for name in self.COUNTS:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        return cleaned
