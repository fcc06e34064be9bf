from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError

from lodestar.accounts.services import TOKEN_LIFETIMES_DAYS

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.RadioSelect: "nhsuk-radios__input",
    forms.Select: "nhsuk-select",
    forms.Textarea: "nhsuk-textarea",
}


class NHSForm(forms.Form):
    """NHS.UK classes on every widget, with hints and errors tied to their fields.

    Screen readers read a field's hint and error message when the field gets focus only
    if the input names them in aria-describedby, so both are linked here.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for kind, c in _WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "nhsuk-input",
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            widget.attrs.pop("autofocus", None)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                self._mark_error(name)

    def _mark_error(self, name: str) -> None:
        attrs = self.fields[name].widget.attrs
        error_id = f"id_{name}-error"
        described = attrs.get("aria-describedby", "")
        if error_id not in described:
            attrs["aria-describedby"] = f"{described} {error_id}".strip()
        if "nhsuk-input" in attrs.get("class", "").split():
            attrs["class"] += " nhsuk-input--error"


class SignInForm(NHSForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask an administrator for help.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs["spellcheck"] = "false"

    def clean(self) -> dict[str, Any]:
        # The message goes on the username field rather than the whole form, so the
        # error summary can link to a field and the field says what went wrong.
        try:
            return super().clean()
        except ValidationError as e:
            self.add_error("username", e)
            return self.cleaned_data


class ChangePasswordForm(NHSForm, PasswordChangeForm):
    error_messages = {
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": "The two new passwords do not match. Enter the same one twice.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["new_password1"].widget.attrs["aria-describedby"] = "id_new_password1-hint"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class CodeForm(NHSForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now, for example 123456.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input--width-10 nhsuk-input--code",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        # Apps show codes as "123 456"; people copy the space with them.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("Enter the 6-digit code from your authenticator app")
        return code


def _lifetime_label(days: int | None) -> str:
    if days is None:
        return "Never expires"
    if days == 365:
        return "1 year"
    return f"{days} days"


class ApiTokenForm(NHSForm):
    name = forms.CharField(
        max_length=100,
        help_text="So you can tell your tokens apart, for example “Power BI board report”.",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Token names must be 100 characters or fewer",
        },
    )
    expiry = forms.ChoiceField(
        label="Expires after",
        choices=[(str(days or "never"), _lifetime_label(days)) for days in TOKEN_LIFETIMES_DAYS],
        initial="90",
        widget=forms.RadioSelect,
        help_text="A token that expires is safer if it is ever copied somewhere it should not be.",
        error_messages={
            "required": "Choose when the token expires",
            "invalid_choice": "Choose when the token expires from the list",
        },
    )

    def clean_expiry(self) -> int | None:
        value = self.cleaned_data["expiry"]
        return None if value == "never" else int(value)
