"""Forms of the staff side: registration of paper and oral appeals and workflow steps."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from appeals import enums
from appeals.forms import CategoryChoiceField, MultipleFileField, no_html
from appeals.models import Appeal, Category
from pkop_portal import identity
from pkop_portal.forms import FormKeyField, PhoneField, PortalForm, column_length
from pkop_portal.validators import validate_bin, validate_iin


class RegistrationForm(PortalForm):
    """An appeal that arrived by box, reception, phone, e-mail or post."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in enums.Channel.choices if c[0] != enums.Channel.WEB],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Local time (Shymkent)."),
    )
    language = forms.ChoiceField(label=_("Language of the appeal"))
    is_anonymous = forms.BooleanField(label=_("Anonymous (no author or address)"), required=False)
    possible_crime = forms.BooleanField(
        label=_("Reports a possible crime or security threat"), required=False
    )
    applicant_type = forms.ChoiceField(label=_("Applicant"), choices=enums.ApplicantType.choices)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    iin = forms.CharField(label=_("IIN"), max_length=12, required=False)
    id_document_kind = forms.ChoiceField(
        label=_("Identity document (no IIN)"),
        choices=[("", "—"), *identity.IdDocumentKind.choices],
        required=False,
        help_text=_("For an applicant without an IIN (a foreign national), in place of it."),
    )
    id_document_number = forms.CharField(
        label=_("Document number"),
        max_length=column_length(Appeal, "id_document_number"),
        required=False,
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"), max_length=300, required=False
    )
    bin = forms.CharField(label=_("BIN"), max_length=12, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=500, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("E-mail"), max_length=column_length(Appeal, "email"), required=False
    )
    preferred_contact = forms.ChoiceField(
        label=_("Notify by"), choices=enums.PreferredContact.choices
    )
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=enums.Kind.choices)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.all())
    subject = forms.CharField(label=_("Subject"), max_length=300, validators=[no_html])
    text = forms.CharField(
        label=_("Text of the appeal"), widget=forms.Textarea, validators=[no_html]
    )
    protocol = forms.CharField(
        label=_("Protocol of the oral appeal"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Required for appeals received at a reception or by phone."),
    )
    is_collective = forms.BooleanField(label=_("Collective appeal"), required=False)
    cosigners_count = forms.IntegerField(
        label=_("Number of co-signers"), min_value=0, required=False
    )
    files = MultipleFileField(label=_("Scanned documents"))
    form_key = FormKeyField()

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES

    def clean(self):
        data = super().clean()
        if data.get("channel") in enums.ORAL_CHANNELS and not data.get("protocol", "").strip():
            self.add_error("protocol", _("An oral appeal needs its protocol."))
        if data.get("iin"):
            try:
                validate_iin(data["iin"])
            except forms.ValidationError as exc:
                self.add_error("iin", exc)
        if data.get("bin"):
            try:
                validate_bin(data["bin"])
            except forms.ValidationError as exc:
                self.add_error("bin", exc)
        self._clean_id_document(data)
        if not data.get("is_anonymous") and not data.get("full_name"):
            self.add_error("full_name", _("Give the applicant's name, or mark it anonymous."))
        return data

    def clean_id_document_number(self):
        return identity.clean_document_number(self.cleaned_data["id_document_number"])

    def _clean_id_document(self, data):
        """A document is given with its kind and number, and only when there is no IIN."""
        kind, number = data.get("id_document_kind"), data.get("id_document_number")
        if "id_document_number" in self.errors:
            return
        if kind and not number:
            self.add_error("id_document_number", _("Give the number of the identity document."))
        elif number and not kind:
            self.add_error("id_document_kind", _("Choose the kind of identity document."))
        elif number and data.get("iin"):
            self.add_error(
                "id_document_number",
                _("Give either an IIN or an identity document, not both."),
            )


class StaffChoiceField(forms.ModelChoiceField):
    """Staff offered by name ("Aset Seitkali"), not by login; an account without a name by its
    username."""

    def label_from_instance(self, obj):
        return " ".join(obj.get_full_name().split()) or obj.get_username()


class AssignForm(PortalForm):
    executor = StaffChoiceField(
        label=_("Executor"),
        queryset=get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name="Executor")
        .order_by("last_name", "first_name", "username")
        .distinct(),
    )
    department = forms.CharField(label=_("Department"), max_length=200, required=False)


class ExtendForm(PortalForm):
    new_due = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reasoned decision"), widget=forms.Textarea)


class RedirectForm(PortalForm):
    to_body = forms.CharField(label=_("Competent body"), max_length=300)
    reason = forms.CharField(label=_("Why it is outside our competence"), widget=forms.Textarea)


class AnswerForm(PortalForm):
    """The answer: an outcome chosen on purpose (nothing pre-selected), the reasoning and legal
    basis, and the officer's confirmation that they checked it before it goes to the citizen."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=enums.Outcome.choices, widget=forms.RadioSelect
    )
    reasoning = forms.CharField(label=_("Reasoning with facts"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea)
    confirm = forms.BooleanField(
        label=_(
            "I have checked the answer: it replies to every point of the appeal, the facts and "
            "the legal basis are correct, and it may be sent to the applicant under my name."
        ),
        error_messages={"required": _("Confirm that you have checked the answer.")},
    )


class NotConsideredForm(PortalForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=enums.NotConsideredReason.choices)
    note = forms.CharField(label=_("Explanation"), widget=forms.Textarea)


class NoteForm(PortalForm):
    note = forms.CharField(label=_("Internal note"), widget=forms.Textarea)


class ReferForm(PortalForm):
    authority = forms.CharField(
        label=_("Competent authority"),
        max_length=200,
        help_text=_("For example: police, prosecutor's office, Anti-Corruption Service."),
    )
    referred_on = forms.DateField(
        label=_("Date of the referral"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note (outgoing letter number, how it was sent)"),
        widget=forms.Textarea,
        required=False,
    )


class LinkRepeatForm(PortalForm):
    earlier = forms.ModelChoiceField(label=_("Earlier appeal"), queryset=None)

    def __init__(self, *args, appeal=None, user=None, **kwargs):
        from appeals.selectors import appeal_possible_repeats

        super().__init__(*args, **kwargs)
        ids = (
            [a.pk for a in appeal_possible_repeats(appeal=appeal, user=user, limit=50)]
            if appeal
            else []
        )
        self.fields["earlier"].queryset = Appeal.objects.filter(pk__in=ids).order_by("-pk")


class DismissRepeatForm(PortalForm):
    confirm = forms.BooleanField(label=_("This appeal raises a new matter"))
