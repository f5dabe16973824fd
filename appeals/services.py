"""Writes and workflow of appeals: submission, registration, applicant messages and ratings.

Each function validates, writes the appeal with its history row and creates its notifications
in one transaction.

Access codes are never stored, only their keyed hash (pkop_portal.access_codes, with the
rotating keys of pkop_portal.keys). So that they can be shown again without being kept:
- a web or staff registration derives its code from the form's one-time key, which only the
  submitting browser holds; the same form sent again (double click, resent page) finds the
  appeal by the key's keyed hash and derives the same code for its receipt;
- a new code for a citizen who lost theirs is derived from a random nonce that only its outbox
  row holds; it is derived again at send time, and only while it is still the appeal's code,
  so an old outbox row can never resend a live code. The nonce alone is useless without the
  server's key (the same trade-off as the reception manage link's nonce).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals import enums, selectors
from appeals.models import (
    Appeal,
    AppealAttachment,
    AppealEvent,
    AppealMessage,
    Category,
)
from notifications.services import Preference, Recipient, notify
from pkop_portal import access_codes, code_reissue, identity, keys, uploads, workdays
from pkop_portal.consent import Consent
from pkop_portal.form_keys import FormKeyPurposes
from pkop_portal.sequences import take_number

# APPK Art. 76: an answer within 15 working days of registration; an appeal outside the
# company's competence is redirected within 3.
ANSWER_WORKING_DAYS = 15
REDIRECT_WORKING_DAYS = 3


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
    # Without an IIN: the kind and number of an identity document (pkop_portal.identity).
    id_document_kind: str = ""
    id_document_number: str = ""
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
        id_document_kind=data.get("id_document_kind", ""),
        id_document_number=data.get("id_document_number", ""),
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
    # Shown to the applicant, never stored. None only when a resent form finds an appeal whose
    # code was replaced since (a new code was requested).
    access_code: str | None
    created: bool = True


# One filled form, one appeal: the form's one-time key is stored only as a keyed hash, and the
# web access code is derived from it, so a resent form shows the same code without keeping it.
FORM_KEY_PURPOSE = "appeals.form_key"
# Registration numbers A-YYYY-NNNNNN (pkop_portal.sequences).
NUMBER_PREFIX = "A"
FORM_CODE_PURPOSE = "appeals.form_code"
FORM_KEYS = FormKeyPurposes(key=FORM_KEY_PURPOSE, code=FORM_CODE_PURPOSE)
# A new code for a citizen who lost theirs: derived from a random nonce kept in the outbox row.
REISSUE_CODE_PURPOSE = code_reissue.APPEAL.purpose


def appeal_get_submitted(*, form_key: str) -> SubmittedAppeal | None:
    """The appeal an earlier submission of the form with `form_key` created, with its access
    code derived again from the key (None if it was replaced since); None if there is none."""
    found = FORM_KEYS.find(Appeal.objects.all(), form_key)
    if found is None:
        return None
    appeal, code = found
    return SubmittedAppeal(appeal=appeal, access_code=code, created=False)


def _store_files(appeal: Appeal, files: list[UploadedFile], stored: list[str], message=None):
    """Save the uploads (pkop_portal.uploads.store_upload); `stored` collects their names as
    they land, for cleanup on failure. Raises ValidationError(code="file_type") for a file of
    no allowed type."""
    for upload in files:
        attachment = AppealAttachment(appeal=appeal, message=message)
        stored.append(uploads.store_upload(attachment, upload))
        attachment.save()


def _delete_files(names: list[str]) -> None:
    uploads.delete_stored(names)


def _check_identity(data: AppealInput, *, from_web: bool) -> None:
    """pkop_portal.identity.check_identity: on the portal a person (not a legal entity's
    representative) gives an IIN or an identity document."""
    identity.check_identity(
        iin=data.iin,
        kind=data.id_document_kind,
        number=data.id_document_number,
        required=from_web and data.applicant_type != enums.ApplicantType.LEGAL_ENTITY,
    )


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
    consent: Consent | None = None,
    form_key: str = "",
) -> SubmittedAppeal:
    """Register an appeal from the portal (or, with `registered_by`, from an officer).

    Inputs: cleaned data; the applicant's consent (web: pkop_portal.consent.consent_given,
    the version shown and accepted, the time and their client IP); the
    form's one-time key (pkop_portal.forms.FormKeyField): a second submission with the same key
    (double click, resent form, concurrent requests) creates nothing and returns the first
    appeal with the same access code (`created` False), found through the unique key column
    after the insert fails (a repeat costs a rolled-back transaction; a first submission no
    read and no lock). Only the key's keyed hash is stored;
    the code is derived from the key, so the repeat can show it without it being kept.
    Effects: Appeal with number A-YYYY-NNNNNN, registration date (APPK Art. 64: after 18:00 or
    on a day off, the next working day), due date (and the fixed statutory due date) 15 working
    days later, redirect deadline 3 working days later, the access code's hash; its files
    (stored under the extension of their detected type); a "registered" history row. All in
    one transaction: the files are removed again if it rolls back.
    Side effects: an "appeal.registered" notification (outbox row) if the applicant gave a
    contact; "appeal.not_considered" instead for an anonymous appeal closed at once. Raises
    ValidationError(code="no_contact" | "no_consent" | "file_type" |
    "id_document" | "iin_and_document" | "no_identity"): a person gives an IIN or, without one
    (a foreign national), the kind and number of an identity document (`_check_identity`).
    """
    if registered_by is None and not (data.phone or data.email):
        raise ValidationError(_("Give a phone number or an e-mail address."), code="no_contact")
    _check_identity(data, from_web=registered_by is None)
    if registered_by is None and consent is None:
        raise ValidationError(_("Consent to personal-data processing is required."), "no_consent")
    received_at = received_at or timezone.now()
    registration_date, due_date, redirect_due_date = workdays.registration_and_due_dates(
        received_at, ANSWER_WORKING_DAYS, REDIRECT_WORKING_DAYS
    )
    if form_key and len(keys.all_keys()) > 1:
        # While an older key is still accepted, an earlier submission's hash may be under it,
        # which the unique column cannot match: look for it first (only during a rotation).
        earlier = appeal_get_submitted(form_key=form_key)
        if earlier is not None:
            return earlier
    code = FORM_KEYS.new_code(form_key)
    form_key_hash = FORM_KEYS.key_hash(form_key)
    stored: list[str] = []
    try:
        # The unique form-key column decides a repeat, with no read before the insert: a
        # resent form's INSERT fails at once, a concurrent one's waits for the first commit
        # and then fails; either way the transaction (its number included) is rolled back and
        # the first appeal is returned below. Repeats are rare, so the common case saves the
        # look-up and the advisory lock.
        with transaction.atomic():
            # Checked before the number is taken, so the number's row lock is held briefly.
            possible_repeat = selectors.appeal_has_possible_repeat(
                iin=data.iin,
                id_document_number=data.id_document_number,
                phone=data.phone,
                category_id=data.category.pk,
                registration_date=registration_date,
            )
            sequence, number = take_number(prefix=NUMBER_PREFIX, year=registration_date.year)
            appeal = Appeal(
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
                id_document_kind=data.id_document_kind,
                id_document_number=data.id_document_number,
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
                consent=consent.text if consent else None,
                consent_at=consent.at if consent else None,
                consent_ip=consent.ip if consent else None,
                received_at=received_at,
                registration_date=registration_date,
                due_date=due_date,
                statutory_due_date=due_date,
                redirect_due_date=redirect_due_date,
                registered_by=registered_by,
                access_code_hash=access_codes.hash_access_code(number=number, code=code),
                form_key_hash=form_key_hash,
            )
            appeal.save(force_insert=True)
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
                if appeal.status == enums.Status.NOT_CONSIDERED:
                    # Closed at once: say so, not "the answer is due by …".
                    event, context = (
                        "appeal.not_considered",
                        {"reason": appeal.not_considered_reason},
                    )
                else:
                    event, context = (
                        "appeal.registered",
                        {
                            "registration_date": f"{registration_date:%d.%m.%Y}",
                            "due_date": f"{due_date:%d.%m.%Y}",
                        },
                    )
                notify(
                    event=event,
                    to=appeal_recipient(appeal),
                    language=appeal.language,
                    context={"number": appeal.number, "subject": appeal.subject, **context},
                    dedupe_key=f"{event}:{appeal.pk}",
                    about=appeal,
                )
    except IntegrityError:
        _delete_files(stored)
        earlier = appeal_get_submitted(form_key=form_key) if form_key else None
        if earlier is None:
            raise
        return earlier
    except Exception:
        _delete_files(stored)
        raise
    return SubmittedAppeal(appeal=appeal, access_code=code)


@transaction.atomic
def appeal_code_reissue(*, appeal_id: int) -> bool:
    """Give the applicant a new access code, because they lost theirs.

    Inputs: an appeal found by its number and a contact on file (selectors.
    appeal_find_by_contact). Effects, only if the appeal has an e-mail address or a phone: a
    new code whose hash replaces the old one (the old code stops working at once) and a
    public "new access code sent" history row.
    Side effects: an "appeal.code_reissued" notification to the contact given in the appeal
    (per its preference), never to any other address. The outbox row holds a random nonce, not
    the code: the code is derived from it with the current key of pkop_portal.keys, and again
    at send time, only while it is still the appeal's code (pkop_portal.code_reissue).
    Returns whether a code was sent; an appeal without contact is left unchanged (False).
    """
    appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
    if not (appeal.email or appeal.phone):
        return False
    event = AppealEvent.objects.create(appeal=appeal, kind=AppealEvent.Kind.CODE_REISSUED)
    code_reissue.APPEAL.reissue(
        appeal, to=appeal_recipient(appeal), language=appeal.language, history_id=event.pk
    )
    return True


def reissued_code(*, appeal: Appeal, nonce: str) -> str | None:
    """The code `appeal_code_reissue` made from `nonce`, if it is still the appeal's code
    (under any accepted key); None once a newer code replaced it or its key was retired."""
    return code_reissue.APPEAL.code_for(appeal, nonce=nonce)


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
