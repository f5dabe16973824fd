"""Staff workflow of a charity request: assignment, documents, review and assessment, the way
to the committee, deadline extensions, messages and notes, withdrawal and closing.

This module is the only place (with committee.py and disbursement.py, which use its helpers)
that changes a request's status. Every step locks the request row, checks who may do it and
from which status, writes the change and an immutable history row, and queues the applicant's
notice (notifications.services.notify, about=request), in one transaction. Refusals are
ValidationError with a code; missing rights PermissionDenied.

Lock order, everywhere in charity.services: the request, then its decision and items, then
budget lines in primary-key order; so two steps never wait for each other in a cycle.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from charity import enums, selectors
from charity.models import (
    AidItem,
    BudgetLine,
    CharityRequest,
    CommitteeMeeting,
    DocumentType,
    Programme,
    RequestEvent,
    RequestMessage,
)
from charity.services.submission import request_recipient
from notifications.services import notify
from pkop_portal.deadlines import EVENT_DATE_FORMAT, due_date_extension_check, due_date_set

CENT = Decimal("0.01")


@dataclass(frozen=True)
class StepResult:
    """What a workflow step did: the request as saved, and a warning for staff (or "")."""

    request: CharityRequest
    warning: str = ""


# --- helpers shared by charity.services.committee, .disbursement and .channels -------------


def lock_request(request_id: int) -> CharityRequest:
    return CharityRequest.objects.select_for_update().get(pk=request_id)


def require_perm(user, *permissions: str) -> None:
    """PermissionDenied unless `user` is active and has one of the charity `permissions`."""
    if user is None or not user.is_active:
        raise PermissionDenied
    if not any(user.has_perm(f"charity.{permission}") for permission in permissions):
        raise PermissionDenied


def require_status(request: CharityRequest, allowed) -> None:
    if request.status not in allowed:
        raise ValidationError(
            _("The request is “%(status)s”; this action is not possible now.")
            % {"status": request.get_status_display()},
            code="wrong_status",
        )


def record_event(request, kind, by, *, field="", old="", new="", note="") -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        by=by,
        field=field,
        old_value=str(old or ""),
        new_value=str(new or ""),
        note=note,
    )


def notify_applicant(request: CharityRequest, event: str, context: dict, *, key) -> list:
    """Queue `event` for the applicant in the request's language (nothing when the request has
    no contact, e.g. a paper application without phone or e-mail). `key` tells this message
    from every other of the same event and request (usually its history row's id)."""
    if not (request.email or request.phone):
        return []
    return notify(
        event=event,
        to=request_recipient(request),
        language=request.language,
        context={"number": request.number, **context},
        dedupe_key=f"{event}:{request.pk}:{key}",
        about=request,
    )


def set_status(
    request: CharityRequest, status: str, by, *, kind, note="", fields=()
) -> RequestEvent:
    """Save the new status (with `fields`) and its history row."""
    old = request.status
    request.status = status
    request.save(update_fields=["status", *fields, "updated_at"])
    return record_event(request, kind, by, field="status", old=old, new=status, note=note)


def cancel_item(
    request: CharityRequest, item: AidItem, line: BudgetLine, by, reason: str
) -> RequestEvent:
    """Cancel a locked approved item with `reason` (public ITEM_CANCELLED row, returned) and
    take its amount off the reserve of its locked budget `line`; the caller saves the line."""
    line.reserved -= item.amount
    item.status = enums.ItemStatus.CANCELLED
    item.cancel_reason = reason
    item.save(update_fields=["status", "cancel_reason"])
    return record_event(
        request,
        RequestEvent.Kind.ITEM_CANCELLED,
        by,
        field="item",
        old=item.description,
        new=f"{item.amount:.2f}",
        note=reason,
    )


def release_items(request: CharityRequest, by, reason: str) -> list[AidItem]:
    """Cancel every approved, not yet handed-over item of the request's approved decision and
    give its amount back to its budget line (lines locked in primary-key order)."""
    items = list(
        AidItem.objects.select_for_update()
        .filter(
            decision__request_id=request.pk,
            decision__approved_at__isnull=False,
            status=enums.ItemStatus.APPROVED,
        )
        .order_by("pk")
    )
    if not items:
        return []
    line_ids = sorted({item.budget_line_id for item in items})
    lines = {
        line.pk: line
        for line in BudgetLine.objects.select_for_update().filter(pk__in=line_ids).order_by("pk")
    }
    for item in items:
        cancel_item(request, item, lines[item.budget_line_id], by, reason)
    for line in lines.values():
        line.save(update_fields=["reserved"])
    return items


def _check_flags(request: CharityRequest, by) -> selectors.Overlaps:
    overlaps = selectors.request_overlaps(request=request)
    request.flag_recent_aid = overlaps.flag_recent_aid
    request.flag_open_request = overlaps.flag_open_request
    request.flags_checked_at = timezone.now()
    request.save(
        update_fields=["flag_recent_aid", "flag_open_request", "flags_checked_at", "updated_at"]
    )
    numbers = [r.number for r in overlaps.recent_aid] + [r.number for r in overlaps.open_requests]
    record_event(
        request,
        RequestEvent.Kind.FLAGS_CHECKED,
        by,
        field="flags",
        new=f"recent_aid={int(overlaps.flag_recent_aid)} open={int(overlaps.flag_open_request)}",
        note=", ".join(dict.fromkeys(numbers)),
    )
    return overlaps


def _require_officer(user) -> None:
    if not (user.is_active and user.is_staff and user.has_perm("charity.assess_charityrequest")):
        raise ValidationError(
            _("The officer must be an active staff member who assesses charity requests."),
            code="not_officer",
        )


def _require_text(value: str, message: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value


# --- steps ----------------------------------------------------------------------------------


NOT_FINAL = set(enums.Status) - enums.FINAL_STATUSES
ASK_DOCUMENTS_FROM = {
    enums.Status.SUBMITTED,
    enums.Status.DOCUMENTS_INCOMPLETE,
    enums.Status.UNDER_REVIEW,
}
START_REVIEW_FROM = {enums.Status.SUBMITTED, enums.Status.DOCUMENTS_INCOMPLETE}
CLOSE_FROM = {enums.Status.REJECTED, enums.Status.DISBURSED}


@transaction.atomic
def request_assign(*, request_id: int, officer, by) -> StepResult:
    """Make `officer` (an active staff member with the assess right) responsible for the
    request, in any status but closed or withdrawn.

    Side effects: an internal ASSIGNED history row; no notice. Raises PermissionDenied,
    ValidationError(code="wrong_status" | "not_officer").
    """
    require_perm(by, "assess_charityrequest")
    request = lock_request(request_id)
    require_status(request, NOT_FINAL)
    _require_officer(officer)
    old = request.officer.get_username() if request.officer_id else ""
    request.officer = officer
    request.save(update_fields=["officer", "updated_at"])
    record_event(
        request,
        RequestEvent.Kind.ASSIGNED,
        by,
        field="officer",
        old=old,
        new=officer.get_username(),
    )
    return StepResult(request)


@transaction.atomic
def request_ask_documents(
    *, request_id: int, by, missing: list[DocumentType], note: str = ""
) -> StepResult:
    """Tell the applicant what is missing: the document types (`missing`) and/or a free note.

    From submitted, documents incomplete (the list is replaced) or under review (a gap found
    during the review) to documents incomplete; the applicant's upload
    (charity.services.submission.request_add_documents) brings it back to submitted.
    Effects: missing_documents and missing_note replaced; a public DOCUMENTS_REQUESTED row.
    Side effects: "charity.documents_requested" with the documents' codes, named in the
    request's language when the message is rendered. Raises PermissionDenied,
    ValidationError(code="wrong_status" | "nothing_missing").
    """
    require_perm(by, "assess_charityrequest")
    request = lock_request(request_id)
    require_status(request, ASK_DOCUMENTS_FROM)
    missing = sorted(set(missing), key=lambda d: (d.position, d.pk))
    note = (note or "").strip()
    if not missing and not note:
        raise ValidationError(
            _("Choose the missing documents or describe what is missing."),
            code="nothing_missing",
        )
    request.missing_documents.set(missing)
    request.missing_note = note
    # The history row is public: named in the applicant's language, like the notice.
    with translation.override(request.language):
        names = [d.name for d in missing]
    if request.officer_id is None:
        request.officer = by
    event = set_status(
        request,
        enums.Status.DOCUMENTS_INCOMPLETE,
        by,
        kind=RequestEvent.Kind.DOCUMENTS_REQUESTED,
        note="; ".join(names + ([note] if note else [])),
        fields=["missing_note", "officer"],
    )
    notify_applicant(
        request,
        "charity.documents_requested",
        {"documents": [d.slug for d in missing], "note": note},
        key=f"{event.pk}",
    )
    return StepResult(request)


@transaction.atomic
def request_start_review(*, request_id: int, by) -> StepResult:
    """The officer starts the review (from submitted, or from documents incomplete when what
    came is enough): the missing list is cleared, the double-help flags re-checked, and the
    officer becomes responsible if nobody was.

    Side effects: public REVIEW_STARTED and internal FLAGS_CHECKED rows;
    "charity.status_changed". Raises PermissionDenied, ValidationError(code="wrong_status").
    """
    require_perm(by, "assess_charityrequest")
    request = lock_request(request_id)
    require_status(request, START_REVIEW_FROM)
    request.missing_documents.clear()
    request.missing_note = ""
    if request.officer_id is None:
        request.officer = by
    event = set_status(
        request,
        enums.Status.UNDER_REVIEW,
        by,
        kind=RequestEvent.Kind.REVIEW_STARTED,
        fields=["missing_note", "officer"],
    )
    _check_flags(request, by)
    notify_applicant(
        request, "charity.status_changed", {"status": request.status}, key=f"{event.pk}"
    )
    return StepResult(request)


def income_per_member(*, monthly_income: Decimal, household_size: int) -> Decimal:
    """Monthly household income divided by the household size, to the tiyn (half up)."""
    return (Decimal(monthly_income) / household_size).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def request_assess(
    *,
    request_id: int,
    by,
    household_size: int | None,
    earlier_aid_note: str,
    home_visit_note: str,
    assessment: str,
    programme: Programme | None = None,
) -> StepResult:
    """The officer's assessment of a request under review (may be redone until it goes to the
    committee).

    Inputs: the household size (None: the applicant plus the household members listed), notes
    on earlier aid and the home visit, the assessment itself (required), and the programme the
    request falls under (must accept requests; None keeps the current one).
    Effects: income per member = monthly income / household size; assessed_by/assessed_at;
    the double-help flags re-checked. Side effects: internal ASSESSED and FLAGS_CHECKED rows;
    no notice. Raises PermissionDenied, ValidationError(code="wrong_status" |
    "bad_household_size" | "no_assessment" | "programme_closed").
    """
    require_perm(by, "assess_charityrequest")
    request = lock_request(request_id)
    require_status(request, {enums.Status.UNDER_REVIEW})
    if household_size is None:
        household_size = request.members.count() + 1
    if household_size < 1:
        raise ValidationError(
            _("The household has at least one member: the applicant."), code="bad_household_size"
        )
    assessment = _require_text(assessment, _("Write the assessment."), "no_assessment")
    if programme is not None and not programme.is_active:
        raise ValidationError(
            _("The programme “%(programme)s” does not accept requests.") % {"programme": programme},
            code="programme_closed",
        )
    request.household_size = household_size
    request.income_per_member = income_per_member(
        monthly_income=request.monthly_income, household_size=household_size
    )
    request.earlier_aid_note = (earlier_aid_note or "").strip()
    request.home_visit_note = (home_visit_note or "").strip()
    request.assessment = assessment
    if programme is not None:
        request.programme = programme
    request.assessed_by = by
    request.assessed_at = timezone.now()
    request.save(
        update_fields=[
            "household_size",
            "income_per_member",
            "earlier_aid_note",
            "home_visit_note",
            "assessment",
            "programme",
            "assessed_by",
            "assessed_at",
            "updated_at",
        ]
    )
    record_event(
        request,
        RequestEvent.Kind.ASSESSED,
        by,
        field="income_per_member",
        new=f"{request.income_per_member} ({household_size})",
    )
    _check_flags(request, by)
    return StepResult(request)


@transaction.atomic
def request_send_to_committee(*, request_id: int, by, meeting_id: int) -> StepResult:
    """Put an assessed request under review on the agenda of a planned committee meeting.

    Side effects: public SENT_TO_COMMITTEE row; "charity.status_changed". Raises
    PermissionDenied, ValidationError(code="wrong_status" | "not_assessed" |
    "meeting_not_planned").
    """
    require_perm(by, "assess_charityrequest")
    request = lock_request(request_id)
    require_status(request, {enums.Status.UNDER_REVIEW})
    if request.assessed_at is None:
        raise ValidationError(
            _("Assess the request before sending it to the committee."), code="not_assessed"
        )
    meeting = CommitteeMeeting.objects.select_for_update().get(pk=meeting_id)
    if meeting.status != enums.MeetingStatus.PLANNED:
        raise ValidationError(_("Choose a planned committee meeting."), code="meeting_not_planned")
    meeting.requests.add(request)
    event = set_status(
        request,
        enums.Status.AT_COMMITTEE,
        by,
        kind=RequestEvent.Kind.SENT_TO_COMMITTEE,
        note=f"{meeting.held_on:%d.%m.%Y}",
    )
    notify_applicant(
        request, "charity.status_changed", {"status": request.status}, key=f"{event.pk}"
    )
    return StepResult(request)


@transaction.atomic
def request_extend(*, request_id: int, by, new_due: date, reason: str) -> StepResult:
    """Extend the answer deadline, by the appeals rule (APPK Art. 76): a Head (the
    extend_charityrequest right), reasoned, at most two months after registration, and only
    while the current due date has not passed (on the due day itself it still may be).
    statutory_due_date never changes.

    Side effects: public EXTENDED row with the old and new date; "charity.extended".
    Raises PermissionDenied, ValidationError(code="wrong_status" | "overdue" | "no_reason" |
    "not_later" | "too_late").
    """
    require_perm(by, "extend_charityrequest")
    request = lock_request(request_id)
    require_status(request, enums.OPEN_STATUSES)
    reason = due_date_extension_check(
        due_date=request.due_date,
        registration_date=request.registration_date,
        new_due=new_due,
        reason=reason,
        too_late_message=_(
            "A request can be extended to at most two months after registration (%(date)s)."
        ),
    )
    old = due_date_set(request, new_due)
    event = record_event(
        request,
        RequestEvent.Kind.EXTENDED,
        by,
        field="due_date",
        old=old.strftime(EVENT_DATE_FORMAT),
        new=new_due.strftime(EVENT_DATE_FORMAT),
        note=reason,
    )
    notify_applicant(
        request,
        "charity.extended",
        {"due_date": f"{new_due:%d.%m.%Y}", "reason": reason},
        key=f"{event.pk}",
    )
    return StepResult(request)


@transaction.atomic
def request_message(*, request_id: int, by, text: str) -> RequestMessage:
    """A message from a charity officer to the applicant, shown on their page (not on a
    closed or withdrawn request).

    Side effects: public MESSAGE row; "charity.message" with the text. Raises
    PermissionDenied, ValidationError(code="wrong_status" | "empty").
    """
    require_perm(by, "assess_charityrequest")
    request = lock_request(request_id)
    require_status(request, NOT_FINAL)
    text = _require_text(text, _("Write the message."), "empty")
    message = RequestMessage.objects.create(request=request, by=by, text=text)
    record_event(request, RequestEvent.Kind.MESSAGE, by, field="message", new=f"{message.pk}")
    request.save(update_fields=["updated_at"])
    notify_applicant(request, "charity.message", {"text": text}, key=f"message-{message.pk}")
    return message


@transaction.atomic
def request_note(*, request_id: int, by, text: str) -> StepResult:
    """An internal note on a request the user may see; never shown to the applicant.

    Raises PermissionDenied, ValidationError(code="empty").
    """
    if not selectors.request_list_for_staff(user=by).filter(pk=request_id).exists():
        raise PermissionDenied
    request = lock_request(request_id)
    text = _require_text(text, _("Write the note."), "empty")
    record_event(request, RequestEvent.Kind.NOTE, by, note=text)
    return StepResult(request)


@transaction.atomic
def request_withdraw(*, request_id: int, reason: str = "", by=None) -> StepResult:
    """Withdraw a request before its aid is handed over: the applicant (by=None, from the
    tracking page, after its access check) or a charity officer recording it (by=staff).

    From any of WITHDRAWABLE_STATUSES, and only while nothing of the aid was handed over (once
    an item is, the rest is handed over or cancelled item by item: a request cannot be both
    aided and withdrawn). Effects: withdrawn_at; every approved item is cancelled ("withdrawn
    by the applicant", public ITEM_CANCELLED rows) and its amount released on its budget line.
    Side effects: public WITHDRAWN row; "charity.withdrawn". Raises PermissionDenied,
    ValidationError(code="wrong_status" | "partly_handed_over").
    """
    if by is not None:
        require_perm(by, "assess_charityrequest")
    request = lock_request(request_id)
    require_status(request, enums.WITHDRAWABLE_STATUSES)
    if selectors.request_has_handed_over(request=request):
        raise ValidationError(
            _(
                "Part of the aid on this request has already been handed over, so it can no "
                "longer be withdrawn."
            ),
            code="partly_handed_over",
        )
    reason = (reason or "").strip()
    with translation.override(request.language):
        released = _("withdrawn by the applicant")
    release_items(request, by, released)
    request.withdrawn_at = timezone.now()
    event = set_status(
        request,
        enums.Status.WITHDRAWN,
        by,
        kind=RequestEvent.Kind.WITHDRAWN,
        note=reason,
        fields=["withdrawn_at"],
    )
    notify_applicant(request, "charity.withdrawn", {}, key=f"{event.pk}")
    return StepResult(request)


def close(request: CharityRequest, by, reason: str = "") -> None:
    """Close a locked request (no checks): closed_at, CLOSED row, "charity.closed"."""
    request.closed_at = timezone.now()
    event = set_status(
        request,
        enums.Status.CLOSED,
        by,
        kind=RequestEvent.Kind.CLOSED,
        note=reason,
        fields=["closed_at"],
    )
    notify_applicant(request, "charity.closed", {"reason": reason}, key=f"{event.pk}")


@transaction.atomic
def request_close(*, request_id: int, by, reason: str = "") -> StepResult:
    """Close a rejected request, or one whose aid was handed over: every item of its decision
    disbursed or cancelled with a reason.

    Side effects: public CLOSED row; "charity.closed". Raises PermissionDenied,
    ValidationError(code="wrong_status" | "items_pending").
    """
    require_perm(by, "assess_charityrequest", "disburse_charityrequest")
    request = lock_request(request_id)
    require_status(request, CLOSE_FROM)
    pending = AidItem.objects.filter(
        decision__request_id=request.pk, status=enums.ItemStatus.APPROVED
    )
    if pending.exists():
        raise ValidationError(
            _("Every approved item must be handed over or cancelled with a reason first."),
            code="items_pending",
        )
    close(request, by, (reason or "").strip())
    return StepResult(request)


@transaction.atomic
def request_check_flags(*, request_id: int, by=None) -> selectors.Overlaps:
    """Set the double-help flags from charity.selectors.request_overlaps (over all requests):
    aid handed over to the applicant or a household member in the last 12 months, and another
    pending request of theirs. Called by request_submit in its transaction, at the start of
    the review and at the assessment; staff may re-run it.

    Effects: flag_recent_aid, flag_open_request, flags_checked_at; an internal FLAGS_CHECKED
    row naming the requests found. Returns the overlaps (unscoped: show staff
    request_overlaps(request=..., user=viewer) instead). No permission of its own: it only
    recomputes, and runs inside the registering step (whoever may register may run it); views
    that offer it check the view right.
    """
    request = lock_request(request_id)
    return _check_flags(request, by)
