"""Reads of the charity app: what staff may see, double-help overlaps, history, budgets, and
the reference data of the public pages kept in the process (checklist, programmes, social
projects)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet

from charity import enums
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    Disbursement,
    HouseholdMember,
    Programme,
    RequestEvent,
)
from pkop_portal import refdata, workdays

# "Received aid in the last 12 months": aid handed over at most this many days before today
# (365 days ago still counts, 366 no longer does).
RECENT_AID_DAYS = 365
# Requests whose aid is still to come: the answer is pending, or approved and not yet handed
# over. Rejected, handed over (counted as recent aid instead), closed and withdrawn ones are not.
PENDING_STATUSES = enums.WITHDRAWABLE_STATUSES
OVERLAP_LIMIT = 50


def request_list_for_staff(*, user) -> QuerySet[CharityRequest]:
    """Charity requests `user` may see: all of them with the view right (charity officers, the
    committee, Heads, superusers), none otherwise."""
    queryset = CharityRequest.objects.select_related("officer", "programme")
    if not (user.is_active and user.has_perm("charity.view_charityrequest")):
        return queryset.none()
    return queryset


def request_q_overdue(*, today: date) -> Q:
    """Open requests whose answer was due before `today` (the list filter and the dashboard)."""
    return Q(status__in=enums.OPEN_STATUSES, due_date__lt=today)


def request_q_due_soon(*, today: date) -> Q:
    """Open requests due from `today` to 3 working days ahead."""
    horizon = workdays.add_working_days(today, 3)
    return Q(status__in=enums.OPEN_STATUSES, due_date__gte=today, due_date__lte=horizon)


@dataclass(frozen=True)
class Overlaps:
    """Other requests that touch the same people: aid handed over within RECENT_AID_DAYS and
    requests still pending. `iins` are the IINs that were compared (applicant and members)."""

    recent_aid: list[CharityRequest] = field(default_factory=list)
    open_requests: list[CharityRequest] = field(default_factory=list)
    iins: frozenset[str] = frozenset()

    @property
    def flag_recent_aid(self) -> bool:
        return bool(self.recent_aid)

    @property
    def flag_open_request(self) -> bool:
        return bool(self.open_requests)


def request_iins(*, request: CharityRequest) -> set[str]:
    """The applicant's IIN and every household member's IIN given in `request`."""
    members = HouseholdMember.objects.filter(request_id=request.pk).exclude(iin="")
    return {request.iin, *members.values_list("iin", flat=True)} - {""}


def recent_aid_cutoff(*, today: date | None = None) -> date:
    """The earliest hand-over date that still counts as aid "in the last 12 months"."""
    return (today or workdays.local_now().date()) - timedelta(days=RECENT_AID_DAYS)


def request_overlaps(*, request: CharityRequest, user=None, today: date | None = None) -> Overlaps:
    """Double help: other requests in which the applicant's IIN or any household member's IIN
    appears, as applicant or as household member (all four combinations), or, for an
    applicant without an IIN, the same identity document number as applicant, that
    - received aid: a disbursement dated within the last RECENT_AID_DAYS days (whatever the
      request's status now: a request withdrawn after part of its aid was handed over counts);
    - or are still pending (PENDING_STATUSES).
    With `user`, only requests that user may see (request_list_for_staff) are returned: staff
    pages pass the viewer; the flags are computed over all requests (user None).
    Newest first, at most OVERLAP_LIMIT of each kind; three queries.
    """
    iins = request_iins(request=request)
    # An applicant without an IIN (a foreign national) is found by their identity document.
    document = request.id_document_number
    if not iins and not document:
        return Overlaps()
    same_people = Q(id_document_number=document) if document else Q()
    if iins:
        by_member = HouseholdMember.objects.filter(iin__in=iins).values("request_id")
        same_people |= Q(iin__in=iins) | Q(pk__in=by_member)
    others = request_list_for_staff(user=user) if user is not None else CharityRequest.objects.all()
    others = others.filter(same_people).exclude(pk=request.pk)
    aided = Disbursement.objects.filter(disbursed_on__gte=recent_aid_cutoff(today=today)).values(
        "item__decision__request_id"
    )
    recent = others.filter(pk__in=aided).order_by("-received_at", "-pk")
    pending = others.filter(status__in=PENDING_STATUSES).order_by("-received_at", "-pk")
    return Overlaps(
        recent_aid=list(recent[:OVERLAP_LIMIT]),
        open_requests=list(pending[:OVERLAP_LIMIT]),
        iins=frozenset(iins),
    )


# Statuses in which part of the aid may already be handed over (before the request as a
# whole is "aid handed over").
HANDING_OVER_STATUSES = {enums.Status.APPROVED, enums.Status.PARTLY_APPROVED}


def request_has_handed_over(*, request: CharityRequest) -> bool:
    """Whether any aid item of `request` was handed over (one query)."""
    return AidItem.objects.filter(
        decision__request_id=request.pk, status=enums.ItemStatus.DISBURSED
    ).exists()


def request_can_withdraw(*, request: CharityRequest) -> bool:
    """Whether the applicant (or staff for them) may still withdraw `request`: its status is
    one of WITHDRAWABLE_STATUSES and none of its aid was handed over yet (the rule of
    charity.services.workflow.request_withdraw). No query before a decision is approved; one
    while its aid is being handed over."""
    if request.status not in enums.WITHDRAWABLE_STATUSES:
        return False
    if request.status not in HANDING_OVER_STATUSES:
        return True
    return not request_has_handed_over(request=request)


def request_public_history(*, request: CharityRequest) -> QuerySet[RequestEvent]:
    """The history rows the applicant sees on their page (RequestEvent.PUBLIC_KINDS), in order;
    internal notes, assignments, flags and conflict declarations are left out."""
    return RequestEvent.objects.filter(
        request_id=request.pk, kind__in=RequestEvent.PUBLIC_KINDS
    ).order_by("at", "id")


@dataclass(frozen=True)
class BudgetRow:
    """One budget line of a programme: its amount, reserved (approved, not yet cancelled, of
    which `disbursed` already handed over) and what remains to approve."""

    line: BudgetLine
    amount: Decimal
    reserved: Decimal
    disbursed: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.reserved

    @property
    def to_hand_over(self) -> Decimal:
        return self.reserved - self.disbursed


@dataclass(frozen=True)
class ProgrammeBudget:
    programme: Programme
    rows: list[BudgetRow]

    @property
    def amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0"))

    @property
    def reserved(self) -> Decimal:
        return sum((row.reserved for row in self.rows), Decimal("0"))

    @property
    def disbursed(self) -> Decimal:
        return sum((row.disbursed for row in self.rows), Decimal("0"))

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.reserved


def programme_budget(*, programme: Programme) -> ProgrammeBudget:
    """Per budget line of `programme` (ordered by kind of aid): amount, reserved, disbursed and
    remaining, with the programme's totals. One query."""
    lines = BudgetLine.objects.filter(programme=programme).order_by("aid_kind", "pk")
    rows = [
        BudgetRow(line=line, amount=line.amount, reserved=line.reserved, disbursed=line.disbursed)
        for line in lines
    ]
    return ProgrammeBudget(programme=programme, rows=rows)


def budget_lines_for_decision(*, request: CharityRequest, year: int) -> QuerySet[BudgetLine]:
    """The budget lines a decision on `request` may charge: those of the request's programme,
    and those of every programme of `year` (the meeting's) that accepts requests."""
    condition = Q(programme__year=year, programme__is_active=True)
    if request.programme_id:
        condition |= Q(programme_id=request.programme_id)
    return BudgetLine.objects.filter(condition).select_related("programme")


# --- Reference data of the public pages, kept in the process (pkop_portal.refdata) ----------
# Staff edit these rows in the admin (signals fire), so every process sees a change within
# REFDATA_CHECK_SECONDS. The kept objects are shared by all requests: read them, never change.
_CHECKLIST_MODELS = ["charity.ChecklistItem", "charity.DocumentType"]


def _load_checklist_public() -> tuple:
    # Deferred: charity.reports is the public-report module; keep selectors importable alone.
    from charity.reports import checklist_public

    return tuple(checklist_public())


def _load_document_checklist() -> tuple:
    # Deferred: the submission service imports notifications, which loads late.
    from charity.services.submission import document_checklist

    return tuple(document_checklist())


def _load_programmes_current() -> tuple:
    from charity.reports import programme_list_public

    return tuple(programme_list_public())


def _load_social_projects() -> tuple:
    from charity.reports import social_project_list_public

    return tuple(social_project_list_public())


checklist_list_public = refdata.register(
    "charity.checklist_public", load=_load_checklist_public, models=_CHECKLIST_MODELS
)
checklist_list_public.__doc__ = (
    "The document checklist per category (charity.reports.checklist_public), kept: a tuple of "
    "CategoryChecklist, no query after the first call."
)
document_checklist_kept = refdata.register(
    "charity.document_checklist", load=_load_document_checklist, models=_CHECKLIST_MODELS
)
document_checklist_kept.__doc__ = (
    "The application form's document rows (charity.services.submission.document_checklist), "
    "kept: a tuple of ChecklistRow, no query after the first call."
)
programme_list_current = refdata.register(
    "charity.programmes_current", load=_load_programmes_current, models=["charity.Programme"]
)
programme_list_current.__doc__ = (
    "The programmes accepting requests now (charity.reports.programme_list_public), kept."
)
social_project_list_current = refdata.register(
    "charity.social_projects",
    load=_load_social_projects,
    models=["charity.SocialProject", "charity.SocialProjectPhoto"],
)
social_project_list_current.__doc__ = (
    "Published social projects with their photos prefetched "
    "(charity.reports.social_project_list_public), kept."
)
