"""Building blocks of every form (public and staff), shared by every app.

- `PortalForm` / `PortalModelForm`: every text field refuses control characters other than tab
  and newline (multi-line text has its CR LF line breaks normalised to LF first). New forms
  that derive from them inherit the rule.
- `IINField`, `BINField`, `PhoneField`: ASCII digits only, so one number has one spelling.
- `ConsentFormMixin`: the personal-data consent of a public form (see `pkop_portal.consent`).
- `FormKeyField`: the one-time key that makes a resent form create nothing twice.
- `HoneypotField`: the field only bots fill in (rendered by includes/_honeypot.html).
- `MultipleFileField`: several files in one input, each checked by `pkop_portal.uploads`.
- `RefDataChoiceField`: a choice of a row of reference data kept in the process
  (`pkop_portal.refdata`): no query to render or to clean.
- `column_length`: a form limit taken from the model column it is stored in.
"""

import re
import secrets

from django import forms
from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from pkop_portal import identity, uploads
from pkop_portal.consent import consent_text_agreed, consent_text_current
from pkop_portal.validators import (
    PHONE_INPUT_LENGTH,
    NoControlCharacters,
    is_typed_phone,
    validate_bin,
    validate_iin,
)

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

    def bound_data(self, data, initial):
        # A missing or malformed key is replaced on the re-rendered page, or sending it again
        # would fail the same way for ever; a valid one is kept (it is the dedupe key).
        if isinstance(data, str) and _FORM_KEY.match(data):
            return data
        return new_form_key()


class HoneypotField(forms.CharField):
    """The honeypot of a public form: a text field people never see (includes/_honeypot.html
    hides it off screen in an aria-hidden wrapper), out of the tab order and closed to the
    browser's autofill; a value means a bot and refuses the form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Leave this field empty"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value:
            raise ValidationError(_("This form could not be accepted."), code="honeypot")
        return value


def column_length(model, field_name: str) -> int:
    """The max_length of a model column: a form field stored there may not accept more."""
    return model._meta.get_field(field_name).max_length


# ----- Plain text -------------------------------------------------------------------------------


def normalise_newlines(text: str) -> str:
    """Browsers send a textarea's line breaks as CR LF; store them as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _multiline(field) -> bool:
    return isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea)


class PlainTextFormMixin:
    """Every CharField of the form refuses control characters other than tab and newline,
    with an error naming the field; a multi-line field's CR LF / CR become LF first.

    Applied to the fields the form has once constructed, so declared, model-generated and
    `__init__`-added fields are all covered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        multiline = [self.add_prefix(name) for name, f in self.fields.items() if _multiline(f)]
        if self.is_bound and multiline:
            self.data = _normalised(self.data, multiline)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                field.validators.append(NoControlCharacters(field.label or name))


def _normalised(data, keys: list[str]):
    """A copy of the submitted data with the line breaks of `keys` normalised."""
    if not any(_has_carriage_return(data, key) for key in keys):
        return data  # nothing to change: no copy of the submitted data
    data = data.copy()  # a QueryDict is immutable; its copy is not
    for key in keys:
        if hasattr(data, "getlist"):
            values = data.getlist(key)
            if values:
                data.setlist(key, [_newlines(v) for v in values])
        elif key in data:
            data[key] = _newlines(data[key])
    return data


def _has_carriage_return(data, key: str) -> bool:
    values = data.getlist(key) if hasattr(data, "getlist") else [data.get(key)]
    return any(isinstance(value, str) and "\r" in value for value in values)


def _newlines(value):
    return normalise_newlines(value) if isinstance(value, str) else value


class PortalForm(PlainTextFormMixin, forms.Form):
    """The base of every form of the portal (public pages and staff views)."""


class PortalModelForm(PlainTextFormMixin, forms.ModelForm):
    """The base of every model form of the portal (the admin's change forms)."""


# ----- Files -------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by uploads.validate_uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        return uploads.validate_uploads(files)


# ----- Rows of reference data --------------------------------------------------------------------


class RefDataChoiceField(forms.ChoiceField):
    """A ModelChoiceField without queries: `rows` is a pkop_portal.refdata getter returning
    the offered rows in display order; the choices are built when rendered (so in the active
    language, with `label_from_instance`) and the cleaned value is the row itself. A required
    field without an initial value offers an empty first choice, as ModelChoiceField does."""

    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(self, *, rows, label_from_instance=str, empty_label="---------", **kwargs):
        self.rows = rows
        self.label_from_instance = label_from_instance
        self.empty_label = empty_label
        super().__init__(choices=self._row_choices, **kwargs)

    def _row_choices(self):
        choices = [(row.pk, self.label_from_instance(row)) for row in self.rows()]
        if not (self.required and self.initial is not None):
            choices.insert(0, ("", self.empty_label))
        return choices

    def prepare_value(self, value):
        return value.pk if hasattr(value, "_meta") else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = str(value.pk if hasattr(value, "_meta") else value)
        for row in self.rows():
            if str(row.pk) == key:
                return row
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return str(self.prepare_value(initial) or "") != str(self.prepare_value(data) or "")


# ----- Numbers that identify a person -----------------------------------------------------------


class IINField(forms.CharField):
    """A person's IIN: 12 ASCII digits, a real date of birth, the century digit and the check
    digit (pkop_portal.validators.validate_iin)."""

    default_validators = [validate_iin]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(**kwargs)


class BINField(forms.CharField):
    """An organisation's BIN: 12 ASCII digits and the check digit."""

    default_validators = [validate_bin]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)


class TypedPhoneInput(RegionalPhoneNumberWidget):
    """Shows a stored number in the national format, but what the person typed exactly as
    typed when the form comes back with an error."""

    def format_value(self, value):
        if isinstance(value, str):
            return value
        return super().format_value(value)


class PhoneField(PhoneNumberField):
    """A phone number (Kazakhstan unless it starts with +), typed with ASCII digits, spaces,
    `+`, brackets, hyphens and dots only; cleaned to a PhoneNumber (stored as E.164)."""

    widget = TypedPhoneInput

    def __init__(self, **kwargs):
        kwargs["region"] = kwargs.get("region") or "KZ"
        kwargs["error_messages"] = {
            "invalid": _(
                "Enter a valid phone number, for example +7 701 123 45 67 or 8 701 123 45 67."
            ),
            **(kwargs.get("error_messages") or {}),
        }
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", str(PHONE_INPUT_LENGTH))

    def to_python(self, value):
        raw = forms.CharField.to_python(self, value)
        if raw:
            django_validators.MaxLengthValidator(PHONE_INPUT_LENGTH)(raw)
            if not is_typed_phone(raw):
                raise ValidationError(
                    _(
                        "Type the phone number with the digits 0–9; only spaces, +, brackets, "
                        "hyphens and dots may separate them."
                    ),
                    code="phone_characters",
                )
        return super().to_python(value)


# ----- Personal-data consent --------------------------------------------------------------------


class ConsentField(forms.BooleanField):
    """The consent checkbox. Shown unticked again when the text changed while the page was
    open: agreeing to the new text takes a new tick."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.withdrawn = False

    def bound_data(self, data, initial):
        return False if self.withdrawn else super().bound_data(data, initial)


class ConsentVersionField(forms.CharField):
    """The hidden version of the consent text the page showed. Rendered always with the
    version the page shows now (its initial value); the submitted one is only compared."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def bound_data(self, data, initial):
        return initial


class ConsentFormMixin:
    """A public form that collects personal data: it shows the newest consent text of
    `consent_purpose` (`form.consent_text`, rendered by includes/_consent.html) and requires
    the tick. `cleaned_data["consent"]` is the ConsentText agreed to: the version the page
    showed, which must still be the newest (`pkop_portal.consent.consent_text_agreed`). The
    view turns it into what the record stores with `pkop_portal.consent.consent_given`."""

    consent_purpose: str = ""
    consent_required_message = _(
        "You must consent to the processing of personal data to send this form."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent_text = consent_text_current(purpose=self.consent_purpose)
        self.fields["consent"] = ConsentField(
            label=_("I consent to the processing of my personal data"),
            error_messages={"required": self.consent_required_message},
        )
        self.fields["consent_version"] = ConsentVersionField(
            initial=self.consent_text.version if self.consent_text else ""
        )

    def clean(self):
        data = super().clean()
        if data.get("consent"):
            try:
                data["consent"] = consent_text_agreed(
                    current=self.consent_text, version=data.get("consent_version") or ""
                )
            except ValidationError as exc:
                self.fields["consent"].withdrawn = exc.code == "consent_changed"
                self.add_error("consent", exc)
        return data


class MarkedRequiredBoundField(forms.BoundField):
    """A field shown with crispy-forms' required marker; its own label (used in error
    messages) stays as it is. For a field required only of some applicants: clean() decides,
    the page shows it only to them."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self.label = format_html('{}<span class="asteriskField">*</span>', self.label)


def mark_required(form, *names: str) -> None:
    """Show `names` of `form` as required (MarkedRequiredBoundField) though they accept ''."""
    for name in names:
        form.fields[name].bound_field_class = MarkedRequiredBoundField


# --- an IIN, or an identity document (pkop_portal.identity) -----------------------------------


class IdentityDocumentForm(forms.Form):
    """A person gives an IIN, or ticks "I have no IIN" (a foreign national) and gives the kind
    and number of an identity document. The form using it declares its own `iin` field with
    required=False (its label and help text are the form's), calls `mark_required(self, "iin")`
    and `self.clean_identity(data)` from clean(); the page shows the document's fields once the
    box is ticked and hides the IIN (portal.css, "D2"; include "includes/_id_document.html").
    Put the three fields after the IIN with `field_order`."""

    no_iin = forms.BooleanField(
        label=_("I have no IIN (for example, I am a foreign national)"),
        required=False,
        help_text=_("Then give the kind and the number of your identity document instead."),
    )
    id_document_kind = forms.ChoiceField(
        label=_("Identity document"),
        choices=identity.IdDocumentKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    id_document_number = forms.CharField(
        label=_("Document number"),
        max_length=identity.NUMBER_MAX_LENGTH,
        required=False,
        help_text=_("Latin letters and digits as printed in the document, for example E12345678."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_id_document_number(self):
        return identity.clean_document_number(self.cleaned_data["id_document_number"])

    def clean_identity(self, data, *, person: bool = True) -> None:
        """The IIN or the document, never both: the part not chosen is hidden on the page, and
        whatever it still holds is neither checked nor kept. `person=False` (a representative
        of an organisation): no document and no IIN required."""
        if person and data.get("no_iin"):
            self.errors.pop("iin", None)
            data["iin"] = ""
            if not data.get("id_document_kind") and "id_document_kind" not in self.errors:
                self.add_error("id_document_kind", _("Choose the kind of identity document."))
            if not data.get("id_document_number") and "id_document_number" not in self.errors:
                self.add_error(
                    "id_document_number", _("Give the number of your identity document.")
                )
            return
        data["no_iin"] = False
        for name in ("id_document_kind", "id_document_number"):
            self.errors.pop(name, None)
            data[name] = ""
        if person and not data.get("iin") and "iin" not in self.errors:
            self.add_error(
                "iin", _("Give your IIN, or tick “I have no IIN” and give an identity document.")
            )
