"""Site-wide data: the hotline phone lines and the work-calendar overrides."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


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
