"""Compliance's handling of a report: every step from every status, THE ACCESS RULE for
every step, history and access-log rows, the reporter's opt-in notice."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from hotline import crypto, enums
from hotline.models import AccessLog, ReportEvent, ReportMessage
from hotline.services import workflow
from hotline.tests.factories import ReportFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db
S = enums.Status
K = ReportEvent.Kind
ALL = list(S)


def staff(username: str, *groups: str, superuser: bool = False, **extra):
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.kz",
        password="x",
        is_staff=True,
        is_superuser=superuser,
        **extra,
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def officer():
    return staff("officer", "Compliance officer")


@pytest.fixture
def head():
    return staff("head", "Compliance head")


def refused(code: str, call):
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.code == code


STEPS = {
    "acknowledge": (workflow.ACKNOWLEDGE_FROM, lambda r, u: workflow.report_acknowledge(
        report_id=r.pk, by=u)),
    "investigate": (workflow.INVESTIGATE_FROM, lambda r, u: workflow.report_start_investigation(
        report_id=r.pk, by=u)),
    "conclude": (workflow.CONCLUDE_FROM, lambda r, u: workflow.report_conclude(
        report_id=r.pk, by=u, conclusion=enums.Conclusion.SUBSTANTIATED, reasons="Подтверждено")),
    "close": (workflow.CLOSE_FROM, lambda r, u: workflow.report_close(report_id=r.pk, by=u)),
    "triage": (workflow.TRIAGE_FROM, lambda r, u: workflow.report_triage(
        report_id=r.pk, by=u, severity="high", retaliation_risk="medium")),
    "refer": (workflow.REFER_FROM, lambda r, u: workflow.report_refer(
        report_id=r.pk, by=u, referred_on=date(2026, 1, 5), reference="АКС-17")),
    "message": (workflow.MESSAGE_FROM, lambda r, u: workflow.report_message(
        report_id=r.pk, by=u, text="Уточните дату")),
}  # fmt: skip
EXPECTED_KIND = {
    "acknowledge": K.ACKNOWLEDGED,
    "investigate": K.INVESTIGATION,
    "conclude": K.CONCLUDED,
    "close": K.CLOSED,
    "triage": K.TRIAGED,
    "refer": K.REFERRED,
    "message": K.MESSAGE,
}


def make(status):
    extra = {}
    if status in (S.CONCLUDED, S.CLOSED):
        extra["conclusion"] = enums.Conclusion.NOT_SUBSTANTIATED
    return ReportFactory(status=status, **extra)


@pytest.mark.parametrize("step", sorted(STEPS))
@pytest.mark.parametrize("status", ALL)
def test_every_step_from_every_status(step, status, head, clock):
    allowed, call = STEPS[step]
    report = make(status)
    if status not in allowed:
        refused("wrong_status", lambda: call(report, head))
        assert not ReportEvent.objects.filter(report=report).exists()
        assert not AccessLog.objects.filter(report=report).exists()
        return
    call(report, head)
    event = ReportEvent.objects.get(report=report)
    assert event.kind == EXPECTED_KIND[step] and event.by == head
    log = AccessLog.objects.get(report=report)
    assert log.action == enums.AccessAction.CHANGE and log.user == head


def test_the_status_path_to_closed(officer):
    report = ReportFactory()
    workflow.report_acknowledge(report_id=report.pk, by=officer)
    workflow.report_start_investigation(report_id=report.pk, by=officer)
    workflow.report_conclude(
        report_id=report.pk, by=officer, conclusion="substantiated", reasons=" Факты подтвердились "
    )
    workflow.report_close(report_id=report.pk, by=officer)
    report.refresh_from_db()
    assert report.status == S.CLOSED and report.closed_at and report.concluded_at
    assert report.conclusion_reasons == "Факты подтвердились"
    assert report.feedback_due is not None
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == [K.ACKNOWLEDGED, K.INVESTIGATION, K.CONCLUDED, K.CLOSED]


@pytest.mark.parametrize(
    "conclusion, reasons, code",
    [("", "Причины", "no_conclusion"), ("maybe", "Причины", "no_conclusion"),
     ("substantiated", "  ", "no_reasons")],
)  # fmt: skip
def test_conclusion_and_reasons_are_required(conclusion, reasons, code, officer):
    report = ReportFactory(status=S.UNDER_INVESTIGATION)
    refused(
        code,
        lambda: workflow.report_conclude(
            report_id=report.pk, by=officer, conclusion=conclusion, reasons=reasons
        ),
    )
    report.refresh_from_db()
    assert report.status == S.UNDER_INVESTIGATION


def test_triage_refuses_unknown_values(officer):
    report = ReportFactory()
    refused(
        "no_severity",
        lambda: workflow.report_triage(
            report_id=report.pk, by=officer, severity="huge", retaliation_risk="low"
        ),
    )
    refused(
        "no_retaliation_risk",
        lambda: workflow.report_triage(
            report_id=report.pk, by=officer, severity="low", retaliation_risk=""
        ),
    )


def test_refer_needs_a_past_date_and_a_reference_once(officer, clock):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    clock.set(datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("Asia/Almaty")))
    report = ReportFactory()
    refused(
        "bad_date",
        lambda: workflow.report_refer(
            report_id=report.pk, by=officer, referred_on=date(2026, 3, 11), reference="A-1"
        ),
    )
    refused(
        "no_reference",
        lambda: workflow.report_refer(
            report_id=report.pk, by=officer, referred_on=date(2026, 3, 10), reference=" "
        ),
    )
    assert workflow.referral_suggested(report)
    workflow.report_refer(
        report_id=report.pk, by=officer, referred_on=date(2026, 3, 10), reference="A-1"
    )
    report.refresh_from_db()
    assert (report.referred_on, report.referral_reference) == (date(2026, 3, 10), "A-1")
    assert not workflow.referral_suggested(report)
    refused(
        "already_referred",
        lambda: workflow.report_refer(
            report_id=report.pk, by=officer, referred_on=date(2026, 3, 10), reference="A-2"
        ),
    )


# --- access ----------------------------------------------------------------------------------


def all_calls(report, user, other):
    return [
        *(lambda s=s: STEPS[s][1](report, user) for s in STEPS),
        lambda: workflow.report_assign(report_id=report.pk, by=user, investigator=other),
        lambda: workflow.report_exclude_officer(report_id=report.pk, by=user, officer=other),
        lambda: workflow.report_set_legal_hold(report_id=report.pk, by=user, on=True, reason="Суд"),
    ]


@pytest.mark.parametrize(
    "who",
    ["superuser", "other_staff", "inactive_officer", "not_staff_officer", "excluded_officer",
     "excluded_head"],
)  # fmt: skip
def test_every_step_refuses_users_outside_the_access_rule(who, officer):
    report = ReportFactory()
    if who == "superuser":
        user = staff("root", "Head", superuser=True)
    elif who == "other_staff":
        user = staff("clerk", "Head", "Charity officer")
    elif who == "inactive_officer":
        user = staff("gone", "Compliance officer", is_active=False)
    elif who == "not_staff_officer":
        user = staff("nostaff", "Compliance officer")
        user.is_staff = False
        user.save()
    else:
        group = "Compliance head" if who == "excluded_head" else "Compliance officer"
        user = staff("conflicted", group)
        report.excluded_officers.add(user)
    for call in all_calls(report, user, officer):
        with pytest.raises(PermissionDenied):
            call()
    report.refresh_from_db()
    assert report.status == S.RECEIVED and not report.legal_hold
    assert not ReportEvent.objects.filter(report=report).exists()
    assert not ReportMessage.objects.filter(report=report).exists()
    assert not AccessLog.objects.exists()


def test_assign_exclude_and_legal_hold_are_for_the_head_only(officer, head):
    report = ReportFactory()
    other = staff("other", "Compliance officer")
    for call in [
        lambda: workflow.report_assign(report_id=report.pk, by=officer, investigator=other),
        lambda: workflow.report_exclude_officer(report_id=report.pk, by=officer, officer=other),
        lambda: workflow.report_set_legal_hold(
            report_id=report.pk, by=officer, on=True, reason="x"
        ),
    ]:
        with pytest.raises(PermissionDenied):
            call()
    workflow.report_assign(report_id=report.pk, by=head, investigator=other)
    report.refresh_from_db()
    assert report.investigator == other


def test_investigator_must_be_compliance_and_not_excluded(head):
    report = ReportFactory()
    clerk = staff("clerk", "Head")
    root = staff("root", superuser=True)
    refused(
        "not_compliance",
        lambda: workflow.report_assign(report_id=report.pk, by=head, investigator=clerk),
    )
    refused(
        "not_compliance",
        lambda: workflow.report_assign(report_id=report.pk, by=head, investigator=root),
    )
    conflicted = staff("conflicted", "Compliance officer")
    report.excluded_officers.add(conflicted)
    refused(
        "excluded",
        lambda: workflow.report_assign(report_id=report.pk, by=head, investigator=conflicted),
    )


def test_excluding_the_investigator_unassigns_and_locks_them_out(head, officer):
    report = ReportFactory(investigator=officer)
    workflow.report_exclude_officer(report_id=report.pk, by=head, officer=officer, reason="Назван")
    report.refresh_from_db()
    assert report.investigator is None
    assert list(report.excluded_officers.all()) == [officer]
    event = report.events.get()
    assert event.kind == K.EXCLUDED and event.note == "officer: Назван"
    with pytest.raises(PermissionDenied):
        workflow.report_acknowledge(report_id=report.pk, by=officer)
    refused(
        "already_excluded",
        lambda: workflow.report_exclude_officer(report_id=report.pk, by=head, officer=officer),
    )
    refused(
        "not_compliance",
        lambda: workflow.report_exclude_officer(
            report_id=report.pk, by=head, officer=staff("clerk", "Head")
        ),
    )


def test_legal_hold_on_and_off_with_reasons(head):
    report = ReportFactory(status=S.CLOSED, conclusion="substantiated")
    refused(
        "no_reason",
        lambda: workflow.report_set_legal_hold(report_id=report.pk, by=head, on=True, reason=""),
    )
    workflow.report_set_legal_hold(report_id=report.pk, by=head, on=True, reason="Запрос суда")
    refused(
        "unchanged",
        lambda: workflow.report_set_legal_hold(
            report_id=report.pk, by=head, on=True, reason="again"
        ),
    )
    report.refresh_from_db()
    assert report.legal_hold
    workflow.report_set_legal_hold(report_id=report.pk, by=head, on=False, reason="Дело закрыто")
    report.refresh_from_db()
    assert not report.legal_hold
    assert [e.note for e in report.events.all()] == ["on: Запрос суда", "off: Дело закрыто"]


def test_an_anonymised_report_accepts_no_step(head):
    from django.utils import timezone

    report = ReportFactory(
        status=S.CLOSED, conclusion="substantiated", anonymised_at=timezone.now()
    )
    refused(
        "anonymised",
        lambda: workflow.report_set_legal_hold(report_id=report.pk, by=head, on=True, reason="x"),
    )


# --- the reporter's notice -------------------------------------------------------------------


def test_message_without_opt_in_sends_nothing(officer, django_capture_on_commit_callbacks):
    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = workflow.report_message(report_id=report.pk, by=officer, text=" Уточните ")
    assert message.text == "Уточните" and message.by == officer
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_message_with_opt_in_mails_only_that_there_is_news(
    officer, django_capture_on_commit_callbacks
):
    report = ReportFactory(
        notice_email_sealed=crypto.seal_text("reporter@example.kz"), language="ru"
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.report_message(report_id=report.pk, by=officer, text="Секретный вопрос о Петрове")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["reporter@example.kz"]
    body = sent.body + sent.alternatives[0][0] + sent.subject
    for secret in ["Секретный", "Петров", report.number, report.description[:20]]:
        assert secret not in body
    assert "/ru/hotline/follow-up/" in body
    # The address never reached the outbox.
    assert not Notification.objects.exists()
    assert "reporter@example.kz" not in str(list(Notification.objects.values()))


def test_status_steps_notify_the_opted_in_reporter(officer, django_capture_on_commit_callbacks):
    report = ReportFactory(notice_email_sealed=crypto.seal_text("r@example.kz"))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.report_acknowledge(report_id=report.pk, by=officer)
    assert [m.to for m in mail.outbox] == [["r@example.kz"]]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.report_triage(
            report_id=report.pk, by=officer, severity="low", retaliation_risk="low"
        )
    assert len(mail.outbox) == 1  # internal steps tell the reporter nothing


def test_no_mail_once_the_report_is_anonymised(officer):
    from django.utils import timezone

    from hotline.notices import reporter_notice_send

    report = ReportFactory(notice_email_sealed=crypto.seal_text("r@example.kz"))
    report.anonymised_at = timezone.now() - timedelta(days=1)
    report.save()
    assert reporter_notice_send(report_id=report.pk) == "anonymised"
    assert reporter_notice_send(report_id=0) == "missing"
    assert mail.outbox == []
