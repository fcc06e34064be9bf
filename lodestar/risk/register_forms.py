"""Forms for the corporate risk register: its filters, and raising or changing a risk."""

from __future__ import annotations

from typing import Any

from django import forms

from lodestar.accounts.models import User
from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.delivery.forms import PersonChoiceField
from lodestar.risk.matrix import Matrix
from lodestar.risk.models import RiskStatus, StrategicRisk
from lodestar.risk.register_services import RATINGS, RegisterFilters

_DATE = forms.DateInput(
    attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}, format="%Y-%m-%d"
)
_REASON_HELP = "Optional. Saved in the audit trail with the change."
_STATUSES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]


class RegisterFilterForm(NHSFormMixin, forms.Form):
    """What the register shows. Bad values are ignored: a filter is never an error."""

    status = forms.ChoiceField(choices=_STATUSES, required=False, initial="open")
    service = forms.ChoiceField(required=False)
    band = forms.ChoiceField(required=False, label="Current band")
    escalated = forms.BooleanField(required=False, label="Only risks at or above the threshold")

    def __init__(self, *args: Any, services: list[str], matrix: Matrix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        self.fields["service"].choices = [("", "All services"), *((s, s) for s in services)]  # type: ignore[attr-defined]
        self.fields["band"].choices = [  # type: ignore[attr-defined]
            ("", "All bands"),
            *((b.name, b.name) for b in matrix.bands),
        ]
        self.fields[
            "escalated"
        ].label = f"Only escalated risks (current score {matrix.escalation_threshold} or more)"

    def filters(self) -> RegisterFilters:
        if not self.is_bound:
            return RegisterFilters()
        # A filter that does not fit (a service since renamed) is dropped; the rest apply.
        self.is_valid()
        data = self.cleaned_data
        return RegisterFilters(
            status=data.get("status") or RiskStatus.OPEN,
            service=data.get("service") or "",
            band=data.get("band") or "",
            escalated_only=bool(data.get("escalated")),
        )


class StrategicRiskChoiceField(forms.ModelChoiceField[StrategicRisk]):
    def label_from_instance(self, obj: StrategicRisk) -> str:
        return f"{obj.reference}: {obj.title}"


def _rating_choices(words: tuple[str, ...], what: str) -> list[tuple[Any, str]]:
    return [("", f"Choose a {what}"), *((i, f"{i} {word}") for i, word in enumerate(words, 1))]


class OperationalRiskForm(NHSFormMixin, forms.Form):
    reference = forms.CharField(
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
        help_text="Leave blank to use the next number, like CR12.",
    )
    title = forms.CharField(max_length=300, error_messages={"required": "Enter a title."})
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The cause, the risk and its effect.",
        error_messages={"required": "Describe the risk."},
    )
    owner = PersonChoiceField(queryset=User.objects.none(), empty_label="Choose the owner")
    service = forms.CharField(
        max_length=200, required=False, help_text="The service or directorate."
    )
    strategic_risk = StrategicRiskChoiceField(
        queryset=StrategicRisk.objects.none(),
        required=False,
        label="Board Assurance Framework risk it feeds",
        empty_label="None",
    )
    controls = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Controls in place",
        help_text="What already reduces the risk: policies, checks, staffing, equipment.",
    )
    gaps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Gaps in control",
        help_text="Controls that are missing or not working as they should.",
    )
    actions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Further actions",
        help_text="What will be done to close the gaps, each with its owner and date.",
    )
    inherent_likelihood = forms.TypedChoiceField(coerce=int)
    inherent_consequence = forms.TypedChoiceField(coerce=int)
    current_likelihood = forms.TypedChoiceField(coerce=int)
    current_consequence = forms.TypedChoiceField(coerce=int)
    target_likelihood = forms.TypedChoiceField(coerce=int)
    target_consequence = forms.TypedChoiceField(coerce=int)
    target_date = forms.DateField(widget=_DATE, required=False)
    last_reviewed_on = forms.DateField(widget=_DATE, required=False, label="Last reviewed")
    next_review_on = forms.DateField(widget=_DATE, required=False, label="Next review due")

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        matrix: Matrix,
        owners: list[User] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        """`owners` limits who may be named owner (an executive raises only their own)."""
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__organisation=organisation).distinct()
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = (
            members.filter(pk__in=[u.pk for u in owners]) if owners is not None else members
        ).order_by("first_name", "last_name")
        owner.error_messages["required"] = "Choose the risk's owner: every risk has exactly one."
        owner.error_messages["invalid_choice"] = f"Choose a member of {organisation.name}."
        fed = self.fields["strategic_risk"]
        assert isinstance(fed, forms.ModelChoiceField)
        fed.queryset = StrategicRisk.objects.filter(organisation=organisation).open()
        fed.error_messages["invalid_choice"] = (
            f"Choose one of {organisation.name}'s open strategic risks."
        )
        self._ratings(matrix)
        if editing:
            self.fields["reference"].required = True
            self.fields["reference"].help_text = ""
            self.fields["reason"] = forms.CharField(
                required=False, max_length=500, help_text=_REASON_HELP
            )
            self.fields["reason"].widget.attrs["class"] = "nhsuk-input"

    def _ratings(self, matrix: Matrix) -> None:
        for name in RATINGS:
            position, axis = name.split("_")
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            words = matrix.likelihood if axis == "likelihood" else matrix.consequence
            field.choices = _rating_choices(words, axis)
            field.label = f"{position.capitalize()} {axis}"
            field.error_messages["required"] = f"Choose the {position} {axis}."
        self.fields["inherent_likelihood"].help_text = "Before any controls."
        self.fields["current_likelihood"].help_text = "With the controls now in place."
        self.fields["target_likelihood"].help_text = "Where the risk should be once actions end."

    def values(self) -> dict[str, Any]:
        """The cleaned values a service takes (everything but the reason)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class CloseRiskForm(NHSFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        label="Why is the risk being closed?",
        help_text="Saved in the audit trail.",
        error_messages={"required": "Say why the risk is being closed."},
    )
