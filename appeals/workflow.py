"""Staff workflow of an appeal: assign, extend, refer, redirect, answer, not considered, notes.

Every transition locks the appeal, checks who may do it and from which status, writes the change
and an immutable history row, and creates the applicant's notification, in one transaction.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals import deadlines, enums, selectors
from appeals.deadlines import EVENT_DATE_FORMAT
from appeals.models import Appeal, AppealEvent
from appeals.services import appeal_recipient
from notifications.services import notify
from pkop_portal import signatures, workdays
from pkop_portal.deadlines import due_date_extension_check, due_date_set


@dataclass(frozen=True)
class StepResult:
    """What a workflow step did: the appeal as saved, and a warning for staff (or "")."""

    appeal: Appeal
    warning: str = ""


def _lock(appeal_id: int) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal_id)


def _require(user, permission: str) -> None:
    if not user.has_perm(f"appeals.{permission}"):
        raise PermissionDenied


def _require_open(appeal: Appeal) -> None:
    if not appeal.is_open:
        raise ValidationError(
            _("The appeal is %(status)s; this action is only for open appeals.")
            % {"status": appeal.get_status_display()},
            code="not_open",
        )


def _require_executor_or_head(user, appeal: Appeal) -> None:
    """Executors act only on their own appeals; Heads (assign permission) on all."""
    _require(user, "change_appeal")
    if appeal.executor_id != user.pk and not user.has_perm("appeals.assign_appeal"):
        raise PermissionDenied


def _require_visible(user, appeal: Appeal) -> None:
    """Only appeals the user may see at all (Executors theirs, Registrars what they registered)."""
    if not selectors.appeal_list_for_staff(user=user).filter(pk=appeal.pk).exists():
        raise PermissionDenied


def _require_referral_first(appeal: Appeal) -> None:
    """A possible crime or security threat is answered, redirected or closed only after its
    referral to the competent authority is on record (DOMAIN: "record the referral")."""
    if appeal.possible_crime and not appeal.events.filter(kind=AppealEvent.Kind.REFERRED).exists():
        raise ValidationError(
            _(
                "A possible crime or security threat must be referred to the competent "
                "authority first: record the referral."
            ),
            code="referral_required",
        )


def _event(appeal, kind, by, *, field="", old="", new="", note="") -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        by=by,
        field=field,
        old_value=str(old or ""),
        new_value=str(new or ""),
        note=note,
    )


def _notify(appeal: Appeal, event: str, context: dict, key_suffix: str = "") -> None:
    if not (appeal.email or appeal.phone):
        return
    notify(
        event=event,
        to=appeal_recipient(appeal),
        language=appeal.language,
        context={"number": appeal.number, "subject": appeal.subject, **context},
        dedupe_key=f"{event}:{appeal.pk}{key_suffix}",
        about=appeal,
    )


@transaction.atomic
def appeal_assign(*, appeal_id: int, by, executor, department: str = "") -> StepResult:
    """Assign an executor (Head); the appeal goes into work.

    Raises PermissionDenied, ValidationError(code="not_open" | "not_staff").
    """
    _require(by, "assign_appeal")
    appeal = _lock(appeal_id)
    _require_open(appeal)
    if not executor.is_active or not executor.is_staff:
        raise ValidationError(_("The executor must be an active staff member."), "not_staff")
    old = appeal.executor.get_username() if appeal.executor else ""
    appeal.executor = executor
    appeal.department = department
    appeal.status = enums.Status.IN_WORK
    appeal.save(update_fields=["executor", "department", "status", "updated_at"])
    _event(
        appeal,
        AppealEvent.Kind.ASSIGNED,
        by,
        field="executor",
        old=old,
        new=executor.get_username(),
        note=department,
    )
    return StepResult(appeal)


@transaction.atomic
def appeal_extend(*, appeal_id: int, by, new_due: date, reason: str) -> StepResult:
    """Extend the answer deadline (APPK Art. 76): Head only, reasoned, at most 2 months after
    registration, and only while the current due date has not passed (on the due day itself
    it still may be). Sets due_date and extended_at; statutory_due_date never changes.

    Side effects: a history row with the old and new date; "appeal.extended" notification to
    the applicant (sent at once, well within the 3 working days the law allows). Raises
    PermissionDenied, ValidationError(code="not_open" | "overdue" | "no_reason" | "not_later" |
    "too_late").
    """
    _require(by, "extend_appeal")
    appeal = _lock(appeal_id)
    _require_open(appeal)
    due_date_extension_check(
        due_date=appeal.due_date,
        registration_date=appeal.registration_date,
        new_due=new_due,
        reason=reason,
        too_late_message=_(
            "An appeal can be extended to at most two months after registration (%(date)s)."
        ),
    )
    old = due_date_set(appeal, new_due)
    # deadlines.appeal_answered_on_time reads these rows back: keep EVENT_DATE_FORMAT.
    _event(
        appeal,
        AppealEvent.Kind.EXTENDED,
        by,
        field="due_date",
        old=old.strftime(EVENT_DATE_FORMAT),
        new=new_due.strftime(EVENT_DATE_FORMAT),
        note=reason,
    )
    _notify(
        appeal,
        "appeal.extended",
        {"due_date": f"{new_due:%d.%m.%Y}", "reason": reason},
        key_suffix=f":{new_due.isoformat()}",
    )
    return StepResult(appeal)


@transaction.atomic
def appeal_refer(
    *, appeal_id: int, by, authority: str, referred_on: date, note: str = ""
) -> StepResult:
    """Record the referral of a possible crime or security threat to the competent authority
    (police, prosecutor's office, national security, Anti-Corruption Service).

    Inputs: the authority and the date the referral was sent (not before the appeal was
    received, not in the future). Until a referral is recorded, an appeal flagged
    `possible_crime` cannot be answered, redirected or closed; afterwards it can. Several
    referrals (to several authorities) may be recorded.
    Side effects: a public REFERRED history row (authority and date); no notification, since
    the report is often anonymous. Raises PermissionDenied,
    ValidationError(code="not_open" | "no_authority" | "bad_date").
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    _require_open(appeal)
    authority = authority.strip()
    if not authority:
        raise ValidationError(_("Name the competent authority."), code="no_authority")
    received_on = appeal.received_at.astimezone(workdays.LOCAL_TZ).date()
    today = workdays.local_now().date()
    if not received_on <= referred_on <= today:
        raise ValidationError(
            _("The referral date must be between %(received)s and today.")
            % {"received": f"{received_on:%d.%m.%Y}"},
            code="bad_date",
        )
    _event(
        appeal,
        AppealEvent.Kind.REFERRED,
        by,
        field="referred_to",
        new=f"{authority}, {referred_on:%d.%m.%Y}",
        note=note,
    )
    return StepResult(appeal)


@transaction.atomic
def appeal_redirect(*, appeal_id: int, by, to_body: str, reason: str) -> StepResult:
    """Send an appeal outside the company's competence to the competent body.

    Side effects: "appeal.redirected" notification. Returns a warning when redirected after
    the appeal's redirect deadline (3 working days after registration, redirect_due_date).
    Raises PermissionDenied, ValidationError(code="not_open" | "referral_required" |
    "no_body").
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    _require_open(appeal)
    _require_referral_first(appeal)
    if not to_body.strip():
        raise ValidationError(_("Name the competent body."), code="no_body")
    late = workdays.local_now().date() > appeal.redirect_due_date
    appeal.status = enums.Status.REDIRECTED
    appeal.redirected_to = to_body
    appeal.save(update_fields=["status", "redirected_to", "updated_at"])
    _event(appeal, AppealEvent.Kind.REDIRECTED, by, field="status", new=to_body, note=reason)
    _notify(appeal, "appeal.redirected", {"to_body": to_body})
    warning = _("Redirected later than 3 working days after registration.") if late else ""
    return StepResult(appeal, warning)


@transaction.atomic
def appeal_redirect_to_charity(*, appeal_id: int, by, request_number: str) -> StepResult:
    """Mark an appeal as passed to the charitable assistance procedure, where it became charity
    request `request_number` (charity.services.channels.request_from_appeal, in the same
    transaction).

    Inputs: an open appeal of the "charity" category that `by` may act on (its executor, or a
    Head). Effects: status redirected; `redirected_to` names the procedure and the request, in
    the appeal's language (the applicant reads it); a public REDIRECTED history row. No
    "appeal.redirected" notice: the applicant gets one message from the charity app with the
    new number and its access code. Raises PermissionDenied, ValidationError(code="not_open" |
    "referral_required" | "not_charity").
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    _require_open(appeal)
    _require_referral_first(appeal)
    if appeal.category.slug != "charity":
        raise ValidationError(
            _("Only an appeal of the charitable assistance category can become a charity request."),
            code="not_charity",
        )
    with translation.override(appeal.language):
        to_body = _("Charitable assistance procedure, request %(number)s") % {
            "number": request_number
        }
    appeal.status = enums.Status.REDIRECTED
    appeal.redirected_to = to_body
    appeal.save(update_fields=["status", "redirected_to", "updated_at"])
    _event(
        appeal,
        AppealEvent.Kind.REDIRECTED,
        by,
        field="status",
        new=to_body,
        note=request_number,
    )
    return StepResult(appeal)


@transaction.atomic
def appeal_answer(
    *, appeal_id: int, by, outcome: str, reasoning: str, legal_basis: str
) -> StepResult:
    """Answer and close the appeal; whether it was on time is computed, never entered.

    On time (deadlines.appeal_answered_on_time): answered, local date, on or before the
    statutory due date as moved by extensions granted in time; the working days it took
    (deadlines.appeal_answer_working_days) are stored for the statistics. Side effects:
    "appeal.answered" notification in the appeal's language. Raises PermissionDenied,
    ValidationError(code="not_open" | "referral_required" | "no_outcome" | "no_reasoning" |
    "no_legal_basis" | "no_signer_name": signed "Full name, position" by pkop_portal.signatures).
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    _require_open(appeal)
    _require_referral_first(appeal)
    if outcome not in enums.Outcome.values:
        raise ValidationError(_("Choose the outcome."), code="no_outcome")
    if not reasoning.strip():
        raise ValidationError(_("Give the reasoning with the facts."), code="no_reasoning")
    if not legal_basis.strip():
        raise ValidationError(_("Give the legal basis of the decision."), code="no_legal_basis")
    now = timezone.now()
    appeal.status = enums.Status.ANSWERED
    appeal.outcome = outcome
    appeal.answer_reasoning = reasoning
    appeal.answer_legal_basis = legal_basis
    appeal.answer_signatory = signatures.signer_line(by, appeal.language)  # no_signer_name
    appeal.answered_at = now
    appeal.answered_on_time = deadlines.appeal_answered_on_time(appeal=appeal, answered_at=now)
    appeal.answer_working_days = deadlines.appeal_answer_working_days(
        registration_date=appeal.registration_date, answered_at=now
    )
    appeal.save(
        update_fields=[
            "status",
            "outcome",
            "answer_reasoning",
            "answer_legal_basis",
            "answer_signatory",
            "answered_at",
            "answered_on_time",
            "answer_working_days",
            "updated_at",
        ]
    )
    _event(appeal, AppealEvent.Kind.ANSWERED, by, field="status", new=outcome)
    _notify(appeal, "appeal.answered", {"outcome": outcome})
    return StepResult(appeal)


@transaction.atomic
def appeal_not_consider(*, appeal_id: int, by, reason: str, note: str) -> StepResult:
    """Close without consideration (anonymous, no essence, repeat, withdrawn); reason required.

    Raises PermissionDenied, ValidationError(code="not_open" | "referral_required" |
    "no_reason").
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    _require_open(appeal)
    _require_referral_first(appeal)
    if reason not in enums.NotConsideredReason.values or not note.strip():
        raise ValidationError(_("Choose the reason and explain it."), code="no_reason")
    appeal.status = enums.Status.NOT_CONSIDERED
    appeal.not_considered_reason = reason
    appeal.answered_at = timezone.now()
    appeal.save(update_fields=["status", "not_considered_reason", "answered_at", "updated_at"])
    _event(appeal, AppealEvent.Kind.NOT_CONSIDERED, by, field="status", new=reason, note=note)
    _notify(appeal, "appeal.not_considered", {"reason": reason})
    return StepResult(appeal)


@transaction.atomic
def appeal_add_note(*, appeal_id: int, by, note: str) -> StepResult:
    """An internal note; never shown to the applicant.

    Needs the "add_note_appeal" right (Registrars, Executors and Heads; Analysts are
    read-only) on an appeal the user may see. Raises PermissionDenied,
    ValidationError(code="empty").
    """
    _require(by, "add_note_appeal")
    appeal = _lock(appeal_id)
    _require_visible(by, appeal)
    if not note.strip():
        raise ValidationError(_("Write the note."), code="empty")
    _event(appeal, AppealEvent.Kind.NOTE, by, note=note)
    return StepResult(appeal)


@transaction.atomic
def appeal_link_repeat(*, appeal_id: int, by, earlier_id: int) -> StepResult:
    """Link a flagged appeal to the earlier appeal it repeats (one `by` may see); clears the flag.

    Raises PermissionDenied, ValidationError(code="not_a_candidate").
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    candidates = {a.pk for a in selectors.appeal_possible_repeats(appeal=appeal, user=by, limit=50)}
    if earlier_id not in candidates:
        raise ValidationError(
            _("Choose an appeal of the same applicant and category."), code="not_a_candidate"
        )
    earlier = Appeal.objects.get(pk=earlier_id)
    appeal.repeat_of = earlier
    appeal.possible_repeat = False
    appeal.save(update_fields=["repeat_of", "possible_repeat", "updated_at"])
    _event(appeal, AppealEvent.Kind.REPEAT_LINKED, by, field="repeat_of", new=earlier.number)
    return StepResult(appeal)


@transaction.atomic
def appeal_dismiss_repeat(*, appeal_id: int, by) -> StepResult:
    """Clear the possible-repeat flag: the appeal raises a new matter."""
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    appeal.possible_repeat = False
    appeal.save(update_fields=["possible_repeat", "updated_at"])
    _event(appeal, AppealEvent.Kind.REPEAT_DISMISSED, by, field="possible_repeat")
    return StepResult(appeal)
