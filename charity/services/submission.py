"""The applicant's side of a charity request: submission (on the portal, or registered by staff
and other channels through the same function), the documents and messages an applicant adds
from their tracking page, and the number + access code check of that page.

Access codes are never stored, only their keyed hash (pkop_portal.access_codes), as for
appeals: a web submission derives its code from the form's one-time key, which only the
submitting browser holds, so the same form sent again (double click, resent page, concurrent
requests) finds the request by the key's keyed hash and shows the same code on its receipt.

Documents: the web form asks for each required document of the chosen category, or for the
applicant's explicit statement that they will send the missing ones later. Whatever the
channel, the required documents not attached are recorded on the request
(`missing_documents`, status still "submitted"): the applicant sees them on the tracking page
with an upload form, and the officer asks for them formally
(charity.services.workflow.request_ask_documents) or decides what came is enough.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from charity import enums
from charity.models import (
    AidItem,
    CharityRequest,
    ChecklistItem,
    CommitteeDecision,
    DocumentType,
    HouseholdMember,
    Programme,
    RequestDocument,
    RequestEvent,
    RequestMessage,
)
from notifications.services import Preference, Recipient, notify
from pkop_portal import access_codes, code_reissue, identity, uploads, workdays
from pkop_portal.consent import Consent
from pkop_portal.enums import PreferredContact
from pkop_portal.form_keys import FormKeyPurposes
from pkop_portal.locks import NAMESPACE_CHARITY_FORM, advisory_xact_lock
from pkop_portal.sequences import normalise_number, take_number

NUMBER_PREFIX = "C"
# The appeals rule (APPK Art. 76), unless the year's active programme says otherwise.
DEFAULT_ANSWER_WORKING_DAYS = 15
# One filled form, one request: only the form key's keyed hash is stored; the web access code is
# derived from the key, so a resent form shows the same code without it being kept.
FORM_KEY_PURPOSE = "charity.form_key"
FORM_CODE_PURPOSE = "charity.form_code"
FORM_KEYS = FormKeyPurposes(key=FORM_KEY_PURPOSE, code=FORM_CODE_PURPOSE)


@dataclass
class MemberInput:
    """One household member as the applicant gave them (the applicant is not a member)."""

    relation: str
    full_name: str
    birth_date: date
    status: str
    iin: str = ""


@dataclass
class RequestInput:
    """What an applicant (or the registering officer) gave; cleaned by a form."""

    language: str
    full_name: str
    iin: str
    district: str
    address: str
    category: str
    monthly_income: Decimal
    aid_kind: str
    aid_description: str
    phone: str = ""
    email: str = ""
    preferred_contact: str = PreferredContact.EMAIL
    amount_requested: Decimal | None = None
    # Without an IIN (a foreign national, `iin` ''): an identity document instead
    # (pkop_portal.identity; the number normalised).
    id_document_kind: str = ""
    id_document_number: str = ""
    members: list[MemberInput] = field(default_factory=list)
    # (which checklist document it is, or None for another supporting document; the file)
    documents: list[tuple[DocumentType | None, UploadedFile]] = field(default_factory=list)


@dataclass(frozen=True)
class SubmittedRequest:
    request: CharityRequest
    # Shown to the applicant, never stored. None only when a resent form finds a request whose
    # code was replaced since.
    access_code: str | None
    created: bool = True


@dataclass(frozen=True)
class ChecklistRow:
    """A document of the checklist and the categories that need it (required or optional)."""

    document_type: DocumentType
    required_for: tuple[str, ...]
    optional_for: tuple[str, ...]


# --- reads used by the form and the steps below ---------------------------------------------


def document_checklist() -> list[ChecklistRow]:
    """Every document type that some category's checklist names, in checklist order, with the
    categories (enums.Category values) that require it and those for which it is optional.
    Two queries."""
    items = ChecklistItem.objects.order_by("position", "id")
    types = (
        DocumentType.objects.filter(checklist_items__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("checklist_items", queryset=items, to_attr="checklist"))
        .order_by("position", "id")
    )
    order = list(enums.Category.values)
    rows = []
    for document_type in types:
        required = {i.category for i in document_type.checklist if i.is_required}
        optional = {i.category for i in document_type.checklist if not i.is_required}
        rows.append(
            ChecklistRow(
                document_type=document_type,
                required_for=tuple(c for c in order if c in required),
                optional_for=tuple(c for c in order if c in optional),
            )
        )
    return rows


def required_documents(*, category: str) -> list[DocumentType]:
    """The document types the checklist of `category` requires, in checklist order."""
    return [
        item.document_type
        for item in ChecklistItem.objects.filter(category=category, is_required=True)
        .select_related("document_type")
        .order_by("position", "id")
    ]


def programme_for(*, day: date) -> Programme | None:
    """The active programme of `day`'s year whose dates cover `day` (the newest if several)."""
    return (
        Programme.objects.filter(
            is_active=True, year=day.year, starts_on__lte=day, ends_on__gte=day
        )
        .order_by("-starts_on", "-id")
        .first()
    )


def request_recipient(request: CharityRequest) -> Recipient:
    """Where and how the applicant wants to hear about the request."""
    return Recipient(
        email=request.email,
        phone=request.phone.as_e164 if request.phone else "",
        prefers=Preference(request.preferred_contact),
    )


def request_get_for_applicant(*, number: str, code: str) -> CharityRequest | None:
    """The request if number and access code match, else None (the same for either mistake).

    The code is checked under every accepted key, also for an unknown number, so the response
    time does not tell which was wrong."""
    number = normalise_number(number)
    request = (
        CharityRequest.objects.filter(number=number)
        .only("pk", "number", "access_code_hash")
        .first()
    )
    stored = request.access_code_hash if request else "0" * 64
    matches = access_codes.check_access_code(number=number, code=code, stored_hash=stored)
    return request if request is not None and matches else None


def request_find_by_contact(*, number: str, contact: str) -> CharityRequest | None:
    """The request numbered `number` whose IIN (or, without one, identity document number),
    e-mail or phone on file is `contact` (for a new access code), else None
    (pkop_portal.code_reissue.find_by_contact)."""
    return code_reissue.find_by_contact(
        CharityRequest.objects.all(), number=number, contact=contact
    )


@transaction.atomic
def request_code_reissue(*, request_id: int) -> bool:
    """Give the applicant a new access code, because they lost theirs.

    Inputs: a request found by its number and a contact on file (request_find_by_contact).
    Effects, only if the request has an e-mail address or a phone: a new code whose hash
    replaces the old one (the old code stops working at once) and an internal NOTE history
    row "New access code sent" (staff see when and how often it happened).
    Side effects: a "charity.code_reissued" notification to the contact given in the request
    (per its preference), never to any other address. The outbox row holds a random nonce, not
    the code; the code is derived from it again at send time, only while it is still the
    request's code (pkop_portal.code_reissue, the mechanism of appeals).
    Returns whether a code was sent; a request without contact is left unchanged (False).
    """
    request = CharityRequest.objects.select_for_update().get(pk=request_id)
    if not (request.email or request.phone):
        return False
    event = RequestEvent.objects.create(
        request=request, kind=RequestEvent.Kind.NOTE, note="New access code sent"
    )
    code_reissue.CHARITY_REQUEST.reissue(
        request, to=request_recipient(request), language=request.language, history_id=event.pk
    )
    return True


def request_reissued_code(*, request: CharityRequest, nonce: str) -> str | None:
    """The code `request_code_reissue` made from `nonce`, while it is the request's code."""
    return code_reissue.CHARITY_REQUEST.code_for(request, nonce=nonce)


def request_public_view(*, request_id: int) -> CharityRequest:
    """A request with what its applicant's page shows: the public history
    (`public_events`), the missing documents, the documents sent (`sent_documents`, with their
    types) and the messages with their files. A constant number of queries."""
    public = RequestEvent.objects.filter(kind__in=RequestEvent.PUBLIC_KINDS).order_by("at", "id")
    documents = RequestDocument.objects.select_related("document_type").order_by("id")
    return (
        CharityRequest.objects.select_related("programme")
        .prefetch_related(
            Prefetch("events", queryset=public, to_attr="public_events"),
            Prefetch("missing_documents", queryset=DocumentType.objects.order_by("position")),
            Prefetch(
                "documents",
                queryset=documents.filter(message__isnull=True),
                to_attr="sent_documents",
            ),
            Prefetch(
                "messages",
                queryset=RequestMessage.objects.order_by("created_at", "id").prefetch_related(
                    Prefetch("documents", queryset=documents)
                ),
            ),
        )
        .get(pk=request_id)
    )


def request_public_decision(*, request: CharityRequest) -> CommitteeDecision | None:
    """The committee's decision once the chair approved it, with its items and what of them
    was handed over; None before. Two queries."""
    items = AidItem.objects.select_related("disbursement").order_by("id")
    return (
        CommitteeDecision.objects.filter(request_id=request.pk, approved_at__isnull=False)
        .prefetch_related(Prefetch("items", queryset=items))
        .first()
    )


def request_get_submitted(*, form_key: str) -> SubmittedRequest | None:
    """The request an earlier submission of the form with `form_key` created, with its access
    code derived again from the key (None if it was replaced since); None if there is none."""
    found = FORM_KEYS.find(CharityRequest.objects.all(), form_key)
    if found is None:
        return None
    request, code = found
    return SubmittedRequest(request=request, access_code=code, created=False)


# --- checks shared by the steps --------------------------------------------------------------


def _validate_files(files) -> None:
    """Count, size and type by content (pkop_portal.uploads), with the charity limits."""
    if files:
        uploads.validate_uploads(
            list(files),
            max_files=settings.CHARITY_MAX_FILES,
            max_mb=settings.CHARITY_MAX_FILE_MB,
        )


def _validate_input(data: RequestInput) -> None:
    """The rules of a request's content, whatever the channel (the web form shows the same
    errors next to its fields)."""
    if data.aid_kind == enums.AidKind.MONEY and data.amount_requested is None:
        raise ValidationError(_("Give the amount you ask for."), code="amount_required")
    if data.amount_requested is not None and data.amount_requested <= 0:
        raise ValidationError(
            _("The amount must be greater than zero."), code="amount_not_positive"
        )
    if data.monthly_income < 0:
        raise ValidationError(_("The income cannot be negative."), code="income_negative")
    identity.check_identity(
        iin=data.iin, kind=data.id_document_kind, number=data.id_document_number
    )
    iins = [m.iin for m in data.members if m.iin]
    # An applicant without an IIN has none that a member could repeat.
    if (data.iin and data.iin in iins) or len(set(iins)) != len(iins):
        raise ValidationError(
            _("Each person's IIN may be given only once."), code="member_iin_repeated"
        )


def _store_documents(
    request, files, stored: list[str], *, message=None, uploaded_by=None
) -> list[RequestDocument]:
    """Save (document type, upload) pairs as RequestDocument rows; `stored` collects the file
    names as they land, for cleanup should the transaction roll back."""
    documents = []
    for document_type, upload in files:
        document = RequestDocument(
            request=request,
            document_type=document_type,
            message=message,
            uploaded_by=uploaded_by,
        )
        stored.append(uploads.store_upload(document, upload))
        document.save()
        documents.append(document)
    return documents


def _check_flags(request_id: int) -> None:
    # Deferred: charity.services.workflow imports this module (request_recipient).
    from charity.services import workflow

    workflow.request_check_flags(request_id=request_id)


# --- steps ----------------------------------------------------------------------------------


def request_submit(
    *,
    data: RequestInput,
    consent: Consent | None,
    form_key: str = "",
    received_at: datetime | None = None,
    registered_by=None,
    channel: str = enums.Channel.WEB,
    source_appeal=None,
    source_booking=None,
    access_code: str | None = None,
    notify_applicant: bool = True,
) -> SubmittedRequest:
    """Register a request for assistance from the portal (or, with `registered_by`, from an
    officer; `channel`, `source_appeal`, `source_booking` for requests made from an appeal or a
    reception visit).

    Inputs: cleaned data; the applicant's consent (web: pkop_portal.consent.consent_given, the
    version shown, the time and the client IP); the form's one-time key: a second submission
    with the same key creates nothing and returns the first request with the same code
    (`created` False). `access_code`: a code the caller derived itself (e.g. from a nonce only
    its outbox row holds); by default derived from `form_key`, else random.
    Effects, in one transaction: number C-YYYY-NNNNNN (pkop_portal.sequences, consecutive per
    registration year); registration date (after 18:00 or on a day off, the next working day)
    and due date (the active programme's answer_working_days, else 15 working days; that
    programme attached); household members; documents stored under random names; the required
    documents not attached recorded as missing; access code hash and form key hash; consent; a
    SUBMITTED history row; the double-help flags (workflow.request_check_flags).
    Side effects: a "charity.submitted" notification (outbox row) if the applicant gave a
    contact and `notify_applicant`. If anything fails nothing is kept: no row, no outbox row,
    and the files already saved are removed.
    Raises ValidationError(code="no_contact" | "no_consent" | "amount_required" |
    "amount_not_positive" | "income_negative" | "no_identity" | "member_iin_repeated" |
    "file_type" |
    "file_too_large" | "too_many_files" | "empty").
    """
    if channel == enums.Channel.WEB and not (data.phone or data.email):
        raise ValidationError(_("Give a phone number or an e-mail address."), code="no_contact")
    if registered_by is None and consent is None:
        raise ValidationError(_("Consent to personal-data processing is required."), "no_consent")
    _validate_input(data)
    _validate_files([upload for _type, upload in data.documents])
    received_at = received_at or timezone.now()
    registered_on = workdays.registration_date(received_at)
    programme = programme_for(day=registered_on)
    days = programme.answer_working_days if programme else DEFAULT_ANSWER_WORKING_DAYS
    registered_on, due_date = workdays.registration_and_due_dates(received_at, days)
    if form_key:
        earlier = request_get_submitted(form_key=form_key)
        if earlier is not None:
            return earlier
    code = access_code or FORM_KEYS.new_code(form_key)
    form_key_hash = FORM_KEYS.key_hash(form_key)
    stored: list[str] = []
    try:
        with transaction.atomic():
            if form_key_hash:
                # Lock, then re-check: a concurrent submission of this form waits here, then
                # finds the request the first one created.
                advisory_xact_lock(namespace=NAMESPACE_CHARITY_FORM, value=form_key_hash)
                earlier = request_get_submitted(form_key=form_key)
                if earlier is not None:
                    return earlier
            sequence, number = take_number(prefix=NUMBER_PREFIX, year=registered_on.year)
            request = CharityRequest.objects.create(
                number=number,
                year=registered_on.year,
                sequence=sequence,
                channel=channel,
                language=data.language,
                full_name=data.full_name,
                iin=data.iin,
                # Only without an IIN (the database's check): the document then identifies.
                id_document_kind=data.id_document_kind,
                id_document_number=data.id_document_number,
                phone=data.phone,
                email=data.email,
                preferred_contact=data.preferred_contact,
                district=data.district,
                address=data.address,
                category=data.category,
                monthly_income=data.monthly_income,
                aid_kind=data.aid_kind,
                amount_requested=data.amount_requested,
                aid_description=data.aid_description,
                programme=programme,
                received_at=received_at,
                registration_date=registered_on,
                due_date=due_date,
                statutory_due_date=due_date,
                registered_by=registered_by,
                access_code_hash=access_codes.hash_access_code(number=number, code=code),
                form_key_hash=form_key_hash,
                source_appeal=source_appeal,
                source_booking=source_booking,
                **(consent.record_fields() if consent else {}),
            )
            HouseholdMember.objects.bulk_create(
                HouseholdMember(
                    request=request,
                    relation=member.relation,
                    full_name=member.full_name,
                    birth_date=member.birth_date,
                    iin=member.iin,
                    status=member.status,
                    position=position,
                )
                for position, member in enumerate(data.members, start=1)
            )
            _store_documents(request, data.documents, stored, uploaded_by=registered_by)
            attached = {t.pk for t, _upload in data.documents if t is not None}
            missing = [
                d for d in required_documents(category=data.category) if d.pk not in attached
            ]
            if missing:
                request.missing_documents.set(missing)
            RequestEvent.objects.create(
                request=request,
                kind=RequestEvent.Kind.SUBMITTED,
                by=registered_by,
                new_value=number,
                note=f"{registered_on:%Y-%m-%d} → {due_date:%Y-%m-%d}"
                + (
                    f"; documents to follow: {', '.join(d.slug for d in missing)}"
                    if missing
                    else ""
                ),
            )
            _check_flags(request.pk)
            if notify_applicant and (request.email or request.phone):
                notify(
                    event="charity.submitted",
                    to=request_recipient(request),
                    language=request.language,
                    context={
                        "number": number,
                        "registration_date": f"{registered_on:%d.%m.%Y}",
                        "due_date": f"{due_date:%d.%m.%Y}",
                        "missing_documents": [d.slug for d in missing],
                    },
                    dedupe_key=f"charity.submitted:{request.pk}",
                    about=request,
                )
    except IntegrityError:
        uploads.delete_stored(stored)
        # The unique form-key column is the last safeguard (no advisory lock on SQLite).
        earlier = request_get_submitted(form_key=form_key) if form_key else None
        if earlier is None:
            raise
        return earlier
    except BaseException:
        uploads.delete_stored(stored)
        raise
    return SubmittedRequest(request=request, access_code=code)


def _lock_open(request_id: int) -> CharityRequest:
    request = CharityRequest.objects.select_for_update().get(pk=request_id)
    if request.status in enums.FINAL_STATUSES:
        raise ValidationError(
            _("This request is closed; nothing can be added to it any more."), code="closed"
        )
    return request


def request_add_documents(
    *,
    request_id: int,
    files: list[tuple[DocumentType | None, UploadedFile]],
    text: str = "",
) -> list[RequestDocument]:
    """The applicant sends documents (each with the checklist document it is, or None) and
    optionally a few words, from the tracking page of a request not closed or withdrawn.

    Effects: the documents (and a message with the text); the document types received leave
    the missing list; a public DOCUMENTS_RECEIVED history row. While the request is
    "documents incomplete" it returns to "submitted" (the officer checks again).
    Raises ValidationError(code="no_files" | "closed" | "file_type" | "file_too_large" |
    "too_many_files" | "empty"). Nothing is kept if it fails.
    """
    if not files:
        raise ValidationError(_("Choose at least one file."), code="no_files")
    _validate_files([upload for _type, upload in files])
    stored: list[str] = []
    try:
        with transaction.atomic():
            request = _lock_open(request_id)
            text = (text or "").strip()
            message = (
                RequestMessage.objects.create(request=request, by=None, text=text) if text else None
            )
            documents = _store_documents(request, files, stored, message=message)
            received = sorted(
                {t for t, _upload in files if t is not None}, key=lambda t: (t.position, t.pk)
            )
            if received:
                request.missing_documents.remove(*received)
            names = ", ".join(t.slug for t in received)
            if request.status == enums.Status.DOCUMENTS_INCOMPLETE:
                request.status = enums.Status.SUBMITTED
                request.save(update_fields=["status", "updated_at"])
                RequestEvent.objects.create(
                    request=request,
                    kind=RequestEvent.Kind.DOCUMENTS_RECEIVED,
                    field="status",
                    old_value=enums.Status.DOCUMENTS_INCOMPLETE,
                    new_value=enums.Status.SUBMITTED,
                    note=names,
                )
            else:
                request.save(update_fields=["updated_at"])
                RequestEvent.objects.create(
                    request=request, kind=RequestEvent.Kind.DOCUMENTS_RECEIVED, note=names
                )
    except BaseException:
        uploads.delete_stored(stored)
        raise
    return documents


def request_applicant_message(
    *, request_id: int, text: str, files: list[UploadedFile] | tuple = ()
) -> RequestMessage:
    """The applicant writes to the charity officers from the tracking page, with optional files
    (request not closed or withdrawn).

    Effects: RequestMessage (by=None: from the applicant) with its files; a public MESSAGE
    history row. Raises ValidationError(code="empty" | "closed" | "file_type" |
    "file_too_large" | "too_many_files"). Nothing is kept if it fails.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the message."), code="empty")
    _validate_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            request = _lock_open(request_id)
            message = RequestMessage.objects.create(request=request, by=None, text=text)
            _store_documents(request, [(None, f) for f in files], stored, message=message)
            RequestEvent.objects.create(
                request=request,
                kind=RequestEvent.Kind.MESSAGE,
                field="message",
                new_value=f"{message.pk}",
            )
            request.save(update_fields=["updated_at"])
    except BaseException:
        uploads.delete_stored(stored)
        raise
    return message
