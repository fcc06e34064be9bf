from __future__ import annotations

from typing import Any

from django import forms

from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.governance.models import Committee


class CommitteeForm(NHSFormMixin, forms.Form):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the name of the committee."}
    )
    kind = forms.ChoiceField(choices=Committee.Kind.choices, initial=Committee.Kind.COMMITTEE)
    reports_to = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        required=False,
        empty_label="Nobody (it is the board)",
        help_text="The board or committee this one reports to.",
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        editing: Committee | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reports_to"]
        assert isinstance(field, forms.ModelChoiceField)
        choices = Committee.objects.filter(organisation=organisation)
        if editing is not None:
            choices = choices.exclude(pk=editing.pk)
        field.queryset = choices
        field.error_messages["invalid_choice"] = (
            f"Choose one of {organisation.name}'s own boards or committees."
        )
        if editing is not None:
            self.fields["reason"] = forms.CharField(
                required=False,
                max_length=500,
                help_text="Optional. Saved in the audit trail with the change.",
                widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
            )

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}
