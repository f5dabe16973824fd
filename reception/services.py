"""Booking a reception slot without ever overbooking (research/booking.md §3).

A booking locks its citizen (advisory lock on PostgreSQL) and then its slot row, re-checks the
window, the calendar, absences and the limits, and takes the lowest free seat. Partial unique
constraints (slot, seat) and (IIN, manager) among active bookings are the safeguard if any path
skips the locks.
"""

import base64
import hashlib
import hmac
import secrets
import zlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pkop_portal import workdays
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


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    manage_token: str | None  # None when an identical earlier submission is returned
    created: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(f"reception.manage:{token}".encode()).hexdigest()


def manage_token(booking: Booking) -> str:
    """The private manage-link token (192 bits), derived from SECRET_KEY and the booking's
    random nonce. The database keeps only the nonce and the token's hash, so neither a database
    copy nor the outbox holds a usable link; e-mails derive it again when they are sent."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"reception.manage:{booking.number}:{booking.token_nonce}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


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


def _lock_citizen(iin: str) -> None:
    """Serialise bookings of one citizen (count limits); always taken before the slot lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # One 64-bit key: a namespace for citizen locks in the high bits, the IIN's CRC below.
            key = (4201 << 32) | zlib.crc32(iin.encode())
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _new_number() -> str:
    return "R-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def booking_create(
    *, slot_id: int, data: BookingInput, idempotency_key: str, now: datetime | None = None
) -> BookingResult:
    """Book a seat in a slot for a citizen.

    Inputs: the form's one-time key; a repeat with the same key returns the same booking.
    Effects: Booking (status booked, lowest free seat) and a history row, in one transaction.
    Raises ValidationError(code="slot_taken" | "already_booked" | "too_many" | "slot_cancelled"
    | "outside_window" | "not_working_day" | "absent" | "no_contact").
    """
    existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return BookingResult(existing, None, False)
    if not (data.phone or data.email):
        raise ValidationError(_("Give a phone number or an e-mail address."), code="no_contact")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            _lock_citizen(data.iin)
            # A double click waited for the first request's lock: return what it booked.
            existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return BookingResult(existing, None, False)
            slot = Slot.objects.select_for_update().select_related("manager").get(pk=slot_id)
            _check_slot(slot, now)
            active = Booking.objects.filter(iin=data.iin, is_active=True)
            if active.filter(manager_id=slot.manager_id).exists():
                raise ValidationError(
                    _("You already have a booking with this manager."), code="already_booked"
                )
            block = settings.RECEPTION_NO_SHOW_BLOCK
            if (
                block
                and Booking.objects.filter(iin=data.iin, status=Booking.Status.NO_SHOW).count()
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
                phone=data.phone,
                email=data.email,
                language=data.language,
                topic=data.topic,
                description=data.description,
                idempotency_key=idempotency_key,
            )
            token = manage_token(booking)
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
    return Booking.objects.filter(token_hash=hash_token(token)).select_related("slot").first()


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
        _lock_citizen(current.iin)
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


def booking_to_appeal(*, booking_id: int, by, kind: str, category, subject: str, text: str):
    """Register the unresolved issue of a visit as an appeal (channel: personal reception),
    linked both ways, with the normal deadlines. Raises ValidationError(code="already_linked")."""
    from appeals import services as appeal_services
    from appeals.enums import ApplicantType, Channel, PreferredContact

    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking_id)
        if booking.appeal_id:
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
                phone=booking.phone.as_e164 if booking.phone else "",
                email=booking.email,
                preferred_contact=preferred,
                channel=Channel.RECEPTION,
                protocol=booking.visit_summary or text,
            ),
            received_at=booking.slot.starts_at,
            registered_by=by,
        )
        booking.appeal = result.appeal
        booking.save(update_fields=["appeal", "updated_at"])
        BookingEvent.objects.create(
            booking=booking, status=booking.status, by=by, note=result.appeal.number
        )
    return result
