"""Reads of appeals for the public pages and the staff admin."""

from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Prefetch,
    Q,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from appeals.models import Appeal, AppealAttachment, AppealEvent
from pkop_portal import access_codes
from pkop_portal.code_reissue import contact_matches as _contact_matches
from pkop_portal.sequences import normalise_number as _normalise_number


def appeal_get_for_applicant(*, number: str, code: str) -> Appeal | None:
    """The appeal if number and access code match, else None (the same for either mistake).

    The code is checked under every accepted key (pkop_portal.keys), also for an unknown
    number, so the response time does not tell which was wrong."""
    number = _normalise_number(number)
    appeal = Appeal.objects.filter(number=number).only("pk", "number", "access_code_hash").first()
    stored = appeal.access_code_hash if appeal else "0" * 64
    matches = access_codes.check_access_code(number=number, code=code, stored_hash=stored)
    return appeal if appeal is not None and matches else None


def appeal_find_by_contact(*, number: str, contact: str) -> Appeal | None:
    """The appeal with registration `number` whose IIN, e-mail or phone on file is `contact`
    (for a new access code), else None. An unknown number costs the same comparisons."""
    number = _normalise_number(number)
    appeal = Appeal.objects.filter(number=number).only("pk", "iin", "email", "phone").first()
    matches = _contact_matches(
        typed=contact,
        iin=appeal.iin if appeal else "",
        email=appeal.email if appeal else "",
        phone=appeal.phone.as_e164 if appeal and appeal.phone else "",
    )
    return appeal if appeal is not None and matches else None


def appeal_public_view(*, appeal_id: int) -> Appeal:
    """An appeal with its public history, messages and files, for the tracking page."""
    public = AppealEvent.objects.filter(kind__in=AppealEvent.PUBLIC_KINDS).order_by("at", "id")
    return (
        Appeal.objects.select_related("category")
        .prefetch_related(
            Prefetch("events", queryset=public, to_attr="public_events"),
            Prefetch("messages__attachments", queryset=AppealAttachment.objects.order_by("id")),
        )
        .get(pk=appeal_id)
    )


def appeal_list_for_staff(*, user):
    """Appeals a staff member may see: Heads and Analysts all, Executors theirs, Registrars
    what they registered (a member of several groups sees the union)."""
    from django.db.models import Q

    queryset = Appeal.objects.select_related("category", "executor", "registered_by")
    if user.is_superuser or user.groups.filter(name__in=["Head", "Analyst"]).exists():
        return queryset
    condition = Q(pk__in=[])
    names = set(user.groups.values_list("name", flat=True))
    if "Executor" in names:
        condition |= Q(executor=user)
    if "Registrar" in names:
        condition |= Q(registered_by=user)
    return queryset.filter(condition)


def appeal_personal_data_visible(*, user) -> bool:
    """Whether `user` sees applicants' personal data (name, IIN, address, phone, e-mail) in
    full on an appeal's page: only those who work on appeals (register or act on them).
    Read-only staff (Analysts) see them masked everywhere, as lists do for everyone (Law 94-V:
    IIN and address are restricted-access data)."""
    return user.has_perm("appeals.add_appeal") or user.has_perm("appeals.change_appeal")


def appeal_filter_answer_due_by(queryset, *, by):
    """Open appeals of `queryset` whose answer is due on or before `by` (overdue included)."""
    from appeals import enums

    return queryset.filter(status__in=enums.OPEN_STATUSES, due_date__lte=by)


def appeal_filter_redirect_due_by(queryset, *, by):
    """Appeals of `queryset` still registered and unassigned whose redirect deadline (APPK
    Art. 76: 3 working days after registration) is on or before `by` (overdue included)."""
    from appeals import enums

    return queryset.filter(
        status=enums.Status.REGISTERED, executor__isnull=True, redirect_due_date__lte=by
    )


class Median(Aggregate):
    """percentile_cont(0.5) WITHIN GROUP (ORDER BY expr): PostgreSQL's continuous median."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def answer_days():
    """Days from registration to the answer (the answer's local date): an integer on
    PostgreSQL (date - date)."""
    return Func(
        TruncDate("answered_at"),
        F("registration_date"),
        arg_joiner=" - ",
        template="(%(expressions)s)",
        output_field=IntegerField(),
    )


def whole_median(value):
    """3.0 → 3 (as Python's statistics.median gives for an odd count); 3.5 stays."""
    return int(value) if value is not None and float(value).is_integer() else value


def appeal_statistics(*, queryset) -> dict:
    """Figures for the statistics page over `queryset`, computed in the database: one aggregate
    for the totals and the median days to answer (percentile_cont on PostgreSQL; on SQLite the
    answered appeals' dates are read and the median taken in Python), one for the extensions,
    one per breakdown (kind, channel, category, month) and the category names: a constant
    number of queries, whatever the number of appeals."""
    from statistics import median

    from django.db import connections
    from django.db.models.functions import TruncMonth

    from appeals import enums
    from appeals.models import Category
    from pkop_portal import workdays

    today = workdays.local_now().date()
    answered_q = Q(status=enums.Status.ANSWERED, answered_at__isnull=False)
    on_postgres = connections[queryset.db].vendor == "postgresql"
    aggregates = {
        "total": Count("pk"),
        "answered": Count("pk", filter=Q(status=enums.Status.ANSWERED)),
        "on_time": Count("pk", filter=Q(status=enums.Status.ANSWERED, answered_on_time=True)),
        "open_now": Count("pk", filter=Q(status__in=enums.OPEN_STATUSES)),
        "overdue_now": Count("pk", filter=Q(status__in=enums.OPEN_STATUSES, due_date__lt=today)),
        "repeats": Count("pk", filter=Q(repeat_of__isnull=False)),
    }
    if on_postgres:
        aggregates["median_days"] = Median(answer_days(), filter=answered_q)
    totals = queryset.order_by().aggregate(**aggregates)
    if on_postgres:
        totals["median_days"] = whole_median(totals["median_days"])
    else:
        days = [
            (timezone.localtime(answered_at).date() - registered).days
            for registered, answered_at in queryset.filter(answered_q)
            .order_by()
            .values_list("registration_date", "answered_at")
        ]
        totals["median_days"] = median(days) if days else None
    totals["extensions"] = AppealEvent.objects.filter(
        appeal__in=queryset.order_by().values("pk"), kind=AppealEvent.Kind.EXTENDED
    ).count()
    answered = totals["answered"]
    totals["on_time_share"] = round(100 * totals["on_time"] / answered, 1) if answered else None

    def by(field, choices=None):
        rows = queryset.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field)
        labels = dict(choices or [])
        return [(labels.get(r[field], r[field]), r["n"]) for r in rows]

    categories = {c.pk: c.name for c in Category.objects.all()}
    return {
        **totals,
        "by_kind": by("kind", enums.Kind.choices),
        "by_channel": by("channel", enums.Channel.choices),
        "by_category": [(categories.get(pk, pk), n) for pk, n in by("category")],
        "by_month": [
            (r["month"], r["n"])
            for r in queryset.order_by()
            .annotate(month=TruncMonth("registration_date"))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by("month")
        ],
    }


def _repeat_candidates(*, iin: str, phone, category_id: int, registration_date):
    """Appeals of the same person (IIN or phone) in the same category within 12 months,
    or None when the applicant gave neither."""
    from datetime import timedelta

    from django.db.models import Q

    same_person = Q()
    if iin:
        same_person |= Q(iin=iin)
    if phone:
        same_person |= Q(phone=phone)
    if not same_person:
        return None
    return Appeal.objects.filter(
        same_person,
        category_id=category_id,
        registration_date__gte=registration_date - timedelta(days=365),
    )


def appeal_possible_repeats(*, appeal: Appeal, user=None, limit: int = 10):
    """Other appeals that `appeal` may repeat (or that repeat it), newest first; with `user`,
    only those the user may see (appeal_list_for_staff)."""
    candidates = _repeat_candidates(
        iin=appeal.iin,
        phone=appeal.phone,
        category_id=appeal.category_id,
        registration_date=appeal.registration_date,
    )
    if candidates is None:
        return Appeal.objects.none()
    if user is not None:
        candidates = candidates.filter(pk__in=appeal_list_for_staff(user=user).values("pk"))
    return (
        candidates.exclude(pk=appeal.pk)
        .only("pk", "number", "status", "registration_date", "subject")
        .order_by("-registration_date", "-pk")[:limit]
    )


# appeal_has_possible_repeat's statement for IIN and phone, IIN only, phone only.
_REPEAT_SQL = {
    "both": "SELECT 1 FROM appeals_appeal WHERE (iin = %s OR phone = %s)"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
    "iin": "SELECT 1 FROM appeals_appeal WHERE iin = %s"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
    "phone": "SELECT 1 FROM appeals_appeal WHERE phone = %s"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
}


def appeal_has_possible_repeat(
    *, iin: str, phone: str, category_id: int, registration_date
) -> bool:
    """Whether an appeal about to be registered repeats one of the last 12 months (the same
    rule as `_repeat_candidates`; `phone` in E.164 as stored).

    On the submission path, so written as one prepared statement instead of a queryset: the
    ORM's Q/lookup compilation cost more CPU than the index-backed query itself."""
    from datetime import timedelta

    from django.db import connection

    if iin and phone:
        sql, params = _REPEAT_SQL["both"], [iin, str(phone)]
    elif iin:
        sql, params = _REPEAT_SQL["iin"], [iin]
    elif phone:
        sql, params = _REPEAT_SQL["phone"], [str(phone)]
    else:
        return False
    since = connection.ops.adapt_datefield_value(registration_date - timedelta(days=365))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, category_id, since])
        return cursor.fetchone() is not None
