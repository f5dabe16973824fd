"""Staff workflow of an appeal: assign, extend, redirect, answer, not considered, notes.

Every transition locks the appeal, checks who may do it and from which status, writes the change
and an immutable history row, and creates the applicant's notification, in one transaction.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals import enums, selectors
from appeals.models import Appeal, AppealEvent
from appeals.services import appeal_recipient
from notifications.services import notify
from pkop_portal import workdays

EXTENSION_LIMIT = relativedelta(months=2)
REDIRECT_WORKING_DAYS = 3


@dataclass(frozen=True)
class Outcome:
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


def _require_referral_first(appeal: Appeal) -> None:
    if appeal.possible_crime:
        raise ValidationError(
            _("A possible crime or security threat must be referred to the competent authority."),
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
def appeal_assign(*, appeal_id: int, by, executor, department: str = "") -> Outcome:
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
    return Outcome(appeal)


@transaction.atomic
def appeal_extend(*, appeal_id: int, by, new_due: date, reason: str) -> Outcome:
    """Extend the answer deadline (APPK Art. 76): Head only, reasoned, at most 2 months.

    Side effects: "appeal.extended" notification to the applicant (sent at once, well within
    the 3 working days the law allows). Raises PermissionDenied,
    ValidationError(code="not_open" | "no_reason" | "not_later" | "too_late").
    """
    _require(by, "extend_appeal")
    appeal = _lock(appeal_id)
    _require_open(appeal)
    if not reason.strip():
        raise ValidationError(_("Give the reasons for the extension."), code="no_reason")
    if new_due <= appeal.due_date:
        raise ValidationError(
            _("The new due date must be later than the current one (%(date)s).")
            % {"date": f"{appeal.due_date:%d.%m.%Y}"},
            code="not_later",
        )
    limit = appeal.registration_date + EXTENSION_LIMIT
    if new_due > limit:
        raise ValidationError(
            _("An appeal can be extended to at most two months after registration (%(date)s).")
            % {"date": f"{limit:%d.%m.%Y}"},
            code="too_late",
        )
    old = appeal.due_date
    appeal.due_date = new_due
    appeal.save(update_fields=["due_date", "updated_at"])
    _event(
        appeal,
        AppealEvent.Kind.EXTENDED,
        by,
        field="due_date",
        old=f"{old:%d.%m.%Y}",
        new=f"{new_due:%d.%m.%Y}",
        note=reason,
    )
    _notify(
        appeal,
        "appeal.extended",
        {"due_date": f"{new_due:%d.%m.%Y}", "reason": reason},
        key_suffix=f":{new_due.isoformat()}",
    )
    return Outcome(appeal)


@transaction.atomic
def appeal_redirect(*, appeal_id: int, by, to_body: str, reason: str) -> Outcome:
    """Send an appeal outside the company's competence to the competent body.

    Side effects: "appeal.redirected" notification. Returns a warning when more than
    3 working days passed since registration. Raises PermissionDenied,
    ValidationError(code="not_open" | "no_body").
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    _require_open(appeal)
    if not to_body.strip():
        raise ValidationError(_("Name the competent body."), code="no_body")
    today = workdays.local_now().date()
    late = workdays.working_days_between(appeal.registration_date, today) > REDIRECT_WORKING_DAYS
    appeal.status = enums.Status.REDIRECTED
    appeal.redirected_to = to_body
    appeal.save(update_fields=["status", "redirected_to", "updated_at"])
    _event(appeal, AppealEvent.Kind.REDIRECTED, by, field="status", new=to_body, note=reason)
    _notify(appeal, "appeal.redirected", {"to_body": to_body})
    warning = _("Redirected later than 3 working days after registration.") if late else ""
    return Outcome(appeal, warning)


@transaction.atomic
def appeal_answer(*, appeal_id: int, by, outcome: str, reasoning: str, legal_basis: str) -> Outcome:
    """Answer and close the appeal; whether it was on time is computed, never entered.

    Side effects: "appeal.answered" notification in the appeal's language. Raises
    PermissionDenied, ValidationError(code="not_open" | "no_reasoning" | "no_legal_basis").
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
    appeal.answer_signatory = by.get_full_name() or by.get_username()
    appeal.answered_at = now
    appeal.answered_on_time = workdays.local_now().date() <= appeal.due_date
    appeal.save(
        update_fields=[
            "status",
            "outcome",
            "answer_reasoning",
            "answer_legal_basis",
            "answer_signatory",
            "answered_at",
            "answered_on_time",
            "updated_at",
        ]
    )
    _event(appeal, AppealEvent.Kind.ANSWERED, by, field="status", new=outcome)
    _notify(appeal, "appeal.answered", {"outcome": outcome})
    return Outcome(appeal)


@transaction.atomic
def appeal_not_consider(*, appeal_id: int, by, reason: str, note: str) -> Outcome:
    """Close without consideration (anonymous, no essence, repeat, withdrawn); reason required.

    Raises PermissionDenied, ValidationError(code="not_open" | "no_reason").
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
    return Outcome(appeal)


@transaction.atomic
def appeal_add_note(*, appeal_id: int, by, note: str) -> Outcome:
    """An internal note; never shown to the applicant. Raises ValidationError(code="empty")."""
    appeal = _lock(appeal_id)
    _require(by, "view_appeal")
    if not note.strip():
        raise ValidationError(_("Write the note."), code="empty")
    _event(appeal, AppealEvent.Kind.NOTE, by, note=note)
    return Outcome(appeal)


@transaction.atomic
def appeal_link_repeat(*, appeal_id: int, by, earlier_id: int) -> Outcome:
    """Link a flagged appeal to the earlier appeal it repeats; clears the flag.

    Raises PermissionDenied, ValidationError(code="not_a_candidate").
    """
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    candidates = {a.pk for a in selectors.appeal_possible_repeats(appeal=appeal, limit=50)}
    if earlier_id not in candidates:
        raise ValidationError(
            _("Choose an appeal of the same applicant and category."), code="not_a_candidate"
        )
    earlier = Appeal.objects.get(pk=earlier_id)
    appeal.repeat_of = earlier
    appeal.possible_repeat = False
    appeal.save(update_fields=["repeat_of", "possible_repeat", "updated_at"])
    _event(appeal, AppealEvent.Kind.REPEAT_LINKED, by, field="repeat_of", new=earlier.number)
    return Outcome(appeal)


@transaction.atomic
def appeal_dismiss_repeat(*, appeal_id: int, by) -> Outcome:
    """Clear the possible-repeat flag: the appeal raises a new matter."""
    appeal = _lock(appeal_id)
    _require_executor_or_head(by, appeal)
    appeal.possible_repeat = False
    appeal.save(update_fields=["possible_repeat", "updated_at"])
    _event(appeal, AppealEvent.Kind.REPEAT_DISMISSED, by, field="possible_repeat")
    return Outcome(appeal)
