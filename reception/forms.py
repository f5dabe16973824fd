from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from appeals.forms import no_html
from appeals.validators import validate_iin


class BookingForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, validators=[no_html])
    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        validators=[validate_iin],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = PhoneNumberField(label=_("Phone"), region="KZ", required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    topic = forms.CharField(label=_("Topic of the visit"), max_length=200, validators=[no_html])
    description = forms.CharField(
        label=_("Short description"),
        max_length=2000,
        required=False,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(label=_("I consent to the processing of my personal data"))
    form_key = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].error_messages["invalid"] = _(
            "Enter a valid phone number, for example +7 701 123 45 67 or 8 701 123 45 67."
        )
        self.fields["consent"].error_messages["required"] = _(
            "You must consent to the processing of personal data to book a visit."
        )

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This form could not be accepted."), code="honeypot")
        return ""

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        return data
