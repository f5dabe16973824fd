from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from appeals import enums, services, workflow
from appeals.models import AppealEvent, Category
from appeals.tests.factories import AppealFactory, staff_user
from pkop_portal import workdays

pytestmark = pytest.mark.django_db


def registered(**kwargs):
    today = workdays.local_now().date()
    defaults = {"registration_date": today, "due_date": workdays.add_working_days(today, 15)}
    return AppealFactory(**{**defaults, **kwargs})


def test_assign_sets_executor_status_and_history(head, executor):
    appeal = registered()
    workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=executor, department="ОСО")
    appeal.refresh_from_db()
    assert (appeal.executor, appeal.department, appeal.status) == (executor, "ОСО", "in_work")
    event = appeal.events.get()
    assert (event.kind, event.by, event.new_value) == ("assigned", head, "executor")


def test_only_heads_assign_and_extend(executor):
    appeal = registered()
    with pytest.raises(PermissionDenied):
        workflow.appeal_assign(appeal_id=appeal.pk, by=executor, executor=executor)
    with pytest.raises(PermissionDenied):
        workflow.appeal_extend(
            appeal_id=appeal.pk,
            by=executor,
            new_due=appeal.due_date + timedelta(days=5),
            reason="x",
        )
    assert appeal.events.count() == 0


@pytest.fixture
def november(clock):
    """Today is Monday 16 November 2026 in Shymkent, before the due dates used below."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    clock.set(datetime(2026, 11, 16, 11, 0, tzinfo=ZoneInfo("Asia/Almaty")))


def test_extend_within_two_months_notifies_applicant(
    head, november, django_capture_on_commit_callbacks
):
    appeal = registered(registration_date=date(2026, 11, 2), due_date=date(2026, 11, 23))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.appeal_extend(
            appeal_id=appeal.pk, by=head, new_due=date(2027, 1, 2), reason="Нужна выездная проверка"
        )
    appeal.refresh_from_db()
    assert appeal.due_date == date(2027, 1, 2)
    event = appeal.events.get(kind=AppealEvent.Kind.EXTENDED)
    assert (event.old_value, event.new_value, event.note) == (
        "23.11.2026",
        "02.01.2027",
        "Нужна выездная проверка",
    )
    assert len(mail.outbox) == 1
    assert "02.01.2027" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("new_due", "reason", "code"),
    [
        (date(2027, 1, 3), "reason", "too_late"),  # registration + 2 months = 2 Jan 2027
        (date(2026, 11, 20), "reason", "not_later"),
        (date(2026, 12, 20), "  ", "no_reason"),
    ],
)
def test_extend_refusals(head, november, new_due, reason, code):
    appeal = registered(registration_date=date(2026, 11, 2), due_date=date(2026, 11, 23))
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_extend(appeal_id=appeal.pk, by=head, new_due=new_due, reason=reason)
    assert exc.value.code == code
    appeal.refresh_from_db()
    assert appeal.due_date == date(2026, 11, 23)


def test_executor_answers_own_appeal_on_time(executor, django_capture_on_commit_callbacks):
    appeal = registered(executor=executor, status=enums.Status.IN_WORK, language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.appeal_answer(
            appeal_id=appeal.pk,
            by=executor,
            outcome="satisfied",
            reasoning="Көмек көрсетілді.",
            legal_basis="ӘРПК 76-бап",
        )
    appeal.refresh_from_db()
    assert appeal.status == "answered"
    assert appeal.answered_on_time is True
    assert appeal.answer_signatory == "Executor"
    assert len(mail.outbox) == 1


def test_late_answer_is_never_on_time(executor):
    appeal = registered(
        executor=executor,
        status=enums.Status.IN_WORK,
        due_date=workdays.local_now().date() - timedelta(days=1),
    )
    workflow.appeal_answer(
        appeal_id=appeal.pk, by=executor, outcome="explained", reasoning="r", legal_basis="l"
    )
    appeal.refresh_from_db()
    assert appeal.answered_on_time is False


def test_executor_cannot_act_on_others_appeals(executor):
    other = staff_user("other", "Executor")
    appeal = registered(executor=other, status=enums.Status.IN_WORK)
    with pytest.raises(PermissionDenied):
        workflow.appeal_answer(
            appeal_id=appeal.pk, by=executor, outcome="refused", reasoning="r", legal_basis="l"
        )


def test_answered_appeal_cannot_be_answered_again(head):
    appeal = registered(status=enums.Status.ANSWERED)
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_answer(
            appeal_id=appeal.pk, by=head, outcome="refused", reasoning="r", legal_basis="l"
        )
    assert exc.value.code == "not_open"


def test_answer_needs_reasoning_and_legal_basis(head):
    appeal = registered()
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_answer(
            appeal_id=appeal.pk, by=head, outcome="refused", reasoning="r", legal_basis=" "
        )
    assert exc.value.code == "no_legal_basis"


def test_redirect_records_body_and_warns_when_late(head):
    old = workdays.local_now().date() - timedelta(days=14)
    appeal = registered(registration_date=old, redirect_due_date=old + timedelta(days=5))
    with translation.override("en"):
        result = workflow.appeal_redirect(
            appeal_id=appeal.pk, by=head, to_body="Акимат г. Шымкента", reason="Вопрос ЖКХ"
        )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.redirected_to) == ("redirected", "Акимат г. Шымкента")
    assert result.warning == "Redirected later than 3 working days after registration."


def test_possible_crime_is_not_answered_redirected_or_closed_before_the_referral(head):
    appeal = registered(is_anonymous=True, possible_crime=True, email="")
    steps = [
        lambda: workflow.appeal_answer(
            appeal_id=appeal.pk, by=head, outcome="explained", reasoning="r", legal_basis="l"
        ),
        lambda: workflow.appeal_not_consider(
            appeal_id=appeal.pk, by=head, reason="anonymous", note="n"
        ),
        lambda: workflow.appeal_redirect(
            appeal_id=appeal.pk, by=head, to_body="Полиция", reason="угроза"
        ),
    ]
    for step in steps:
        with pytest.raises(ValidationError) as exc:
            step()
        assert exc.value.code == "referral_required"
    appeal.refresh_from_db()
    assert (appeal.status, appeal.events.count()) == ("registered", 0)


def test_referral_is_recorded_then_the_appeal_may_be_closed(head):
    appeal = registered(is_anonymous=True, possible_crime=True, email="")
    today = workdays.local_now().date()
    workflow.appeal_refer(
        appeal_id=appeal.pk,
        by=head,
        authority="Полиция г. Шымкента",
        referred_on=today,
        note="Исх. № 15-02/311",
    )
    event = appeal.events.get()
    assert (event.kind, event.by, event.new_value, event.note, event.is_public) == (
        "referred",
        head,
        f"Полиция г. Шымкента, {today:%d.%m.%Y}",
        "Исх. № 15-02/311",
        True,
    )
    workflow.appeal_not_consider(appeal_id=appeal.pk, by=head, reason="anonymous", note="n")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.not_considered_reason) == ("not_considered", "anonymous")


def test_referred_possible_crime_may_be_answered(executor):
    appeal = registered(possible_crime=True, executor=executor, status=enums.Status.IN_WORK)
    workflow.appeal_refer(
        appeal_id=appeal.pk,
        by=executor,
        authority="Прокуратура",
        referred_on=workdays.local_now().date(),
    )
    workflow.appeal_answer(
        appeal_id=appeal.pk, by=executor, outcome="explained", reasoning="r", legal_basis="l"
    )
    appeal.refresh_from_db()
    assert appeal.status == "answered"


@pytest.mark.parametrize(
    ("authority", "days", "code"),
    [(" ", 0, "no_authority"), ("Полиция", 1, "bad_date"), ("Полиция", -30, "bad_date")],
)
def test_referral_needs_authority_and_a_date_between_receipt_and_today(head, authority, days, code):
    appeal = registered(possible_crime=True)
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_refer(
            appeal_id=appeal.pk,
            by=head,
            authority=authority,
            referred_on=workdays.local_now().date() + timedelta(days=days),
        )
    assert exc.value.code == code
    assert not appeal.events.exists()


def test_referral_by_an_executor_of_another_appeal_is_refused(executor):
    appeal = registered(possible_crime=True, executor=staff_user("other", "Executor"))
    with pytest.raises(PermissionDenied):
        workflow.appeal_refer(
            appeal_id=appeal.pk,
            by=executor,
            authority="Полиция",
            referred_on=workdays.local_now().date(),
        )


def test_not_considered_needs_reason_and_note(head):
    appeal = registered()
    with pytest.raises(ValidationError):
        workflow.appeal_not_consider(appeal_id=appeal.pk, by=head, reason="withdrawn", note="")
    workflow.appeal_not_consider(
        appeal_id=appeal.pk, by=head, reason="withdrawn", note="Заявитель отозвал"
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.not_considered_reason) == ("not_considered", "withdrawn")


def test_internal_note_is_history_but_not_public(head):
    appeal = registered()
    workflow.appeal_add_note(appeal_id=appeal.pk, by=head, note="Позвонить заявителю")
    event = appeal.events.get()
    assert (event.kind, event.note, event.is_public) == ("note", "Позвонить заявителю", False)


def test_analysts_are_read_only_and_cannot_add_notes():
    analyst = staff_user("analyst", "Analyst")
    appeal = registered()
    assert analyst.has_perm("appeals.view_appeal")
    with pytest.raises(PermissionDenied):
        workflow.appeal_add_note(appeal_id=appeal.pk, by=analyst, note="x")
    assert not appeal.events.exists()


def test_notes_by_registrar_and_executor_only_on_appeals_they_see(executor):
    registrar = staff_user("registrar", "Registrar")
    own = registered(registered_by=registrar, executor=executor)
    other = registered()
    workflow.appeal_add_note(appeal_id=own.pk, by=registrar, note="Звонил заявитель")
    workflow.appeal_add_note(appeal_id=own.pk, by=executor, note="Запросил справку")
    assert list(own.events.values_list("by__username", flat=True)) == ["registrar", "executor"]
    for user in (registrar, executor):
        with pytest.raises(PermissionDenied):
            workflow.appeal_add_note(appeal_id=other.pk, by=user, note="x")
    assert not other.events.exists()


def test_repeat_is_flagged_on_registration_then_linked_or_dismissed(head):
    from appeals.tests.test_services import appeal_input
    from pkop_portal.consent import Consent
    from pkop_portal.models import ConsentText

    consent = Consent(text=ConsentText.objects.filter(purpose="appeal").latest())
    first = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    other_category = services.appeal_submit(
        data=appeal_input(category=Category.objects.get(slug="employment")), consent=consent
    ).appeal
    second = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    third = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    assert (first.possible_repeat, other_category.possible_repeat) == (False, False)
    assert (second.possible_repeat, third.possible_repeat) == (True, True)

    with pytest.raises(ValidationError) as exc:
        workflow.appeal_link_repeat(appeal_id=second.pk, by=head, earlier_id=other_category.pk)
    assert exc.value.code == "not_a_candidate"
    workflow.appeal_link_repeat(appeal_id=second.pk, by=head, earlier_id=first.pk)
    second.refresh_from_db()
    assert (second.repeat_of, second.possible_repeat) == (first, False)
    assert second.events.filter(kind="repeat_linked", new_value=first.number).exists()

    workflow.appeal_dismiss_repeat(appeal_id=third.pk, by=head)
    third.refresh_from_db()
    assert (third.possible_repeat, third.repeat_of) == (False, None)
    assert third.events.filter(kind="repeat_dismissed").exists()


def test_repeats_older_than_twelve_months_are_not_flagged():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from appeals.tests.test_services import appeal_input
    from pkop_portal.consent import Consent
    from pkop_portal.models import ConsentText

    consent = Consent(text=ConsentText.objects.filter(purpose="appeal").latest())
    old = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    services.appeal_submit(data=appeal_input(), consent=consent, received_at=old)
    new = services.appeal_submit(data=appeal_input(), consent=consent).appeal
    assert new.possible_repeat is False


def test_redirect_to_charity_records_history_without_the_redirect_notice(head, executor):
    appeal = registered(executor=executor, status=enums.Status.IN_WORK, language="kk")
    workflow.appeal_redirect_to_charity(
        appeal_id=appeal.pk, by=executor, request_number="C-2026-000007"
    )
    appeal.refresh_from_db()
    with translation.override("kk"):
        expected = translation.gettext("Charitable assistance procedure, request %(number)s") % {
            "number": "C-2026-000007"
        }
    assert (appeal.status, appeal.redirected_to) == (enums.Status.REDIRECTED, expected)
    event = appeal.events.get()
    assert (event.kind, event.by, event.new_value, event.note, event.is_public) == (
        "redirected",
        executor,
        expected,
        "C-2026-000007",
        True,
    )
    from notifications.models import Notification

    assert not Notification.objects.filter(event="appeal.redirected").exists()
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_redirect_to_charity(appeal_id=appeal.pk, by=head, request_number="C-1")
    assert exc.value.code == "not_open"


def test_redirect_to_charity_refusals(head, executor):
    other = registered(category=Category.objects.exclude(slug="charity").first())
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_redirect_to_charity(appeal_id=other.pk, by=head, request_number="C-1")
    assert exc.value.code == "not_charity"
    someone_elses = registered(executor=staff_user("other", "Executor"))
    with pytest.raises(PermissionDenied):
        workflow.appeal_redirect_to_charity(
            appeal_id=someone_elses.pk, by=executor, request_number="C-1"
        )
    crime = registered(possible_crime=True)
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_redirect_to_charity(appeal_id=crime.pk, by=head, request_number="C-1")
    assert exc.value.code == "referral_required"
    assert AppealEvent.objects.count() == 0
