"""Forms of the charity staff UI (the Django admin): one small form per workflow step, the
committee's decision with its items, the disbursement of an item, and the two inline forms
that need more than the model's rules (budget lines, saved by charity.services.budget; project
photos)."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from charity import enums
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    CommitteeMeeting,
    ConflictDeclaration,
    Disbursement,
    DocumentType,
    Programme,
    SocialProjectPhoto,
)
from charity.services.disbursement import ACT_TYPES, iban_is_valid, normalise_iban
from pkop_portal import uploads, workdays
from pkop_portal.formats import tenge
from pkop_portal.forms import PortalForm, PortalModelForm, column_length

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}
PHOTO_TYPES = {"image/jpeg", "image/png"}


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member, shown by name."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def staff_of(group: str):
    """Active staff members of a group, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=group)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# ----- Request workflow ---------------------------------------------------------------------


class ConfirmForm(PortalForm):
    """A step with nothing to type: the button confirms it."""


class AssignForm(PortalForm):
    officer = StaffChoiceField(label=_("Charity officer"), queryset=staff_of("Charity officer"))


class AskDocumentsForm(PortalForm):
    missing = forms.ModelMultipleChoiceField(
        label=_("Missing documents"),
        queryset=DocumentType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The documents of this category's checklist the applicant still has to send."),
    )
    note = forms.CharField(
        label=_("What else is needed (shown to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, category: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"].queryset = DocumentType.objects.filter(
            checklist_items__category=category
        ).order_by("checklist_items__position", "position", "id")

    def clean(self):
        data = super().clean()
        if not data.get("missing") and not (data.get("note") or "").strip():
            raise ValidationError(
                _("Choose the missing documents or say what else is needed."), code="nothing"
            )
        return data


class AssessForm(PortalForm):
    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=50)
    earlier_aid_note = forms.CharField(
        label=_("Earlier aid"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    home_visit_note = forms.CharField(
        label=_("Home visit"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    assessment = forms.CharField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 5}))
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.filter(is_active=True), required=False
    )


def upcoming_meetings():
    """Planned committee meetings dated today or later, soonest first."""
    return CommitteeMeeting.objects.filter(
        status=enums.MeetingStatus.PLANNED, held_on__gte=workdays.local_now().date()
    ).order_by("held_on", "id")


class SendToCommitteeForm(PortalForm):
    meeting = forms.ModelChoiceField(
        label=_("Committee meeting"),
        queryset=CommitteeMeeting.objects.none(),
        help_text=_("A planned meeting; the request is put on its agenda."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read on every request: "today" moves on.
        self.fields["meeting"].queryset = upcoming_meetings()


class MessageForm(PortalForm):
    text = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 5})
    )


class NoteForm(PortalForm):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 4}))


class ExtendForm(PortalForm):
    new_due = forms.DateField(label=_("New answer date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reasoned decision"), widget=forms.Textarea(attrs={"rows": 4}))


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("How the applicant withdrew the request"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a signed statement of 12.03, or a phone call."),
    )


# ----- Disbursement -------------------------------------------------------------------------


class DisburseForm(PortalForm):
    disbursed_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    method = forms.ChoiceField(label=_("Method"), choices=enums.DisbursementMethod.choices)
    amount = forms.DecimalField(label=_("Value handed over, tenge"), **MONEY_FIELD)
    account = forms.CharField(
        label=_("Bank account (IBAN)"),
        # Typed with spaces between groups of four; stored without them (34 characters).
        max_length=column_length(Disbursement, "account"),
        required=False,
        help_text=_("For bank transfers only; shown masked afterwards."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    supplier = forms.CharField(
        label=_("Supplier"),
        max_length=column_length(Disbursement, "supplier"),
        required=False,
        help_text=_("For payments to a supplier (a clinic, a shop)."),
    )
    handed_over_by = StaffChoiceField(
        label=_("Handed over by"), queryset=staff_of("Charity officer")
    )
    act = forms.FileField(
        label=_("Signed act of receipt"),
        help_text=_("A PDF, JPEG or PNG scan of the act signed by the applicant."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_account(self):
        account = normalise_iban(self.cleaned_data.get("account", ""))
        if account and not iban_is_valid(account):
            raise ValidationError(
                _(
                    "Enter a Kazakhstan IBAN: KZ and 18 letters or digits, for example "
                    "KZ86 125K ZT50 0410 0100."
                ),
                code="bad_iban",
            )
        return account

    def clean_act(self):
        act = self.cleaned_data.get("act")
        if act is not None:
            uploads.validate_uploads([act], max_files=1, max_mb=settings.CHARITY_MAX_FILE_MB)
            if act.detected_type not in ACT_TYPES:
                raise ValidationError(
                    _("“%(name)s” is not a PDF, JPEG or PNG file.") % {"name": act.name},
                    code="file_type",
                )
        return act

    def clean(self):
        data = super().clean()
        method = data.get("method")
        transfer = method == enums.DisbursementMethod.BANK_TRANSFER
        if transfer and not data.get("account") and "account" not in self.errors:
            self.add_error("account", _("A bank transfer needs the account (IBAN)."))
        if method == enums.DisbursementMethod.SUPPLIER and not data.get("supplier", "").strip():
            self.add_error("supplier", _("Name the supplier paid."))
        return data


class ItemCancelForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason of cancellation"), widget=forms.Textarea(attrs={"rows": 3})
    )


# ----- Committee ----------------------------------------------------------------------------


class MeetingForm(PortalForm):
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    place = forms.CharField(
        label=_("Place"), max_length=column_length(CommitteeMeeting, "place"), required=False
    )
    language = forms.ChoiceField(label=_("Language of the minutes"), choices=settings.LANGUAGES)
    chair = StaffChoiceField(label=_("Chair"), queryset=staff_of("Charity committee"))
    members = StaffMultipleChoiceField(
        label=_("Members"),
        queryset=staff_of("Charity committee"),
        widget=forms.CheckboxSelectMultiple,
    )


class ConflictForm(PortalForm):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this request?"),
        choices=[("no", _("No")), ("yes", _("Yes: I take no part in this decision"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Nature of the conflict (e.g. related to the applicant)"),
        max_length=column_length(ConflictDeclaration, "note"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not data.get("note", "").strip():
            self.add_error("note", _("Say what the conflict is."))
        return data


class DeferForm(PortalForm):
    """The committee postpones a request: to another meeting, or back to the officer."""

    meeting = forms.ModelChoiceField(
        label=_("Put on the agenda of"),
        queryset=CommitteeMeeting.objects.none(),
        required=False,
        empty_label=_("No meeting: back to the officer's review"),
        help_text=_("A planned meeting dated today or later, or none."),
    )
    reason = forms.CharField(
        label=_("Reason of the postponement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the staff; the applicant is told that the committee postponed it."),
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = upcoming_meetings()
        if current is not None:
            meetings = meetings.exclude(pk=current.pk)
        self.fields["meeting"].queryset = meetings


class DecisionForm(PortalForm):
    outcome = forms.ChoiceField(label=_("Decision"), choices=enums.Outcome.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))


class ItemForm(PortalForm):
    """One granted item; a row left as it was shown is ignored."""

    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    # The admin's own width classes keep a row of the table on the page.
    description = forms.CharField(
        label=_("What"),
        max_length=column_length(AidItem, "description"),
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=Decimal("1"),
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=column_length(AidItem, "unit"),
        required=False,
        widget=forms.TextInput(attrs={"class": "vIntegerField"}),
    )
    amount = forms.DecimalField(
        label=_("Value, tenge"),
        widget=forms.NumberInput(attrs={"class": "vBigIntegerField"}),
        **MONEY_FIELD,
    )

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = (
            lines if lines is not None else BudgetLine.objects.none()
        )

    def has_changed(self):
        # The pre-filled quantity alone does not make a row: an otherwise empty row is skipped.
        return any(self[name].data not in (None, "") for name in self.fields if name != "quantity")

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount <= 0:
            raise ValidationError(_("The value must be above zero."), code="amount")
        return amount


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, lines=None, **kwargs):
        self.lines = lines
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "lines": self.lines}

    def items(self) -> list[dict]:
        """The filled rows' cleaned data, in order."""
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=4, max_num=20)


# ----- From other channels ------------------------------------------------------------------


class ToCharityForm(PortalForm):
    """What the charity request needs beyond the appeal's or the visit's own data."""

    district = forms.ChoiceField(label=_("District of Shymkent"), choices=enums.District.choices)
    category = forms.ChoiceField(label=_("Category"), choices=enums.Category.choices)
    monthly_income = forms.DecimalField(label=_("Monthly household income, tenge"), **MONEY_FIELD)
    aid_kind = forms.ChoiceField(label=_("Aid asked"), choices=enums.AidKind.choices)
    amount_requested = forms.DecimalField(
        label=_("Amount asked, tenge"), required=False, **MONEY_FIELD
    )
    aid_description = forms.CharField(
        label=_("What is needed and why"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean(self):
        data = super().clean()
        money = data.get("aid_kind") == enums.AidKind.MONEY
        if money and not data.get("amount_requested") and "amount_requested" not in self.errors:
            self.add_error("amount_requested", _("Give the amount of money asked."))
        return data


class BookingToCharityForm(ToCharityForm):
    """A reception visit has no postal address: the secretary asks it."""

    address = forms.CharField(
        label=_("Address"), max_length=column_length(CharityRequest, "address")
    )

    field_order = ["district", "address"]


# ----- Inline forms -------------------------------------------------------------------------


class BudgetLineForm(PortalModelForm):
    """A budget line's amount may not go below what is already reserved on it."""

    class Meta:
        model = BudgetLine
        fields = ("aid_kind", "amount")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Items are charged to the line by its kind: an existing line keeps it.
            self.fields["aid_kind"].disabled = True

    def clean_amount(self):
        # A first check for the form; charity.services.budget checks again under the lock.
        amount = self.cleaned_data.get("amount")
        reserved = self.instance.reserved if self.instance.pk else Decimal("0")
        if amount is not None and amount < reserved:
            raise ValidationError(
                _("At least %(reserved)s tenge is already reserved on this line.")
                % {"reserved": tenge(reserved)},
                code="below_reserved",
            )
        return amount


class SocialProjectPhotoForm(PortalModelForm):
    """A project photo: JPEG or PNG by its content, kept under a random name."""

    class Meta:
        model = SocialProjectPhoto
        fields = ("image", "alt_kk", "alt_ru", "alt_en", "alt_zh_hans", "position")

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is None or not hasattr(image, "content_type"):
            return image  # unchanged: the stored photo stays
        uploads.validate_uploads([image], max_files=1, max_mb=settings.CHARITY_MAX_FILE_MB)
        if image.detected_type not in PHOTO_TYPES:
            raise ValidationError(
                _("“%(name)s” is not a JPEG or PNG photo.") % {"name": image.name},
                code="file_type",
            )
        return image

    def save(self, commit=True):
        image = self.cleaned_data.get("image")
        if image is not None and hasattr(image, "detected_type"):
            # A random stored name with the detected type's extension, the original name kept
            # for display only (the same as every other upload of the portal).
            uploads.store_upload(self.instance, image, field_name="image")
        return super().save(commit)
