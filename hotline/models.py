"""Hotline reports under Policy No. 00-02: seen only by Compliance, identities encrypted at rest,
followed by the reporter with a receipt only, every staff access logged."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hotline import enums
from pkop_portal.models import StoredFile


class Report(models.Model):
    """A report of suspected misconduct. No IP address, user agent or cookie is kept."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        _("status"), max_length=24, choices=enums.Status.choices, default=enums.Status.RECEIVED
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    reporter_type = models.CharField(
        _("reporter"), max_length=12, choices=enums.ReporterType.choices
    )
    category = models.CharField(_("category"), max_length=24, choices=enums.Category.choices)
    description = models.TextField(_("what happened"))
    occurred = models.CharField(_("when"), max_length=200, blank=True)
    location = models.CharField(_("where"), max_length=300, blank=True)
    people_involved = models.TextField(_("people involved"), blank=True)
    is_ongoing = models.BooleanField(_("still going on"), null=True, blank=True)

    # Name, position and contact, when given: one MultiFernet token (hotline.crypto), never
    # plain text. Empty for an anonymous report.
    identity_sealed = models.TextField(_("identity (encrypted)"), blank=True, editable=False)
    # E-mail for notices, only if the reporter asked for them; encrypted like the identity.
    notice_email_sealed = models.TextField(
        _("e-mail for notices (encrypted)"), blank=True, editable=False
    )
    receipt_hash = models.CharField(_("receipt (hash)"), max_length=64, unique=True)
    form_key_hash = models.CharField(
        _("form key (hash)"), max_length=64, null=True, blank=True, unique=True, editable=False
    )

    # The consent text agreed to and when; never the client IP (hotline requests keep none).
    consent = models.ForeignKey(
        "pkop_portal.ConsentText",
        verbose_name=_("consent text"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    acknowledge_due = models.DateField(_("acknowledgement due"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    feedback_due = models.DateField(_("feedback due"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    severity = models.CharField(
        _("severity"), max_length=12, choices=enums.Severity.choices, blank=True
    )
    retaliation_risk = models.CharField(
        _("retaliation risk"), max_length=12, choices=enums.RetaliationRisk.choices, blank=True
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    excluded_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officers excluded (conflict of interest)"),
        blank=True,
        related_name="+",
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=24, choices=enums.Conclusion.choices, blank=True
    )
    conclusion_reasons = models.TextField(_("reasons"), blank=True)
    referred_on = models.DateField(
        _("referred to the Anti-Corruption Service on"), null=True, blank=True
    )
    referral_reference = models.CharField(_("referral reference"), max_length=100, blank=True)
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        help_text=_("While set, the report is never anonymised."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["acknowledge_due", "id"]
        verbose_name = _("hotline report")
        verbose_name_plural = _("hotline reports")
        # Django's default add/change/delete/view permissions are never granted: access is the
        # Compliance groups' (hotline.access), checked by hotline.access, not by these.
        default_permissions = ()
        permissions = [
            ("handle_report", _("Can handle hotline reports (Compliance officer)")),
            (
                "manage_report",
                _("Can assign hotline reports and read the access log (Compliance head)"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="report_unique_year_sequence"
            ),
            models.CheckConstraint(
                condition=~Q(status="concluded") | ~Q(conclusion=""),
                name="report_concluded_has_conclusion",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "acknowledge_due"], name="report_status_due"),
            # The admin list's order (acknowledge_due, id): a page is read from the index.
            models.Index(fields=["acknowledge_due", "id"], name="report_due"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in enums.OPEN_STATUSES


class ReportMessage(models.Model):
    """A message between the reporter (by=None) and Compliance, shown on the follow-up page."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="messages"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from Compliance officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        default_permissions = ()
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.report.number}: {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename: str) -> str:
    return f"hotline/{instance.report.year}/{instance.report.number}/{instance.stored_name}"


class ReportAttachment(StoredFile):
    """A file of the reporter: images stored with EXIF and other metadata removed."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        ReportMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    metadata_removed = models.BooleanField(_("metadata removed"), default=False)

    class Meta:
        ordering = ["id"]
        default_permissions = ()
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ReportEvent(models.Model):
    """One immutable line of a report's history."""

    class Kind(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("hotline report event", "Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATION = "investigation", _("Investigation started")
        CONCLUDED = "concluded", _("Concluded")
        CLOSED = "closed", _("Closed")
        TRIAGED = "triaged", _("Triage changed")
        ASSIGNED = "assigned", _("Investigator assigned")
        EXCLUDED = "excluded", _("Officer excluded (conflict of interest)")
        REFERRED = "referred", _("Referred to the Anti-Corruption Service")
        MESSAGE = "message", _("Message")
        FILES = "files", _("Files added")
        LEGAL_HOLD = "legal_hold", _("Legal hold changed")
        ANONYMISED = "anonymised", _("Anonymised")

    PUBLIC_KINDS = {
        Kind.RECEIVED,
        Kind.ACKNOWLEDGED,
        Kind.INVESTIGATION,
        Kind.CONCLUDED,
        Kind.CLOSED,
        Kind.MESSAGE,
        Kind.FILES,
    }

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ()
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.report.number}: {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


class AccessLog(models.Model):
    """Append-only: every access of a Compliance officer to hotline data. Nobody may change or
    delete a row (the admin offers neither; on PostgreSQL a trigger refuses both)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=12, choices=enums.AccessAction.choices)
    # Reports are anonymised, never deleted: a logged one stays (PROTECT).
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    report_number = models.CharField(_("report number"), max_length=16, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ()
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        # The admin list's order and date hierarchy (read backwards).
        indexes = [
            models.Index(fields=["at", "id"], name="accesslog_at"),
            models.Index(fields=["report_number"], name="accesslog_report_number"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}"
