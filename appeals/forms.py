"""Public forms of the appeals app: submission, tracking, added information and rating."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from appeals import enums
from appeals.models import Appeal, Category
from pkop_portal import refdata
from pkop_portal.forms import (
    BINField,
    ConsentFormMixin,
    FormKeyField,
    HoneypotField,
    IdentityDocumentForm,
    IINField,
    MultipleFileField,
    PhoneField,
    PortalForm,
    RefDataChoiceField,
    column_length,
    mark_required,
)
from pkop_portal.models import ConsentText
from pkop_portal.validators import no_html


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _load_active_categories() -> tuple[Category, ...]:
    return tuple(Category.objects.filter(is_active=True).order_by("position", "id"))


# The categories the public form offers, kept in the process (pkop_portal.refdata).
active_categories = refdata.register(
    "appeals.categories", load=_load_active_categories, models=[Category]
)


# What each kind of appeal is (APPK of the Republic of Kazakhstan), shown under its choice
# before anything is sent, so the applicant need not know the law's terms.
KIND_HINTS = {
    enums.Kind.STATEMENT: _(
        "You ask for help to exercise your rights or those of others, or tell us that a law "
        "or rule was broken."
    ),
    enums.Kind.COMPLAINT: _(
        "Your rights, freedoms or lawful interests were violated and you ask for them to be "
        "restored."
    ),
    enums.Kind.PROPOSAL: _("You suggest how to improve the company's work, rules or services."),
    enums.Kind.INFORMATION_REQUEST: _(
        "You ask for information or an explanation on a question the company deals with."
    ),
    enums.Kind.RESPONSE: _(
        "You give your opinion on a decision or a draft the company put up for discussion."
    ),
    enums.Kind.REPORT: _("You let us know about something, without asking us to act."),
}


class HintedRadioSelect(forms.RadioSelect):
    """Radios with a hint under each choice (`hints`: value -> text), tied to its radio by
    aria-describedby; templates read it as `radio.data.hint` / `radio.data.hint_id`."""

    def __init__(self, *args, hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = hints or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hint = self.hints.get(value)
        if hint and option["attrs"].get("id"):
            option["hint"] = hint
            option["hint_id"] = f"{option['attrs']['id']}_hint"
            option["attrs"]["aria-describedby"] = option["hint_id"]
        return option


# Required only for some applicants (clean() decides, the page shows them only to those):
# marked required on the page although the field itself accepts an empty value.
CONDITIONALLY_REQUIRED = ("iin", "organisation_name", "bin", "cosigners_count")


class AppealForm(ConsentFormMixin, IdentityDocumentForm, PortalForm):
    """The appeal of an individual, a representative of a legal entity or an employee."""

    consent_purpose = ConsentText.Purpose.APPEAL
    field_order = ["applicant_type", "full_name", "iin", *IdentityDocumentForm.base_fields]
    consent_required_message = _(
        "You must consent to the processing of personal data to submit an appeal."
    )

    applicant_type = forms.ChoiceField(
        label=_("I am"),
        choices=enums.ApplicantType.choices,
        widget=forms.RadioSelect,
        initial=enums.ApplicantType.INDIVIDUAL,
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=column_length(Appeal, "full_name"), validators=[no_html]
    )
    iin = IINField(
        label=_("IIN"),
        required=False,
        help_text=_(
            "12 digits. Required for individuals and employees of the company; a "
            "representative of an organisation may leave it empty."
        ),
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=column_length(Appeal, "organisation_name"),
        required=False,
        validators=[no_html],
    )
    bin = BINField(label=_("BIN of the organisation"), required=False)
    address = forms.CharField(
        label=_("Postal address"),
        max_length=column_length(Appeal, "address"),
        validators=[no_html],
    )
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("E-mail"), max_length=column_length(Appeal, "email"), required=False
    )
    preferred_contact = forms.ChoiceField(
        label=_("Notify me by"),
        choices=enums.PreferredContact.choices,
        initial=enums.PreferredContact.EMAIL,
    )
    kind = forms.ChoiceField(
        label=_("Kind of appeal"),
        choices=enums.Kind.choices,
        # The first kind, as the drop-down list this replaced offered it.
        initial=enums.Kind.STATEMENT,
        widget=HintedRadioSelect(attrs={"class": "form-check-input"}, hints=KIND_HINTS),
    )
    category = RefDataChoiceField(
        label=_("Subject area"), rows=active_categories, label_from_instance=lambda c: c.name
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=column_length(Appeal, "subject"), validators=[no_html]
    )
    text = forms.CharField(
        label=_("Text of the appeal"),
        max_length=20000,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    is_collective = forms.BooleanField(label=_("Collective appeal"), required=False)
    cosigners_count = forms.IntegerField(
        label=_("Number of co-signers"), min_value=1, max_value=100000, required=False
    )
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("Up to 5 files: PDF, JPEG, PNG or DOCX, 10 MB each."),
    )
    # Honeypot: hidden from people by CSS, filled in by bots.
    website = HoneypotField()
    form_key = FormKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_required(self, *CONDITIONALLY_REQUIRED)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("This form could not be accepted."), code="honeypot")
        return ""

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_type")
        if kind == enums.ApplicantType.LEGAL_ENTITY:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Give the name of the organisation."))
            if not data.get("bin") and "bin" not in self.errors:
                self.add_error("bin", _("Give the BIN of the organisation."))
        # D2: an IIN, or an identity document (pkop_portal.forms.IdentityDocumentForm).
        self.clean_identity(data, person=kind and kind != enums.ApplicantType.LEGAL_ENTITY)
        phone, email = data.get("phone"), data.get("email")
        if not phone and not email and "phone" not in self.errors and "email" not in self.errors:
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        preferred = data.get("preferred_contact")
        contact_errors = "phone" in self.errors or "email" in self.errors
        if (phone or email) and not contact_errors:
            if preferred in ("sms", "both") and not phone:
                self.add_error("preferred_contact", _("Give a phone number to get SMS."))
            if preferred in ("email", "both") and not email:
                self.add_error("preferred_contact", _("Give an e-mail address to get e-mail."))
        if data.get("is_collective") and not data.get("cosigners_count"):
            self.add_error("cosigners_count", _("Give the number of co-signers."))
        self._drop_hidden_answers(data)
        return data

    def _drop_hidden_answers(self, data):
        """The organisation's fields are shown to its representatives only, the number of
        co-signers to collective appeals only: what a browser that hid them still sent is
        neither checked nor kept."""
        hidden = []
        if data.get("applicant_type") != enums.ApplicantType.LEGAL_ENTITY:
            hidden += ["organisation_name", "bin"]
        if not data.get("is_collective"):
            hidden.append("cosigners_count")
        for name in hidden:
            self.errors.pop(name, None)
            data[name] = None if name == "cosigners_count" else ""


class RegistrationNumberField(forms.CharField):
    """An appeal's registration number as a citizen types it (A-YYYY-NNNNNN)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Registration number"))
        kwargs.setdefault("max_length", column_length(Appeal, "number"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": "A-2026-000001", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)


class TrackForm(PortalForm):
    number = RegistrationNumberField()
    code = forms.CharField(
        label=_("Access code"),
        max_length=20,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
    )


class AddInformationForm(PortalForm):
    text = forms.CharField(
        label=_("Additional information"),
        max_length=10000,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(
        label=_("Files"), help_text=_("Up to 5 files: PDF, JPEG, PNG or DOCX, 10 MB each.")
    )


class RatingForm(PortalForm):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def appeal_form_limits() -> dict:
    return {"max_files": settings.APPEALS_MAX_FILES, "max_mb": settings.APPEALS_MAX_FILE_MB}


class LostCodeForm(PortalForm):
    """The lost-code page: a registration number and a contact given in the appeal."""

    number = RegistrationNumberField()
    contact = forms.CharField(
        label=_(
            "IIN (or identity document number), phone number or e-mail address given in the appeal"
        ),
        # The longest of them: an e-mail address.
        max_length=column_length(Appeal, "email"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
