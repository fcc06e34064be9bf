"""Forms for metric definitions, rebases, target changes, narratives and single observations.

The forms check what a browser can get wrong (a missing name, a word where a number goes);
the services check the rules and their refusals are put back on the form's fields.
"""

from __future__ import annotations

from typing import Any

from django import forms

from lodestar.accounts.models import User
from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.governance.models import Committee
from lodestar.performance.models import (
    DataQuality,
    Domain,
    Frequency,
    ImprovementDirection,
    Metric,
    Unit,
)
from lodestar.performance.services import MIN_FIX_AFTER
from lodestar.strategy.models import Element, Strategy

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_REASON_HELP = "Optional. Saved in the audit trail with the change."
_PERIOD_HINTS = {
    Frequency.DAILY: "The day the value is for.",
    Frequency.WEEKLY: "The Monday that starts the week.",
    Frequency.MONTHLY: "The first day of the month, like 1 April 2025.",
    Frequency.QUARTERLY: "The first day of the quarter: 1 January, 1 April, 1 July or 1 October.",
}


def _choices(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _reason_field() -> forms.CharField:
    return forms.CharField(required=False, max_length=500, help_text=_REASON_HELP)


def _number(label: str, *, required_message: str = "", **kwargs: Any) -> forms.FloatField:
    messages = {"invalid": f"Enter the {label.lower()} as a number, like 95.2."}
    if required_message:
        messages["required"] = required_message
    return forms.FloatField(
        label=label,
        error_messages=messages,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ElementChoiceField(forms.ModelMultipleChoiceField[Element]):
    def label_from_instance(self, obj: Element) -> str:
        return f"{obj.title} ({obj.strategy.title}, {obj.strategy.period})"


def linkable_elements(organisation: Organisation, metric: Metric | None) -> Any:
    """The elements of the organisation's strategies in use, and any already linked.

    A superseded strategy's elements are not offered, but a link made before it was
    superseded is kept rather than silently dropped on the next save.
    """
    live = Element.objects.filter(organisation=organisation).exclude(
        strategy__status=Strategy.Status.SUPERSEDED
    )
    if metric is not None:
        live = live | Element.objects.filter(metrics=metric)
    return live.select_related("strategy", "kind").distinct()


class MetricForm(NHSFormMixin, forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the metric's name."})
    code = forms.SlugField(
        max_length=40,
        help_text="A short code for files and the API: lower-case letters, numbers and "
        "hyphens, like ae-4hr.",
        error_messages={
            "required": "Enter a short code for the metric, like ae-4hr.",
            "invalid": "Use only letters, numbers, hyphens and underscores in the code.",
        },
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    domain = forms.ChoiceField(
        choices=_choices("Choose a domain", Domain.choices),
        help_text="The section of the integrated performance report it appears in.",
        error_messages={"required": "Choose the domain the metric belongs to."},
    )
    unit = forms.ChoiceField(
        choices=_choices("Choose a unit", Unit.choices),
        error_messages={"required": "Choose the unit the metric is measured in."},
    )
    improvement_direction = forms.ChoiceField(
        label="Which way is better",
        choices=_choices("Choose a direction", ImprovementDirection.choices),
        error_messages={"required": "Choose which way is better."},
    )
    frequency = forms.ChoiceField(
        choices=_choices("Choose a frequency", Frequency.choices),
        error_messages={"required": "Choose how often the metric is measured."},
    )
    target = _number(
        "Target",
        required=False,
        help_text="Optional: the target from the first period. When a new year's target "
        "replaces it, add a target change on the metric's page instead of changing this, "
        "so that earlier months keep the target of their time.",
    )
    target_source = forms.CharField(
        label="Where the target comes from",
        max_length=300,
        required=False,
        help_text="Like the NHS constitutional standard, or a board decision.",
    )
    data_source = forms.CharField(max_length=300, required=False)
    lead_executive = PersonChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose an executive director",
        help_text="The executive director who answers for the metric.",
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        required=False,
        label="Assuring committee",
        empty_label="Not yet chosen",
    )
    elements = ElementChoiceField(
        queryset=Element.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
        label="Strategic elements it measures",
        help_text="Optional. Select all that apply.",
    )
    data_quality = forms.ChoiceField(choices=DataQuality.choices, initial=DataQuality.NOT_ASSESSED)
    data_quality_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Known issues with the data, and who assured it.",
    )
    fix_after = forms.IntegerField(
        label="Fix the limits after this many points",
        required=False,
        min_value=MIN_FIX_AFTER,
        help_text=f"Optional, at least {MIN_FIX_AFTER}. Leave empty to use every point.",
        error_messages={
            "invalid": "Enter a whole number of points.",
            "min_value": f"Fix the limits after at least {MIN_FIX_AFTER} points.",
        },
    )
    screen_outliers = forms.BooleanField(
        required=False,
        initial=True,
        label="Screen out large moving ranges when calculating the limits",
        help_text="Recommended, as in Making Data Count.",
    )

    def __init__(
        self, *args: Any, organisation: Organisation, metric: Metric | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        members = User.objects.filter(memberships__organisation=organisation)
        lead = self.fields["lead_executive"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = (
            members.filter(memberships__role=Role.EXECUTIVE_DIRECTOR)
            .distinct()
            .order_by("first_name", "last_name")
        )
        lead.error_messages["required"] = "Choose the lead executive: every metric has one."
        lead.error_messages["invalid_choice"] = (
            f"Choose an executive director of {organisation.name}."
        )
        committee = self.fields["committee"]
        assert isinstance(committee, forms.ModelChoiceField)
        committee.queryset = Committee.objects.filter(organisation=organisation)
        elements = self.fields["elements"]
        assert isinstance(elements, forms.ModelMultipleChoiceField)
        elements.queryset = linkable_elements(organisation, metric)
        if metric is not None:
            self.fields["active"] = forms.BooleanField(
                required=False,
                label="Active: shown in the integrated performance report",
                help_text="Untick to stop reporting a metric but keep its history.",
            )
            self.fields["reason"] = _reason_field()
            self.fields["reason"].widget.attrs["class"] = "nhsuk-input"
            self.fields["active"].widget.attrs["class"] = "nhsuk-checkboxes__input"

    @staticmethod
    def initial_for(metric: Metric) -> dict[str, Any]:
        names = [n for n in MetricForm.base_fields if n != "elements"] + ["active"]
        initial = {name: getattr(metric, name) for name in names}
        initial["lead_executive"] = metric.lead_executive_id
        initial["committee"] = metric.committee_id
        initial["elements"] = [e.pk for e in metric.elements.all()]
        return initial

    def values(self) -> dict[str, Any]:
        """The cleaned values a service takes (everything but the reason)."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        values["elements"] = list(values["elements"])
        return values


class RebaseForm(NHSFormMixin, forms.Form):
    period = forms.DateField(
        label="Recalculate the limits from",
        widget=_DATE,
        error_messages={
            "required": "Enter the first period of the changed process.",
            "invalid": "Enter a real date, like 2025-04-01.",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What changed in the process. It is shown beside the chart.",
        error_messages={"required": "Say why the process changed."},
    )

    def __init__(self, *args: Any, frequency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].help_text = _PERIOD_HINTS[Frequency(frequency)]


class TargetChangeForm(NHSFormMixin, forms.Form):
    period = forms.DateField(
        label="The new target applies from",
        widget=_DATE,
        error_messages={
            "required": "Enter the first period the new target applies to.",
            "invalid": "Enter a real date, like 2025-04-01.",
        },
    )
    target = _number(
        "New target",
        required=False,
        help_text="Leave empty if the metric has no target from this period.",
    )
    source = forms.CharField(
        label="Where the new target comes from",
        max_length=300,
        required=False,
        help_text="Like the 2025/26 operational planning guidance, or a board decision.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why the target changed. The board sees it on the metric's page.",
        error_messages={"required": "Say why the target changed."},
    )

    def __init__(self, *args: Any, frequency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].help_text = _PERIOD_HINTS[Frequency(frequency)]


class ObservationForm(NHSFormMixin, forms.Form):
    period = forms.DateField(
        widget=_DATE,
        error_messages={
            "required": "Enter the period the value is for.",
            "invalid": "Enter a real date, like 2025-04-01.",
        },
    )
    value = _number("Value", required_message="Enter the value.")
    numerator = _number("Numerator", required=False, help_text="Optional, for rates.")
    denominator = _number("Denominator", required=False, help_text="Optional, for rates.")
    note = forms.CharField(max_length=300, required=False)
    reason = _reason_field()

    def __init__(self, *args: Any, metric: Metric, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = _PERIOD_HINTS[Frequency(metric.frequency)]
        self.fields["period"].help_text = f"{hint} A value already saved for it is corrected."
        self.fields["value"].help_text = f"In {metric.get_unit_display().lower()}."
        if metric.unit == Unit.PERCENT:
            self.fields["value"].help_text += " Give 95.2 for 95.2%."
            self.fields["numerator"].help_text = (
                "Optional. With the denominator, the value must equal numerator / denominator "
                "x 100."
            )


class NarrativeForm(NHSFormMixin, forms.Form):
    what_the_chart_shows = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The variation and assurance the chart shows, in plain words.",
    )
    root_cause = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Why: what is driving the performance.",
    )
    actions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What is being done, by whom and by when.",
    )
    risks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Risks and mitigations",
    )
