"""The form for uploading a strategy file."""

from __future__ import annotations

from typing import Any

from django import forms

from lodestar.core.forms import NHSFormMixin
from lodestar.strategy.exchange import MAX_BYTES, Format, format_for


class ImportForm(NHSFormMixin, forms.Form):
    file = forms.FileField(
        label="Strategy file",
        help_text="A .yaml, .yml or .xlsx file exported from Lodestar or laid out the same way.",
    )
    create_kinds = forms.BooleanField(
        label="Add kinds of element this organisation does not have yet",
        required=False,
        help_text="Otherwise an element of an unknown kind is refused, to catch misspellings.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        fmt = format_for(upload.name or "")
        if fmt is None:
            raise forms.ValidationError("Choose a .yaml, .yml or .xlsx file.")
        if upload.size is not None and upload.size > MAX_BYTES:
            limit = MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file is larger than {limit} MB.")
        self.cleaned_data["format"] = fmt
        return upload

    def chosen_format(self) -> Format:
        fmt: Format = self.cleaned_data["format"]
        return fmt
