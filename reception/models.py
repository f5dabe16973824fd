"""Personal reception: managers, their weekly schedules, absences, materialised slots and
bookings (research/booking.md §3 and §7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from pkop_portal import identity
from pkop_portal.i18n import localized
from pkop_portal.models import ConsentRecord


class Manager(models.Model):
    """A member of the management team who receives citizens."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200)
    position_kk = models.CharField(_("position (Kazakh)"), max_length=200)
    position_ru = models.CharField(_("position (Russian)"), max_length=200)
    position_en = models.CharField(_("position (English)"), max_length=200)
    position_zh_hans = models.CharField(_("position (Chinese)"), max_length=200)
    topics_kk = models.TextField(_("topics (Kazakh)"), blank=True)
    topics_ru = models.TextField(_("topics (Russian)"), blank=True)
    topics_en = models.TextField(_("topics (English)"), blank=True)
    topics_zh_hans = models.TextField(_("topics (Chinese)"), blank=True)
    place_kk = models.CharField(
        _("place (Kazakh)"), max_length=300, help_text=_("Address and room.")
    )
    place_ru = models.CharField(_("place (Russian)"), max_length=300)
    place_en = models.CharField(_("place (English)"), max_length=300)
    place_zh_hans = models.CharField(_("place (Chinese)"), max_length=300)
    photo = models.ImageField(_("photo"), upload_to="reception/managers/", blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("receives citizens"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("manager")
        verbose_name_plural = _("managers")

    def __str__(self):
        return self.name_ru

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def title(self) -> str:
        return localized(self, "position")

    @property
    def topics(self) -> str:
        return localized(self, "topics")

    @property
    def place(self) -> str:
        return localized(self, "place")


class ScheduleRule(models.Model):
    """A weekly reception rule: 'Tuesdays 15:00–17:00, 20-minute slots, 1 citizen each'."""

    manager = models.ForeignKey(
        Manager, verbose_name=_("manager"), on_delete=models.CASCADE, related_name="rules"
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=20,
        help_text=_("ISO weekday numbers separated by commas: 1 = Monday … 5 = Friday."),
    )
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length, minutes"), default=20)
    capacity = models.PositiveSmallIntegerField(_("citizens per slot"), default=1)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    every_n_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)

    class Meta:
        ordering = ["manager", "valid_from", "id"]
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="rule_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5), name="rule_slot_at_least_5_min"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="rule_capacity_positive"),
            models.CheckConstraint(
                condition=Q(every_n_weeks__gte=1), name="rule_every_n_weeks_positive"
            ),
        ]

    def __str__(self):
        return f"{self.manager}: {self.weekdays} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def weekday_numbers(self) -> set[int]:
        return {int(part) for part in self.weekdays.split(",") if part.strip().isdigit()}


class Absence(models.Model):
    manager = models.ForeignKey(
        Manager, verbose_name=_("manager"), on_delete=models.CASCADE, related_name="absences"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="absence_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.manager}: {self.start_date}–{self.end_date}"


class Slot(models.Model):
    """A bookable time, materialised from the rules; the row a booking locks."""

    manager = models.ForeignKey(
        Manager, verbose_name=_("manager"), on_delete=models.CASCADE, related_name="slots"
    )
    rule = models.ForeignKey(
        ScheduleRule, verbose_name=_("rule"), on_delete=models.SET_NULL, null=True, blank=True
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at", "manager"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["manager", "starts_at"], name="slot_unique_start"),
        ]
        # (manager, starts_at) is the unique constraint's index; the admin list and the public
        # pages read slots of every manager in time order.
        indexes = [models.Index(fields=["starts_at", "manager"], name="slot_start_manager")]

    def __str__(self):
        return f"{self.manager} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(ConsentRecord):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED_BY_CITIZEN = "cancelled_by_citizen", _("Cancelled by the citizen")
        CANCELLED_BY_STAFF = "cancelled_by_staff", _("Cancelled by staff")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    number = models.CharField(_("booking number"), max_length=20, unique=True)
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    manager = models.ForeignKey(
        Manager, verbose_name=_("manager"), on_delete=models.PROTECT, related_name="bookings"
    )
    seat = models.PositiveSmallIntegerField(_("seat"))
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.BOOKED
    )
    is_active = models.BooleanField(_("active"), default=True)
    full_name = models.CharField(_("full name"), max_length=200)
    # A citizen without an IIN (a foreign national) gives an identity document instead
    # (pkop_portal.identity): the IIN is then empty.
    iin = models.CharField(_("IIN"), max_length=12, blank=True)
    id_document_kind = identity.document_kind_field()
    id_document_number = identity.document_number_field()
    phone = PhoneNumberField(_("phone"), blank=True, region="KZ")
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("short description"), blank=True)
    token_nonce = models.CharField(_("manage link nonce"), max_length=32)
    token_hash = models.CharField(_("manage link (hash)"), max_length=64, unique=True)
    idempotency_key = models.CharField(_("form key"), max_length=64, unique=True)
    sequence = models.PositiveIntegerField(_("invitation sequence"), default=0)
    reschedule_count = models.PositiveSmallIntegerField(_("reschedules"), default=0)
    visit_summary = models.TextField(_("visit summary"), blank=True)
    appeal = models.OneToOneField(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception_booking",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["slot__starts_at", "seat"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            # The safeguard behind the slot lock: one active booking per seat.
            models.UniqueConstraint(
                fields=["slot", "seat"], condition=Q(is_active=True), name="booking_one_per_seat"
            ),
            # One active booking per citizen and manager: by IIN, or by document number for a
            # citizen without one (reception.services locks the citizen before checking).
            models.UniqueConstraint(
                fields=["iin", "manager"],
                condition=Q(is_active=True) & ~Q(iin=""),
                name="booking_one_per_citizen_and_manager",
            ),
            models.UniqueConstraint(
                fields=["id_document_number", "manager"],
                condition=Q(is_active=True) & ~Q(id_document_number=""),
                name="booking_one_per_document_and_manager",
            ),
            models.CheckConstraint(
                condition=Q(iin="") | Q(iin__regex=r"^[0-9]{12}$"), name="booking_iin_digits"
            ),
            identity.document_constraint("booking_id_document"),
            # Every booking names its citizen: an IIN, or else an identity document.
            models.CheckConstraint(
                condition=~Q(iin="") | ~Q(id_document_number=""), name="booking_iin_or_document"
            ),
        ]
        # The admin list: search by IIN or document number (and each row's no-show count: same
        # IIN or document, no_show), phone and e-mail (pkop_portal.admin_search), the status
        # filter.
        indexes = [
            models.Index(fields=["iin", "status"], name="booking_iin_status"),
            models.Index(fields=["phone"], name="booking_phone"),
            models.Index(Upper("email"), name="booking_email_upper"),
            models.Index(fields=["status"], name="booking_status"),
            identity.document_index("booking_id_document_number"),
        ]

    def __str__(self):
        return self.number


class BookingEvent(models.Model):
    """One immutable line of a booking's history: who, when, what, why."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=24, choices=Booking.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("booking history entry")
        verbose_name_plural = _("booking history")

    def __str__(self):
        return f"{self.booking}: {self.status}"
