"""The public booking form of personal reception."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pkop_portal.forms import (
    ConsentFormMixin,
    FormKeyField,
    HoneypotField,
    IdentityDocumentForm,
    IINField,
    PhoneField,
    PortalForm,
    column_length,
    mark_required,
)
from pkop_portal.models import ConsentText
from pkop_portal.validators import no_html
from reception.models import Booking


class BookingForm(ConsentFormMixin, IdentityDocumentForm, PortalForm):
    """A citizen books a visit with their IIN or, without one (a foreign national), the kind
    and number of an identity document (pkop_portal.forms.IdentityDocumentForm)."""

    consent_purpose = ConsentText.Purpose.RECEPTION
    field_order = ["full_name", "iin", *IdentityDocumentForm.base_fields]
    consent_required_message = _(
        "You must consent to the processing of personal data to book a visit."
    )

    full_name = forms.CharField(
        label=_("Full name"), max_length=column_length(Booking, "full_name"), validators=[no_html]
    )
    # Required unless "I have no IIN" is ticked: clean_identity decides, the page marks it.
    iin = IINField(
        label=_("IIN"), required=False, help_text=_("12 digits, from your identity card.")
    )
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("E-mail"), max_length=column_length(Booking, "email"), required=False
    )
    topic = forms.CharField(
        label=_("Topic of the visit"),
        max_length=column_length(Booking, "topic"),
        validators=[no_html],
    )
    description = forms.CharField(
        label=_("Short description"),
        max_length=2000,
        required=False,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    form_key = FormKeyField(max_length=column_length(Booking, "idempotency_key"))
    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_required(self, "iin")

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This form could not be accepted."), code="honeypot")
        return ""

    def clean(self):
        data = super().clean()
        self.clean_identity(data)
        phone, email = data.get("phone"), data.get("email")
        if not phone and not email and "phone" not in self.errors and "email" not in self.errors:
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        return data
