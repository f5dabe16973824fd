"""Deadlines of APPK Art. 64 and 76 made exact: the 18:00 cut-off at registration, the fixed
statutory due date and the redirect deadline, extensions only before the due date passes, and
"answered on time" that late data can never turn true."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from appeals import deadlines, enums, services, workflow
from appeals.models import AppealEvent, Category
from appeals.tests.factories import VALID_IIN, AppealFactory, staff_user
from notifications.models import Notification

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def paper_appeal(received_at):
    """A box appeal registered by an officer, received at `received_at`."""
    return services.appeal_submit(
        data=services.AppealInput(
            applicant_type=enums.ApplicantType.INDIVIDUAL,
            kind=enums.Kind.STATEMENT,
            category=Category.objects.get(slug="charity"),
            subject="Помощь многодетной семье",
            text="Прошу оказать помощь.",
            language="ru",
            full_name="Айгерим Садыкова",
            iin=VALID_IIN,
            address="Шымкент",
            channel=enums.Channel.BOX,
        ),
        received_at=received_at,
        registered_by=staff_user("registrar", "Registrar"),
    ).appeal


# --- Registration: the 18:00 cut-off, through appeal_submit ----------------------------------


@pytest.mark.parametrize(
    ("received", "registered", "redirect_due", "due"),
    [
        # Friday 27 November 2026, a working day; Monday 30 November is the next one.
        (datetime(2026, 11, 27, 17, 59), date(2026, 11, 27), date(2026, 12, 2), date(2026, 12, 21)),
        (datetime(2026, 11, 27, 18, 0), date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 22)),
        (datetime(2026, 11, 27, 18, 1), date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 22)),
        # Saturday: the time of day does not matter.
        (datetime(2026, 11, 28, 17, 59), date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 22)),
        (datetime(2026, 11, 28, 18, 0), date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 22)),
        (datetime(2026, 11, 28, 18, 1), date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 22)),
        # Tuesday 24 March 2026, a Nauryz holiday on a weekday (25 March too).
        (datetime(2026, 3, 24, 17, 59), date(2026, 3, 26), date(2026, 3, 31), date(2026, 4, 16)),
    ],
)
def test_submit_registers_by_the_1800_cutoff_with_all_three_dates(
    received, registered, redirect_due, due
):
    appeal = paper_appeal(received.replace(tzinfo=ALMATY))
    assert appeal.registration_date == registered
    assert (appeal.due_date, appeal.statutory_due_date) == (due, due)
    assert appeal.redirect_due_date == redirect_due
    assert appeal.extended_at is None


def test_submit_reads_the_calendar_once(query_count):
    from pkop_portal import workdays

    received = datetime(2026, 11, 27, 18, 0, tzinfo=ALMATY)
    queries, dates = query_count(lambda: workdays.registration_and_due_dates(received, 15, 3))
    assert dates == (date(2026, 11, 30), date(2026, 12, 22), date(2026, 12, 3))
    assert queries == 1


# --- The rule for "answered on time" ----------------------------------------------------------


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY)


STATUTORY = date(2026, 12, 21)


def test_due_date_in_force_follows_only_extensions_granted_in_time():
    first = date(2027, 1, 8)
    second = date(2027, 1, 20)
    in_force = deadlines.due_date_in_force
    assert in_force(statutory_due_date=STATUTORY, extensions=[]) == STATUTORY
    # Granted on the due date itself: counts.
    assert in_force(statutory_due_date=STATUTORY, extensions=[(at(STATUTORY, 23, 59), first)]) == (
        first
    )
    # Granted the day after: counts for nothing.
    late = [(at(STATUTORY + timedelta(days=1), 0, 1), first)]
    assert in_force(statutory_due_date=STATUTORY, extensions=late) == STATUTORY
    # A second extension after the statutory date but before the first new one: counts.
    chain = [(at(date(2026, 12, 18)), first), (at(date(2027, 1, 5)), second)]
    assert in_force(statutory_due_date=STATUTORY, extensions=chain) == second
    # A late first extension cannot make a later one timely either.
    broken = [(at(date(2026, 12, 23)), first), (at(date(2027, 1, 5)), second)]
    assert in_force(statutory_due_date=STATUTORY, extensions=broken) == STATUTORY


def in_work(executor, **kwargs):
    defaults = {
        "registration_date": date(2026, 11, 27),
        "due_date": STATUTORY,
        "statutory_due_date": STATUTORY,
        "executor": executor,
        "status": enums.Status.IN_WORK,
    }
    return AppealFactory(**{**defaults, **kwargs})


def answer(appeal, by):
    workflow.appeal_answer(
        appeal_id=appeal.pk, by=by, outcome="explained", reasoning="r", legal_basis="АППК ст. 76"
    )
    appeal.refresh_from_db()
    return appeal


def test_answer_on_the_due_date_is_on_time_and_the_day_after_is_late(executor, clock):
    on_the_day, day_after = in_work(executor), in_work(executor)
    clock.set(at(STATUTORY, 23, 59))
    assert answer(on_the_day, executor).answered_on_time is True
    # 00:01 in Shymkent is still the due date in UTC: the local date decides.
    clock.set(at(STATUTORY + timedelta(days=1), 0, 1))
    assert answer(day_after, executor).answered_on_time is False
    assert day_after.answered_at == at(STATUTORY + timedelta(days=1), 0, 1)


def test_extension_once_the_due_date_has_passed_is_refused(head, executor, clock):
    appeal = in_work(executor)
    clock.set(at(STATUTORY + timedelta(days=1), 9, 0))
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        workflow.appeal_extend(
            appeal_id=appeal.pk, by=head, new_due=date(2027, 1, 15), reason="Запрос документов"
        )
    assert exc.value.code == "overdue"
    assert exc.value.messages == [
        "The answer was due on 21.12.2026; a deadline that has passed cannot be extended."
    ]
    appeal.refresh_from_db()
    assert (appeal.due_date, appeal.statutory_due_date, appeal.extended_at) == (
        STATUTORY,
        STATUTORY,
        None,
    )
    assert not appeal.events.exists()
    assert not Notification.objects.filter(event="appeal.extended").exists()
    assert answer(appeal, executor).answered_on_time is False


def test_extension_on_the_due_date_then_answer_within_it_is_on_time(head, executor, clock):
    appeal = in_work(executor)
    granted = at(STATUTORY, 17, 30)
    clock.set(granted)
    workflow.appeal_extend(
        appeal_id=appeal.pk, by=head, new_due=date(2027, 1, 15), reason="Запрос документов"
    )
    appeal.refresh_from_db()
    assert (appeal.due_date, appeal.statutory_due_date, appeal.extended_at) == (
        date(2027, 1, 15),
        STATUTORY,
        granted,
    )
    clock.set(at(date(2027, 1, 15), 16, 0))
    assert answer(appeal, executor).answered_on_time is True


def test_answer_after_the_extended_date_is_late(head, executor, clock):
    appeal = in_work(executor)
    clock.set(at(date(2026, 12, 10)))
    workflow.appeal_extend(appeal_id=appeal.pk, by=head, new_due=date(2027, 1, 15), reason="r")
    clock.set(at(date(2027, 1, 18)))
    assert answer(appeal, executor).answered_on_time is False


def test_data_extended_late_never_turns_an_overdue_appeal_on_time(executor, clock):
    """A row extended after its deadline (before the rule, or by hand) counts for nothing."""
    appeal = in_work(executor, due_date=date(2027, 1, 15), extended_at=at(date(2026, 12, 23)))
    clock.set(at(date(2026, 12, 23)))
    AppealEvent.objects.create(
        appeal=appeal,
        kind=AppealEvent.Kind.EXTENDED,
        field="due_date",
        old_value="21.12.2026",
        new_value="15.01.2027",
    )
    clock.set(at(date(2026, 12, 28)))
    assert answer(appeal, executor).answered_on_time is False


def test_statistics_count_the_stored_result(head, executor, clock):
    from appeals.models import Appeal
    from appeals.selectors import appeal_statistics

    late, timely = in_work(executor), in_work(executor)
    clock.set(at(STATUTORY))
    answer(timely, executor)
    clock.set(at(STATUTORY + timedelta(days=3)))
    answer(late, executor)
    stats = appeal_statistics(queryset=Appeal.objects.all())
    assert (stats["answered"], stats["on_time"], stats["on_time_share"]) == (2, 1, 50.0)


# --- The redirect deadline --------------------------------------------------------------------


def test_redirect_after_the_redirect_deadline_warns_and_on_it_does_not(head, clock):
    clock.set(at(date(2026, 12, 3), 17, 0))
    # Registered long ago, but the stored deadline decides (not a recount from registration).
    on_time = AppealFactory(
        registration_date=date(2026, 11, 2), redirect_due_date=date(2026, 12, 3)
    )
    late = AppealFactory(registration_date=date(2026, 11, 27), redirect_due_date=date(2026, 12, 2))
    result = workflow.appeal_redirect(
        appeal_id=on_time.pk, by=head, to_body="Акимат г. Шымкента", reason="Вопрос ЖКХ"
    )
    assert result.warning == ""
    with translation.override("en"):
        result = workflow.appeal_redirect(
            appeal_id=late.pk, by=head, to_body="Акимат г. Шымкента", reason="Вопрос ЖКХ"
        )
    assert result.warning == "Redirected later than 3 working days after registration."
    late.refresh_from_db()
    assert (late.status, late.redirected_to) == ("redirected", "Акимат г. Шымкента")
