"""Reads of appeals for the public pages and the staff admin."""

from django.db.models import Aggregate, Count, FloatField, Prefetch, Q

from appeals.models import Appeal, AppealAttachment, AppealEvent
from pkop_portal import access_codes
from pkop_portal.code_reissue import find_by_contact
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
    """The appeal with registration `number` whose IIN (or, without one, identity document
    number), e-mail or phone on file is `contact` (for a new access code), else None
    (pkop_portal.code_reissue.find_by_contact)."""
    return find_by_contact(Appeal.objects.all(), number=number, contact=contact)


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


# The work-queue rules, each in one place: the list filters (appeals.admin, appeals.admin_queue),
# the dashboard tiles (pkop_portal.dashboard) and the statistics count with these conditions.
def appeal_q_open() -> Q:
    """Appeals still being worked on (registered or in work)."""
    from appeals import enums

    return Q(status__in=enums.OPEN_STATUSES)


def appeal_q_overdue(*, today) -> Q:
    """Open appeals whose answer was due before `today`."""
    return appeal_q_open() & Q(due_date__lt=today)


def appeal_q_due_soon(*, today) -> Q:
    """Open appeals due from `today` to 3 working days ahead (deadlines.WARN_WORKING_DAYS)."""
    from appeals import deadlines
    from pkop_portal import workdays

    horizon = workdays.add_working_days(today, deadlines.WARN_WORKING_DAYS)
    return appeal_q_open() & Q(due_date__gte=today, due_date__lte=horizon)


def appeal_q_answer_due_by(*, by) -> Q:
    """Open appeals whose answer is due on or before `by` (overdue included)."""
    return appeal_q_open() & Q(due_date__lte=by)


def appeal_q_unassigned() -> Q:
    """Open appeals nobody works on yet."""
    return appeal_q_open() & Q(executor__isnull=True)


def appeal_q_redirect_due_by(*, by) -> Q:
    """Appeals still registered and unassigned whose redirect deadline (APPK Art. 76: 3 working
    days after registration) is on or before `by` (overdue included)."""
    from appeals import enums

    return Q(status=enums.Status.REGISTERED, executor__isnull=True, redirect_due_date__lte=by)


def appeal_q_redirect_urgent(*, today) -> Q:
    """Awaiting a redirect decision: the redirect deadline passed or within 3 working days."""
    from appeals import deadlines
    from pkop_portal import workdays

    return appeal_q_redirect_due_by(
        by=workdays.add_working_days(today, deadlines.WARN_WORKING_DAYS)
    )


def appeal_filter_answer_due_by(queryset, *, by):
    """Open appeals of `queryset` whose answer is due on or before `by` (overdue included)."""
    return queryset.filter(appeal_q_answer_due_by(by=by))


def appeal_filter_redirect_due_by(queryset, *, by):
    """Appeals of `queryset` awaiting the redirect decision due on or before `by`."""
    return queryset.filter(appeal_q_redirect_due_by(by=by))


class Median(Aggregate):
    """percentile_cont(0.5) WITHIN GROUP (ORDER BY expr): PostgreSQL's continuous median."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def whole_median(value):
    """3.0 → 3 (as Python's statistics.median gives for an odd count); 3.5 stays."""
    return int(value) if value is not None and float(value).is_integer() else value


# The appeals a median of working days to answer rests on: answered, with the stored count
# (appeals.deadlines.appeal_answer_working_days, set by the workflow and migration 0011).
ANSWERED_WITH_DAYS = Q(status="answered", answer_working_days__isnull=False)


def _breakdown(queryset, field: str, choices=None) -> list[dict]:
    """{"value", "label", "count"} per value of `field` in `queryset` (one query): every choice
    in its order when `choices` are given (zeros included), else the values present, the most
    frequent first."""
    counts = {
        row[field]: row["n"]
        for row in queryset.order_by().values(field).annotate(n=Count("pk")).order_by()
    }
    if choices is not None:
        return [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in choices
        ]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    return [{"value": value, "label": value, "count": n} for value, n in ranked]


def appeal_statistics(*, queryset) -> dict:
    """Figures of the appeals of `queryset` (the statistics page passes those registered in a
    period), computed in the database.

    Returns "total", "open_now" (registered or in work), "overdue_now" (open and past the
    due date, local today), "answered" (status answered), "on_time" / "late" (the stored
    `answered_on_time`), "on_time_share" (percent of the answered, one decimal, None without
    answers), "median_working_days" (Kazakhstan working days from registration to the answer,
    the stored `answer_working_days`; None without answers), and the breakdowns "by_kind",
    "by_channel", "by_language" (every choice, zeros included), "by_category" (the categories
    present, most frequent first, labelled with their names), "by_month" (months present, in
    order, the value the month's first day): lists of {"value", "label", "count"}.

    A constant number of queries whatever the number of appeals: one aggregate (with the
    median: percentile_cont on PostgreSQL; on SQLite one more query reads the answered appeals'
    working days and Python takes the median), one per breakdown and one for category names."""
    from statistics import median

    from django.conf import settings
    from django.db import connections
    from django.db.models.functions import TruncMonth

    from appeals import enums
    from appeals.models import Category
    from pkop_portal import workdays

    queryset = queryset.order_by()
    today = workdays.local_now().date()
    open_q = appeal_q_open()
    on_postgres = connections[queryset.db].vendor == "postgresql"
    aggregates = {
        "total": Count("pk"),
        "open_now": Count("pk", filter=open_q),
        "overdue_now": Count("pk", filter=appeal_q_overdue(today=today)),
        "answered": Count("pk", filter=Q(status=enums.Status.ANSWERED)),
        "on_time": Count("pk", filter=Q(answered_on_time=True)),
        "late": Count("pk", filter=Q(answered_on_time=False)),
    }
    if on_postgres:
        aggregates["median_working_days"] = Median("answer_working_days", filter=ANSWERED_WITH_DAYS)
    figures = queryset.aggregate(**aggregates)
    if on_postgres:
        figures["median_working_days"] = whole_median(figures["median_working_days"])
    else:
        days = list(
            queryset.filter(ANSWERED_WITH_DAYS).values_list("answer_working_days", flat=True)
        )
        figures["median_working_days"] = whole_median(median(days)) if days else None
    answered = figures["answered"]
    figures["on_time_share"] = round(100 * figures["on_time"] / answered, 1) if answered else None

    names = {c.pk: c.name for c in Category.objects.all()}
    by_category = _breakdown(queryset, "category")
    for row in by_category:
        row["label"] = names.get(row["value"], row["value"])
    by_month = [
        {"value": row["month"], "label": row["month"], "count": row["n"]}
        for row in queryset.annotate(month=TruncMonth("registration_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    return {
        **figures,
        "by_kind": _breakdown(queryset, "kind", enums.Kind.choices),
        "by_category": by_category,
        "by_channel": _breakdown(queryset, "channel", enums.Channel.choices),
        "by_language": _breakdown(queryset, "language", settings.LANGUAGES),
        "by_month": by_month,
    }


def _repeat_candidates(
    *, iin: str, phone, category_id: int, registration_date, id_document_number: str = ""
):
    """Appeals of the same person (IIN, else identity document number; or phone) in the same
    category within 12 months, or None when the applicant gave none of them."""
    from datetime import timedelta

    from django.db.models import Q

    same_person = Q()
    if iin:
        same_person |= Q(iin=iin)
    elif id_document_number:
        same_person |= Q(id_document_number=id_document_number)
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
        id_document_number=appeal.id_document_number,
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


# appeal_has_possible_repeat's statement for a person's number (the IIN or an identity
# document's) and phone, the number only, the phone only.
_REPEAT_SQL = {
    ("iin", True): "SELECT 1 FROM appeals_appeal WHERE (iin = %s OR phone = %s)"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
    ("iin", False): "SELECT 1 FROM appeals_appeal WHERE iin = %s"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
    ("id_document_number", True): "SELECT 1 FROM appeals_appeal"
    " WHERE (id_document_number = %s OR phone = %s)"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
    ("id_document_number", False): "SELECT 1 FROM appeals_appeal WHERE id_document_number = %s"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
    (None, True): "SELECT 1 FROM appeals_appeal WHERE phone = %s"
    " AND category_id = %s AND registration_date >= %s LIMIT 1",
}


def appeal_has_possible_repeat(
    *, iin: str, phone: str, category_id: int, registration_date, id_document_number: str = ""
) -> bool:
    """Whether an appeal about to be registered repeats one of the last 12 months (the same
    rule as `_repeat_candidates`: the IIN, else the identity document number, or the phone;
    `phone` in E.164 as stored).

    On the submission path, so written as one prepared statement instead of a queryset: the
    ORM's Q/lookup compilation cost more CPU than the index-backed query itself."""
    from datetime import timedelta

    from django.db import connection

    if iin:
        person_column, params = "iin", [iin]
    elif id_document_number:
        person_column, params = "id_document_number", [id_document_number]
    elif phone:
        person_column, params = None, []
    else:
        return False
    if phone:
        params.append(str(phone))
    sql = _REPEAT_SQL[(person_column, bool(phone))]
    since = connection.ops.adapt_datefield_value(registration_date - timedelta(days=365))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, category_id, since])
        return cursor.fetchone() is not None
