"""Public forms of the charity app: the application (with its household-member rows and the
documents of the checklist), tracking, documents sent later, messages and withdrawal.

Every form works without JavaScript: the application shows one file input per checklist
document (labelled with the categories that require it) and a fixed number of empty member
rows (more on request, see `member_formset`); fully empty rows are ignored.
"""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from charity import enums, selectors
from charity.models import MONEY, CharityRequest, HouseholdMember
from charity.services import submission
from pkop_portal import uploads
from pkop_portal.enums import PreferredContact
from pkop_portal.forms import (
    ConsentFormMixin,
    FormKeyField,
    HoneypotField,
    IdentityDocumentForm,
    IINField,
    MultipleFileField,
    PhoneField,
    PortalForm,
    column_length,
    mark_required,
)
from pkop_portal.models import ConsentText
from pkop_portal.validators import iin_birth_date, no_html

BLANK = [("", "—")]
# Empty member rows offered on a new form, the most one application lists, and how many rows
# the "more rows" button adds (no JavaScript needed).
MEMBER_ROWS = 6
MAX_MEMBERS = 20
MORE_MEMBER_ROWS = 4
MEMBERS_PREFIX = "members"
OTHER_FILES = "other_files"
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
TEXT_LIMIT = 5000
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def document_field_name(document_type) -> str:
    return f"doc_{document_type.slug}"


def file_limits_help() -> str:
    return _("PDF, JPEG, PNG or DOCX, up to %(max_mb)d MB each, %(max_files)d files in all.") % {
        "max_mb": settings.CHARITY_MAX_FILE_MB,
        "max_files": settings.CHARITY_MAX_FILES,
    }


class DocumentFilesField(MultipleFileField):
    """The files of one document (several pages or months in one input), each checked by its
    content and size with the charity limits (pkop_portal.uploads)."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [forms.FileField.clean(self, f, initial) for f in files if f]
        return uploads.validate_uploads(
            files, max_files=settings.CHARITY_MAX_FILES, max_mb=settings.CHARITY_MAX_FILE_MB
        )


class TengeField(forms.DecimalField):
    """An amount in tenge as people type it: spaces between thousands and a decimal comma are
    accepted ("180 000,50"); at most the digits of the money columns, never negative."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MONEY["max_digits"])
        kwargs.setdefault("decimal_places", MONEY["decimal_places"])
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value).replace(",", ".")
        return super().to_python(value)


def _count_files(data: dict, names) -> int:
    return sum(len(data.get(name) or []) for name in names)


def _too_many_files() -> ValidationError:
    return ValidationError(
        _("Attach at most %(count)d files.") % {"count": settings.CHARITY_MAX_FILES},
        code="too_many_files",
    )


# --- the application ------------------------------------------------------------------------


class MemberForm(PortalForm):
    """One member of the applicant's household (not the applicant)."""

    relation = forms.ChoiceField(label=_("Relation to you"), choices=BLANK + enums.Relation.choices)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=column_length(HouseholdMember, "full_name"),
        validators=[no_html],
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 15.03.2015."),
    )
    iin = IINField(label=_("IIN (if known)"), required=False)
    status = forms.ChoiceField(label=_("Occupation"), choices=BLANK + enums.MemberStatus.choices)

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise ValidationError(
                _("The date of birth cannot be in the future."), code="birth_date_future"
            )
        if born < EARLIEST_BIRTH_DATE:
            raise ValidationError(_("Check the date of birth."), code="birth_date_too_early")
        return born

    def clean(self):
        data = super().clean()
        iin, born = data.get("iin"), data.get("birth_date")
        if iin and born and iin_birth_date(iin) != born:
            self.add_error(
                "iin",
                ValidationError(
                    _("This IIN does not match the date of birth."), code="iin_birth_date"
                ),
            )
        return data


class BaseMemberFormSet(forms.BaseFormSet):
    """The household rows: fully empty rows are ignored; each IIN may appear once, and never
    the applicant's own (`applicant_iin`, set by ApplicationForms before validation)."""

    applicant_iin = ""

    def clean(self):
        super().clean()
        seen: dict[str, int] = {}
        for index, form in enumerate(self.forms):
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            iin = form.cleaned_data.get("iin")
            if not iin:
                continue
            if iin == self.applicant_iin:
                form.add_error(
                    "iin",
                    ValidationError(
                        _(
                            "This is your own IIN: list here only the other members of your "
                            "household."
                        ),
                        code="iin_is_applicant",
                    ),
                )
            elif iin in seen:
                form.add_error(
                    "iin",
                    ValidationError(
                        _("This IIN is already given for member %(number)d.")
                        % {"number": seen[iin] + 1},
                        code="iin_repeated",
                    ),
                )
            else:
                seen[iin] = index

    def members(self) -> list[submission.MemberInput]:
        """The filled rows, in order (call after is_valid())."""
        return [
            submission.MemberInput(
                relation=form.cleaned_data["relation"],
                full_name=form.cleaned_data["full_name"],
                birth_date=form.cleaned_data["birth_date"],
                iin=form.cleaned_data["iin"],
                status=form.cleaned_data["status"],
            )
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


def member_formset(*, rows: int = MEMBER_ROWS):
    """The member-row formset class with `rows` empty rows on an unbound form."""
    return forms.formset_factory(
        MemberForm,
        formset=BaseMemberFormSet,
        extra=rows,
        max_num=MAX_MEMBERS,
        absolute_max=MAX_MEMBERS,
        validate_max=True,
    )


def _checklist_help(hint: str, required_for: list[str], optional_for: list[str]) -> str:
    """A document input's help text: where to get it, and the situations that need it (crispy
    renders help texts as HTML: everything staff typed is escaped here)."""
    parts = [format_html("{}", hint)] if hint else []
    if required_for:
        parts.append(
            format_html("<strong>{}</strong> {}.", _("Required for:"), ", ".join(required_for))
        )
    if optional_for:
        parts.append(format_html("{} {}.", _("Optional for:"), ", ".join(optional_for)))
    return mark_safe(" ".join(parts))  # noqa: S308 (every part built by format_html)


class ApplicationForm(ConsentFormMixin, IdentityDocumentForm, PortalForm):
    """A request for charitable or social assistance. The document inputs are made from the
    checklist (one per document type that some category names; `document_rows`).

    An applicant without an IIN (a foreign national living in Shymkent) ticks "I have no IIN"
    and gives an identity document instead (pkop_portal.forms.IdentityDocumentForm). Once a
    situation is chosen the page shows only the documents its checklist names (portal.css,
    "D4"); files a browser still sends in the others are kept (`_hidden_documents`)."""

    consent_purpose = ConsentText.Purpose.CHARITY
    consent_required_message = _(
        "You must consent to the processing of personal data to apply for assistance."
    )
    field_order = ["full_name", "iin", *IdentityDocumentForm.base_fields]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=column_length(CharityRequest, "full_name"),
        validators=[no_html],
    )
    # Required unless "I have no IIN" is ticked (clean_identity): marked required on the page.
    iin = IINField(
        label=_("IIN"), required=False, help_text=_("12 digits, from your identity card.")
    )
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("E-mail"), max_length=column_length(CharityRequest, "email"), required=False
    )
    preferred_contact = forms.ChoiceField(
        label=_("Notify me by"),
        choices=PreferredContact.choices,
        initial=PreferredContact.SMS,
    )
    district = forms.ChoiceField(
        label=_("District of Shymkent"), choices=BLANK + enums.District.choices
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=column_length(CharityRequest, "address"),
        validators=[no_html],
        help_text=_("Street, house and flat."),
    )
    category = forms.ChoiceField(label=_("Your situation"), choices=BLANK + enums.Category.choices)
    monthly_income = TengeField(
        label=_("Monthly income of the whole household, tenge"),
        help_text=_("Salaries, pensions, allowances and benefits of everyone together; 0 if none."),
    )
    aid_kind = forms.ChoiceField(label=_("Aid you ask for"), choices=BLANK + enums.AidKind.choices)
    amount_requested = TengeField(
        label=_("Amount, tenge"),
        required=False,
        # Not 0 either: the one message of _clean_amount says so.
        min_value=None,
        help_text=_("Required when you ask for money; for other aid, the cost if you know it."),
    )
    aid_description = forms.CharField(
        label=_("What is needed and why"),
        max_length=TEXT_LIMIT,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    documents_later = forms.BooleanField(
        label=_("I will send the missing documents later"),
        required=False,
        help_text=_(
            "If you do not have a required document now, tick this box: your request is "
            "registered and you can send the document from your request's page."
        ),
    )
    # Honeypot: hidden from people by CSS, filled in by bots.
    website = HoneypotField()
    form_key = FormKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The amount is required for money only: its mark is shown then (portal.css, "D4").
        mark_required(self, "iin", "amount_requested")
        self.checklist = selectors.document_checklist_kept()
        labels = dict(enums.Category.choices)
        self.document_rows = []
        for row in self.checklist:
            name = document_field_name(row.document_type)
            required_for = [str(labels[c]) for c in row.required_for]
            optional_for = [str(labels[c]) for c in row.optional_for]
            self.fields[name] = DocumentFilesField(
                label=row.document_type.name,
                help_text=_checklist_help(row.document_type.hint, required_for, optional_for),
            )
            self.document_rows.append(
                {
                    "name": name,
                    "document_type": row.document_type,
                    "required_for": required_for,
                    "optional_for": optional_for,
                    # The category values, for the page's conditional reveal ("D4").
                    "required_values": " ".join(row.required_for),
                    "optional_values": " ".join(row.optional_for),
                }
            )
        self.fields[OTHER_FILES] = DocumentFilesField(
            label=_("Other documents (optional)"),
            help_text=_("Anything else that explains your situation."),
        )
        self.category_checklists = [
            {
                "value": value,
                "category": label,
                "documents": [
                    (row.document_type.name, value in row.required_for)
                    for row in self.checklist
                    if value in row.required_for or value in row.optional_for
                ],
            }
            for value, label in enums.Category.choices
        ]

    @property
    def document_field_names(self) -> list[str]:
        return [row["name"] for row in self.document_rows] + [OTHER_FILES]

    def document_fields(self):
        """(bound field, checklist row) of each document input, for the template."""
        return [(self[row["name"]], row) for row in self.document_rows]

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("This form could not be accepted."), code="honeypot")
        return ""

    def clean(self):
        data = super().clean()
        # An IIN, or an identity document (pkop_portal.forms.IdentityDocumentForm).
        self.clean_identity(data)
        self._clean_contact(data)
        self._clean_amount(data)
        self._hidden_documents(data)
        self._clean_documents(data)
        return data

    def _hidden_documents(self, data):
        """Once a situation is chosen, the page shows only the document inputs its checklist
        names. Files a browser still sent in the others (chosen before the situation was
        changed, or every input shown by a browser without :has()) are kept under their type:
        nothing the citizen gave is lost. A refusal of such a file is said by "Other documents",
        which is always shown, with the document's name."""
        category = data.get("category")
        if not category:
            return
        for row in self.checklist:
            if category in row.required_for or category in row.optional_for:
                continue
            name = document_field_name(row.document_type)
            refused = self.errors.pop(name, None)
            for error in refused.as_data() if refused else ():
                for message in error.messages:
                    self.add_error(
                        OTHER_FILES,
                        ValidationError(
                            "%(document)s: %(message)s",
                            code=error.code,
                            params={"document": row.document_type.name, "message": message},
                        ),
                    )

    def _clean_contact(self, data):
        phone, email = data.get("phone"), data.get("email")
        if "phone" in self.errors or "email" in self.errors:
            return
        if not phone and not email:
            self.add_error(
                "phone",
                ValidationError(_("Give a phone number or an e-mail address."), code="no_contact"),
            )
            return
        preferred = data.get("preferred_contact")
        if preferred in ("sms", "both") and not phone:
            self.add_error(
                "preferred_contact",
                ValidationError(_("Give a phone number to get SMS."), code="no_phone"),
            )
        if preferred in ("email", "both") and not email:
            self.add_error(
                "preferred_contact",
                ValidationError(_("Give an e-mail address to get e-mail."), code="no_email"),
            )

    def _clean_amount(self, data):
        if "amount_requested" in self.errors:
            return
        amount = data.get("amount_requested")
        if data.get("aid_kind") == enums.AidKind.MONEY and amount is None:
            self.add_error(
                "amount_requested",
                ValidationError(_("Give the amount you ask for."), code="amount_required"),
            )
        elif amount is not None and amount <= 0:
            self.add_error(
                "amount_requested",
                ValidationError(
                    _("The amount must be greater than zero."), code="amount_not_positive"
                ),
            )

    def _clean_documents(self, data):
        names = self.document_field_names
        if any(name in self.errors for name in names):
            return
        if _count_files(data, names) > settings.CHARITY_MAX_FILES:
            self.add_error(None, _too_many_files())
            return
        category = data.get("category")
        if not category or data.get("documents_later"):
            return
        for row in self.checklist:
            name = document_field_name(row.document_type)
            if category in row.required_for and not data.get(name):
                self.add_error(
                    name,
                    ValidationError(
                        _(
                            "This document is required for your situation. Attach it, or tick "
                            "“I will send the missing documents later” below."
                        ),
                        code="document_required",
                    ),
                )

    def documents(self) -> list[tuple]:
        """(document type or None, upload) of every attached file (after is_valid())."""
        found = []
        for row in self.checklist:
            for upload in self.cleaned_data.get(document_field_name(row.document_type)) or []:
                found.append((row.document_type, upload))
        found += [(None, upload) for upload in self.cleaned_data.get(OTHER_FILES) or []]
        return found

    def request_input(self, *, language: str, members) -> submission.RequestInput:
        data = self.cleaned_data
        return submission.RequestInput(
            language=language,
            full_name=data["full_name"],
            iin=data["iin"],
            id_document_kind=data["id_document_kind"],
            id_document_number=data["id_document_number"],
            phone=data["phone"].as_e164 if data["phone"] else "",
            email=data["email"],
            preferred_contact=data["preferred_contact"],
            district=data["district"],
            address=data["address"],
            category=data["category"],
            monthly_income=data["monthly_income"],
            aid_kind=data["aid_kind"],
            amount_requested=data["amount_requested"],
            aid_description=data["aid_description"],
            members=members,
            documents=self.documents(),
        )


class ApplicationForms:
    """The application form and its household rows, validated together (a member's IIN may not
    be the applicant's)."""

    def __init__(self, data=None, files=None, *, initial=None, member_rows=None, shown=None):
        self.form = ApplicationForm(data, files, initial=initial)
        if (
            initial
            and initial.get("consent_version") != self.form.fields["consent_version"].initial
        ):
            # A tick carried over is kept only for the consent text this page shows.
            self.form.initial["consent"] = False
        self.form.initial.pop("consent_version", None)
        rows = MEMBER_ROWS if shown is None else max(shown - len(member_rows or []), 0)
        self.members = member_formset(rows=rows)(data, prefix=MEMBERS_PREFIX, initial=member_rows)

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        self.members.applicant_iin = self.form.cleaned_data.get("iin", "")
        members_valid = self.members.is_valid()
        return form_valid and members_valid

    def request_input(self, *, language: str) -> submission.RequestInput:
        return self.form.request_input(language=language, members=self.members.members())


def more_member_rows(data) -> tuple[dict, list[dict], int]:
    """For the "more rows" button: the typed values as initial data of a new (unbound) form,
    the filled member rows, and how many rows to show now (MORE_MEMBER_ROWS more, at most
    MAX_MEMBERS). Files are never carried over."""
    initial = {key: data.get(key) for key in data if not key.startswith(MEMBERS_PREFIX)}
    initial.pop("csrfmiddlewaretoken", None)
    initial.pop("more_members", None)
    for key in ("consent", "documents_later", "no_iin"):
        initial[key] = bool(data.get(key))
    initial["form_key"] = FormKeyField().bound_data(data.get("form_key"), None)
    try:
        shown = int(data.get(f"{MEMBERS_PREFIX}-TOTAL_FORMS", MEMBER_ROWS))
    except (TypeError, ValueError):
        shown = MEMBER_ROWS
    shown = max(MEMBER_ROWS, min(shown, MAX_MEMBERS))
    fields = list(MemberForm.base_fields)
    rows = []
    for index in range(shown):
        row = {name: data.get(f"{MEMBERS_PREFIX}-{index}-{name}", "") for name in fields}
        if any(row.values()):
            rows.append(row)
    return initial, rows, min(shown + MORE_MEMBER_ROWS, MAX_MEMBERS)


# --- tracking ------------------------------------------------------------------------------


class TrackForm(PortalForm):
    number = forms.CharField(
        label=_("Registration number"),
        max_length=column_length(CharityRequest, "number"),
        widget=forms.TextInput(attrs={"placeholder": "C-2026-000001", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Access code"),
        max_length=20,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
    )


class LostCodeForm(PortalForm):
    """The lost-code page: a registration number and a contact given in the request."""

    number = forms.CharField(
        label=_("Registration number"),
        max_length=column_length(CharityRequest, "number"),
        widget=forms.TextInput(attrs={"placeholder": "C-2026-000001", "autocomplete": "off"}),
    )
    contact = forms.CharField(
        label=_(
            "IIN (or identity document number), phone number or e-mail address given in the request"
        ),
        # The longest of the three: an e-mail address.
        max_length=column_length(CharityRequest, "email"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class AddDocumentsForm(PortalForm):
    """Documents sent from the tracking page: one input per missing document, another for any
    other file, and a few optional words."""

    prefix = "documents"
    text = forms.CharField(
        label=_("A few words (optional)"),
        max_length=TEXT_LIMIT,
        required=False,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = list(missing)
        for document_type in self.missing:
            self.fields[document_field_name(document_type)] = DocumentFilesField(
                label=document_type.name, help_text=document_type.hint
            )
        self.fields[OTHER_FILES] = DocumentFilesField(label=_("Other documents"))
        # The text last, after the file inputs.
        self.order_fields([*(n for n in self.fields if n != "text"), "text"])

    @property
    def file_field_names(self) -> list[str]:
        return [document_field_name(t) for t in self.missing] + [OTHER_FILES]

    def clean(self):
        data = super().clean()
        names = self.file_field_names
        if any(name in self.errors for name in names):
            return data
        count = _count_files(data, names)
        if count == 0:
            self.add_error(None, ValidationError(_("Choose at least one file."), code="no_files"))
        elif count > settings.CHARITY_MAX_FILES:
            self.add_error(None, _too_many_files())
        return data

    def documents(self) -> list[tuple]:
        found = [
            (document_type, upload)
            for document_type in self.missing
            for upload in self.cleaned_data.get(document_field_name(document_type)) or []
        ]
        return found + [(None, upload) for upload in self.cleaned_data.get(OTHER_FILES) or []]


class MessageForm(PortalForm):
    prefix = "message"
    text = forms.CharField(
        label=_("Your message"),
        max_length=TEXT_LIMIT,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = DocumentFilesField(label=_("Files (optional)"))


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Why do you withdraw the request? (optional)"),
        max_length=2000,
        required=False,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
