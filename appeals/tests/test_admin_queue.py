"""The work queue (appeals.admin_queue): open appeals by default, the Executor's landing on
their own, working days left per appeal, bulk assign and bulk export, constant queries; and the
booking list opening on the visits still booked."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages

from appeals import admin_queue, enums
from appeals.models import AppealEvent, ExportLog
from appeals.tests.factories import AppealFactory, staff_user
from pkop_portal import workdays
from pkop_portal.models import CalendarDay

pytestmark = pytest.mark.django_db
URL = "/en/admin/appeals/appeal/"
ALMATY = ZoneInfo("Asia/Almaty")
# Wednesday 10 February 2027: no public holiday in Kazakhstan from 1 to 19 February.
WEDNESDAY = datetime(2027, 2, 10, 10, 0, tzinfo=ALMATY)
S = enums.Status


def listed(client, query="") -> list[str]:
    response = client.get(URL + query)
    assert response.status_code == 200
    return sorted(a.number for a in response.context["cl"].result_list)


def numbers(*appeals) -> list[str]:
    return sorted(a.number for a in appeals)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def every_status(executor):
    """One appeal in each status: registered, in work, answered, redirected, not considered."""
    return {
        status: AppealFactory(status=status, executor=executor if status != S.REGISTERED else None)
        for status in S.values
    }


# --- What is listed -----------------------------------------------------------------------------


def test_the_list_shows_open_appeals_unless_closed_ones_are_asked_for(client, head, every_status):
    client.force_login(head)
    registered, in_work, answered, redirected, not_considered = (
        every_status[s]
        for s in (S.REGISTERED, S.IN_WORK, S.ANSWERED, S.REDIRECTED, S.NOT_CONSIDERED)
    )
    assert listed(client) == numbers(registered, in_work)
    assert listed(client, "?state=open") == numbers(registered, in_work)
    assert listed(client, "?state=closed") == numbers(answered, redirected, not_considered)
    assert listed(client, "?state=all") == numbers(*every_status.values())
    # A status chosen wins over the state.
    assert listed(client, "?status__exact=answered") == numbers(answered)
    assert listed(client, "?status__exact=answered&state=open") == numbers(answered)
    # Searching a closed appeal's number finds it (the search asks for that appeal).
    assert listed(client, f"?q={answered.number}") == numbers(answered)
    assert listed(client, f"?q={answered.number}&state=open") == []
    # Answered on time or late: closed appeals, listed in every state.
    answered.answered_on_time = False
    answered.save()
    assert listed(client, "?answered_on_time__exact=0") == numbers(answered)


def test_the_state_filter_offers_open_closed_and_all_with_open_chosen(client, head):
    client.force_login(head)
    html = client.get(URL).content.decode()
    assert '<li class="selected">\n    <a href="?">Open</a></li>' in html
    assert '<a href="?state=closed">Closed</a>' in html
    assert '<a href="?state=all">All</a>' in html
    assert '<a href="?answered_on_time__exact=0">No</a>' in html
    html = client.get(URL + "?state=closed").content.decode()
    assert '<li class="selected">\n    <a href="?state=closed">Closed</a></li>' in html


def test_an_executors_bare_list_opens_on_their_own_open_appeals(client, executor):
    client.force_login(executor)
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, URL + "?mine=1")
    # Any parameter is a choice of theirs: no redirect.
    assert client.get(URL + "?state=all").status_code == 200


@pytest.mark.parametrize("group", ["Head", "Registrar", "Analyst"])
def test_other_roles_open_every_open_appeal_they_may_see(client, group):
    user = staff_user("staff", group)
    client.force_login(user)
    mine = AppealFactory(registered_by=user)
    AppealFactory(registered_by=user, status=S.ANSWERED)
    assert listed(client) == numbers(mine)


def test_an_executor_who_may_assign_is_not_sent_to_their_own(client, executor):
    executor.groups.add(*staff_user("head", "Head").groups.all())
    client.force_login(User.objects.get(pk=executor.pk))
    assert client.get(URL).status_code == 200


def test_mine_and_unassigned(client, head, executor):
    client.force_login(head)
    own = AppealFactory(executor=head, status=S.IN_WORK)
    AppealFactory(executor=head, status=S.ANSWERED)
    AppealFactory(executor=executor, status=S.IN_WORK)
    free = AppealFactory()
    AppealFactory(status=S.NOT_CONSIDERED)
    assert listed(client, "?mine=1") == numbers(own)
    assert listed(client, "?unassigned=1") == numbers(free)
    assert listed(client, "?unassigned=1&state=all") == numbers(free)


def test_the_executors_queue_is_their_open_appeals_overdue_first(client, executor, clock):
    clock.set(WEDNESDAY)
    today = WEDNESDAY.date()
    later = AppealFactory(executor=executor, status=S.IN_WORK, due_date=today + timedelta(9))
    late = AppealFactory(executor=executor, status=S.IN_WORK, due_date=today - timedelta(2))
    AppealFactory(executor=executor, status=S.ANSWERED, due_date=today - timedelta(20))
    AppealFactory(status=S.IN_WORK, due_date=today - timedelta(5))  # someone else's
    client.force_login(executor)
    response = client.get(URL, follow=True)
    assert [a.number for a in response.context["cl"].result_list] == [late.number, later.number]


# --- Columns ------------------------------------------------------------------------------------


def cell(html: str, appeal) -> str:
    row = html.split(f">{appeal.number}</a>")[1].split("</tr>")[0]
    return row.split('<td class="field-days_left">')[1].split("</td>")[0]


def test_days_left_in_working_days_with_overdue_red_and_near_amber(client, head, clock):
    clock.set(WEDNESDAY)
    CalendarDay.objects.create(date=date(2027, 2, 18), is_working=False, note="day off")

    def due(day):
        return AppealFactory(status=S.IN_WORK, due_date=date(2027, 2, day))

    friday, monday, today, next_monday, next_tuesday, far = (due(d) for d in (5, 8, 10, 15, 16, 19))
    closed = AppealFactory(status=S.ANSWERED, due_date=date(2027, 2, 1))
    client.force_login(head)
    html = client.get(URL + "?state=all").content.decode()

    def span(css, day, text):
        return f'<span class="{css}" title="Answer due {day:02d}.02.2027">{text}</span>'

    assert cell(html, friday) == span("appeal-overdue", 5, "overdue by 3 days")  # Mon–Wed
    assert cell(html, monday) == span("appeal-overdue", 8, "overdue by 2 days")
    assert cell(html, today) == span("appeal-due-soon", 10, "0")
    assert cell(html, next_monday) == span("appeal-due-soon", 15, "3")  # Thu, Fri, Mon
    assert cell(html, next_tuesday) == span("appeal-due", 16, "4")
    assert cell(html, far) == span("appeal-due", 19, "6")  # Thursday 18th is a day off
    assert cell(html, closed) == "—"


def test_an_appeal_due_on_friday_is_overdue_by_one_day_on_saturday():
    saturday, friday = date(2027, 2, 13), date(2027, 2, 12)
    assert admin_queue.days_left_html(friday, saturday) == (
        '<span class="appeal-overdue" title="Answer due 12.02.2027">overdue by 1 day</span>'
    )


def test_days_left_are_counted_once_per_due_date(monkeypatch):
    counted = []
    real = workdays.working_days_between
    monkeypatch.setattr(
        workdays, "working_days_between", lambda a, b: counted.append(b) or real(a, b)
    )
    column = admin_queue.days_left_column(today=WEDNESDAY.date())
    rows = [
        AppealFactory.build(status=S.IN_WORK, due_date=date(2027, 2, 10 + i % 2)) for i in range(6)
    ]
    cells = [column(row) for row in rows]
    assert len(counted) == 2
    assert cells[0] == cells[2] and cells[1] == cells[3]


def test_the_columns_of_the_queue(client, head, executor):
    executor.first_name, executor.last_name = "Айбек", "Сейтқали"
    executor.save()
    long_subject = " ".join(["Очень длинная тема обращения"] * 6)
    AppealFactory(executor=executor, status=S.IN_WORK, subject=long_subject)
    client.force_login(head)
    response = client.get(URL)
    headers = [h["text"] for h in response.context["cl"].result_list_context()["result_headers"]]
    assert headers[1:] == [
        "registration number",
        "subject",
        "category",
        "applicant",
        "working days left",
        "executor",
        "status",
    ]
    html = response.content.decode()
    text = long_subject
    assert f'<span class="appeal-subject" title="{text}">{text}</span>' in html
    assert '<td class="field-executor_name">Айбек Сейтқали</td>' in html


# --- Bulk assign ----------------------------------------------------------------------------------


def test_bulk_assign_assigns_each_open_appeal_and_reports_the_refused(client, head, executor):
    client.force_login(head)
    other = staff_user("other", "Executor")
    free = AppealFactory()
    taken = AppealFactory(executor=other, status=S.IN_WORK)
    closed = AppealFactory(status=S.ANSWERED)
    untouched = AppealFactory()
    chosen = {"action": "assign_selected", "_selected_action": [free.pk, taken.pk, closed.pk]}

    page = client.post(URL + "?state=all", chosen)
    assert page.status_code == 200
    html = page.content.decode()
    for appeal in (free, taken, closed):
        assert f"<li>{appeal.number} — " in html
    assert untouched.number not in html
    assert f'<option value="{executor.pk}">' in html

    response = client.post(
        URL + "?state=all",
        {**chosen, "apply": "yes", "executor": executor.pk, "department": "ОСО"},
    )
    assert response.status_code == 302
    assert response["Location"] == URL + "?state=all"
    for appeal in (free, taken, closed, untouched):
        appeal.refresh_from_db()
    assert (free.executor, free.status, free.department) == (executor, S.IN_WORK, "ОСО")
    assert (taken.executor, taken.status) == (executor, S.IN_WORK)
    assert (closed.executor, closed.status) == (None, S.ANSWERED)
    assert untouched.executor is None
    events = AppealEvent.objects.filter(kind=AppealEvent.Kind.ASSIGNED)
    assert sorted(e.appeal_id for e in events) == sorted([free.pk, taken.pk])
    assert {(e.by, e.new_value) for e in events} == {(head, executor.username)}
    assert messages_of(response) == [
        "2 appeals assigned.",
        f"1 appeal not assigned: {closed.number}: The appeal is Answered; this action is only "
        "for open appeals.",
    ]


def test_bulk_assign_without_an_executor_shows_the_form_again(client, head):
    client.force_login(head)
    appeal = AppealFactory()
    response = client.post(
        URL, {"action": "assign_selected", "_selected_action": [appeal.pk], "apply": "yes"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.executor is None


def test_executors_have_no_bulk_actions(client, executor):
    client.force_login(executor)
    mine = AppealFactory(executor=executor, status=S.IN_WORK)
    response = client.get(URL + "?mine=1")
    assert 'name="_selected_action"' not in response.content.decode()
    client.post(
        URL + "?mine=1",
        {
            "action": "assign_selected",
            "_selected_action": [mine.pk],
            "apply": "yes",
            "executor": executor.pk,
        },
    )
    assert not AppealEvent.objects.filter(kind=AppealEvent.Kind.ASSIGNED).exists()


# --- Bulk export ----------------------------------------------------------------------------------


def test_bulk_export_csv_of_the_selected_appeals_is_logged(client, head):
    client.force_login(head)
    first, second, left_out = AppealFactory.create_batch(3)
    response = client.post(
        URL,
        {"action": "export_selected_csv", "_selected_action": [first.pk, second.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == "Registration number"
    assert sorted(row[0] for row in rows[1:]) == numbers(first, second)
    log = ExportLog.objects.get()
    assert (log.by, log.file_format, log.row_count) == (head, "csv", 2)
    assert sorted(log.appeals.values_list("pk", flat=True)) == sorted([first.pk, second.pk])
    assert log.filters == f"selected={first.pk}&selected={second.pk}"


def test_bulk_export_xlsx_starts_a_job(client, head, django_capture_on_commit_callbacks):
    client.force_login(head)
    first, _second = AppealFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL + "?state=all",
            {"action": "export_selected_xlsx", "_selected_action": [first.pk]},
        )
    assert response.status_code == 302
    assert "/admin/pkop_portal/exportjob/" in response["Location"]
    log = ExportLog.objects.get()
    assert (log.file_format, log.row_count, log.filters) == (
        "xlsx",
        1,
        f"state=all&selected={first.pk}",
    )


def test_bulk_export_needs_the_export_permission(client):
    registrar = staff_user("registrar", "Registrar")
    client.force_login(registrar)
    appeal = AppealFactory(registered_by=registrar)
    client.post(URL, {"action": "export_selected_csv", "_selected_action": [appeal.pk]})
    assert ExportLog.objects.count() == 0


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["Head", "Executor"])
def test_the_queue_costs_the_same_for_2_and_12_appeals(client, query_count, group):
    user = staff_user("staff", group)
    client.force_login(user)
    today = workdays.local_now().date()
    query = "?mine=1" if group == "Executor" else ""

    def make(count, start):
        for i in range(start, start + count):
            AppealFactory(
                executor=user,
                status=S.IN_WORK,
                due_date=today + timedelta(days=i - 4),  # a different due date each
                subject=f"Тема {i}",
            )

    def count(rows):
        queries, response = query_count(lambda: client.get(URL + query))
        assert response.status_code == 200
        assert response.context["cl"].result_count == rows
        return queries

    make(2, 0)
    two = count(2)
    make(10, 2)
    assert count(12) == two


# --- The booking list -----------------------------------------------------------------------------


def test_the_booking_list_opens_on_the_visits_still_booked(client):
    from reception.models import Booking
    from reception.tests.factories import ManagerFactory, booking_make

    manager = ManagerFactory()
    now = workdays.local_now().replace(minute=0, second=0, microsecond=0)
    plan = [
        ("yesterday", -24, Booking.Status.BOOKED),
        ("earlier_today", -now.hour, Booking.Status.BOOKED),
        ("tomorrow", 24, Booking.Status.BOOKED),
        ("cancelled", 48, Booking.Status.CANCELLED_BY_CITIZEN),
        ("no_show", -48, Booking.Status.NO_SHOW),
    ]
    made = {
        name: booking_make(now + timedelta(hours=hours), status, manager=manager)
        for name, hours, status in plan
    }
    client.force_login(staff_user("secretary", "Reception secretary"))
    bookings = "/en/admin/reception/booking/"

    def shown(query=""):
        return sorted(b.number for b in client.get(bookings + query).context["cl"].result_list)

    def named(*names):
        return sorted(made[n].number for n in names)

    # Yesterday's booked visit is still to be marked attended or not come.
    assert shown() == named("yesterday", "earlier_today", "tomorrow")
    assert shown("?state=all") == sorted(b.number for b in made.values())
    assert shown("?status__exact=no_show") == named("no_show")
    assert shown("?status__exact=booked") == named("yesterday", "earlier_today", "tomorrow")
    html = client.get(bookings).content.decode()
    assert '<li class="selected">\n    <a href="?">Booked: to receive or to mark</a></li>' in html
