"""Site-wide data: hotline phone lines, work-calendar overrides and personal-data consent texts."""

from django.db import models
from django.utils.translation import gettext_lazy as _
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
