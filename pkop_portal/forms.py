"""Building blocks of the public forms, shared by every app."""

import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# secrets.token_urlsafe(24) gives 32 characters; the booking column holds 64.
FORM_KEY_LENGTH = 64
_FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_form_key() -> str:
    """A one-time key for a form page: a resent or double-clicked form carries the same key,
    so the service returns what the first submission created instead of creating it again."""
    return secrets.token_urlsafe(24)


class FormKeyField(forms.CharField):
    """The hidden one-time key of a form (see new_form_key); anything else is a form error."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", FORM_KEY_LENGTH)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("This form has expired. Please fill it in again."),
                "max_length": _("This form has expired. Please fill it in again."),
            },
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not _FORM_KEY.match(value):
            raise ValidationError(
                _("This form has expired. Please fill it in again."), code="form_key"
            )
