from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from lodestar.accounts.models import User
from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.delivery.models import Brag, Deliverable, ProgressUpdate
from lodestar.delivery.periods import Frequency, describe_period, last_completed_period
from lodestar.delivery.periods import recent_periods as periods_before
from lodestar.governance.models import Committee

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_REASON_HELP = "Optional. Saved in the audit trail with the change."


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ComponentForm(NHSFormMixin, forms.Form):
    """What a deliverable and a milestone share: one leader, a manager, a committee, dates."""

    noun = "component"

    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    start_date = forms.DateField(widget=_DATE, required=False)
    due_date = forms.DateField(widget=_DATE, error_messages={"required": "Enter the due date."})
    accountable_executive = PersonChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose an executive director",
        help_text="Exactly one executive director is accountable.",
    )
    responsible_manager = PersonChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody yet"
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        required=False,
        label="Overseeing committee",
        empty_label="Not yet chosen",
    )

    def __init__(
        self, *args: Any, organisation: Organisation, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__organisation=organisation).distinct()
        executives = members.filter(memberships__role=Role.EXECUTIVE_DIRECTOR)
        field = self.fields["accountable_executive"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = executives.order_by("first_name", "last_name")
        field.error_messages["required"] = (
            f"Choose the accountable executive: every {self.noun} has exactly one."
        )
        field.error_messages["invalid_choice"] = (
            f"Choose an executive director of {organisation.name}: only they can be accountable."
        )
        manager = self.fields["responsible_manager"]
        assert isinstance(manager, forms.ModelChoiceField)
        manager.queryset = members.order_by("first_name", "last_name")
        manager.error_messages["invalid_choice"] = f"Choose a member of {organisation.name}."
        committee = self.fields["committee"]
        assert isinstance(committee, forms.ModelChoiceField)
        committee.queryset = Committee.objects.filter(organisation=organisation)
        self.fields["title"].error_messages["required"] = f"Enter a title for the {self.noun}."
        if editing:
            self.fields["reason"] = forms.CharField(
                required=False, max_length=500, help_text=_REASON_HELP
            )
            self.fields["reason"].widget.attrs["class"] = "nhsuk-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error(
                "due_date",
                f"The due date must be on or after the start date, {start.day} {start:%B %Y}.",
            )
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned values a service takes (everything but the reason)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class DeliverableForm(ComponentForm):
    noun = "deliverable"
    field_order = ["title", "kind"]

    kind = forms.ChoiceField(choices=Deliverable.Kind.choices, initial=Deliverable.Kind.PROJECT)


class MilestoneForm(ComponentForm):
    noun = "milestone"


class CompleteMilestoneForm(forms.Form):
    completed_on = forms.DateField(widget=_DATE, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files at once. Each file is checked by the service, which names it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "nhsuk-file-upload"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if isinstance(item, UploadedFile)]


def _evidence_help() -> str:
    limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
    return f"PDF, Word, Excel, PowerPoint, PNG, JPEG, CSV or text files, up to {limit} MB each."


class ProgressUpdateForm(NHSFormMixin, forms.Form):
    period = forms.TypedChoiceField(coerce=datetime.date.fromisoformat)
    status = forms.ChoiceField(
        choices=[("", "Choose a status"), *Brag.choices],
        error_messages={"required": "Choose a BRAG status."},
    )
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has happened this period, what is next, and any risks.",
        error_messages={"required": "Write a narrative: what has happened this period."},
    )
    confidence = forms.ChoiceField(
        choices=[("", "Choose a level"), *ProgressUpdate.Confidence.choices],
        label="Confidence of delivering on time",
        error_messages={"required": "Choose how confident you are."},
    )
    evidence_files = EvidenceFilesField(required=False)
    evidence_links = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line: a title, then the web address. "
        "For example: Board paper https://www.example.nhs.uk/paper.pdf",
    )

    def __init__(
        self, *args: Any, frequency: Frequency, today: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (p.isoformat(), describe_period(p, frequency))
            for p in periods_before(today, frequency, 6)
        ]
        field.initial = last_completed_period(today, frequency).isoformat()
        field.help_text = "Updates report on a period once it has ended."
        self.fields["evidence_files"].help_text = _evidence_help()

    def clean_evidence_links(self) -> list[tuple[str, str]]:
        links = []
        for line in str(self.cleaned_data["evidence_links"]).splitlines():
            words = line.split()
            if words:
                links.append((" ".join(words[:-1]), words[-1]))
        return links


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the fields it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
