"""Forms for strategic risks and their controls, assurances, gaps, actions and reviews.

Each form only shapes input; the services decide what is allowed and say why not, and
`add_service_errors` puts their refusals on the fields they name.
"""

from __future__ import annotations

from typing import Any

from django import forms

from lodestar.accounts.models import User
from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.core.roles import Role
from lodestar.delivery.forms import PersonChoiceField, add_service_errors
from lodestar.delivery.models import Brag
from lodestar.governance.models import Committee
from lodestar.performance.models import Metric
from lodestar.risk.matrix import Matrix
from lodestar.risk.models import (
    AppetiteCategory,
    Assurance,
    Control,
    RiskStatus,
    StrategicRisk,
)
from lodestar.strategy.models import Element, Strategy

__all__ = [
    "ActionForm",
    "AssuranceForm",
    "AssuranceGapForm",
    "CloseRiskForm",
    "CompleteActionForm",
    "ControlForm",
    "ReviewForm",
    "RiskForm",
    "add_service_errors",
]

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_REASON_HELP = "Optional. Saved in the audit trail with the change."


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _reason_field() -> forms.CharField:
    return forms.CharField(required=False, max_length=500, help_text=_REASON_HELP)


def rating_choices(words: tuple[str, ...], what: str) -> list[tuple[str, str]]:
    """Ratings as risk managers read them: "4 Likely", from the organisation's matrix."""
    return [("", f"Choose a {what}")] + [(str(n), f"{n} {w}") for n, w in enumerate(words, 1)]


def _rating(label: str, choices: list[tuple[str, str]]) -> forms.TypedChoiceField:
    field = forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        error_messages={"required": f"Choose the {label.lower()}."},
    )
    # Added after NHSFormMixin has classed the declared fields.
    field.widget.attrs["class"] = "nhsuk-select"
    return field


class ElementChoiceField(forms.ModelMultipleChoiceField[Element]):
    def label_from_instance(self, obj: Element) -> str:
        return f"{obj.title} ({obj.kind.name}, {obj.strategy.title})"


class MetricChoiceField(forms.ModelMultipleChoiceField[Metric]):
    def label_from_instance(self, obj: Metric) -> str:
        return obj.name


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


_RISK_FIELD_ORDER = [
    "reference",
    "title",
    "cause",
    "event",
    "effect",
    "elements",
    "executive_lead",
    "committee",
    "appetite_category",
    *(
        f"{p}_{s}"
        for p in ("inherent", "current", "target")
        for s in ("likelihood", "consequence")
    ),
    "target_date",
    "next_review_on",
    "metrics",
    "reason",
]


class RiskForm(NHSFormMixin, forms.Form):
    """A strategic risk: cause, event and effect, its people, links and three positions."""

    reference = forms.CharField(max_length=20, help_text="Like SR1. Used once in the BAF.")
    title = forms.CharField(max_length=300, error_messages={"required": "Give the risk a title."})
    cause = forms.CharField(widget=_text(), help_text="If we do not ... (the cause)")
    event = forms.CharField(widget=_text(), help_text="there is a risk that ... (the event)")
    effect = forms.CharField(widget=_text(), help_text="resulting in ... (the effect)")
    elements = ElementChoiceField(
        queryset=Element.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
        label="Strategic objectives it threatens",
        help_text="Select all that apply.",
        error_messages={"required": "Link the risk to at least one strategic objective."},
    )
    executive_lead = PersonChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose an executive director",
        help_text="The one executive director who answers for the risk.",
        error_messages={"required": "Choose the executive lead: every risk has exactly one."},
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        label="Lead committee",
        empty_label="Choose a committee",
        error_messages={"required": "Choose the lead committee."},
    )
    appetite_category = forms.ModelChoiceField(
        queryset=AppetiteCategory.objects.none(),
        label="Risk appetite category",
        empty_label="Choose a category",
        error_messages={"required": "Choose the risk appetite category."},
    )
    target_date = forms.DateField(widget=_DATE, required=False, help_text="Optional.")
    next_review_on = forms.DateField(
        widget=_DATE, required=False, label="Next review", help_text="Optional."
    )
    metrics = MetricChoiceField(
        queryset=Metric.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
        required=False,
        label="Metrics that show how the risk is moving",
        help_text="Optional. Their latest variation and assurance show beside the risk.",
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        matrix: Matrix,
        risk: StrategicRisk | None = None,
        may_change_lead: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_ratings(matrix)
        executives = User.objects.filter(
            memberships__organisation=organisation, memberships__role=Role.EXECUTIVE_DIRECTOR
        )
        _set_queryset(self, "executive_lead", executives.distinct().order_by("first_name"))
        _set_queryset(self, "committee", Committee.objects.filter(organisation=organisation))
        _set_queryset(
            self, "appetite_category", AppetiteCategory.objects.filter(organisation=organisation)
        )
        _set_queryset(self, "elements", linkable_elements(organisation, risk))
        _set_queryset(self, "metrics", Metric.objects.filter(organisation=organisation))
        if not may_change_lead:
            # Handing a risk on is for the governance team; the lead sees who leads it.
            self.fields["executive_lead"].disabled = True
            self.fields["executive_lead"].help_text = "Ask the governance team to change it."
        if risk is not None:
            self.fields["reason"] = _reason_field()
            self.fields["reason"].widget.attrs["class"] = "nhsuk-input"
            self.initial = initial_for(risk)
        self.order_fields(_RISK_FIELD_ORDER)

    def _add_ratings(self, matrix: Matrix) -> None:
        likelihoods = rating_choices(matrix.likelihood, "likelihood")
        consequences = rating_choices(matrix.consequence, "consequence")
        for position, hint in (
            ("inherent", "With no controls in place."),
            ("current", "With today's controls."),
            ("target", "Where the board means it to be."),
        ):
            name = position.capitalize()
            self.fields[f"{position}_likelihood"] = _rating(f"{name} likelihood", likelihoods)
            self.fields[f"{position}_likelihood"].help_text = hint
            self.fields[f"{position}_consequence"] = _rating(f"{name} consequence", consequences)

    def values(self) -> dict[str, Any]:
        """The cleaned values a service takes (everything but the reason)."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        values["elements"] = list(values["elements"])
        values["metrics"] = list(values["metrics"])
        return values


def linkable_elements(organisation: Organisation, risk: StrategicRisk | None) -> Any:
    """Objectives of strategies still in use, plus any the risk already links to."""
    live = Element.objects.filter(organisation=organisation).exclude(
        strategy__status=Strategy.Status.SUPERSEDED
    )
    if risk is not None:
        live = live | Element.objects.filter(strategic_risks=risk)
    return live.select_related("kind", "strategy").distinct().order_by("strategy", "order", "id")


def initial_for(risk: StrategicRisk) -> dict[str, Any]:
    names = [
        "reference",
        "title",
        "cause",
        "event",
        "effect",
        "target_date",
        "next_review_on",
        *(
            f"{p}_{s}"
            for p in ("inherent", "current", "target")
            for s in ("likelihood", "consequence")
        ),
    ]
    initial: dict[str, Any] = {name: getattr(risk, name) for name in names}
    initial["executive_lead"] = risk.executive_lead_id
    initial["committee"] = risk.committee_id
    initial["appetite_category"] = risk.appetite_category_id
    initial["elements"] = [e.pk for e in risk.elements.all()]
    initial["metrics"] = [m.pk for m in risk.metrics.all()]
    return initial


class CloseRiskForm(NHSFormMixin, forms.Form):
    """Take a risk off the BAF: close it, or merge it into another open risk."""

    outcome = forms.ChoiceField(
        choices=[
            ("", "Choose what happens to the risk"),
            (RiskStatus.CLOSED, "Close it"),
            (RiskStatus.MERGED, "Merge it into another risk"),
        ],
        label="Close or merge",
        error_messages={"required": "Choose whether to close or merge the risk."},
    )
    merged_into = forms.ModelChoiceField(
        queryset=StrategicRisk.objects.none(),
        required=False,
        label="Merge into",
        empty_label="Only when merging",
    )
    reason = forms.CharField(
        max_length=500,
        widget=_text(2),
        help_text="Saved in the audit trail.",
        error_messages={"required": "Say why the risk is being closed or merged."},
    )

    def __init__(self, *args: Any, risk: StrategicRisk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = StrategicRisk.objects.filter(organisation=risk.organisation).open()
        _set_queryset(self, "merged_into", others.exclude(pk=risk.pk))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == RiskStatus.MERGED and not data.get("merged_into"):
            self.add_error("merged_into", "Choose the risk to merge it into.")
        return data


class ControlForm(NHSFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=Control.Kind.choices, label="Key control or gap")
    description = forms.CharField(
        widget=_text(),
        error_messages={"required": "Describe the control, or the gap in control."},
    )


class AssuranceForm(NHSFormMixin, forms.Form):
    line = forms.ChoiceField(
        choices=[("", "Choose a line of defence"), *Assurance.Line.choices],
        label="Line of defence",
        error_messages={"required": "Choose the line of defence."},
    )
    source = forms.CharField(max_length=300, help_text="Like Internal audit, CQC or the Board.")
    positive = forms.TypedChoiceField(
        choices=[
            ("", "Choose one"),
            ("yes", "Positive: it shows the controls working"),
            ("no", "Negative: it shows a control failing"),
        ],
        coerce=lambda value: value == "yes",
        label="Positive or negative",
        error_messages={"required": "Say whether the assurance is positive or negative."},
    )
    level = forms.ChoiceField(
        choices=[("", "Choose a level"), *Assurance.Level.choices],
        label="Level of assurance",
        error_messages={"required": "Choose the level of assurance."},
    )
    dated = forms.DateField(
        widget=_DATE, label="Date", error_messages={"required": "Enter the date of the assurance."}
    )
    description = forms.CharField(widget=_text(), required=False, help_text="Optional.")
    document = forms.CharField(
        max_length=300, required=False, label="Source document", help_text="Optional."
    )
    document_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Web address of the document",
        help_text="Optional.",
    )

    def set_initial(self, assurance: Assurance) -> None:
        names = ["line", "source", "level", "dated", "description", "document", "document_url"]
        self.initial = {name: getattr(assurance, name) for name in names}
        self.initial["positive"] = "yes" if assurance.positive else "no"


class AssuranceGapForm(NHSFormMixin, forms.Form):
    description = forms.CharField(
        widget=_text(),
        label="Gap in assurance",
        error_messages={"required": "Describe what the board lacks evidence of."},
    )


class ActionForm(NHSFormMixin, forms.Form):
    description = forms.CharField(
        widget=_text(), label="Action", error_messages={"required": "Describe the action."}
    )
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose the owner",
        help_text="Exactly one person owns each action.",
        error_messages={"required": "Choose the action's owner: every action has exactly one."},
    )
    due_date = forms.DateField(widget=_DATE, error_messages={"required": "Enter the due date."})
    status = forms.ChoiceField(choices=Brag.choices, initial=Brag.GREEN, label="BRAG status")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__organisation=organisation).distinct()
        _set_queryset(self, "owner", members.order_by("first_name", "last_name"))


class CompleteActionForm(forms.Form):
    completed_on = forms.DateField(required=False)


class ReviewForm(NHSFormMixin, forms.Form):
    reviewed_on = forms.DateField(
        widget=_DATE, label="Date of review", error_messages={"required": "Enter the date."}
    )
    rationale = forms.CharField(
        widget=_text(4),
        help_text="Why the score is what it is: what has changed since the last review.",
        error_messages={"required": "Say why the score is what it is (the rationale)."},
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        required=False,
        label="Reviewing committee",
        empty_label="Not reviewed at a committee",
    )
    next_review_on = forms.DateField(
        widget=_DATE, required=False, label="Next review", help_text="Optional."
    )

    def __init__(
        self, *args: Any, organisation: Organisation, matrix: Matrix, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["likelihood"] = _rating(
            "Current likelihood", rating_choices(matrix.likelihood, "likelihood")
        )
        self.fields["consequence"] = _rating(
            "Current consequence", rating_choices(matrix.consequence, "consequence")
        )
        self.order_fields(["reviewed_on", "likelihood", "consequence", "rationale"])
        _set_queryset(self, "committee", Committee.objects.filter(organisation=organisation))
