"""Charity requests made in one step from other channels: an appeal of the charity category,
or a visit to a personal reception.

The applicant's data is copied, the request and its source are linked both ways (the
request's `source_appeal` / `source_booking`, and a history row on each side), and the
applicant gets the new number and its access code by the channel they chose. That code is
never stored: it is derived from a random nonce that only the notice's outbox row holds, and
derived again when the message is sent, only while it is still the request's code (the
appeals "new code" pattern; charity.notices). Staff see the message with the code hidden.
"""

import secrets
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appeals import workflow as appeal_workflow
from appeals.models import Appeal
from charity import enums
from charity.models import CharityRequest, RequestEvent
from charity.services.submission import RequestInput, request_submit
from charity.services.workflow import StepResult, lock_request, notify_applicant, record_event
from pkop_portal import access_codes
from pkop_portal.enums import PreferredContact
from reception import services as reception_services
from reception.models import Booking

CHANNEL_CODE_PURPOSE = "charity.channel_code"


def channel_code(*, request: CharityRequest, nonce: str) -> str | None:
    """The access code made from `nonce` for `request`, if it is still the request's code
    (under any accepted key); None once it was replaced or its key retired."""
    return access_codes.derived_code_matching(
        purpose=CHANNEL_CODE_PURPOSE,
        secret=nonce,
        number=request.number,
        stored_hash=request.access_code_hash,
    )


def _require_contact(email: str, phone) -> None:
    if not (email or phone):
        raise ValidationError(
            _(
                "The applicant gave no phone number or e-mail address, so the access code "
                "cannot reach them: register their written application instead."
            ),
            code="no_contact",
        )


def _identity(source) -> dict:
    """The applicant's IIN or, without one (a foreign national), their identity document, as
    `source` (an appeal or a booking) holds them: RequestInput's fields. A booking made before
    reception had document columns reads as having none."""
    iin = source.iin or ""
    kind = getattr(source, "id_document_kind", "") or ""
    number = getattr(source, "id_document_number", "") or ""
    if iin:
        return {"iin": iin}
    if not (kind and number):
        raise ValidationError(
            _(
                "A charity request needs the applicant's IIN or, for a foreign national, the kind "
                "and number of an identity document, and this applicant gave neither: register "
                "their written application with one of them instead."
            ),
            code="no_iin",
        )
    return {"iin": "", "id_document_kind": kind, "id_document_number": number}


def _create(
    *,
    data: RequestInput,
    by,
    received_at,
    channel: str,
    source: str,
    source_number: str,
    link_back: Callable[[CharityRequest], object],
    notice_source: str,
    **links,
) -> StepResult:
    """The request (charity.services.submission.request_submit, without its own notice), a
    LINKED history row, `link_back(request)` (the source app's own step that records the
    link on its side), and the applicant's one message with the number and code."""
    nonce = secrets.token_urlsafe(16)
    code = access_codes.derive_access_code(purpose=CHANNEL_CODE_PURPOSE, secret=nonce)
    request = request_submit(
        data=data,
        consent=None,
        received_at=received_at,
        registered_by=by,
        channel=channel,
        access_code=code,
        notify_applicant=False,
        **links,
    ).request
    # Read again, locked: the submission's steps (flags) saved their own copy.
    request = lock_request(request.pk)
    event = record_event(request, RequestEvent.Kind.LINKED, by, field=source, new=source_number)
    link_back(request)
    notify_applicant(
        request,
        "charity.created_from_channel",
        {"request_id": request.pk, "nonce": nonce, "source": notice_source},
        key=f"{event.pk}",
    )
    return StepResult(request)


@transaction.atomic
def request_from_appeal(
    *,
    appeal_id: int,
    by,
    district: str,
    category: str,
    monthly_income: Decimal,
    aid_kind: str,
    amount_requested: Decimal | None = None,
    aid_description: str = "",
) -> StepResult:
    """Turn an open appeal of the "charity" category into a charity request.

    Inputs: the appeal (its executor or a Head, `by`); what the appeal does not say: the
    district, the category of need, the monthly household income, the aid asked (and amount
    for money) and its description (default: the appeal's text). The applicant's name, IIN (or,
    without one, identity document), address, phone, e-mail, preferred contact and language are
    copied from the appeal.
    Effects: the request (channel "appeal", received when the appeal was, so no time is lost;
    registered by `by`; linked to the appeal), its SUBMITTED and LINKED history rows and
    double-help flags; the appeal redirected to the charity procedure with its own history row
    (appeals.workflow.appeal_redirect_to_charity).
    Side effects: one "charity.created_from_channel" notice with the number and the access
    code (no "charity.submitted", no "appeal.redirected").
    Raises PermissionDenied, ValidationError(code="already_linked" | "no_iin" | "no_contact" |
    "not_open" | "not_charity" | "referral_required" | the request_submit codes).
    """
    appeal = Appeal.objects.select_for_update().select_related("category").get(pk=appeal_id)
    if CharityRequest.objects.filter(source_appeal_id=appeal.pk).exists():
        raise ValidationError(_("This appeal is already a charity request."), code="already_linked")
    identified = _identity(appeal)
    _require_contact(appeal.email, appeal.phone)
    data = RequestInput(
        language=appeal.language,
        full_name=appeal.full_name,
        **identified,
        district=district,
        address=appeal.address,
        category=category,
        monthly_income=monthly_income,
        aid_kind=aid_kind,
        aid_description=(aid_description or "").strip() or appeal.text,
        phone=appeal.phone.as_e164 if appeal.phone else "",
        email=appeal.email,
        preferred_contact=appeal.preferred_contact,
        amount_requested=amount_requested,
    )
    return _create(
        data=data,
        by=by,
        received_at=appeal.received_at,
        channel=enums.Channel.APPEAL,
        source="appeal",
        source_number=appeal.number,
        link_back=lambda request: appeal_workflow.appeal_redirect_to_charity(
            appeal_id=appeal.pk, by=by, request_number=request.number
        ),
        notice_source="appeal",
        source_appeal=appeal,
    )


@transaction.atomic
def request_from_booking(
    *,
    booking_id: int,
    by,
    district: str,
    category: str,
    monthly_income: Decimal,
    aid_kind: str,
    amount_requested: Decimal | None = None,
    aid_description: str = "",
    address: str = "",
) -> StepResult:
    """Turn a visit to a personal reception that took place into a charity request.

    Inputs: the booking (status attended), `by` with reception.change_booking (the reception
    secretary who logged the visit); the district, category, income, aid asked, its
    description (default: the visit summary or the booking's description) and the address.
    The applicant's name, IIN (or identity document), phone, e-mail and language are copied
    from the booking; the
    preferred contact is e-mail when there is one, else SMS.
    Effects: the request (channel "reception", received at the visit's time, linked to the
    booking), its SUBMITTED and LINKED rows and flags; a history row on the booking
    (reception.services.booking_link_charity_request).
    Side effects: one "charity.created_from_channel" notice with the number and access code.
    Raises PermissionDenied, ValidationError(code="already_linked" | "not_attended" |
    "no_iin" | "no_contact" | "no_description" | the request_submit codes).
    """
    booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking_id)
    if CharityRequest.objects.filter(source_booking_id=booking.pk).exists():
        raise ValidationError(_("This visit is already a charity request."), code="already_linked")
    if booking.status != Booking.Status.ATTENDED:
        raise ValidationError(
            _("Only a visit that took place can become a charity request."), code="not_attended"
        )
    identified = _identity(booking)
    _require_contact(booking.email, booking.phone)
    description = (aid_description or "").strip() or booking.visit_summary or booking.description
    if not description:
        raise ValidationError(_("Describe the aid asked."), code="no_description")
    data = RequestInput(
        language=booking.language,
        full_name=booking.full_name,
        **identified,
        district=district,
        address=(address or "").strip(),
        category=category,
        monthly_income=monthly_income,
        aid_kind=aid_kind,
        aid_description=description,
        phone=booking.phone.as_e164 if booking.phone else "",
        email=booking.email,
        preferred_contact=PreferredContact.EMAIL if booking.email else PreferredContact.SMS,
        amount_requested=amount_requested,
    )
    return _create(
        data=data,
        by=by,
        received_at=booking.slot.starts_at,
        channel=enums.Channel.RECEPTION,
        source="booking",
        source_number=booking.number,
        link_back=lambda request: reception_services.booking_link_charity_request(
            booking_id=booking.pk, by=by, request_number=request.number
        ),
        notice_source="reception",
        source_booking=booking,
    )
