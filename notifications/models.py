"""The transactional outbox: one row per message to send, written in the caller's transaction."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from pkop_portal.masking import mask_email, mask_phone


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient_email = models.EmailField(_("recipient e-mail"), blank=True)
    recipient_phone = PhoneNumberField(_("recipient phone"), blank=True, region="KZ")
    event = models.CharField(_("event"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    context = models.JSONField(_("context"), default=dict, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    object_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The flush job scans only pending rows by due time.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_pending_due",
            ),
            models.Index(fields=["content_type", "object_id"], name="notification_about"),
            # The admin list (notifications.admin): its order (newest first), its order within
            # the status and event filters, and its searches (phone exact, a deduplication key
            # by prefix; the e-mail's case-insensitive index is PostgreSQL-only, migration 0003).
            models.Index(fields=["created_at", "id"], name="notification_created"),
            models.Index(fields=["status", "created_at"], name="notification_status_created"),
            models.Index(fields=["event", "created_at"], name="notification_event_created"),
            models.Index(fields=["recipient_phone"], name="notification_phone"),
            models.Index(
                fields=["dedupe_key"],
                opclasses=["varchar_pattern_ops"],
                name="notification_dedupe_prefix",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(channel="email") & ~Q(recipient_email=""))
                | (Q(channel="sms") & ~Q(recipient_phone="")),
                name="notification_has_address_for_channel",
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.masked_recipient} ({self.get_channel_display()})"

    @property
    def masked_recipient(self) -> str:
        if self.channel == self.Channel.EMAIL:
            return mask_email(self.recipient_email)
        return mask_phone(str(self.recipient_phone))
