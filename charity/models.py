"""Requests for charitable and social assistance, their documents, programmes and budgets, the
committee's decisions, disbursements, and the public social projects."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from charity import enums
from pkop_portal import identity
from pkop_portal.enums import PreferredContact
from pkop_portal.i18n import localized
from pkop_portal.models import ConsentRecord, StoredFile

MONEY = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
IIN_DIGITS = r"^[0-9]{12}$"


class DocumentType(models.Model):
    """A kind of supporting document ("certificate of large-family status"), named in the four
    languages; the checklist of a category lists which ones it needs."""

    slug = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=200)
    hint_kk = models.CharField(_("where to get it (Kazakh)"), max_length=300, blank=True)
    hint_ru = models.CharField(_("where to get it (Russian)"), max_length=300, blank=True)
    hint_en = models.CharField(_("where to get it (English)"), max_length=300, blank=True)
    hint_zh_hans = models.CharField(_("where to get it (Chinese)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name", fallback="en")

    @property
    def hint(self) -> str:
        return localized(self, "hint", fallback="en")


class ChecklistItem(models.Model):
    """One document a category's applicants send: required or optional (staff-editable)."""

    category = models.CharField(_("category"), max_length=20, choices=enums.Category.choices)
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="checklist_items",
    )
    is_required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["category", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("document checklist")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "document_type"], name="checklist_unique_category_document"
            )
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.document_type}"


class Programme(models.Model):
    """A yearly assistance programme ("Assistance to needy families 2027") with its budget."""

    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    answer_working_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"),
        default=15,
        help_text=_("The applicant is answered within this many working days of registration."),
    )
    is_active = models.BooleanField(_("accepting requests"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(answer_working_days__gte=1), name="programme_answer_days_positive"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title", fallback="en")


class BudgetLine(models.Model):
    """A programme's budget for one kind of aid. `reserved` (approved, not yet cancelled) and
    `disbursed` are kept by charity.services under a row lock; the database refuses a reserve
    above the amount whatever the code does."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="lines"
    )
    aid_kind = models.CharField(_("kind of aid"), max_length=20, choices=enums.AidKind.choices)
    amount = models.DecimalField(_("budget, tenge"), validators=NON_NEGATIVE, **MONEY)
    reserved = models.DecimalField(
        _("reserved, tenge"), default=Decimal("0"), editable=False, **MONEY
    )
    disbursed = models.DecimalField(
        _("handed over, tenge"), default=Decimal("0"), editable=False, **MONEY
    )

    class Meta:
        ordering = ["programme", "aid_kind"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "aid_kind"], name="budgetline_unique_programme_kind"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("amount")),
                name="budgetline_reserved_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=F("reserved")),
                name="budgetline_disbursed_within_reserved",
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.get_aid_kind_display()}"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.reserved


class CharityRequest(ConsentRecord):
    """A request for assistance: the applicant, the household, the aid asked and its path."""

    number = models.CharField(_("registration number"), max_length=16, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        _("status"), max_length=24, choices=enums.Status.choices, default=enums.Status.SUBMITTED
    )
    channel = models.CharField(
        _("channel"), max_length=12, choices=enums.Channel.choices, default=enums.Channel.WEB
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    full_name = models.CharField(_("full name"), max_length=200)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, db_index=True)
    # Without an IIN (a foreign national): an identity document instead (pkop_portal.identity).
    id_document_kind = identity.document_kind_field()
    id_document_number = identity.document_number_field()
    phone = PhoneNumberField(_("phone"), blank=True, region="KZ")
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_contact = models.CharField(
        _("notify me by"),
        max_length=8,
        choices=PreferredContact.choices,
        default=PreferredContact.EMAIL,
    )
    district = models.CharField(_("district"), max_length=12, choices=enums.District.choices)
    address = models.CharField(_("address"), max_length=300)

    category = models.CharField(_("category"), max_length=20, choices=enums.Category.choices)
    monthly_income = models.DecimalField(
        _("monthly household income, tenge"), validators=NON_NEGATIVE, **MONEY
    )
    aid_kind = models.CharField(_("aid asked"), max_length=20, choices=enums.AidKind.choices)
    amount_requested = models.DecimalField(
        _("amount asked, tenge"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    aid_description = models.TextField(_("what is needed and why"))

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    received_at = models.DateTimeField(_("received at"))
    registration_date = models.DateField(_("registration date"))
    due_date = models.DateField(_("answer due"))
    statutory_due_date = models.DateField(_("answer due at registration"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_charity_requests",
    )
    access_code_hash = models.CharField(_("access code (hash)"), max_length=64)
    form_key_hash = models.CharField(
        _("form key (hash)"), max_length=64, null=True, blank=True, unique=True, editable=False
    )

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("charity officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charity_requests",
    )
    missing_documents = models.ManyToManyField(
        DocumentType,
        verbose_name=_("missing documents"),
        blank=True,
        related_name="+",
    )
    missing_note = models.TextField(_("what else is needed"), blank=True)

    # The officer's assessment.
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    income_per_member = models.DecimalField(
        _("income per household member, tenge"), null=True, blank=True, **MONEY
    )
    earlier_aid_note = models.TextField(_("earlier aid"), blank=True)
    home_visit_note = models.TextField(_("home visit"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessed_charity_requests",
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)

    # Double help and fairness (charity.selectors.request_overlaps), set on submission and review.
    flag_recent_aid = models.BooleanField(
        _("aided in the last 12 months"),
        default=False,
        help_text=_("The applicant or a household member received aid in the last 12 months."),
    )
    flag_open_request = models.BooleanField(
        _("another open request"),
        default=False,
        help_text=_("The applicant or a household member has another open request."),
    )
    flags_checked_at = models.DateTimeField(_("flags checked at"), null=True, blank=True)

    decision_reasons = models.TextField(_("reasons of the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    source_appeal = models.OneToOneField(
        "appeals.Appeal",
        verbose_name=_("from appeal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charity_request",
    )
    source_booking = models.OneToOneField(
        "reception.Booking",
        verbose_name=_("from reception visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charity_request",
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("charity request")
        verbose_name_plural = _("charity requests")
        permissions = [
            ("assess_charityrequest", _("Can check documents and assess charity requests")),
            ("decide_charityrequest", _("Can record committee decisions")),
            ("disburse_charityrequest", _("Can record disbursements of aid")),
            ("extend_charityrequest", _("Can extend the answer deadline of charity requests")),
            ("export_charityrequest", _("Can export charity decisions and disbursements")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="charityrequest_unique_year_sequence"
            ),
            models.CheckConstraint(
                condition=Q(iin="") | Q(iin__regex=IIN_DIGITS), name="charityrequest_iin_digits"
            ),
            # The applicant is identified: by an IIN, or (a foreign national) by a document.
            models.CheckConstraint(
                condition=~Q(iin="") | ~Q(id_document_number=""),
                name="charityrequest_iin_or_document",
            ),
            # One spelling of a document number, given with its kind, only without an IIN.
            identity.document_constraint("charityrequest_id_document"),
            models.CheckConstraint(
                condition=~Q(channel="web") | ~Q(phone="") | ~Q(email=""),
                name="charityrequest_web_has_contact",
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0), name="charityrequest_income_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="charityrequest_status_due"),
            # The admin list's order (due_date, id): a page is read from the index.
            models.Index(fields=["due_date", "id"], name="charityrequest_due"),
            identity.document_index("charityrequest_id_document"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in enums.OPEN_STATUSES


class HouseholdMember(models.Model):
    request = models.ForeignKey(
        CharityRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    relation = models.CharField(_("relation"), max_length=12, choices=enums.Relation.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    iin = models.CharField(_("IIN"), max_length=12, blank=True, db_index=True)
    status = models.CharField(_("occupation"), max_length=12, choices=enums.MemberStatus.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.CheckConstraint(
                condition=Q(iin="") | Q(iin__regex=IIN_DIGITS), name="householdmember_iin_digits"
            ),
        ]

    def __str__(self):
        return f"{self.get_relation_display()}: {self.full_name}"


def document_path(instance, filename: str) -> str:
    return f"charity/{instance.request.year}/{instance.request.number}/{instance.stored_name}"


class RequestDocument(StoredFile):
    """A document the applicant (or staff) attached; which checklist document it is, if any."""

    request = models.ForeignKey(
        CharityRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.ForeignKey(
        "RequestMessage",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=document_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by staff"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class RequestMessage(models.Model):
    """A message between the applicant and the charity officers, shown on the applicant's page."""

    request = models.ForeignKey(
        CharityRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    # None: from the applicant.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.request.number}: {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def from_applicant(self) -> bool:
        return self.by_id is None


class RequestEvent(models.Model):
    """One immutable line of a request's history."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ASSIGNED = "assigned", _("Officer assigned")
        DOCUMENTS_REQUESTED = "documents_requested", _("Documents requested")
        DOCUMENTS_RECEIVED = "documents_received", _("Documents received")
        REVIEW_STARTED = "review_started", _("Review started")
        ASSESSED = "assessed", _("Assessed")
        FLAGS_CHECKED = "flags_checked", _("Double-help check")
        SENT_TO_COMMITTEE = "sent_to_committee", _("Sent to the committee")
        DEFERRED = "deferred", _("Postponed by the committee")
        CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
        DECIDED = "decided", _("Committee decision")
        EXTENDED = "extended", _("Deadline extended")
        DISBURSED = "disbursed", _("Aid handed over")
        ITEM_CANCELLED = "item_cancelled", _("Approved item cancelled")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")
        LINKED = "linked", _("Created from another channel")

    PUBLIC_KINDS = {
        Kind.SUBMITTED,
        Kind.DOCUMENTS_REQUESTED,
        Kind.DOCUMENTS_RECEIVED,
        Kind.REVIEW_STARTED,
        Kind.SENT_TO_COMMITTEE,
        Kind.DEFERRED,
        Kind.DECIDED,
        Kind.EXTENDED,
        Kind.DISBURSED,
        # Written by staff for the applicant: why an approved item will not be handed over.
        Kind.ITEM_CANCELLED,
        Kind.CLOSED,
        Kind.WITHDRAWN,
        Kind.MESSAGE,
    }

    request = models.ForeignKey(
        CharityRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
        return f"{self.request.number}: {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


class CommitteeMeeting(models.Model):
    """A sitting of the charity committee; its agenda is the requests put before it."""

    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    language = models.CharField(
        _("language of the minutes"), max_length=8, choices=settings.LANGUAGES, default="ru"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="charity_meetings"
    )
    requests = models.ManyToManyField(
        CharityRequest,
        verbose_name=_("agenda"),
        blank=True,
        related_name="meetings",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=enums.MeetingStatus.choices,
        default=enums.MeetingStatus.PLANNED,
    )
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        indexes = [models.Index(fields=["held_on", "id"], name="committeemeeting_held_on")]

    def __str__(self):
        return f"{self.held_on:%d.%m.%Y}"


class ConflictDeclaration(models.Model):
    """A member's declaration, per request on a meeting's agenda: a member with a conflict
    (e.g. related to the applicant) takes no part in that decision."""

    meeting = models.ForeignKey(
        CommitteeMeeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="declarations",
    )
    request = models.ForeignKey(
        CharityRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="declarations",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    note = models.CharField(_("nature of the conflict"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "request", "member"], name="declaration_unique_member"
            )
        ]

    def __str__(self):
        return f"{self.request}: {self.member}"


class CommitteeDecision(models.Model):
    """The committee's decision on one request, final when the meeting's chair approves it
    (charity.services: the budget is reserved at that moment, under a row lock)."""

    meeting = models.ForeignKey(
        CommitteeMeeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    request = models.OneToOneField(
        CharityRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="decision",
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=enums.Outcome.choices)
    reasons = models.TextField(_("reasons"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members who decided"),
        related_name="+",
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by the chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")

    def __str__(self):
        return f"{self.request}: {self.get_outcome_display()}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class AidItem(models.Model):
    """One thing a decision grants (an amount of money, or goods/services with quantity and
    value) against a budget line; handed over or cancelled with a reason."""

    decision = models.ForeignKey(
        CommitteeDecision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="items"
    )
    description = models.CharField(_("what"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, default=Decimal("1")
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    amount = models.DecimalField(_("value, tenge"), validators=NON_NEGATIVE, **MONEY)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=enums.ItemStatus.choices,
        default=enums.ItemStatus.APPROVED,
    )
    cancel_reason = models.TextField(_("reason of cancellation"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("aid item")
        verbose_name_plural = _("aid items")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="aiditem_amount_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="aiditem_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="aiditem_cancel_has_reason",
            ),
        ]

    def __str__(self):
        return self.description


def act_path(instance, filename: str) -> str:
    request = instance.item.decision.request
    return f"charity/{request.year}/{request.number}/acts/{instance.stored_name}"


class Disbursement(StoredFile):
    """The handing over of one aid item, with the signed act of receipt."""

    item = models.OneToOneField(
        AidItem, verbose_name=_("aid item"), on_delete=models.PROTECT, related_name="disbursement"
    )
    disbursed_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=16, choices=enums.DisbursementMethod.choices)
    amount = models.DecimalField(_("value handed over, tenge"), validators=NON_NEGATIVE, **MONEY)
    account = models.CharField(
        _("bank account (IBAN)"),
        max_length=34,
        blank=True,
        help_text=_("For bank transfers; shown masked."),
    )
    supplier = models.CharField(_("supplier"), max_length=300, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    act = models.FileField(_("signed act of receipt"), upload_to=act_path)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-disbursed_on", "-id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        # The admin list's order and date hierarchy (read backwards).
        indexes = [models.Index(fields=["disbursed_on", "id"], name="disbursement_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="bank_transfer") | ~Q(account=""),
                name="disbursement_transfer_has_account",
            ),
            models.CheckConstraint(
                condition=~Q(method="supplier") | ~Q(supplier=""),
                name="disbursement_supplier_named",
            ),
        ]

    def __str__(self):
        return f"{self.item}: {self.disbursed_on:%d.%m.%Y}"


class ExportLog(models.Model):
    """Who exported a programme's decisions and disbursements (personal data), when."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    file_format = models.CharField(_("format"), max_length=8)
    row_count = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        indexes = [models.Index(fields=["at"], name="charity_exportlog_at")]

    def __str__(self):
        return f"{self.by} {self.at:%Y-%m-%d %H:%M} {self.file_format} ({self.row_count})"


class SocialProject(models.Model):
    """A social project under the memorandum with the Akimat of Shymkent, shown to the public."""

    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=200)
    description_kk = models.TextField(_("description (Kazakh)"))
    description_ru = models.TextField(_("description (Russian)"))
    description_en = models.TextField(_("description (English)"))
    description_zh_hans = models.TextField(_("description (Chinese)"))
    district = models.CharField(_("district"), max_length=12, choices=enums.ProjectDistrict.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=enums.ProjectStatus.choices)
    budget = models.DecimalField(_("budget, tenge"), validators=NON_NEGATIVE, **MONEY)
    spent = models.DecimalField(
        _("spent, tenge"), default=Decimal("0"), validators=NON_NEGATIVE, **MONEY
    )
    is_published = models.BooleanField(_("shown on the site"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "position", "id"]
        verbose_name = _("social project")
        verbose_name_plural = _("social projects")
        constraints = [
            models.CheckConstraint(condition=Q(spent__gte=0), name="socialproject_spent_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title", fallback="en")

    @property
    def description(self) -> str:
        return localized(self, "description", fallback="en")


def photo_path(instance, filename: str) -> str:
    return f"social-projects/{instance.project_id}/{instance.stored_name}"


class SocialProjectPhoto(StoredFile):
    project = models.ForeignKey(
        SocialProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.FileField(_("photo"), upload_to=photo_path)
    alt_kk = models.CharField(_("description for screen readers (Kazakh)"), max_length=200)
    alt_ru = models.CharField(_("description for screen readers (Russian)"), max_length=200)
    alt_en = models.CharField(_("description for screen readers (English)"), max_length=200)
    alt_zh_hans = models.CharField(_("description for screen readers (Chinese)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    @property
    def alt(self) -> str:
        return localized(self, "alt", fallback="en")
