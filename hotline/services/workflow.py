"""Compliance's handling of a hotline report: received → acknowledged → under investigation →
concluded (conclusion and reasons) → closed; triage, investigator, conflict exclusions, the
referral to the Anti-Corruption Service, messages to the reporter and the legal hold.

Every step, in one transaction: THE ACCESS RULE (hotline.access.is_compliance: through groups,
so a superuser outside Compliance is refused; Compliance head for assigning, excluding and the
legal hold), the report row locked (select_for_update), an officer excluded from the report
refused, the status checked, the change, an immutable ReportEvent, an access-log row "change",
and the reporter's notice when they opted in (hotline.notices: "there is news", nothing else,
sent after the commit). Refusals are ValidationError with a code; missing rights
PermissionDenied. An anonymised report accepts no step at all.

Deadlines: hotline.deadlines (feedback due 3 calendar months after the acknowledgement date).
"""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import access, deadlines, enums
from hotline.models import Report, ReportEvent, ReportMessage

logger = logging.getLogger(__name__)

S = enums.Status
K = ReportEvent.Kind

# The statuses each step may start from.
ACKNOWLEDGE_FROM = {S.RECEIVED}
INVESTIGATE_FROM = {S.ACKNOWLEDGED}
# "Outside the policy" needs no investigation: a conclusion may follow the acknowledgement.
CONCLUDE_FROM = {S.ACKNOWLEDGED, S.UNDER_INVESTIGATION}
CLOSE_FROM = {S.CONCLUDED}
TRIAGE_FROM = {S.RECEIVED, S.ACKNOWLEDGED, S.UNDER_INVESTIGATION}
ASSIGN_FROM = TRIAGE_FROM
REFER_FROM = {S.RECEIVED, S.ACKNOWLEDGED, S.UNDER_INVESTIGATION, S.CONCLUDED}
MESSAGE_FROM = {S.RECEIVED, S.ACKNOWLEDGED, S.UNDER_INVESTIGATION, S.CONCLUDED}
EXCLUDE_FROM = set(S)
LEGAL_HOLD_FROM = set(S)


# --- helpers -------------------------------------------------------------------------------


def require_compliance(user, *, head: bool = False) -> None:
    """PermissionDenied unless `user` is in Compliance (a Compliance head if `head`)."""
    allowed = access.is_compliance_head(user) if head else access.is_compliance(user)
    if not allowed:
        raise PermissionDenied


def lock_report(report_id: int, by, *, head: bool = False) -> Report:
    """The report, locked, after THE ACCESS RULE: PermissionDenied outside Compliance, for an
    officer excluded from it, and for a report that does not exist (nothing to tell)."""
    require_compliance(by, head=head)
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None or report.excluded_officers.filter(pk=by.pk).exists():
        raise PermissionDenied
    if report.anonymised_at is not None:
        raise ValidationError(
            _("The report was anonymised; it can no longer be changed."), code="anonymised"
        )
    return report


def require_status(report: Report, allowed) -> None:
    if report.status not in allowed:
        raise ValidationError(
            _("The report is “%(status)s”; this action is not possible now.")
            % {"status": report.get_status_display()},
            code="wrong_status",
        )


def require_text(value: str, message: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value


def record(report: Report, kind: str, by, note: str = "", *, detail: str = "") -> ReportEvent:
    """The history row and the access-log row "change" of one step."""
    event = ReportEvent.objects.create(report=report, kind=kind, by=by, note=note)
    access.log_access(
        user=by, action=enums.AccessAction.CHANGE, report=report, detail=detail or kind
    )
    return event


def notify_reporter(report: Report) -> bool:
    """After the commit, queue the reporter's "there is news" notice, only if they opted in.
    The task gets the report id only; the address is opened at send time (hotline.notices)."""
    if not report.notice_email_sealed:
        return False
    from hotline.tasks import queue_reporter_notice

    report_id = report.pk
    transaction.on_commit(lambda: queue_reporter_notice(report_id=report_id))
    return True


# --- the status steps ------------------------------------------------------------------------


@transaction.atomic
def report_acknowledge(*, report_id: int, by, note: str = "") -> Report:
    """received → acknowledged; the feedback becomes due 3 months after today's local date."""
    report = lock_report(report_id, by)
    require_status(report, ACKNOWLEDGE_FROM)
    now = timezone.now()
    report.status = S.ACKNOWLEDGED
    report.acknowledged_at = now
    report.feedback_due = deadlines.feedback_due_for(now)
    report.save(update_fields=["status", "acknowledged_at", "feedback_due", "updated_at"])
    record(report, K.ACKNOWLEDGED, by, (note or "").strip())
    notify_reporter(report)
    return report


@transaction.atomic
def report_start_investigation(*, report_id: int, by, note: str = "") -> Report:
    """acknowledged → under investigation."""
    report = lock_report(report_id, by)
    require_status(report, INVESTIGATE_FROM)
    report.status = S.UNDER_INVESTIGATION
    report.save(update_fields=["status", "updated_at"])
    record(report, K.INVESTIGATION, by, (note or "").strip())
    notify_reporter(report)
    return report


@transaction.atomic
def report_conclude(*, report_id: int, by, conclusion: str, reasons: str) -> Report:
    """acknowledged or under investigation → concluded, with a conclusion and its reasons."""
    report = lock_report(report_id, by)
    require_status(report, CONCLUDE_FROM)
    if conclusion not in enums.Conclusion.values:
        raise ValidationError(_("Choose a conclusion."), code="no_conclusion")
    reasons = require_text(reasons, _("Give the reasons for the conclusion."), "no_reasons")
    report.status = S.CONCLUDED
    report.conclusion = conclusion
    report.conclusion_reasons = reasons
    report.concluded_at = timezone.now()
    report.save(
        update_fields=[
            "status",
            "conclusion",
            "conclusion_reasons",
            "concluded_at",
            "updated_at",
        ]
    )
    record(report, K.CONCLUDED, by, reasons, detail=f"{K.CONCLUDED}: {conclusion}")
    notify_reporter(report)
    return report


@transaction.atomic
def report_close(*, report_id: int, by, note: str = "") -> Report:
    """concluded → closed; the retention period runs from now."""
    report = lock_report(report_id, by)
    require_status(report, CLOSE_FROM)
    report.status = S.CLOSED
    report.closed_at = timezone.now()
    report.save(update_fields=["status", "closed_at", "updated_at"])
    record(report, K.CLOSED, by, (note or "").strip())
    notify_reporter(report)
    return report


# --- handling ----------------------------------------------------------------------------------


@transaction.atomic
def report_triage(*, report_id: int, by, severity: str, retaliation_risk: str) -> Report:
    """Set severity and retaliation risk of an open report."""
    report = lock_report(report_id, by)
    require_status(report, TRIAGE_FROM)
    if severity not in enums.Severity.values:
        raise ValidationError(_("Choose the severity."), code="no_severity")
    if retaliation_risk not in enums.RetaliationRisk.values:
        raise ValidationError(_("Choose the retaliation risk."), code="no_retaliation_risk")
    old = f"{report.severity or '-'}/{report.retaliation_risk or '-'}"
    report.severity, report.retaliation_risk = severity, retaliation_risk
    report.save(update_fields=["severity", "retaliation_risk", "updated_at"])
    record(report, K.TRIAGED, by, f"{old} → {severity}/{retaliation_risk}")
    return report


@transaction.atomic
def report_assign(*, report_id: int, by, investigator) -> Report:
    """Make a Compliance member (not excluded from the report) its investigator. Head only."""
    report = lock_report(report_id, by, head=True)
    require_status(report, ASSIGN_FROM)
    if investigator is None or not access.is_compliance(investigator):
        raise ValidationError(
            _("The investigator must be a Compliance officer."), code="not_compliance"
        )
    if report.excluded_officers.filter(pk=investigator.pk).exists():
        raise ValidationError(
            _("This officer is excluded from the report (conflict of interest)."),
            code="excluded",
        )
    report.investigator = investigator
    report.save(update_fields=["investigator", "updated_at"])
    record(report, K.ASSIGNED, by, investigator.get_username())
    return report


@transaction.atomic
def report_exclude_officer(*, report_id: int, by, officer, reason: str = "") -> Report:
    """Exclude a Compliance member from the report (conflict of interest). Head only; from
    then on the officer neither sees nor changes it, and stops being its investigator."""
    report = lock_report(report_id, by, head=True)
    require_status(report, EXCLUDE_FROM)
    if officer is None or not access.is_compliance(officer):
        raise ValidationError(
            _("Only a Compliance officer can be excluded from a report."), code="not_compliance"
        )
    if report.excluded_officers.filter(pk=officer.pk).exists():
        raise ValidationError(
            _("This officer is already excluded from the report."), code="already_excluded"
        )
    report.excluded_officers.add(officer)
    fields = ["updated_at"]
    if report.investigator_id == officer.pk:
        report.investigator = None
        fields.append("investigator")
    report.save(update_fields=fields)
    note = officer.get_username()
    if (reason or "").strip():
        note = f"{note}: {reason.strip()}"
    record(report, K.EXCLUDED, by, note)
    return report


@transaction.atomic
def report_refer(*, report_id: int, by, referred_on: date, reference: str) -> Report:
    """Record the referral to the Anti-Corruption Service (suggested for corruption reports):
    the date (not in the future) and the Service's reference. Once per report."""
    report = lock_report(report_id, by)
    require_status(report, REFER_FROM)
    if report.referred_on is not None:
        raise ValidationError(
            _("The referral was already recorded on %(date)s.")
            % {"date": f"{report.referred_on:%d.%m.%Y}"},
            code="already_referred",
        )
    if referred_on is None or referred_on > timezone.localdate():
        raise ValidationError(
            _("Give the date of the referral (not in the future)."), code="bad_date"
        )
    reference = require_text(
        reference, _("Give the reference of the Anti-Corruption Service."), "no_reference"
    )[:100]
    report.referred_on, report.referral_reference = referred_on, reference
    report.save(update_fields=["referred_on", "referral_reference", "updated_at"])
    record(report, K.REFERRED, by, f"{referred_on:%d.%m.%Y} {reference}")
    return report


def referral_suggested(report: Report) -> bool:
    """Whether the admin should suggest the referral: a corruption report not yet referred."""
    return report.category == enums.Category.CORRUPTION and report.referred_on is None


@transaction.atomic
def report_message(*, report_id: int, by, text: str) -> ReportMessage:
    """A message of Compliance to the reporter, shown on the follow-up page; the reporter gets
    the "there is news" e-mail only if they opted in."""
    report = lock_report(report_id, by)
    require_status(report, MESSAGE_FROM)
    text = require_text(text, _("Write the message."), "no_text")
    message = ReportMessage.objects.create(report=report, by=by, text=text)
    report.save(update_fields=["updated_at"])
    record(report, K.MESSAGE, by)
    notify_reporter(report)
    return message


@transaction.atomic
def report_set_legal_hold(*, report_id: int, by, on: bool, reason: str) -> Report:
    """Put the report under legal hold (never anonymised) or release it. Head only; reasons
    required."""
    report = lock_report(report_id, by, head=True)
    require_status(report, LEGAL_HOLD_FROM)
    reason = require_text(reason, _("Give the reasons for the legal hold."), "no_reason")
    if report.legal_hold == bool(on):
        raise ValidationError(
            _("The legal hold is already set.") if on else _("The report is not under legal hold."),
            code="unchanged",
        )
    report.legal_hold = bool(on)
    report.save(update_fields=["legal_hold", "updated_at"])
    record(report, K.LEGAL_HOLD, by, ("on: " if on else "off: ") + reason)
    return report
