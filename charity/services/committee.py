"""The charity committee: meetings and their agenda, conflict-of-interest declarations,
decisions, the chair's approval within the budget, and the minutes.

A decision is recorded by a member and becomes final only when the meeting's chair approves
it. At that moment, under row locks (the request, the decision and its items, then the budget
lines in primary-key order), every rule is checked again, the remaining budget of each line
is re-read and compared with what the decision needs, and the amounts are reserved: two
concurrent approvals on one line are serialised by the line's lock, so the sum approved never
exceeds the line (and the database's check constraint would refuse it anyway).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.deadlines import answered_on_time
from charity import enums, selectors
from charity.models import (
    AidItem,
    BudgetLine,
    CommitteeDecision,
    CommitteeMeeting,
    ConflictDeclaration,
    RequestEvent,
)
from charity.services.workflow import (
    StepResult,
    lock_request,
    notify_applicant,
    record_event,
    require_perm,
    require_status,
    set_status,
)
from pkop_portal import workdays
from pkop_portal.formats import tenge

DECIDE = "decide_charityrequest"
MIN_PARTICIPANTS = 2
OUTCOME_STATUS = {
    enums.Outcome.APPROVED: enums.Status.APPROVED,
    enums.Outcome.PARTLY_APPROVED: enums.Status.PARTLY_APPROVED,
    enums.Outcome.REJECTED: enums.Status.REJECTED,
}


@dataclass(frozen=True)
class ItemInput:
    """One thing a decision grants: an amount of money, or goods/services with quantity and
    value, charged to `budget_line`."""

    budget_line: BudgetLine
    description: str
    amount: Decimal
    quantity: Decimal = Decimal("1")
    unit: str = ""


def _is_committee_member(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(f"charity.{DECIDE}"))


def _lock_meeting(meeting_id: int) -> CommitteeMeeting:
    return CommitteeMeeting.objects.select_for_update().get(pk=meeting_id)


def _require_not_approved(meeting: CommitteeMeeting) -> None:
    if meeting.status == enums.MeetingStatus.APPROVED:
        raise ValidationError(
            _("The minutes of this meeting are approved; it can no longer be changed."),
            code="minutes_approved",
        )


def _require_on_agenda(meeting: CommitteeMeeting, request) -> None:
    if not meeting.requests.filter(pk=request.pk).exists():
        raise ValidationError(
            _("Request %(number)s is not on the agenda of this meeting.")
            % {"number": request.number},
            code="not_on_agenda",
        )


def _member_ids(meeting: CommitteeMeeting) -> set[int]:
    return set(meeting.members.values_list("pk", flat=True)) | {meeting.chair_id}


@transaction.atomic
def meeting_create(
    *, held_on: date, chair, members, place: str = "", language: str = "ru", by
) -> CommitteeMeeting:
    """Plan a committee meeting: its date, place, the language of its minutes, the chair and
    the members (the chair is always a member). Every member is an active staff member with
    the decide right; at least MIN_PARTICIPANTS of them.

    Raises PermissionDenied, ValidationError(code="not_member" | "too_few_members" |
    "bad_language").
    """
    require_perm(by, DECIDE)
    people = {user.pk: user for user in [chair, *members]}
    if not all(_is_committee_member(user) for user in people.values()):
        raise ValidationError(
            _("The chair and the members must be active staff members of the charity committee."),
            code="not_member",
        )
    if len(people) < MIN_PARTICIPANTS:
        raise ValidationError(
            _("A committee meeting needs at least %(count)d members.")
            % {"count": MIN_PARTICIPANTS},
            code="too_few_members",
        )
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose the language of the minutes."), code="bad_language")
    meeting = CommitteeMeeting.objects.create(
        held_on=held_on, place=(place or "").strip(), language=language, chair=chair
    )
    meeting.members.set(people.values())
    return meeting


@transaction.atomic
def conflict_declare(
    *, meeting_id: int, request_id: int, member, has_conflict: bool, note: str = ""
) -> ConflictDeclaration:
    """A committee member's own declaration on one request of the meeting's agenda: a
    conflict of interest (e.g. related to the applicant; its nature required) excludes them
    from that decision. May be changed until the decision is approved; a member who declares a
    conflict is taken off the decision's participants. A decision recorded by a member who
    declares a conflict afterwards stays as it is, but the chair cannot approve it
    (decision_approve: "recorder_conflicted") until a member without a conflict records it
    again (decision_record, which makes them its recorder).

    Side effects: an internal CONFLICT_DECLARED row. Raises PermissionDenied (not a member),
    ValidationError(code="minutes_approved" | "not_on_agenda" | "already_decided" |
    "no_note").
    """
    request = lock_request(request_id)
    meeting = _lock_meeting(meeting_id)
    if not _is_committee_member(member) or member.pk not in _member_ids(meeting):
        raise PermissionDenied
    _require_not_approved(meeting)
    _require_on_agenda(meeting, request)
    decision = CommitteeDecision.objects.filter(request=request).first()
    if decision is not None and decision.is_approved:
        raise ValidationError(
            _("The decision on this request is already approved."), code="already_decided"
        )
    note = (note or "").strip()
    if has_conflict and not note:
        raise ValidationError(_("Describe the conflict of interest."), code="no_note")
    declaration, _created = ConflictDeclaration.objects.update_or_create(
        meeting=meeting,
        request=request,
        member=member,
        defaults={"has_conflict": has_conflict, "note": note},
    )
    if has_conflict and decision is not None:
        decision.participants.remove(member)
    record_event(
        request,
        RequestEvent.Kind.CONFLICT_DECLARED,
        member,
        field="has_conflict",
        new="yes" if has_conflict else "no",
        note=note,
    )
    return declaration


def _declarations(meeting: CommitteeMeeting, request) -> dict[int, bool]:
    """member id → has a conflict, for the members who declared on `request`."""
    return dict(
        ConflictDeclaration.objects.filter(meeting=meeting, request=request).values_list(
            "member_id", "has_conflict"
        )
    )


def _clean_items(request, meeting: CommitteeMeeting, items: list[ItemInput]) -> list[ItemInput]:
    allowed = set(
        selectors.budget_lines_for_decision(request=request, year=meeting.held_on.year).values_list(
            "pk", flat=True
        )
    )
    cleaned = []
    for item in items:
        description = (item.description or "").strip()
        if not description:
            raise ValidationError(_("Describe every item granted."), code="no_description")
        if item.budget_line is None or item.budget_line.pk not in allowed:
            raise ValidationError(
                _(
                    "Charge every item to a budget line of the request's programme or of a "
                    "programme of %(year)s that accepts requests."
                )
                % {"year": meeting.held_on.year},
                code="bad_budget_line",
            )
        amount, quantity = Decimal(item.amount), Decimal(item.quantity)
        if amount <= 0:
            raise ValidationError(
                _("The value of every item must be more than zero."), code="bad_amount"
            )
        if quantity <= 0:
            raise ValidationError(
                _("The quantity of every item must be more than zero."), code="bad_quantity"
            )
        cleaned.append(
            ItemInput(
                budget_line=item.budget_line,
                description=description,
                amount=amount,
                quantity=quantity,
                unit=(item.unit or "").strip(),
            )
        )
    return cleaned


@transaction.atomic
def decision_record(
    *,
    meeting_id: int,
    request_id: int,
    by,
    outcome: str,
    reasons: str,
    items: list[ItemInput],
) -> CommitteeDecision:
    """Record (or, until the chair approves it, correct) the committee's decision on a request
    at the committee and on this meeting's agenda.

    Inputs: the outcome; the reasons (required, shown to the applicant); for approved and
    partly approved, at least one item (ItemInput: a budget line of the request's programme
    or of any programme of the meeting's year that accepts requests, a description, quantity
    > 0 and value > 0); a rejection has no items. `by` is a member of the meeting with the
    decide right who declared no conflict on this request.
    Effects: the decision with its items (status approved, nothing reserved yet) and as
    participants the members who declared no conflict so far; an internal NOTE row. No notice:
    the applicant is told when the chair approves (decision_approve).
    Raises PermissionDenied, ValidationError(code="wrong_status" | "not_on_agenda" |
    "minutes_approved" | "not_declared" | "conflicted" | "bad_outcome" | "no_reasons" |
    "no_items" | "items_on_rejection" | "bad_budget_line" | "bad_amount" | "bad_quantity" |
    "no_description" | "already_decided").
    """
    require_perm(by, DECIDE)
    request = lock_request(request_id)
    meeting = _lock_meeting(meeting_id)
    if by.pk not in _member_ids(meeting):
        raise PermissionDenied
    require_status(request, {enums.Status.AT_COMMITTEE})
    _require_not_approved(meeting)
    _require_on_agenda(meeting, request)
    declared = _declarations(meeting, request)
    if by.pk not in declared:
        raise ValidationError(
            _("Declare whether you have a conflict of interest on this request first."),
            code="not_declared",
        )
    if declared[by.pk]:
        raise ValidationError(
            _("You declared a conflict of interest on this request: another member records it."),
            code="conflicted",
        )
    if outcome not in enums.Outcome.values:
        raise ValidationError(_("Choose the decision."), code="bad_outcome")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(_("Give the reasons of the decision."), code="no_reasons")
    if outcome == enums.Outcome.REJECTED and items:
        raise ValidationError(
            _("A rejection grants nothing: remove the items."), code="items_on_rejection"
        )
    if outcome != enums.Outcome.REJECTED and not items:
        raise ValidationError(
            _("List what is granted: at least one item with its value."), code="no_items"
        )
    cleaned = _clean_items(request, meeting, items)
    decision = CommitteeDecision.objects.select_for_update().filter(request=request).first()
    if decision is not None and decision.is_approved:
        raise ValidationError(
            _("The decision on this request is already approved."), code="already_decided"
        )
    if decision is None:
        decision = CommitteeDecision(request=request)
    decision.meeting = meeting
    decision.outcome = outcome
    decision.reasons = reasons
    decision.recorded_by = by
    decision.save()
    decision.items.all().delete()
    AidItem.objects.bulk_create(
        AidItem(
            decision=decision,
            budget_line=item.budget_line,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            amount=item.amount,
        )
        for item in cleaned
    )
    decision.participants.set([pk for pk, conflict in declared.items() if not conflict])
    total = sum((item.amount for item in cleaned), Decimal("0"))
    record_event(
        request,
        RequestEvent.Kind.NOTE,
        by,
        field="decision_recorded",
        new=f"{outcome} {total}",
        note=reasons,
    )
    return decision


def _over_budget(line: BudgetLine, needed: Decimal) -> ValidationError:
    return ValidationError(
        _(
            "Over budget: the line “%(line)s” has %(left)s tenge left, and this decision "
            "needs %(needed)s tenge."
        )
        % {"line": line, "left": tenge(line.remaining), "needed": tenge(needed)},
        code="over_budget",
    )


def _reserve(decision: CommitteeDecision) -> None:
    """Lock the decision's budget lines in primary-key order, re-check what remains on each
    against the sum of its items, and reserve. Raises ValidationError(code="over_budget")."""
    items = list(decision.items.select_for_update().order_by("pk"))
    needed: dict[int, Decimal] = defaultdict(Decimal)
    for item in items:
        needed[item.budget_line_id] += item.amount
    lines = list(
        BudgetLine.objects.select_for_update()
        .select_related("programme")
        .filter(pk__in=sorted(needed))
        .order_by("pk")
    )
    for line in lines:
        if needed[line.pk] > line.remaining:
            raise _over_budget(line, needed[line.pk])
    for line in lines:
        line.reserved += needed[line.pk]
        line.save(update_fields=["reserved"])
    for item in items:
        item.status = enums.ItemStatus.APPROVED
        item.cancel_reason = ""
    AidItem.objects.bulk_update(items, ["status", "cancel_reason"])


@transaction.atomic
def decision_approve(*, decision_id: int, by) -> CommitteeDecision:
    """The meeting's chair approves a recorded decision: it becomes final and is told to the
    applicant.

    Checks: `by` is the chair and has the decide right; the request is at the committee and on
    the agenda; every member of the meeting declared on this request; the chair has no
    conflict; at least MIN_PARTICIPANTS members without a conflict take part (the conflicted
    are excluded); the member who recorded the decision has no conflict (one declared after
    recording: another member records it again); four eyes: the officer who assessed the
    request cannot approve it.
    Effects: for approved/partly approved, each budget line charged is locked (primary-key
    order) and its remaining amount re-checked, then the items' amounts are reserved; the
    request's status becomes the outcome, with decision_reasons, decided_at and
    answered_on_time (decided on or before the due date, Asia/Almaty); its programme is set
    from the first item's line if it had none; participants = the non-conflicted members;
    the meeting counts as held. Side effects: public DECIDED row; "charity.decided" with the
    outcome, reasons and items, in the request's language.
    Raises PermissionDenied, ValidationError(code="already_approved" | "wrong_status" |
    "not_on_agenda" | "minutes_approved" | "declarations_missing" | "chair_conflicted" |
    "recorder_conflicted" | "no_quorum" | "four_eyes" | "over_budget").
    """
    require_perm(by, DECIDE)
    request_id = CommitteeDecision.objects.values_list("request_id", flat=True).get(pk=decision_id)
    request = lock_request(request_id)
    decision = CommitteeDecision.objects.select_for_update().get(pk=decision_id)
    # Not locked: approvals of one meeting must not wait for each other (only a budget line
    # serialises them). The minutes cannot be approved meanwhile: they need this decision.
    meeting = CommitteeMeeting.objects.get(pk=decision.meeting_id)
    if by.pk != meeting.chair_id:
        raise PermissionDenied
    if decision.is_approved:
        raise ValidationError(_("This decision is already approved."), code="already_approved")
    require_status(request, {enums.Status.AT_COMMITTEE})
    _require_not_approved(meeting)
    _require_on_agenda(meeting, request)
    members = _member_ids(meeting)
    declared = _declarations(meeting, request)
    if not members <= set(declared):
        raise ValidationError(
            _("Every member must declare whether they have a conflict of interest first."),
            code="declarations_missing",
        )
    if declared[meeting.chair_id]:
        raise ValidationError(
            _("The chair declared a conflict of interest on this request and cannot approve it."),
            code="chair_conflicted",
        )
    if declared.get(decision.recorded_by_id):
        raise ValidationError(
            _(
                "The member who recorded this decision declared a conflict of interest on this "
                "request: a member without a conflict must record the decision again."
            ),
            code="recorder_conflicted",
        )
    participants = sorted(pk for pk in members if not declared[pk])
    if len(participants) < MIN_PARTICIPANTS:
        raise ValidationError(
            _("At least %(count)d members without a conflict of interest must decide.")
            % {"count": MIN_PARTICIPANTS},
            code="no_quorum",
        )
    if request.assessed_by_id == by.pk:
        # With the quorum above, the assessor can never be the only one who decided either.
        raise ValidationError(
            _("Four eyes: the officer who assessed the request cannot approve it."),
            code="four_eyes",
        )
    if decision.outcome != enums.Outcome.REJECTED:
        _reserve(decision)
    now = timezone.now()
    decision.approved_by = by
    decision.approved_at = now
    decision.save(update_fields=["approved_by", "approved_at"])
    decision.participants.set(participants)
    CommitteeMeeting.objects.filter(pk=meeting.pk, status=enums.MeetingStatus.PLANNED).update(
        status=enums.MeetingStatus.HELD
    )
    items = list(decision.items.select_related("budget_line__programme").order_by("pk"))
    request.decision_reasons = decision.reasons
    request.decided_at = now
    request.answered_on_time = answered_on_time(answered_at=now, due_date=request.due_date)
    if request.programme_id is None and items:
        request.programme = items[0].budget_line.programme
    event = set_status(
        request,
        OUTCOME_STATUS[decision.outcome],
        by,
        kind=RequestEvent.Kind.DECIDED,
        note=decision.reasons,
        fields=["decision_reasons", "decided_at", "answered_on_time", "programme"],
    )
    notify_applicant(
        request,
        "charity.decided",
        {
            "outcome": decision.outcome,
            "reasons": decision.reasons,
            "items": [
                {
                    "description": item.description,
                    "quantity": f"{item.quantity.normalize():f}",
                    "unit": item.unit,
                    "amount": f"{item.amount:.2f}",
                }
                for item in items
            ],
        },
        key=f"{event.pk}",
    )
    return decision


@transaction.atomic
def meeting_approve_minutes(*, meeting_id: int, by) -> CommitteeMeeting:
    """The chair approves the minutes once every request on the agenda is decided (its decision
    approved) or was withdrawn. After that nothing of the meeting changes.

    Raises PermissionDenied, ValidationError(code="minutes_approved" | "empty_agenda" |
    "undecided").
    """
    require_perm(by, DECIDE)
    meeting = _lock_meeting(meeting_id)
    if by.pk != meeting.chair_id:
        raise PermissionDenied
    _require_not_approved(meeting)
    agenda = list(meeting.requests.all())
    if not agenda:
        raise ValidationError(_("The agenda of this meeting is empty."), code="empty_agenda")
    approved = set(
        CommitteeDecision.objects.filter(meeting=meeting, approved_at__isnull=False).values_list(
            "request_id", flat=True
        )
    )
    undecided = [
        r.number for r in agenda if r.pk not in approved and r.status != enums.Status.WITHDRAWN
    ]
    if undecided:
        raise ValidationError(
            _("Not yet decided: %(numbers)s.") % {"numbers": ", ".join(sorted(undecided))},
            code="undecided",
        )
    meeting.status = enums.MeetingStatus.APPROVED
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["status", "minutes_approved_at"])
    return meeting


@transaction.atomic
def request_defer(*, request_id: int, by, reason: str, meeting_id: int | None = None) -> StepResult:
    """The committee postpones a request at the committee: onto the agenda of another planned
    meeting (`meeting_id`, dated today or later), or back to the officer's review (None), e.g.
    when a document or a home visit is still needed.

    `by` is a member of the meeting whose agenda the request is on, with the decide right; not
    once the decision is approved (the request is no longer at the committee then). The reason
    is required. Effects: the request leaves that meeting's agenda (so its minutes no longer
    wait for it); a decision recorded there but not approved is discarded with its items (the
    next meeting decides afresh; the declarations stay with the meeting they were made at); on
    the new agenda, or status under review. Side effects: public DEFERRED row (the reason for
    staff); "charity.status_changed". Raises PermissionDenied, ValidationError(code=
    "wrong_status" | "not_on_agenda" | "no_reason" | "same_meeting" | "meeting_not_planned").
    """
    require_perm(by, DECIDE)
    request = lock_request(request_id)
    require_status(request, {enums.Status.AT_COMMITTEE})
    current = list(
        CommitteeMeeting.objects.select_for_update()
        .filter(requests=request)
        .exclude(status=enums.MeetingStatus.APPROVED)
        .order_by("pk")
    )
    if not current:
        raise ValidationError(
            _("Request %(number)s is not on the agenda of an open meeting.")
            % {"number": request.number},
            code="not_on_agenda",
        )
    if not any(by.pk in _member_ids(meeting) for meeting in current):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason of the postponement."), code="no_reason")
    target = None
    if meeting_id is not None:
        if meeting_id in {meeting.pk for meeting in current}:
            raise ValidationError(
                _("The request is already on this meeting's agenda: choose another meeting."),
                code="same_meeting",
            )
        target = _lock_meeting(meeting_id)
        if (
            target.status != enums.MeetingStatus.PLANNED
            or target.held_on < workdays.local_now().date()
        ):
            raise ValidationError(
                _("Choose a planned committee meeting dated today or later."),
                code="meeting_not_planned",
            )
    decision = CommitteeDecision.objects.select_for_update().filter(request=request).first()
    if decision is not None:
        # Not approved: the status check above. Its items reserved nothing yet.
        decision.delete()
    for meeting in current:
        meeting.requests.remove(request)
    old = ", ".join(f"{meeting.held_on:%d.%m.%Y}" for meeting in current)
    if target is not None:
        target.requests.add(request)
        request.save(update_fields=["updated_at"])
        event = record_event(
            request,
            RequestEvent.Kind.DEFERRED,
            by,
            field="meeting",
            old=old,
            new=f"{target.held_on:%d.%m.%Y}",
            note=reason,
        )
    else:
        event = set_status(
            request, enums.Status.UNDER_REVIEW, by, kind=RequestEvent.Kind.DEFERRED, note=reason
        )
    notify_applicant(
        request, "charity.status_changed", {"status": request.status}, key=f"{event.pk}"
    )
    return StepResult(request)
