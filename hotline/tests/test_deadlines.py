"""Deadlines in calendar days (Asia/Almaty) and the daily reminder to Compliance."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline import deadlines, enums
from hotline.services import workflow
from hotline.tests.factories import ReportFactory
from hotline.tests.test_workflow import staff
from notifications.models import Notification
from notifications.rendering import render_message

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
S = enums.Status


def at(*args):
    return datetime(*args, tzinfo=ALMATY)


@pytest.mark.parametrize(
    "received, due",
    [
        (at(2026, 3, 1, 0, 5), date(2026, 3, 8)),
        (at(2026, 3, 1, 23, 55), date(2026, 3, 8)),
        # 23:30 UTC on 28 February is already 1 March in Shymkent.
        (datetime(2026, 2, 28, 23, 30, tzinfo=ZoneInfo("UTC")), date(2026, 3, 8)),
        (at(2026, 12, 28, 10), date(2027, 1, 4)),
    ],
)
def test_acknowledgement_due_seven_calendar_days_after_the_local_date(received, due):
    assert deadlines.acknowledge_due_for(received) == due


@pytest.mark.parametrize(
    "acknowledged, due",
    [
        (at(2026, 1, 15, 9), date(2026, 4, 15)),
        (at(2026, 11, 30, 9), date(2027, 2, 28)),  # month end: the shorter month's last day
        (at(2027, 11, 30, 9), date(2028, 2, 29)),  # leap year
        (at(2026, 8, 31, 9), date(2026, 11, 30)),
        (at(2026, 12, 31, 23, 59), date(2027, 3, 31)),
    ],
)
def test_feedback_due_three_months_after_the_acknowledgement_date(acknowledged, due):
    assert deadlines.feedback_due_for(acknowledged) == due


def test_acknowledge_sets_feedback_due_from_the_frozen_clock(clock):
    officer = staff("officer", "Compliance officer")
    clock.set(at(2026, 11, 30, 23, 50))
    report = ReportFactory(received_at=at(2026, 11, 25, 10))
    workflow.report_acknowledge(report_id=report.pk, by=officer)
    report.refresh_from_db()
    assert report.feedback_due == date(2027, 2, 28)


def test_on_time_boundaries_day_7_vs_day_8():
    received = at(2026, 3, 1, 18)
    assert deadlines.acknowledged_on_time(received, at(2026, 3, 8, 23, 59))
    assert not deadlines.acknowledged_on_time(received, at(2026, 3, 9, 0, 1))
    acknowledged = at(2026, 11, 30, 9)
    assert deadlines.feedback_on_time(acknowledged, at(2027, 2, 28, 23))
    assert not deadlines.feedback_on_time(acknowledged, at(2027, 3, 1, 0, 1))


# --- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def team():
    return {
        "officer": staff("officer", "Compliance officer"),
        "head": staff("head", "Compliance head"),
        "root": staff("root", "Head", superuser=True),
        "clerk": staff("clerk", "Head"),
        "gone": staff("gone", "Compliance officer", is_active=False),
    }


def reminded():
    return {
        row.recipient_email: row for row in Notification.objects.filter(event="hotline.deadlines")
    }


def numbers(row, key):
    return [item["number"] for item in row.context[key]]


def test_reminder_lists_numbers_due_within_two_days_or_overdue(team, clock):
    clock.set(at(2026, 3, 10, 8, 35))
    due_in_2 = ReportFactory(acknowledge_due=date(2026, 3, 12))
    ReportFactory(acknowledge_due=date(2026, 3, 13))  # 3 days: not yet
    overdue = ReportFactory(acknowledge_due=date(2026, 3, 1))
    ReportFactory(status=S.ACKNOWLEDGED, acknowledge_due=date(2026, 3, 1),
                  feedback_due=date(2026, 6, 1))  # fmt: skip
    feedback = ReportFactory(status=S.UNDER_INVESTIGATION, acknowledge_due=date(2026, 1, 1),
                             feedback_due=date(2026, 3, 12))  # fmt: skip
    ReportFactory(status=S.CONCLUDED, conclusion="substantiated",
                  acknowledge_due=date(2026, 1, 1), feedback_due=date(2026, 3, 1))  # fmt: skip

    created = deadlines.deadline_reminders_send()

    rows = reminded()
    assert created == 2 and set(rows) == {"officer@example.kz", "head@example.kz"}
    row = rows["officer@example.kz"]
    assert numbers(row, "acknowledge") == [overdue.number, due_in_2.number]
    assert numbers(row, "feedback") == [feedback.number]
    assert [i["overdue"] for i in row.context["acknowledge"]] == [True, False]
    # Numbers and dates only: no content of any report.
    assert set(row.context) == {"acknowledge", "feedback", "date", "language_code"}
    assert all(set(i) == {"number", "due", "overdue"} for i in row.context["acknowledge"])
    message = render_message(event=row.event, language="ru", context=row.context, channel="email")
    assert overdue.number in message.text and overdue.description[:15] not in message.text
    assert overdue.location not in message.html


def test_reminder_is_idempotent_per_day(team, clock):
    clock.set(at(2026, 3, 10, 8, 35))
    ReportFactory(acknowledge_due=date(2026, 3, 10))
    assert deadlines.deadline_reminders_send() == 2
    assert deadlines.deadline_reminders_send() == 0
    clock.set(at(2026, 3, 11, 8, 35))
    assert deadlines.deadline_reminders_send() == 2
    assert Notification.objects.filter(event="hotline.deadlines").count() == 4


def test_reminder_skips_reports_an_officer_is_excluded_from(team, clock):
    clock.set(at(2026, 3, 10, 8, 35))
    report = ReportFactory(acknowledge_due=date(2026, 3, 10))
    report.excluded_officers.add(team["officer"])
    deadlines.deadline_reminders_send()
    assert set(reminded()) == {"head@example.kz"}


def test_nothing_due_sends_nothing(team, clock):
    clock.set(at(2026, 3, 10, 8, 35))
    ReportFactory(acknowledge_due=date(2026, 3, 20))
    assert deadlines.deadline_reminders_send() == 0
    assert not Notification.objects.exists()


def test_a_report_handled_before_sending_is_dropped_at_send_time(team, clock):
    from notifications.events import SkipDelivery
    from notifications.services import notification_deliver

    clock.set(at(2026, 3, 10, 8, 35))
    report = ReportFactory(acknowledge_due=date(2026, 3, 10))
    deadlines.deadline_reminders_send()
    row = reminded()["officer@example.kz"]
    workflow.report_acknowledge(report_id=report.pk, by=team["head"])
    with pytest.raises(SkipDelivery):
        render_message(event=row.event, language="ru", context=row.context, channel="email")
    Notification.objects.filter(pk=row.pk).update(status="pending")
    assert notification_deliver(notification_id=row.pk).status == "cancelled"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "field", "days_after_due", "overdue"),
    [
        ("received", "acknowledge_due", 0, False),
        ("received", "acknowledge_due", 1, True),
        ("acknowledged", "acknowledge_due", 1, False),
        ("acknowledged", "feedback_due", 0, False),
        ("acknowledged", "feedback_due", 1, True),
        ("under_investigation", "feedback_due", 1, True),
        ("concluded", "feedback_due", 1, False),
    ],
)
def test_overdue_rule_is_one_rule_for_rows_and_lists(status, field, days_after_due, overdue):
    """The admin's overdue column and filter both come from hotline.deadlines: the day of the
    deadline is not overdue, the next day is, and only while the report waits for that step."""
    from datetime import date, timedelta

    from hotline import deadlines
    from hotline.models import Report
    from hotline.tests.factories import ReportFactory

    due = date(2026, 3, 10)
    extra = {"conclusion": "not_substantiated"} if status == "concluded" else {}
    # Only the deadline under test falls on `due`; the other one is far away.
    other = due + timedelta(days=90)
    dates = (
        {"acknowledge_due": due, "feedback_due": other}
        if field == "acknowledge_due"
        else {"acknowledge_due": due - timedelta(days=30), "feedback_due": due}
    )
    report = ReportFactory(status=status, **dates, **extra)
    today = due + timedelta(days=days_after_due)
    row = (
        deadlines.acknowledgement_overdue(report, today)
        if field == "acknowledge_due"
        else deadlines.feedback_overdue(report, today)
    )
    assert row is overdue
    assert Report.objects.filter(deadlines.overdue_q(today), pk=report.pk).exists() is overdue
