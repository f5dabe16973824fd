"""Daily deadline warnings to executors and a digest to Heads (idempotent per day)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from appeals import enums
from appeals.models import Appeal
from notifications.services import Recipient, notify
from pkop_portal import workdays

WARN_WORKING_DAYS = 3


def _items(appeals, today: date) -> list[dict]:
    return [
        {
            "number": a.number,
            "subject": a.subject[:80],
            "due_date": f"{a.due_date:%d.%m.%Y}",
            "overdue": a.due_date < today,
        }
        for a in appeals
    ]


def appeal_deadline_warnings_send(*, today: date | None = None, language: str = "ru") -> int:
    """Notify each executor of their open appeals due within 3 working days or overdue, and
    each Head of all of them. One e-mail per person per day (dedupe key with the date), so a
    second run the same day sends nothing new. Returns the number of notifications created.
    """
    today = today or workdays.local_now().date()
    horizon = workdays.add_working_days(today, WARN_WORKING_DAYS)
    urgent = list(
        Appeal.objects.filter(status__in=enums.OPEN_STATUSES, due_date__lte=horizon)
        .select_related("executor")
        .order_by("due_date", "id")
    )
    if not urgent:
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
        for head in heads:
            created += len(
                notify(
                    event="staff.deadlines",
                    to=Recipient(email=head.email),
                    language=language,
                    context={"items": _items(urgent, today), "digest": True},
                    dedupe_key=f"staff.deadlines.digest:{today.isoformat()}:{head.pk}",
                )
            )
    return created
