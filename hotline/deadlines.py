"""The hotline's deadlines, in CALENDAR days in the portal's time zone (Asia/Almaty).

* Acknowledgement: due 7 days after the local date of receipt (`acknowledge_due_for`).
  report_submit (hotline.services.submission) sets acknowledge_due=acknowledge_due_for(received_at).
* Feedback: due 3 months after the local date of the acknowledgement (`feedback_due_for`), set by
  hotline.services.workflow.report_acknowledge. A month-end date maps to the last day of the
  shorter month (30 November + 3 months = 28/29 February).

Reminders (hotline.tasks.send_deadline_reminders) go out for reports due within REMIND_DAYS or
overdue.
"""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from hotline.enums import Status

ACKNOWLEDGE_DAYS = 7
FEEDBACK_MONTHS = 3
REMIND_DAYS = 2
# Which deadline a report is waiting for, by status (the one place this is decided).
AWAITING_ACKNOWLEDGEMENT = frozenset({Status.RECEIVED})
AWAITING_FEEDBACK = frozenset({Status.ACKNOWLEDGED, Status.UNDER_INVESTIGATION})


def overdue_q(today: date) -> Q:
    """Reports past a deadline: not acknowledged after the acknowledgement date, or without
    a conclusion after the feedback date."""
    return Q(status__in=AWAITING_ACKNOWLEDGEMENT, acknowledge_due__lt=today) | Q(
        status__in=AWAITING_FEEDBACK, feedback_due__lt=today
    )


def acknowledgement_overdue(report, today: date) -> bool:
    return report.status in AWAITING_ACKNOWLEDGEMENT and report.acknowledge_due < today


def feedback_overdue(report, today: date) -> bool:
    return (
        report.status in AWAITING_FEEDBACK
        and report.feedback_due is not None
        and report.feedback_due < today
    )


def acknowledge_due_for(received_at: datetime) -> date:
    """The date by which a report received at `received_at` (aware) must be acknowledged."""
    return timezone.localdate(received_at) + timedelta(days=ACKNOWLEDGE_DAYS)


def feedback_due_for(acknowledged_at: datetime) -> date:
    """The date by which the reporter of a report acknowledged at `acknowledged_at` (aware)
    must have feedback."""
    return timezone.localdate(acknowledged_at) + relativedelta(months=FEEDBACK_MONTHS)


def acknowledged_on_time(received_at: datetime, acknowledged_at: datetime) -> bool:
    return timezone.localdate(acknowledged_at) <= acknowledge_due_for(received_at)


def feedback_on_time(acknowledged_at: datetime, concluded_at: datetime) -> bool:
    return timezone.localdate(concluded_at) <= feedback_due_for(acknowledged_at)


def acknowledgement_due_by(horizon: date):
    """Reports not yet acknowledged whose acknowledgement is due on or before `horizon`."""
    from hotline.models import Report

    return Report.objects.filter(
        status__in=AWAITING_ACKNOWLEDGEMENT,
        acknowledge_due__lte=horizon,
        anonymised_at__isnull=True,
    )


def feedback_due_by(horizon: date):
    """Acknowledged reports without a conclusion (the feedback) due on or before `horizon`."""
    from hotline.models import Report

    return Report.objects.filter(
        status__in=AWAITING_FEEDBACK,
        feedback_due__lte=horizon,
        anonymised_at__isnull=True,
    )


def still_due(acknowledge: list[dict], feedback: list[dict]) -> tuple[list[dict], list[dict]]:
    """The items of a queued reminder whose report is still waiting for that step (send time)."""
    from hotline.models import Report

    numbers = {item["number"] for item in acknowledge + feedback}
    status = dict(Report.objects.filter(number__in=numbers).values_list("number", "status"))
    return (
        [i for i in acknowledge if status.get(i["number"]) in AWAITING_ACKNOWLEDGEMENT],
        [i for i in feedback if status.get(i["number"]) in AWAITING_FEEDBACK],
    )


def _items(reports, field: str, today: date) -> list[dict]:
    return [
        {
            "number": r.number,
            "due": f"{getattr(r, field):%d.%m.%Y}",
            "overdue": getattr(r, field) < today,
        }
        for r in reports
    ]


def deadline_reminders_send(*, today: date | None = None, language: str = "ru") -> int:
    """The daily reminder to Compliance ("hotline.deadlines"): report NUMBERS (and due dates)
    whose acknowledgement or feedback is due within REMIND_DAYS calendar days or overdue. Each
    active Compliance member with an e-mail gets one e-mail a day (dedupe key with the date),
    without the reports they are excluded from. Returns how many notifications were created now."""
    from django.db import transaction

    from hotline.models import Report
    from hotline.notices import DEADLINES, compliance_recipients
    from notifications.services import Recipient, notify

    today = today or timezone.localdate()
    horizon = today + timedelta(days=REMIND_DAYS)
    acknowledge = list(acknowledgement_due_by(horizon).order_by("acknowledge_due", "id"))
    feedback = list(feedback_due_by(horizon).order_by("feedback_due", "id"))
    if not (acknowledge or feedback):
        return 0
    ids = [r.pk for r in acknowledge + feedback]
    excluded: dict[int, set[int]] = {}
    through = Report.excluded_officers.through
    for report_id, user_id in through.objects.filter(report_id__in=ids).values_list(
        "report_id", "user_id"
    ):
        excluded.setdefault(user_id, set()).add(report_id)
    from notifications.models import Notification

    todays = Notification.objects.filter(dedupe_key__startswith=f"{DEADLINES}:{today.isoformat()}:")
    before = todays.count()
    with transaction.atomic():
        for user in compliance_recipients():
            hidden = excluded.get(user.pk, set())
            ack = _items([r for r in acknowledge if r.pk not in hidden], "acknowledge_due", today)
            fb = _items([r for r in feedback if r.pk not in hidden], "feedback_due", today)
            if not (ack or fb):
                continue
            notify(
                event=DEADLINES,
                to=Recipient(email=user.email),
                language=language,
                context={
                    "acknowledge": ack,
                    "feedback": fb,
                    "date": f"{today:%d.%m.%Y}",
                    "language_code": language,
                },
                dedupe_key=f"{DEADLINES}:{today.isoformat()}:{user.pk}",
            )
    return todays.count() - before
