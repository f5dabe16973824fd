"""Booking a reception slot without ever overbooking (research/booking.md §3).

A booking locks its citizen (advisory lock on PostgreSQL) and then its slot row, re-checks the
window, the calendar, absences and the limits, and takes the lowest free seat. Partial unique
constraints (slot, seat), (IIN, manager) and (document number, manager) among active bookings
are the safeguard if any path skips the locks.

A citizen is known by their IIN or, without one (a foreign national), by the kind and number of
an identity document (pkop_portal.identity): the limits count the bookings of that document.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from pkop_portal import identity, keys, workdays
from pkop_portal.consent import Consent
from pkop_portal.locks import NAMESPACE_CITIZEN, advisory_xact_lock
from reception.models import Absence, Booking, BookingEvent, Slot

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class BookingInput:
    full_name: str
    iin: str
    topic: str
    language: str
    phone: str = ""
    email: str = ""
    description: str = ""
    # Without an IIN (iin ""): the kind and number of an identity document.
    id_document_kind: str = ""
    id_document_number: str = ""


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    manage_token: str | None  # None when an identical earlier submission is returned
    created: bool


MANAGE_TOKEN_PURPOSE = "reception.manage"  # noqa: S105 (a purpose label, not a secret)


def hash_token(token: str) -> str:
    """The stored hash of a manage-link token (the token itself is 192 key-derived bits)."""
    return hashlib.sha256(f"reception.manage:{token}".encode()).hexdigest()


def _derive_manage_token(booking: Booking, key: str) -> str:
    digest = keys.digest(MANAGE_TOKEN_PURPOSE, f"{booking.number}:{booking.token_nonce}", key=key)
    return base64.urlsafe_b64encode(digest[:24]).decode()


def manage_token(booking: Booking) -> str | None:
    """The private manage-link token of `booking`, derived from its random nonce under the
    accepted key (pkop_portal.keys) that made its stored hash; None once that key is retired.

    The database keeps only the nonce and the token's hash, so neither a database copy nor the
    outbox holds a usable link; e-mails derive it again when they are sent."""
    found = None
    for key in keys.all_keys():
        token = _derive_manage_token(booking, key)
        if constant_time_compare(hash_token(token), booking.token_hash):
            found = found or token
    return found


def _local_day(moment: datetime):
    return moment.astimezone(workdays.LOCAL_TZ).date()


def slot_is_bookable_when(*, slot: Slot, now: datetime) -> bool:
    """The booking window in Asia/Almaty calendar days (min notice 1 = no same-day booking)."""
    days_ahead = (_local_day(slot.starts_at) - _local_day(now)).days
    return settings.RECEPTION_MIN_NOTICE_DAYS <= days_ahead <= settings.RECEPTION_HORIZON_DAYS


def _check_slot(slot: Slot, now: datetime) -> None:
    day = _local_day(slot.starts_at)
    if slot.is_cancelled or not slot.manager.is_active:
        raise ValidationError(_("This time is no longer offered."), code="slot_cancelled")
    if not slot_is_bookable_when(slot=slot, now=now):
        raise ValidationError(_("This time cannot be booked now."), code="outside_window")
    # Re-read the calendar and absences: they may have changed after the slot was generated.
    if not workdays.is_working_day(day):
        raise ValidationError(_("There is no reception on this day."), code="not_working_day")
    if Absence.objects.filter(
        manager_id=slot.manager_id, start_date__lte=day, end_date__gte=day
    ).exists():
        raise ValidationError(_("The manager does not receive on this day."), code="absent")


def _check_identity(data: BookingInput) -> None:
    """An IIN, or else an identity document (pkop_portal.identity.check_identity)."""
    identity.check_identity(
        iin=data.iin, kind=data.id_document_kind, number=data.id_document_number
    )


def _citizen_filter(*, iin: str, id_document_number: str) -> dict:
    """The lookup of a citizen's bookings: by IIN, or by document number without one."""
    return {"iin": iin} if iin else {"id_document_number": id_document_number}


def _lock_citizen(*, iin: str, id_document_number: str = "") -> None:
    """Serialise bookings of one citizen (count limits); always taken before the slot lock.
    A document number is locked apart from the IINs (its own prefix)."""
    value = iin or f"document:{id_document_number}"
    advisory_xact_lock(namespace=NAMESPACE_CITIZEN, value=value)


def _new_number() -> str:
    return "R-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def booking_create(
    *,
    slot_id: int,
    data: BookingInput,
    idempotency_key: str,
    consent: Consent | None = None,
    now: datetime | None = None,
) -> BookingResult:
    """Book a seat in a slot for a citizen.

    Inputs: the form's one-time key; a repeat with the same key returns the same booking; the
    citizen's personal-data consent (pkop_portal.consent.consent_given), stored on the booking.
    Effects: Booking (status booked, lowest free seat) and a history row, in one transaction.
    Raises ValidationError(code="slot_taken" | "already_booked" | "too_many" | "slot_cancelled"
    | "outside_window" | "not_working_day" | "absent" | "no_contact" | "no_consent" |
    "id_document" | "iin_and_document" | "no_identity"): the citizen gives an IIN or, without
    one, an identity document (`_check_identity`), and is counted by it.
    """
    existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return BookingResult(existing, None, False)
    if not (data.phone or data.email):
        raise ValidationError(_("Give a phone number or an e-mail address."), code="no_contact")
    _check_identity(data)
    if consent is None:
        raise ValidationError(_("Consent to personal-data processing is required."), "no_consent")
    now = now or timezone.now()
    citizen = _citizen_filter(iin=data.iin, id_document_number=data.id_document_number)
    try:
        with transaction.atomic():
            _lock_citizen(iin=data.iin, id_document_number=data.id_document_number)
            # A double click waited for the first request's lock: return what it booked.
            existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return BookingResult(existing, None, False)
            slot = Slot.objects.select_for_update().select_related("manager").get(pk=slot_id)
            _check_slot(slot, now)
            active = Booking.objects.filter(**citizen, is_active=True)
            if active.filter(manager_id=slot.manager_id).exists():
                raise ValidationError(
                    _("You already have a booking with this manager."), code="already_booked"
                )
            block = settings.RECEPTION_NO_SHOW_BLOCK
            if (
                block
                and Booking.objects.filter(**citizen, status=Booking.Status.NO_SHOW).count()
                >= block
            ):
                raise ValidationError(
                    _(
                        "Online booking is closed for you after missed visits; "
                        "please call the reception."
                    ),
                    code="blocked",
                )
            if active.count() >= settings.RECEPTION_MAX_ACTIVE_PER_CITIZEN:
                raise ValidationError(
                    _("You already have the largest number of active bookings."), code="too_many"
                )
            taken = set(slot.bookings.filter(is_active=True).values_list("seat", flat=True))
            free = [seat for seat in range(1, slot.capacity + 1) if seat not in taken]
            if not free:
                raise ValidationError(
                    _("This time has just been taken. Please choose another."), code="slot_taken"
                )
            booking = Booking(
                number=_new_number(),
                token_nonce=secrets.token_hex(16),
                slot=slot,
                manager=slot.manager,
                seat=free[0],
                full_name=data.full_name,
                iin=data.iin,
                id_document_kind=data.id_document_kind,
                id_document_number=data.id_document_number,
                phone=data.phone,
                email=data.email,
                language=data.language,
                topic=data.topic,
                description=data.description,
                idempotency_key=idempotency_key,
                **consent.record_fields(),
            )
            token = _derive_manage_token(booking, keys.current_key())
            booking.token_hash = hash_token(token)
            booking.save()
            BookingEvent.objects.create(booking=booking, status=Booking.Status.BOOKED)
            _notify(booking, "reception.booked")
    except IntegrityError:
        # A path without the locks lost the race at the constraints, or the same form key
        # was inserted by a concurrent double click: report the state that won.
        existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return BookingResult(existing, None, False)
        raise ValidationError(
            _("This time has just been taken. Please choose another."), code="slot_taken"
        ) from None
    return BookingResult(booking, token, True)


def booking_get_by_token(token: str) -> Booking | None:
    """The booking whose manage link carries `token`, else None. A link made under a key that
    is no longer accepted (removed from PORTAL_SECRETS_KEY_FALLBACKS) stops working."""
    booking = (
        Booking.objects.filter(token_hash=hash_token(token))
        .select_related("slot", "manager")
        .first()
    )
    if booking is None or manage_token(booking) is None:
        return None
    return booking


@transaction.atomic
def booking_cancel(*, booking_id: int, by=None, reason: str = "") -> Booking:
    """Cancel (citizen: by=None; staff: by=user). The seat is freed at once; never deleted.

    Side effects: the ICS SEQUENCE goes up. Raises ValidationError(code="not_active").
    """
    booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking_id)
    if not booking.is_active:
        raise ValidationError(_("This booking is no longer active."), code="not_active")
    if by is None and _too_late_to_change(booking, timezone.now()):
        raise ValidationError(
            _("It is too late to cancel online; please call the reception."), code="too_late"
        )
    booking.status = (
        Booking.Status.CANCELLED_BY_STAFF if by is not None else Booking.Status.CANCELLED_BY_CITIZEN
    )
    booking.is_active = False
    booking.sequence += 1
    booking.save(update_fields=["status", "is_active", "sequence", "updated_at"])
    BookingEvent.objects.create(booking=booking, status=booking.status, by=by, note=reason)
    _notify(booking, "reception.cancelled")
    return booking


@transaction.atomic
def slot_cancel(
    *, slot_id: int, by, reason: str = "", now: datetime | None = None
) -> list[Booking]:
    """Cancel a reception time (staff): it is no longer offered, and every active booking in it
    is cancelled by staff (booking_cancel with `by`), each with the citizen's cancellation
    notice and updated invitation, all in one transaction: either all or nothing.

    Inputs: the slot, the staff member (needs reception.change_slot), an optional reason kept
    in each booking's history. Returns the bookings cancelled. Side effects: one
    "reception.cancelled" outbox row per booking. Raises PermissionDenied,
    ValidationError(code="already_cancelled" | "started").
    """
    if not by.has_perm("reception.change_slot"):
        raise PermissionDenied
    now = now or timezone.now()
    # Slot first, then its bookings: the order booking_create and booking_reschedule lock in.
    slot = Slot.objects.select_for_update().get(pk=slot_id)
    if slot.is_cancelled:
        raise ValidationError(_("This time is already cancelled."), code="already_cancelled")
    if slot.starts_at <= now:
        raise ValidationError(
            _("This time has already begun; mark the visits in the reception agenda instead."),
            code="started",
        )
    slot.is_cancelled = True
    slot.save(update_fields=["is_cancelled"])
    active = slot.bookings.filter(is_active=True).order_by("seat").values_list("pk", flat=True)
    return [booking_cancel(booking_id=pk, by=by, reason=reason) for pk in list(active)]


def _too_late_to_change(booking: Booking, now: datetime) -> bool:
    from datetime import timedelta

    limit = timedelta(hours=settings.RECEPTION_CHANGE_HOURS_BEFORE)
    return booking.slot.starts_at - now < limit


def booking_reschedule(
    *, booking_id: int, new_slot_id: int, now: datetime | None = None
) -> Booking:
    """Move an active booking to another slot of the same manager, in one transaction: the new
    slot is locked and checked like a new booking, the old seat is released by the move.

    Side effects: SEQUENCE + 1 (the invitation is updated), a history row, a
    "reception.rescheduled" notice. Raises ValidationError(code="not_active" | "too_late" |
    "too_many_reschedules" | "other_manager" | "slot_taken" | window and calendar codes).
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Booking.objects.select_related("slot").get(pk=booking_id)
        _lock_citizen(iin=current.iin, id_document_number=current.id_document_number)
        # Lock both slots in primary-key order, so two moves in opposite directions never deadlock.
        slot_ids = sorted({current.slot_id, new_slot_id})
        slots = {
            s.pk: s
            for s in Slot.objects.select_for_update()
            .select_related("manager")
            .filter(pk__in=slot_ids)
            .order_by("pk")
        }
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        new_slot = slots.get(new_slot_id)
        if not booking.is_active:
            raise ValidationError(_("This booking is no longer active."), code="not_active")
        if _too_late_to_change(booking, now):
            raise ValidationError(
                _("It is too late to change the visit online; please call the reception."),
                code="too_late",
            )
        if booking.reschedule_count >= settings.RECEPTION_MAX_RESCHEDULES:
            raise ValidationError(
                _("This visit has already been moved the largest allowed number of times."),
                code="too_many_reschedules",
            )
        if new_slot is None or new_slot.manager_id != booking.manager_id:
            raise ValidationError(_("Choose a time of the same manager."), code="other_manager")
        if new_slot.pk == booking.slot_id:
            return booking
        _check_slot(new_slot, now)
        taken = set(new_slot.bookings.filter(is_active=True).values_list("seat", flat=True))
        free = [seat for seat in range(1, new_slot.capacity + 1) if seat not in taken]
        if not free:
            raise ValidationError(
                _("This time has just been taken. Please choose another."), code="slot_taken"
            )
        old = booking.slot
        booking.slot = new_slot
        booking.seat = free[0]
        booking.sequence += 1
        booking.reschedule_count += 1
        booking.save(update_fields=["slot", "seat", "sequence", "reschedule_count", "updated_at"])
        local_old = old.starts_at.astimezone(workdays.LOCAL_TZ)
        BookingEvent.objects.create(
            booking=booking,
            status=Booking.Status.RESCHEDULED,
            note=f"{local_old:%d.%m.%Y %H:%M} → "
            f"{new_slot.starts_at.astimezone(workdays.LOCAL_TZ):%d.%m.%Y %H:%M}",
        )
        _notify(booking, "reception.rescheduled")
    return booking


def _notify(booking: Booking, event: str, dedupe_key: str | None = None) -> list:
    """A notice about `booking` in the citizen's language (outbox rows in this transaction);
    by default one per booking version (SEQUENCE)."""
    from notifications.services import Preference, Recipient, notify

    prefers = Preference.BOTH if booking.phone and booking.email else Preference.EMAIL
    return notify(
        event=event,
        to=Recipient(
            email=booking.email,
            phone=booking.phone.as_e164 if booking.phone else "",
            prefers=prefers if booking.email else Preference.SMS,
        ),
        language=booking.language,
        context={"booking_id": booking.pk, "number": booking.number},
        dedupe_key=dedupe_key or f"{event}:{booking.pk}:{booking.sequence}",
        about=booking,
    )


def booking_send_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due: each (booking, hours before, sequence) at most once.

    For every hour mark in RECEPTION_REMINDER_HOURS (24 and 2 by default), active bookings that
    start within that many hours get a "reception.reminder" notice; the dedupe key makes a
    second run, or an overlapping beat, create nothing new. Cancelled bookings are skipped here
    and again at send time. Returns the number of notices created.
    """
    from datetime import timedelta

    from notifications.models import Notification

    now = now or timezone.now()
    created = 0
    for hours in sorted(settings.RECEPTION_REMINDER_HOURS, reverse=True):
        due = list(
            Booking.objects.filter(
                is_active=True,
                slot__starts_at__gt=now,
                slot__starts_at__lte=now + timedelta(hours=hours),
            )
        )
        keys = {b.pk: f"reception.reminder.{hours}h:{b.pk}:{b.sequence}" for b in due}
        # One query for the whole mark: which of these reminders were queued already.
        queued = {
            key.rsplit(":", 1)[0]
            for key in Notification.objects.filter(
                event="reception.reminder", object_id__in=[str(pk) for pk in keys]
            ).values_list("dedupe_key", flat=True)
        }
        for booking in due:
            key = keys[booking.pk]
            if key in queued:
                continue
            with transaction.atomic():
                rows = _notify(booking, "reception.reminder", dedupe_key=key)
            created += len(rows)
    return created


@transaction.atomic
def booking_mark_visit(*, booking_id: int, by, attended: bool, summary: str = "") -> Booking:
    """Reception log: the citizen came (with a summary) or did not come.

    Raises ValidationError(code="not_active" | "not_started").
    """
    booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking_id)
    if not booking.is_active:
        raise ValidationError(_("This booking is no longer active."), code="not_active")
    if booking.slot.starts_at.astimezone(workdays.LOCAL_TZ).date() > workdays.local_now().date():
        raise ValidationError(_("The visit has not taken place yet."), code="not_started")
    booking.status = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
    booking.is_active = False
    booking.visit_summary = summary
    booking.save(update_fields=["status", "is_active", "visit_summary", "updated_at"])
    BookingEvent.objects.create(booking=booking, status=booking.status, by=by, note=summary)
    return booking


@transaction.atomic
def booking_link_charity_request(*, booking_id: int, by, request_number: str) -> Booking:
    """Record in an attended visit's history that a charity request was made from it
    (charity.services.channels.request_from_booking, in the same transaction; the link itself
    is the request's `source_booking`).

    Needs reception.change_booking. Raises PermissionDenied,
    ValidationError(code="not_attended").
    """
    if not by.has_perm("reception.change_booking"):
        raise PermissionDenied
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if booking.status != Booking.Status.ATTENDED:
        raise ValidationError(
            _("Only a visit that took place can become a charity request."), code="not_attended"
        )
    BookingEvent.objects.create(
        booking=booking, status=booking.status, by=by, note=f"charity: {request_number}"
    )
    return booking


def booking_may_register_appeal(user) -> bool:
    """Registering a visit as an appeal needs the right to add appeals and to see the booking:
    a Head, or a Reception secretary who is also a Registrar; not a Reception secretary alone
    (who may change bookings but not register appeals)."""
    return user.has_perm("appeals.add_appeal") and user.has_perm("reception.view_booking")


def booking_to_appeal(
    *, booking_id: int, by, kind: str, category, subject: str, text: str, form_key: str = ""
):
    """Register the unresolved issue of a visit as an appeal (channel: personal reception),
    linked both ways, with the normal deadlines.

    Inputs: the officer `by` (booking_may_register_appeal), the appeal's kind, category, subject
    and text, the form's one-time key. Effects: the appeal (appeals.services.appeal_submit), the
    link and a booking history row. Returns the SubmittedAppeal with the access code for the
    talon; the same form sent again returns the same appeal and code instead of an error.
    Raises PermissionDenied, ValidationError(code="already_linked").
    """
    # Deferred: the one place where reception's services depend on the appeals app.
    from appeals import services as appeal_services
    from appeals.enums import ApplicantType, Channel, PreferredContact

    if not booking_may_register_appeal(by):
        raise PermissionDenied
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking_id)
        if booking.appeal_id:
            # A double click waited for the first request's lock: show what it registered.
            again = appeal_services.appeal_get_submitted(form_key=form_key) if form_key else None
            if again is not None and again.appeal.pk == booking.appeal_id:
                return again
            raise ValidationError(
                _("This visit is already registered as an appeal."), "already_linked"
            )
        preferred = PreferredContact.EMAIL if booking.email else PreferredContact.SMS
        result = appeal_services.appeal_submit(
            data=appeal_services.AppealInput(
                applicant_type=ApplicantType.INDIVIDUAL,
                kind=kind,
                category=category,
                subject=subject,
                text=text,
                language=booking.language,
                full_name=booking.full_name,
                iin=booking.iin,
                # A citizen without an IIN: their identity document goes with them.
                id_document_kind=booking.id_document_kind,
                id_document_number=booking.id_document_number,
                phone=booking.phone.as_e164 if booking.phone else "",
                email=booking.email,
                preferred_contact=preferred,
                channel=Channel.RECEPTION,
                protocol=booking.visit_summary or text,
            ),
            received_at=booking.slot.starts_at,
            registered_by=by,
            form_key=form_key,
        )
        booking.appeal = result.appeal
        booking.save(update_fields=["appeal", "updated_at"])
        BookingEvent.objects.create(
            booking=booking, status=booking.status, by=by, note=result.appeal.number
        )
    return result
