from __future__ import annotations

from typing import Any

from django import forms

from lodestar.core.models import Organisation
from lodestar.core.roles import Role

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.Select, "nhsuk-select"),
    (forms.Textarea, "nhsuk-textarea"),
    (forms.CheckboxInput, "nhsuk-checkboxes__input"),
]


class NHSFormMixin:
    """Give every widget the NHS.UK design system's class (Django links hints and errors)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next(
                (c for kind, c in _WIDGET_CLASSES if isinstance(widget, kind)), "nhsuk-input"
            )
            widget.attrs.setdefault("class", css)


class OrganisationForm(NHSFormMixin, forms.ModelForm[Organisation]):
    reason = forms.CharField(
        required=False,
        max_length=500,
        help_text="Optional. Saved in the audit trail with the change.",
    )
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "ods_code", "kind", "ics", "summary", "website"]

    def clean_ods_code(self) -> str:
        return str(self.cleaned_data["ods_code"]).strip().upper()


class NewOrganisationForm(NHSFormMixin, forms.ModelForm[Organisation]):
    """What site staff fill in to add an organisation and name its first administrator."""

    website = forms.URLField(required=False, assume_scheme="https")
    first_administrator = forms.CharField(
        max_length=150,
        help_text="The username of an existing account who will manage the organisation.",
    )

    class Meta:
        model = Organisation
        fields = ["name", "ods_code", "kind", "ics", "summary", "website"]

    def clean_ods_code(self) -> str:
        return str(self.cleaned_data["ods_code"]).strip().upper()


class AddMemberForm(NHSFormMixin, forms.Form):
    username = forms.CharField(
        label="Username or email address",
        max_length=150,
        help_text="If nobody has this username yet, a new account is made.",
    )
    full_name = forms.CharField(
        label="Full name (for a new account)", max_length=150, required=False
    )
    email = forms.EmailField(label="Email address (for a new account)", required=False)
    role = forms.ChoiceField(choices=Role.choices)
    job_title = forms.CharField(max_length=200, required=False)

    def clean_role(self) -> Role:
        return Role(self.cleaned_data["role"])


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)
