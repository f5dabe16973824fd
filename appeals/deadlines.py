"""Deadline rules of appeals (APPK Art. 76) and the daily warnings to staff.

The rule for "answered on time" lives here once: the workflow stores its result when an appeal
is answered, and statistics and exports read the stored value.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from appeals import selectors
from appeals.models import Appeal, AppealEvent
from notifications.services import Recipient, notify
from pkop_portal import workdays
from pkop_portal.deadlines import EVENT_DATE_FORMAT

WARN_WORKING_DAYS = 3


def _local_date(moment: datetime) -> date:
    return moment.astimezone(workdays.LOCAL_TZ).date()


def due_date_in_force(
    *, statutory_due_date: date, extensions: Iterable[tuple[datetime, date]]
) -> date:
    """The answer due date that counts, from the statutory date and the extensions granted
    (when, to which date), in the order granted.

    An extension moves the due date only if it was granted (local date) on or before the due
    date in force at that moment; a late one counts for nothing, so data extended after the
    deadline can never turn an overdue appeal into one answered on time.
    """
    due = statutory_due_date
    for granted_at, new_due in sorted(extensions, key=lambda item: item[0]):
        if _local_date(granted_at) <= due < new_due:
            due = new_due
    return due


def answered_on_time(*, answered_at: datetime, due_date: date) -> bool:
    """Answered (local date, Asia/Almaty) on or before `due_date`: the due day itself counts."""
    return _local_date(answered_at) <= due_date


def appeal_answered_on_time(*, appeal: Appeal, answered_at: datetime) -> bool:
    """Whether `appeal`, answered at `answered_at`, was answered on time: against the
    statutory due date as moved by its extensions in time (history rows, one query)."""
    extensions = []
    for granted_at, new_value in AppealEvent.objects.filter(
        appeal_id=appeal.pk, kind=AppealEvent.Kind.EXTENDED
    ).values_list("at", "new_value"):
        try:
            extensions.append((granted_at, datetime.strptime(new_value, EVENT_DATE_FORMAT).date()))
        except ValueError:
            continue  # an unreadable extension row moves nothing: the stricter reading
    due = due_date_in_force(statutory_due_date=appeal.statutory_due_date, extensions=extensions)
    return answered_on_time(answered_at=answered_at, due_date=due)


def appeal_answer_working_days(*, registration_date: date, answered_at: datetime) -> int:
    """Kazakhstan working days from registration to the answer: working days after
    `registration_date` up to and including the answer's local date (Asia/Almaty), staff
    calendar overrides included; 0 for an answer on the registration day. Stored on the appeal
    when it is answered (Appeal.answer_working_days) and read by the statistics."""
    return workdays.working_days_between(registration_date, _local_date(answered_at))


def _items(appeals, today: date, field: str = "due_date") -> list[dict]:
    return [
        {
            "number": a.number,
            "subject": a.subject[:80],
            "due_date": f"{getattr(a, field):%d.%m.%Y}",
            "overdue": getattr(a, field) < today,
        }
        for a in appeals
    ]


def appeal_deadline_warnings_send(*, today: date | None = None, language: str = "ru") -> int:
    """The daily deadline warnings (staff.deadlines e-mails).

    Each executor gets their open appeals due within 3 working days or overdue; each Head gets
    a digest of all of them plus the appeals still registered and unassigned whose 3-working-day
    redirect deadline is within the same horizon or past (an appeal outside the company's
    competence must be redirected by then). One e-mail per person per day (dedupe key with the
    date), so a second run the same day sends nothing new. Returns the notifications created.
    """
    today = today or workdays.local_now().date()
    horizon = workdays.add_working_days(today, WARN_WORKING_DAYS)
    urgent = list(
        selectors.appeal_filter_answer_due_by(Appeal.objects.all(), by=horizon)
        .select_related("executor")
        .order_by("due_date", "id")
    )
    to_redirect = list(
        selectors.appeal_filter_redirect_due_by(Appeal.objects.all(), by=horizon).order_by(
            "redirect_due_date", "id"
        )
    )
    if not (urgent or to_redirect):
        return 0
    created = 0
    with transaction.atomic():
        by_executor: dict[int, list[Appeal]] = {}
        for appeal in urgent:
            if appeal.executor_id and appeal.executor.email:
                by_executor.setdefault(appeal.executor_id, []).append(appeal)
        for appeals in by_executor.values():
            executor = appeals[0].executor
            created += len(
                notify(
                    event="staff.deadlines",
                    to=Recipient(email=executor.email),
                    language=language,
                    context={"items": _items(appeals, today), "digest": False},
                    dedupe_key=f"staff.deadlines:{today.isoformat()}:{executor.pk}",
                )
            )
        heads = (
            get_user_model()
            .objects.filter(groups__name="Head", is_active=True, email__gt="")
            .distinct()
        )
        digest = {
            "items": _items(urgent, today),
            "redirect_items": _items(to_redirect, today, field="redirect_due_date"),
            "digest": True,
        }
        for head in heads:
            created += len(
                notify(
                    event="staff.deadlines",
                    to=Recipient(email=head.email),
                    language=language,
                    context=digest,
                    dedupe_key=f"staff.deadlines.digest:{today.isoformat()}:{head.pk}",
                )
            )
    return created
