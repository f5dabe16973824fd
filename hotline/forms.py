"""Public forms of the hotline: the report, the receipt to open the follow-up page, and the
message / more-files form of that page. Every form works without JavaScript."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hotline import enums, receipts
from hotline.models import Report
from hotline.services.submission import ReportInput
from pkop_portal import uploads
from pkop_portal.forms import (
    ConsentFormMixin,
    FormKeyField,
    HoneypotField,
    MultipleFileField,
    PortalForm,
    column_length,
    mark_required,
)
from pkop_portal.models import ConsentText
from pkop_portal.validators import no_html

BLANK = [("", "—")]
TEXT_LIMIT = 10000
ONGOING_CHOICES = [("unknown", _("I do not know")), ("yes", _("Yes")), ("no", _("No"))]
ONGOING_VALUES = {"yes": True, "no": False, "unknown": None}


def file_limits_help() -> str:
    return _(
        "PDF, JPEG, PNG or DOCX, up to %(max_mb)d MB each, %(max_files)d files in all. Photos "
        "are stored without their metadata (place, time, camera). PDF and DOCX files are stored "
        "as sent and may carry the author's name: remove it before attaching them if you wish "
        "to stay anonymous."
    ) % {"max_mb": settings.HOTLINE_MAX_FILE_MB, "max_files": settings.HOTLINE_MAX_FILES}


class HotlineFilesField(MultipleFileField):
    """Files checked by content and size with the hotline limits (pkop_portal.uploads)."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [forms.FileField.clean(self, f, initial) for f in files if f]
        return uploads.validate_uploads(
            files, max_files=settings.HOTLINE_MAX_FILES, max_mb=settings.HOTLINE_MAX_FILE_MB
        )


class ReceiptField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", pgettext_lazy("hotline receipt code", "Receipt"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not receipts.is_well_formed(value):
            raise ValidationError(
                _("A receipt has 20 letters and digits, for example ABCD-2345-EFGH-6789-JKMN."),
                code="receipt_format",
            )
        return receipts.normalise_receipt(value)


class ReportForm(ConsentFormMixin, PortalForm):
    consent_purpose = ConsentText.Purpose.HOTLINE

    reporter_type = forms.ChoiceField(
        label=_("You are"), choices=BLANK + enums.ReporterType.choices
    )
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=BLANK + enums.Category.choices
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=TEXT_LIMIT,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Facts you know: what, how, and how you know it."),
    )
    occurred = forms.CharField(
        label=_("When?"),
        required=False,
        max_length=column_length(Report, "occurred"),
        validators=[no_html],
        help_text=_("A date or a period, as precisely as you can."),
    )
    location = forms.CharField(
        label=_("Where?"),
        required=False,
        max_length=column_length(Report, "location"),
        validators=[no_html],
    )
    people_involved = forms.CharField(
        label=_("People involved"),
        required=False,
        max_length=TEXT_LIMIT,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names or positions of the people involved, and of witnesses, if known."),
    )
    is_ongoing = forms.ChoiceField(
        label=_("Is it still going on?"),
        choices=ONGOING_CHOICES,
        initial="unknown",
        widget=forms.RadioSelect,
    )
    files = HotlineFilesField(label=_("Files (optional)"))
    name = forms.CharField(
        label=_("Your name (optional)"), required=False, max_length=200, validators=[no_html]
    )
    position = forms.CharField(
        label=_("Your position or company (optional)"),
        required=False,
        max_length=200,
        validators=[no_html],
    )
    contact = forms.CharField(
        label=_("How to contact you (optional)"),
        required=False,
        max_length=200,
        validators=[no_html],
        help_text=_("A phone number or an address. Compliance alone can read it."),
    )
    wants_notices = forms.BooleanField(
        label=_("Send me an e-mail when there is news about my report"),
        required=False,
        help_text=_(
            "The e-mail says only that there is news; read it on the follow-up page with your "
            "receipt. Your address is stored encrypted."
        ),
    )
    notice_email = forms.EmailField(label=_("E-mail for notices"), required=False, max_length=254)
    # Honeypot: hidden from people by CSS, filled in by bots.
    website = HoneypotField()
    form_key = FormKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = file_limits_help()
        # Shown only while "Send me an e-mail" is ticked, and then needed (clean()).
        mark_required(self, "notice_email")

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("This form could not be accepted."), code="honeypot")
        return ""

    def clean(self):
        data = super().clean()
        if not data.get("wants_notices"):
            # The e-mail field is shown only while the box is ticked (portal.css, "D3"): what a
            # browser that hid it still sent is neither checked nor kept.
            self.errors.pop("notice_email", None)
            data["notice_email"] = ""
        elif not data.get("notice_email") and "notice_email" not in self.errors:
            self.add_error(
                "notice_email",
                ValidationError(
                    _("Give the e-mail address for notices, or untick the box."),
                    code="notice_email_required",
                ),
            )
        return data

    def report_input(self, *, language: str) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            language=language,
            reporter_type=data["reporter_type"],
            category=data["category"],
            description=data["description"],
            occurred=data["occurred"],
            location=data["location"],
            people_involved=data["people_involved"],
            is_ongoing=ONGOING_VALUES[data["is_ongoing"]],
            name=data["name"],
            position=data["position"],
            contact=data["contact"],
            notice_email=data["notice_email"] if data["wants_notices"] else "",
            files=list(data["files"] or []),
        )


class FollowUpForm(PortalForm):
    """The receipt, to open the follow-up page."""

    receipt = ReceiptField()


class ReporterMessageForm(PortalForm):
    """A message and/or more files from the follow-up page; the receipt travels along hidden
    and is checked again on every POST (no account, cookie or session)."""

    prefix = "message"
    receipt = ReceiptField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=TEXT_LIMIT,
        validators=[no_html],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = HotlineFilesField(label=_("Files (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = file_limits_help()

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text") or "").strip() and not data.get("files"):
            raise ValidationError(_("Write a message or choose a file."), code="empty")
        return data
