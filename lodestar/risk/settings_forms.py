"""Forms for the risk matrix and the risk appetite.

Each form checks what a person can fix on the page; the services check everything again
and their refusals are put back on the form (`add_service_errors`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lodestar.core.forms import NHSFormMixin
from lodestar.core.models import Organisation
from lodestar.governance.models import Committee
from lodestar.risk import scoring
from lodestar.risk.matrix import Matrix
from lodestar.risk.models import AppetiteCategory

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_REASON_HELP = "Optional. Saved in the audit trail with the change."
_RATINGS = range(1, 6)


def _reason_field() -> forms.CharField:
    return forms.CharField(required=False, max_length=500, help_text=_REASON_HELP)


def _score_field(label: str, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=25,
        error_messages={
            "required": f"Enter the {label.lower()}, a score from 1 to 25.",
            "invalid": f"The {label.lower()} must be a whole number from 1 to 25.",
            "min_value": f"The {label.lower()} must be a whole number from 1 to 25.",
            "max_value": f"The {label.lower()} must be a whole number from 1 to 25.",
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-2"}),
        **kwargs,
    )


def _word(noun: str, rating: int) -> forms.CharField:
    return forms.CharField(
        label=f"{noun} {rating}",
        max_length=scoring.MAX_DESCRIPTOR,
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
        error_messages={"required": f"Enter a word for {noun.lower()} {rating}."},
    )


def _words(form: forms.Form, prefix: str) -> list[str]:
    return [str(form.cleaned_data.get(f"{prefix}_{rating}", "")) for rating in _RATINGS]


def _set_words(form: forms.Form, prefix: str, words: tuple[str, ...]) -> None:
    for rating in _RATINGS:
        form.fields[f"{prefix}_{rating}"].initial = words[rating - 1]


def _check_words(form: forms.Form, prefix: str, what: str) -> None:
    """Check five words together, once each is there, putting a refusal on the first."""
    data = form.cleaned_data
    if all(data.get(f"{prefix}_{rating}") for rating in _RATINGS):
        try:
            scoring.check_descriptors(_words(form, prefix), what)
        except scoring.ScoringError as e:
            form.add_error(f"{prefix}_1", e.message)


class MatrixForm(NHSFormMixin, forms.Form):
    """The matrix's descriptors and escalation threshold; the bands are a formset beside it."""

    # A refusal of a whole group of descriptors goes on its first field, which is where
    # the error summary's link should take people.
    GROUPS = {"likelihood_descriptors": "likelihood_1", "consequence_descriptors": "consequence_1"}

    likelihood_1 = _word("Likelihood", 1)
    likelihood_2 = _word("Likelihood", 2)
    likelihood_3 = _word("Likelihood", 3)
    likelihood_4 = _word("Likelihood", 4)
    likelihood_5 = _word("Likelihood", 5)
    consequence_1 = _word("Consequence", 1)
    consequence_2 = _word("Consequence", 2)
    consequence_3 = _word("Consequence", 3)
    consequence_4 = _word("Consequence", 4)
    consequence_5 = _word("Consequence", 5)
    escalation_threshold = _score_field(
        "Escalation threshold",
        help_text="Risks scoring this or more are escalated: operational risks at or above "
        "it show on the Board Assurance Framework. The NHS norm is 15.",
    )
    reason = _reason_field()

    def __init__(self, *args: Any, matrix: Matrix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_words(self, "likelihood", matrix.likelihood)
        _set_words(self, "consequence", matrix.consequence)
        self.fields["escalation_threshold"].initial = matrix.escalation_threshold

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_words(self, "likelihood", "likelihood")
        _check_words(self, "consequence", "consequence")
        return data

    def values(self) -> dict[str, Any]:
        return {
            "likelihood_descriptors": _words(self, "likelihood"),
            "consequence_descriptors": _words(self, "consequence"),
            "escalation_threshold": self.cleaned_data["escalation_threshold"],
        }

    def add_service_errors(self, error: ValidationError, bands: BandFormSet) -> None:
        """Put a service's refusal beside the field, group or band table it names."""
        for field, messages in error.message_dict.items():
            if field == "bands":
                bands.add_non_form_errors(messages)
                continue
            target = self.GROUPS.get(field, field)
            self.add_error(target if target in self.fields else None, messages)


class BandForm(NHSFormMixin, forms.Form):
    """One row of the band table. A row left blank is no band at all."""

    name = forms.CharField(max_length=scoring.MAX_BAND_NAME, required=False)
    low = _score_field("Lowest score", required=False)
    high = _score_field("Highest score", required=False)
    colour = forms.ChoiceField(
        choices=[("", "Choose a colour"), *scoring.BAND_COLOURS.items()], required=False
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(field) in (None, "") for field in ("name", "low", "high", "colour"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank() or self.errors:
            return data
        missing = {
            "name": "Give the band a name, like Low or Extreme.",
            "low": "Enter the band's lowest score.",
            "high": "Enter the band's highest score.",
            "colour": "Choose the band's colour.",
        }
        for field, message in missing.items():
            if data.get(field) in (None, ""):
                self.add_error(field, message)
        return data

    def band(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in ("name", "low", "high", "colour")}


class BandFormSet(forms.BaseFormSet[BandForm]):
    """The bands, lowest first. Checked as a whole by `scoring.check_bands`."""

    def rows(self) -> list[BandForm]:
        """The forms that are bands: not blank, not marked for removal."""
        return [
            form
            for form in self.forms
            if form.is_valid() and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.rows()
        try:
            scoring.check_bands([form.band() for form in rows])
        except scoring.ScoringError as e:
            if e.band is None:
                raise ValidationError(e.message) from e
            rows[e.band - 1].add_error(None, e.message)

    def bands(self) -> list[dict[str, Any]]:
        return [form.band() for form in self.rows()]

    def add_non_form_errors(self, messages: list[str]) -> None:
        self._non_form_errors = self.error_class([*self.non_form_errors(), *messages])


BandFormSetClass = forms.formset_factory(
    BandForm, formset=BandFormSet, extra=2, can_delete=True, max_num=10, validate_max=True
)


def band_formset(data: Any, matrix: Matrix) -> BandFormSet:
    initial = [
        {"name": b.name, "low": b.low, "high": b.high, "colour": b.colour} for b in matrix.bands
    ]
    formset = BandFormSetClass(data, initial=initial, prefix="bands")
    assert isinstance(formset, BandFormSet)
    return formset


class AppetiteStatementForm(NHSFormMixin, forms.Form):
    statement = forms.CharField(
        label="Risk appetite statement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The statement as the board approved it.",
    )
    approved_on = forms.DateField(
        label="Date approved", required=False, widget=_DATE, help_text="For example, 27 3 2025."
    )
    approved_by = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        label="Approved by",
        required=False,
        empty_label="Not yet approved",
    )
    reason = _reason_field()

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approved_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Committee.objects.filter(organisation=organisation)
        field.error_messages["invalid_choice"] = (
            f"Choose one of {organisation.name}'s own boards or committees."
        )

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class AppetiteScaleForm(NHSFormMixin, forms.Form):
    level_1 = _word("Level", 1)
    level_2 = _word("Level", 2)
    level_3 = _word("Level", 3)
    level_4 = _word("Level", 4)
    level_5 = _word("Level", 5)
    reason = _reason_field()

    def __init__(self, *args: Any, levels: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_words(self, "level", levels)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_words(self, "level", "appetite level")
        return data

    def levels(self) -> list[str]:
        return _words(self, "level")


class AppetiteCategoryForm(NHSFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100, error_messages={"required": "Give the category a name."}
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What it covers."
    )
    level = forms.TypedChoiceField(
        coerce=int,
        label="Appetite level",
        error_messages={"required": "Choose an appetite level."},
    )
    tolerance = _score_field(
        "Tolerance",
        help_text="The highest current score the board will tolerate. Risks in this category "
        "scoring more are flagged as above tolerance.",
    )

    def __init__(
        self, *args: Any, levels: tuple[str, ...], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a level"), *((i, w) for i, w in enumerate(levels, 1))]
        if editing:
            self.fields["reason"] = _reason_field()
            self.fields["reason"].widget.attrs["class"] = "nhsuk-input"

    @classmethod
    def initial_for(cls, category: AppetiteCategory) -> dict[str, Any]:
        return {f: getattr(category, f) for f in ("name", "description", "level", "tolerance")}

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}
