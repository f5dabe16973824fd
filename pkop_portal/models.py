"""Site-wide data: hotline phone lines, work-calendar overrides, personal-data consent texts and
staff export jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from pkop_portal.i18n import localized


class HotlineLine(models.Model):
    """A company phone line answered in one language; shown on the home and contacts pages."""

    class Language(models.TextChoices):
        KAZAKH = "kk", _("Kazakh")
        RUSSIAN = "ru", _("Russian")
        ENGLISH = "en", _("English")
        CHINESE = "zh-hans", _("Chinese")

    language = models.CharField(_("language"), max_length=8, choices=Language.choices, unique=True)
    phone = PhoneNumberField(_("phone number"), region="KZ")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown on the site"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("hotline phone line")
        verbose_name_plural = _("hotline phone lines")

    def __str__(self):
        return f"{self.get_language_display()}: {self.phone_display}"

    @property
    def phone_display(self) -> str:
        return self.phone.as_national if self.phone else ""


class CalendarDay(models.Model):
    """A staff override of the Kazakhstan working-day calendar; wins over the holidays library."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: the day is worked even if the law calendar says otherwise."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        kind = _("working day") if self.is_working else _("day off")
        return f"{self.date:%Y-%m-%d}: {kind}"


class ConsentText(models.Model):
    """A version of a personal-data consent text for one purpose (one public form family).

    Each public form shows the newest version of its purpose; the record it writes keeps the
    version agreed to. A version once agreed to is never edited: add a new one."""

    class Purpose(models.TextChoices):
        APPEAL = "appeal", _("Appeal")
        RECEPTION = "reception", _("Personal reception")
        CHARITY = "charity", _("Charitable and social assistance")
        HOTLINE = "hotline", _("Hotline report")

    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    version = models.CharField(_("version"), max_length=20)
    text_kk = models.TextField(_("text (Kazakh)"))
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    text_zh_hans = models.TextField(_("text (Chinese)"))
    valid_from = models.DateTimeField(_("valid from"))

    class Meta:
        ordering = ["purpose", "-valid_from"]
        get_latest_by = "valid_from"
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "version"], name="consenttext_unique_purpose_version"
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.version}"

    @property
    def text(self) -> str:
        return localized(self, "text", fallback="en")


class ConsentRecord(models.Model):
    """Abstract: the consent a public form's record was given with (Law No. 94-V): the text
    version, when, and from which client IP (None where the IP must not be kept)."""

    consent = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent text"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_ip = models.GenericIPAddressField(_("consent given from"), null=True, blank=True)

    class Meta:
        abstract = True


class Sequence(models.Model):
    """Last number issued per (prefix, year) for every numbered record (charity requests,
    hotline reports, …): one UPDATE … RETURNING takes it under a row lock, so numbers are
    consecutive, never duplicated and never skipped (pkop_portal.sequences)."""

    prefix = models.CharField(_("prefix"), max_length=4)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="sequence_unique_prefix_year")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class StoredFile(models.Model):
    """Abstract: an upload kept under a random name with the extension of its detected type
    (pkop_portal.uploads.store_upload); the name it was sent with is kept only for display."""

    stored_name = models.CharField(_("stored name"), max_length=80)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


def export_file_path(instance, filename: str) -> str:
    # A random name in a folder never served (MEDIA is not served at all; see test_media):
    # the file leaves only through the access-checked download view.
    return f"private/exports/{instance.created_at:%Y/%m}/{filename}"


class ExportJob(models.Model):
    """A spreadsheet export built in the background (pkop_portal.exports): who asked for it,
    of what, its progress, and the file while it is kept (EXPORT_KEEP_HOURS). Only its
    requester, while still holding the export permission, may download it; every download is
    an ExportDownload row."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export job", "queued")
        RUNNING = "running", pgettext_lazy("export job", "being built")
        DONE = "done", pgettext_lazy("export job", "ready")
        FAILED = "failed", pgettext_lazy("export job", "failed")
        EXPIRED = "expired", pgettext_lazy("export job", "expired")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind of export"), max_length=32)
    file_format = models.CharField(_("format"), max_length=8, default="xlsx")
    language = models.CharField(_("language"), max_length=8)
    filters = models.TextField(_("filters"), blank=True)
    # The kind's own export log row; its linked records are the rows of the file.
    log_id = models.PositiveBigIntegerField(_("export log entry"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    error = models.CharField(_("error"), max_length=200, blank=True)
    # Which run of the task owns the job: a redelivered task takes over, the older run stops.
    run_token = models.UUIDField(_("run"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="exportjob_requester_created"),
            models.Index(fields=["status", "expires_at"], name="exportjob_status_expires"),
        ]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


class ExportDownload(models.Model):
    """One download of an export job's file: who, when (the file carries personal data)."""

    job = models.ForeignKey(
        ExportJob, verbose_name=_("export job"), on_delete=models.CASCADE, related_name="downloads"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("export download")
        verbose_name_plural = _("export downloads")

    def __str__(self):
        return f"{self.by} {self.at:%Y-%m-%d %H:%M}"


class StaffProfile(models.Model):
    """What the portal knows of a staff member beyond the account: the position printed under
    their name when they sign an answer (pkop_portal.signatures), in the four languages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    position_kk = models.CharField(_("position (Kazakh)"), max_length=200, blank=True)
    position_ru = models.CharField(_("position (Russian)"), max_length=200, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=200, blank=True)
    position_zh_hans = models.CharField(_("position (Chinese)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
