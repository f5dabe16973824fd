"""The reporter's side of a hotline report: submission, the receipt lookup, and the messages
and files a reporter sends from the follow-up page.

Nothing here keeps an IP address, a user agent or a session: the consent row records the text
and the time only (`consent_given(request, keep_ip=False)`). The receipt is never stored, only
its keyed hash (hotline.receipts); a web submission derives it from the form's one-time key, so
the same form sent again finds the report by the key's keyed hash and shows the same receipt.
The reporter's identity and notice e-mail are stored only encrypted (hotline.crypto). Images
are stored re-encoded without their metadata (pkop_portal.uploads.strip_metadata).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import crypto, deadlines, enums, receipts
from hotline.models import Report, ReportAttachment, ReportEvent, ReportMessage
from pkop_portal import keys, uploads
from pkop_portal.consent import Consent
from pkop_portal.sequences import take_number

NUMBER_PREFIX = "H"
FORM_KEY_PURPOSE = "hotline.form_key"
# How long after a report was received the same form sent again (double click, reload, a
# resend after a dropped connection) still gets its receipt. Afterwards the key is expired:
# whoever holds the old form page (a shared computer, a browser's history) cannot read the
# receipt from it, and the form creates no duplicate either.
HOTLINE_FORM_KEY_SECONDS = 3600


@dataclass
class ReportInput:
    """What a reporter gave; cleaned by hotline.forms.ReportForm."""

    language: str
    reporter_type: str
    category: str
    description: str
    occurred: str = ""
    location: str = ""
    people_involved: str = ""
    is_ongoing: bool | None = None
    # Optional identity; all empty = anonymous.
    name: str = ""
    position: str = ""
    contact: str = ""
    # Only if the reporter asked for e-mail notices.
    notice_email: str = ""
    files: list[UploadedFile] = field(default_factory=list)

    def identity(self) -> dict:
        return {"name": self.name, "position": self.position, "contact": self.contact}


@dataclass(frozen=True)
class SubmittedReport:
    report: Report
    # Shown to the reporter once, never stored. None only for a resent form whose receipt
    # cannot be derived again (its key was retired).
    receipt: str | None
    created: bool = True


# --- reads ----------------------------------------------------------------------------------


def report_find_by_receipt(*, receipt: str) -> Report | None:
    """The report whose receipt is `receipt`, else None.

    The same work whatever the input: the receipt is hashed under every accepted key (also when
    it is malformed) and the database is asked once, on the unique indexed hash column."""
    hashes = receipts.receipt_hashes(receipt)
    if not receipts.is_well_formed(receipt):
        hashes = ["0" * 64]
    return Report.objects.filter(receipt_hash__in=hashes).first()


def report_public_view(*, report_id: int) -> Report:
    """A report with what its follow-up page shows: the public history (`public_events`), the
    messages with their files, the files sent without a message (`loose_files`). Four
    queries."""
    public = ReportEvent.objects.filter(kind__in=ReportEvent.PUBLIC_KINDS).order_by("at", "id")
    files = ReportAttachment.objects.order_by("id")
    return Report.objects.prefetch_related(
        Prefetch("events", queryset=public, to_attr="public_events"),
        Prefetch(
            "messages",
            queryset=ReportMessage.objects.order_by("created_at", "id").prefetch_related(
                Prefetch("attachments", queryset=files)
            ),
        ),
        Prefetch("attachments", queryset=files.filter(message__isnull=True), to_attr="loose_files"),
    ).get(pk=report_id)


def _form_key_hashes(form_key: str) -> list[str]:
    return keys.keyed_hashes(FORM_KEY_PURPOSE, form_key)


def form_key_expired_error() -> ValidationError:
    return ValidationError(
        _(
            "This form was already sent more than an hour ago, so its receipt cannot be shown "
            "again and nothing new was created. To make a new report, open the form again. To "
            "follow your report, use the receipt you wrote down."
        ),
        code="form_key_expired",
    )


def report_get_submitted(*, form_key: str) -> SubmittedReport | None:
    """The report an earlier submission of the form with `form_key` created, with its receipt
    derived again from the key (under whichever accepted key still matches); None if none.

    Only within HOTLINE_FORM_KEY_SECONDS after the report was received: later the key is
    expired and ValidationError(code="form_key_expired") is raised (no receipt, no new report).
    """
    if not form_key:
        return None
    report = Report.objects.filter(form_key_hash__in=_form_key_hashes(form_key)).first()
    if report is None:
        return None
    if timezone.now() - report.received_at > timedelta(seconds=HOTLINE_FORM_KEY_SECONDS):
        raise form_key_expired_error()
    found = None
    for key in keys.all_keys():
        receipt = receipts.derive_receipt(form_key, key=key)
        if receipts.hash_receipt(receipt, key=key) == report.receipt_hash:
            found = found or receipt
    return SubmittedReport(report=report, receipt=found, created=False)


# --- checks and storage ---------------------------------------------------------------------


def validate_files(files) -> list:
    """Count, size and type by content, with the hotline limits; then every image re-encoded
    without its metadata. Returns what to store: (upload, metadata_removed) pairs."""
    files = list(files or [])
    if not files:
        return []
    uploads.validate_uploads(
        files, max_files=settings.HOTLINE_MAX_FILES, max_mb=settings.HOTLINE_MAX_FILE_MB
    )
    prepared = []
    for upload in files:
        stripped = uploads.strip_metadata(upload)
        prepared.append((stripped, True) if stripped is not None else (upload, False))
    return prepared


def _store(report, prepared, stored: list[str], *, message=None) -> None:
    """Store the files under neutral names numbered per report ("file-1.jpg", "file-2.pdf"):
    the name a file was sent with (a person's name, a camera timestamp) is never kept. The
    caller holds the report row (created, or locked FOR UPDATE), so the numbers are unique."""
    first = ReportAttachment.objects.filter(report=report).count() + 1
    for index, (upload, metadata_removed) in enumerate(prepared):
        attachment = ReportAttachment(
            report=report, message=message, metadata_removed=metadata_removed
        )
        stored.append(
            uploads.store_upload(attachment, upload, display_name=f"file-{first + index}")
        )
        attachment.save()


def _notify_new_report(report: Report) -> None:
    from hotline import notices

    notices.notify_new_report(report)


def _notify_reporter_message(report: Report, message: ReportMessage) -> None:
    from hotline import notices

    notices.notify_reporter_message(report, message.pk)


# --- steps ----------------------------------------------------------------------------------


def report_submit(
    *,
    data: ReportInput,
    consent: Consent | None,
    form_key: str = "",
    received_at: datetime | None = None,
) -> SubmittedReport:
    """Register a hotline report.

    Inputs: cleaned data; the consent (web: consent_given(request, keep_ip=False): text and
    time, never the IP); the form's one-time key: a second submission with it creates nothing
    and returns the first report with the same receipt (`created` False).
    Effects, in one transaction: number H-YYYY-NNNNNN; acknowledgement due 7 calendar days
    after the local date of receipt; identity and notice e-mail encrypted; receipt and form key
    stored as keyed hashes; files stored (images without metadata); a RECEIVED history row.
    Side effects: "hotline.new_report" to Compliance (number only).
    Raises ValidationError (no_consent, file_type, image_too_large, file_too_large,
    too_many_files, empty, form_key_expired: the key's report is older than
    HOTLINE_FORM_KEY_SECONDS). Nothing is kept if it fails.
    """
    if consent is None:
        raise ValidationError(_("Consent to personal-data processing is required."), "no_consent")
    if not data.description.strip():
        raise ValidationError(_("Describe what happened."), code="empty")
    prepared = validate_files(data.files)
    if form_key:
        earlier = report_get_submitted(form_key=form_key)
        if earlier is not None:
            return earlier
    receipt = receipts.derive_receipt(form_key) if form_key else receipts.new_receipt()
    form_key_hash = keys.keyed_hash(FORM_KEY_PURPOSE, form_key) if form_key else None
    received_at = received_at or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            year = timezone.localdate(received_at).year
            sequence, number = take_number(prefix=NUMBER_PREFIX, year=year)
            fields = consent.record_fields()
            fields.pop("consent_ip", None)
            report = Report.objects.create(
                number=number,
                year=year,
                sequence=sequence,
                status=enums.Status.RECEIVED,
                language=data.language,
                reporter_type=data.reporter_type,
                category=data.category,
                description=data.description.strip(),
                occurred=data.occurred.strip(),
                location=data.location.strip(),
                people_involved=data.people_involved.strip(),
                is_ongoing=data.is_ongoing,
                identity_sealed=crypto.seal_identity(data.identity()),
                notice_email_sealed=crypto.seal_text(data.notice_email.strip()),
                receipt_hash=receipts.hash_receipt(receipt),
                form_key_hash=form_key_hash,
                received_at=received_at,
                acknowledge_due=deadlines.acknowledge_due_for(received_at),
                **fields,
            )
            _store(report, prepared, stored)
            ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.RECEIVED)
            _notify_new_report(report)
    except IntegrityError:
        uploads.delete_stored(stored)
        earlier = report_get_submitted(form_key=form_key) if form_key else None
        if earlier is None:
            raise
        return earlier
    except BaseException:
        uploads.delete_stored(stored)
        raise
    return SubmittedReport(report=report, receipt=receipt)


def report_reporter_message(
    *, report_id: int, text: str = "", files: list[UploadedFile] | tuple = ()
) -> ReportMessage:
    """The reporter writes to Compliance and/or sends more files from the follow-up page (a
    report not closed).

    Effects: a ReportMessage (by=None) with the files (images without metadata); a public
    MESSAGE history row (FILES when only files were sent); "hotline.reporter_message" to the
    Compliance members not excluded from the report (the number only). Raises
    ValidationError(code="empty" | "closed" | "file_type" | "image_too_large" |
    "file_too_large" | "too_many_files"). Nothing kept on failure.
    """
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError(_("Write a message or choose a file."), code="empty")
    prepared = validate_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.status == enums.Status.CLOSED or report.anonymised_at:
                raise ValidationError(
                    _("This report is closed; nothing can be added to it any more."),
                    code="closed",
                )
            message = ReportMessage.objects.create(report=report, by=None, text=text)
            _store(report, prepared, stored, message=message)
            kind = ReportEvent.Kind.MESSAGE if text else ReportEvent.Kind.FILES
            ReportEvent.objects.create(report=report, kind=kind)
            report.save(update_fields=["updated_at"])
            _notify_reporter_message(report, message)
    except BaseException:
        uploads.delete_stored(stored)
        raise
    return message
