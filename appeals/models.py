"""Appeals of individuals and legal entities (APPK), their files, messages and history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from appeals import enums
from pkop_portal import identity
from pkop_portal.i18n import localized
from pkop_portal.models import ConsentRecord


class Category(models.Model):
    """Staff-managed subject categories, named in the four languages."""

    slug = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=150)
    name_ru = models.CharField(_("name (Russian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered on the form"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name", fallback="en")


class Appeal(ConsentRecord):
    number = models.CharField(_("registration number"), max_length=16, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        _("status"), max_length=16, choices=enums.Status.choices, default=enums.Status.REGISTERED
    )
    kind = models.CharField(_("kind"), max_length=24, choices=enums.Kind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="appeals"
    )
    channel = models.CharField(
        _("channel"), max_length=12, choices=enums.Channel.choices, default=enums.Channel.WEB
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    applicant_type = models.CharField(
        _("applicant"), max_length=16, choices=enums.ApplicantType.choices
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, db_index=True)
    # Without an IIN (a foreign national): an identity document instead (pkop_portal.identity).
    id_document_kind = identity.document_kind_field()
    id_document_number = identity.document_number_field()
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    bin = models.CharField(_("BIN"), max_length=12, blank=True)
    address = models.CharField(_("postal address"), max_length=500, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True, region="KZ", db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_contact = models.CharField(
        _("notify me by"),
        max_length=8,
        choices=enums.PreferredContact.choices,
        default=enums.PreferredContact.EMAIL,
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)

    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text of the appeal"))
    is_collective = models.BooleanField(_("collective appeal"), default=False)
    cosigners_count = models.PositiveIntegerField(_("number of co-signers"), default=0)
    protocol = models.TextField(_("protocol of the oral appeal"), blank=True)

    received_at = models.DateTimeField(_("received at"))
    registration_date = models.DateField(_("registration date"))
    due_date = models.DateField(_("answer due"))
    # APPK Art. 76: the 15-working-day date fixed at registration; an extension moves only
    # due_date, and only while the appeal is not yet overdue (extended_at records when).
    statutory_due_date = models.DateField(_("statutory answer due"))
    redirect_due_date = models.DateField(
        _("redirect deadline"),
        help_text=_("An appeal outside the company's competence is redirected by this date."),
    )
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_appeals",
    )
    access_code_hash = models.CharField(_("access code (hash)"), max_length=64)
    # Keyed hash of the form's one-time key: a resent or double-clicked form finds this appeal.
    form_key_hash = models.CharField(
        _("form key (hash)"), max_length=64, null=True, blank=True, unique=True, editable=False
    )

    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_appeals",
    )
    department = models.CharField(_("department"), max_length=200, blank=True)

    outcome = models.CharField(
        _("outcome"), max_length=24, choices=enums.Outcome.choices, blank=True
    )
    answer_reasoning = models.TextField(_("reasoning"), blank=True)
    answer_legal_basis = models.TextField(_("legal basis"), blank=True)
    answer_signatory = models.CharField(_("signed by"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    # Working days from registration to the answer (appeals.deadlines), set when answered.
    answer_working_days = models.PositiveSmallIntegerField(
        _("working days to answer"), null=True, blank=True, editable=False
    )
    redirected_to = models.CharField(_("redirected to"), max_length=300, blank=True)
    not_considered_reason = models.CharField(
        _("reason not considered"),
        max_length=16,
        choices=enums.NotConsideredReason.choices,
        blank=True,
    )
    possible_crime = models.BooleanField(_("possible crime or security threat"), default=False)

    possible_repeat = models.BooleanField(
        _("possible repeat"),
        default=False,
        help_text=_(
            "Earlier appeals of the same IIN (or identity document) or phone in the same "
            "category within 12 months."
        ),
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
    )

    rating_satisfied = models.BooleanField(_("applicant satisfied"), null=True, blank=True)
    rating_comment = models.TextField(_("applicant's comment on the answer"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        permissions = [
            ("assign_appeal", _("Can assign appeals to executors")),
            ("extend_appeal", _("Can extend the answer deadline")),
            ("export_appeal", _("Can export appeals")),
            ("view_statistics", _("Can see appeal statistics")),
            ("add_note_appeal", _("Can add internal notes to appeals")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="appeal_unique_year_sequence"
            ),
            # The portal needs a contact to answer; paper appeals may give only an address.
            models.CheckConstraint(
                condition=Q(is_anonymous=True) | ~Q(channel="web") | ~Q(phone="") | ~Q(email=""),
                name="appeal_web_has_contact",
            ),
            # ASCII digits only: a full-width or Arabic-Indic IIN is another string to the
            # uniqueness rules, so it never reaches a row.
            models.CheckConstraint(
                condition=Q(iin="") | Q(iin__regex=r"^[0-9]{12}$"), name="appeal_iin_digits"
            ),
            models.CheckConstraint(
                condition=Q(bin="") | Q(bin__regex=r"^[0-9]{12}$"), name="appeal_bin_digits"
            ),
            # One spelling of a document number (pkop_portal.identity), given with its kind, and
            # only by an applicant without an IIN.
            identity.document_constraint("appeal_id_document"),
        ]
        # The admin list sorts by (due_date, id) and pages by 50: each list and filter has an
        # index that yields its rows already in that order (verified with EXPLAIN at 100,000
        # rows), so a page reads 50 index entries instead of sorting the table. Open, flagged
        # and waiting-for-triage appeals are few: partial indexes keep those lists small.
        # The full-text GIN indexes (admin search) are in migration 0010, PostgreSQL only.
        indexes = [
            models.Index(fields=["due_date", "id"], name="appeal_due_id"),
            models.Index(fields=["status", "due_date", "id"], name="appeal_status_due_id"),
            models.Index(fields=["executor", "due_date", "id"], name="appeal_executor_due_id"),
            models.Index(fields=["category", "due_date", "id"], name="appeal_category_due_id"),
            models.Index(fields=["kind", "due_date", "id"], name="appeal_kind_due_id"),
            models.Index(fields=["channel", "due_date", "id"], name="appeal_channel_due_id"),
            models.Index(fields=["language", "due_date", "id"], name="appeal_language_due_id"),
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status__in=[s.value for s in sorted(enums.OPEN_STATUSES)]),
                name="appeal_open_due_id",
            ),
            models.Index(
                fields=["redirect_due_date"],
                condition=Q(status="registered", executor__isnull=True),
                name="appeal_triage_redirect_due",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=Q(possible_repeat=True),
                name="appeal_repeat_due_id",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=Q(possible_crime=True),
                name="appeal_crime_due_id",
            ),
            models.Index(fields=["registration_date"], name="appeal_registration_date"),
            models.Index(fields=["bin"], condition=~Q(bin=""), name="appeal_bin"),
            identity.document_index("appeal_id_document_number"),
            models.Index(Upper("email"), name="appeal_email_upper"),
        ]

    def __str__(self):
        return self.number

    @property
    def applicant_name(self) -> str:
        if self.applicant_type == enums.ApplicantType.LEGAL_ENTITY and self.organisation_name:
            return f"{self.organisation_name} ({self.full_name})"
        return self.full_name

    @property
    def is_open(self) -> bool:
        return self.status in enums.OPEN_STATUSES


def attachment_path(instance, filename: str) -> str:
    return f"appeals/{instance.appeal.year}/{instance.appeal.number}/{instance.stored_name}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        "AppealMessage",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    stored_name = models.CharField(_("stored name"), max_length=80)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class AppealMessage(models.Model):
    """Information the applicant added while the appeal was open."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="messages"
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("applicant's message")
        verbose_name_plural = _("applicant's messages")

    def __str__(self):
        return f"{self.appeal.number}: {self.created_at:%Y-%m-%d %H:%M}"


class AppealEvent(models.Model):
    """One immutable line of an appeal's history."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned")
        TAKEN = "taken", _("Taken into work")
        EXTENDED = "extended", _("Deadline extended")
        REDIRECTED = "redirected", _("Redirected")
        ANSWERED = "answered", _("Answered")
        NOT_CONSIDERED = "not_considered", _("Not considered")
        NOTE = "note", _("Internal note")
        MESSAGE = "message", _("Applicant added information")
        RATED = "rated", _("Applicant rated the answer")
        REPEAT_LINKED = "repeat_linked", _("Linked as a repeated appeal")
        REPEAT_DISMISSED = "repeat_dismissed", _("Not a repeated appeal")
        REFERRED = "referred", _("Referred to the competent authority")
        CODE_REISSUED = "code_reissued", _("New access code sent")

    PUBLIC_KINDS = {
        Kind.REGISTERED,
        Kind.ASSIGNED,
        Kind.EXTENDED,
        Kind.REDIRECTED,
        Kind.ANSWERED,
        Kind.NOT_CONSIDERED,
        Kind.MESSAGE,
        Kind.REFERRED,
        Kind.CODE_REISSUED,
    }

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    field = models.CharField(_("field"), max_length=50, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.appeal.number}: {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


class ExportLog(models.Model):
    """Who exported which appeals, when: exports carry restricted personal data (IIN, address)."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    file_format = models.CharField(_("format"), max_length=8)
    appeals = models.ManyToManyField(
        Appeal, verbose_name=_("appeals exported"), related_name="export_logs", blank=True
    )
    filters = models.TextField(_("filters"), blank=True)
    row_count = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")

    def __str__(self):
        return f"{self.by} {self.at:%Y-%m-%d %H:%M} {self.file_format} ({self.row_count})"
