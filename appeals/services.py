"""Writes and workflow of appeals: submission, registration, applicant messages and ratings.

Each function validates, writes the appeal with its history row and creates its notifications
in one transaction.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals import codes, enums, selectors
from appeals.models import (
    Appeal,
    AppealAttachment,
    AppealEvent,
    AppealMessage,
    Category,
    NumberSequence,
)
from notifications.services import Preference, Recipient, notify
from pkop_portal import workdays
from pkop_portal.models import ConsentText

logger = logging.getLogger(__name__)

ANSWER_WORKING_DAYS = 15


@dataclass
class AppealInput:
    """What an applicant (or the registering officer) gave; cleaned by a form."""

    applicant_type: str
    kind: str
    category: Category
    subject: str
    text: str
    language: str
    full_name: str = ""
    iin: str = ""
    organisation_name: str = ""
    bin: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    preferred_contact: str = enums.PreferredContact.EMAIL
    is_collective: bool = False
    cosigners_count: int = 0
    channel: str = enums.Channel.WEB
    protocol: str = ""
    is_anonymous: bool = False
    possible_crime: bool = False
    files: list[UploadedFile] = field(default_factory=list)


def appeal_input_from_form(data: dict, **extra) -> "AppealInput":
    """AppealInput from a submission or registration form's cleaned data (+ channel etc.)."""
    return AppealInput(
        applicant_type=data["applicant_type"],
        kind=data["kind"],
        category=data["category"],
        subject=data["subject"],
        text=data["text"],
        full_name=data["full_name"],
        iin=data["iin"],
        organisation_name=data["organisation_name"],
        bin=data["bin"],
        address=data["address"],
        phone=data["phone"].as_e164 if data["phone"] else "",
        email=data["email"],
        preferred_contact=data["preferred_contact"],
        is_collective=data["is_collective"],
        cosigners_count=data["cosigners_count"] or 0,
        files=data["files"],
        **extra,
    )


@dataclass(frozen=True)
class SubmittedAppeal:
    appeal: Appeal
    access_code: str  # shown to the applicant once, never stored


def _take_number(year: int) -> tuple[int, str]:
    """Next number of `year`, under a row lock: consecutive, never duplicated, never skipped."""
    # The UPDATE takes the row lock and holds it to the end of the caller's transaction.
    if not NumberSequence.objects.filter(year=year).update(last=F("last") + 1):
        NumberSequence.objects.get_or_create(year=year)
        NumberSequence.objects.filter(year=year).update(last=F("last") + 1)
    last = NumberSequence.objects.values_list("last", flat=True).get(year=year)
    return last, f"A-{year}-{last:06d}"


def _store_files(appeal: Appeal, files: list[UploadedFile], stored: list[str], message=None):
    """Save the uploads; `stored` collects their names as they land, for cleanup on failure."""
    for upload in files:
        suffix = Path(upload.name).suffix.lower()[:10]
        attachment = AppealAttachment(
            appeal=appeal,
            message=message,
            stored_name=f"{uuid.uuid4().hex}{suffix}",
            original_name=Path(upload.name).name[:255],
            content_type=getattr(upload, "detected_type", "") or upload.content_type or "",
            size=upload.size,
        )
        attachment.file.save(attachment.stored_name, upload, save=False)
        stored.append(attachment.file.name)
        attachment.save()


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete orphaned upload %s", name, exc_info=True)


def appeal_recipient(appeal: Appeal) -> Recipient:
    """Where and how the applicant wants to hear about the appeal."""
    return Recipient(
        email=appeal.email,
        phone=appeal.phone.as_e164 if appeal.phone else "",
        prefers=Preference(appeal.preferred_contact),
    )


def appeal_submit(
    *,
    data: AppealInput,
    received_at: datetime | None = None,
    registered_by=None,
    consent: ConsentText | None = None,
    consent_ip: str | None = None,
) -> SubmittedAppeal:
    """Register an appeal from the portal (or, with `registered_by`, from an officer).

    Inputs: cleaned data; the consent version the applicant accepted (web) and their IP.
    Effects: Appeal with number A-YYYY-NNNNNN, registration date (APPK Art. 64: after 18:00 or
    on a day off, the next working day), due date 15 working days later, the access code's
    hash; its files; a "registered" history row. All in one transaction: the files are removed
    again if it rolls back.
    Side effects: an "appeal.registered" notification (outbox row) if the applicant gave a
    contact. Raises ValidationError(code="no_contact" | "no_consent").
    """
    if registered_by is None and not (data.phone or data.email):
        raise ValidationError(_("Give a phone number or an e-mail address."), code="no_contact")
    if registered_by is None and consent is None:
        raise ValidationError(_("Consent to personal-data processing is required."), "no_consent")
    received_at = received_at or timezone.now()
    registration_date, due_date = workdays.registration_and_due_dates(
        received_at, ANSWER_WORKING_DAYS
    )
    code = codes.new_access_code()
    stored: list[str] = []
    try:
        with transaction.atomic():
            # Checked before the number is taken, so the number's row lock is held briefly.
            possible_repeat = selectors.appeal_has_possible_repeat(
                iin=data.iin,
                phone=data.phone,
                category_id=data.category.pk,
                registration_date=registration_date,
            )
            sequence, number = _take_number(registration_date.year)
            appeal = Appeal.objects.create(
                number=number,
                year=registration_date.year,
                sequence=sequence,
                kind=data.kind,
                category=data.category,
                channel=data.channel,
                language=data.language,
                applicant_type=data.applicant_type,
                full_name=data.full_name,
                iin=data.iin,
                organisation_name=data.organisation_name,
                bin=data.bin,
                address=data.address,
                phone=data.phone,
                email=data.email,
                preferred_contact=data.preferred_contact,
                is_anonymous=data.is_anonymous,
                possible_crime=data.possible_crime,
                possible_repeat=possible_repeat,
                subject=data.subject,
                text=data.text,
                is_collective=data.is_collective,
                cosigners_count=data.cosigners_count if data.is_collective else 0,
                protocol=data.protocol,
                consent=consent,
                consent_at=timezone.now() if consent else None,
                consent_ip=consent_ip,
                received_at=received_at,
                registration_date=registration_date,
                due_date=due_date,
                statutory_due_date=due_date,
                redirect_due_date=workdays.add_working_days(registration_date, 3),
                registered_by=registered_by,
                access_code_hash=codes.hash_access_code(number=number, code=code),
            )
            _store_files(appeal, data.files, stored)
            AppealEvent.objects.create(
                appeal=appeal,
                kind=AppealEvent.Kind.REGISTERED,
                by=registered_by,
                new_value=number,
                note=f"{registration_date:%Y-%m-%d} → {due_date:%Y-%m-%d}",
            )
            if appeal.is_anonymous and not appeal.possible_crime:
                # APPK: anonymous appeals are not considered (crimes and threats excepted).
                appeal.status = enums.Status.NOT_CONSIDERED
                appeal.not_considered_reason = enums.NotConsideredReason.ANONYMOUS
                appeal.save(update_fields=["status", "not_considered_reason"])
                AppealEvent.objects.create(
                    appeal=appeal,
                    kind=AppealEvent.Kind.NOT_CONSIDERED,
                    by=registered_by,
                    new_value=enums.NotConsideredReason.ANONYMOUS,
                )
            if appeal.email or appeal.phone:
                notify(
                    event="appeal.registered",
                    to=appeal_recipient(appeal),
                    language=appeal.language,
                    context={
                        "number": appeal.number,
                        "registration_date": f"{registration_date:%d.%m.%Y}",
                        "due_date": f"{due_date:%d.%m.%Y}",
                        "subject": appeal.subject,
                    },
                    dedupe_key=f"appeal.registered:{appeal.pk}",
                    about=appeal,
                )
    except Exception:
        _delete_files(stored)
        raise
    return SubmittedAppeal(appeal=appeal, access_code=code)


def appeal_add_information(
    *, appeal_id: int, text: str, files: list[UploadedFile]
) -> AppealMessage:
    """The applicant adds a message and files to an open appeal.

    Effects: AppealMessage with its attachments and a public history row.
    Raises ValidationError(code="closed") once the appeal is answered or closed.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
            if not appeal.is_open:
                raise ValidationError(
                    _("This appeal is closed; information can no longer be added."), "closed"
                )
            message = AppealMessage.objects.create(appeal=appeal, text=text)
            _store_files(appeal, files, stored, message=message)
            AppealEvent.objects.create(appeal=appeal, kind=AppealEvent.Kind.MESSAGE)
            appeal.save(update_fields=["updated_at"])
    except Exception:
        _delete_files(stored)
        raise
    return message


@transaction.atomic
def appeal_rate(*, appeal_id: int, satisfied: bool, comment: str) -> Appeal:
    """The applicant rates the answer, once.

    Raises ValidationError(code="not_answered" | "already_rated").
    """
    appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
    if appeal.status != enums.Status.ANSWERED:
        raise ValidationError(_("Only an answered appeal can be rated."), code="not_answered")
    if appeal.rated_at is not None:
        raise ValidationError(_("You have already rated this answer."), code="already_rated")
    appeal.rating_satisfied = satisfied
    appeal.rating_comment = comment
    appeal.rated_at = timezone.now()
    appeal.save(update_fields=["rating_satisfied", "rating_comment", "rated_at", "updated_at"])
    AppealEvent.objects.create(
        appeal=appeal,
        kind=AppealEvent.Kind.RATED,
        new_value="satisfied" if satisfied else "not satisfied",
        note=comment,
    )
    return appeal
