"""Choices shared by the apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreferredContact(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    BOTH = "both", _("E-mail and SMS")
