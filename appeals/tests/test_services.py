from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from appeals import enums, services
from appeals.models import Appeal, AppealAttachment, AppealEvent, Category
from appeals.tests.factories import VALID_IIN, AppealFactory
from appeals.tests.files import PDF, upload
from notifications.models import Notification
from pkop_portal import access_codes
from pkop_portal.consent import Consent
from pkop_portal.models import ConsentText

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def appeal_input(**overrides):
    data = {
        "applicant_type": enums.ApplicantType.INDIVIDUAL,
        "kind": enums.Kind.STATEMENT,
        "category": Category.objects.get(slug="charity"),
        "subject": "Помощь многодетной семье",
        "text": "Прошу оказать помощь.",
        "language": "ru",
        "full_name": "Айгерим Садыкова",
        "iin": VALID_IIN,
        "address": "Шымкент",
        "email": "aigerim@example.kz",
    }
    data.update(overrides)
    return services.AppealInput(**data)


def submit(received_at=None, **overrides):
    return services.appeal_submit(
        data=appeal_input(**overrides),
        received_at=received_at,
        consent=Consent(text=ConsentText.objects.filter(purpose="appeal").latest(), ip="10.1.2.3"),
    )


def test_submit_registers_with_number_dates_code_history_and_notification(
    django_capture_on_commit_callbacks,
):
    received = datetime(2026, 11, 27, 19, 0, tzinfo=ALMATY)  # Friday after hours
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(received_at=received)
    appeal = Appeal.objects.get()
    assert result.appeal == appeal
    assert appeal.number == "A-2026-000001"
    assert appeal.registration_date == date(2026, 11, 30)
    assert appeal.due_date == date(2026, 12, 22)  # 15 working days, Independence Day skipped
    assert appeal.status == enums.Status.REGISTERED
    assert access_codes.check_access_code(
        number=appeal.number, code=result.access_code, stored_hash=appeal.access_code_hash
    )
    assert result.access_code not in appeal.access_code_hash
    assert appeal.consent.version == "2026-2" and appeal.consent_ip == "10.1.2.3"
    assert list(appeal.events.values_list("kind", flat=True)) == ["registered"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Ваше обращение № A-2026-000001 зарегистрировано"
    assert "Ответ будет дан не позднее 22.12.2026 (15 рабочих дней)." in mail.outbox[0].body
    assert Notification.objects.get().about == appeal


def test_numbers_are_consecutive_per_registration_year():
    first = submit(received_at=datetime(2026, 12, 30, 10, 0, tzinfo=ALMATY)).appeal
    # 31 Dec 2026 after hours → registered on the next working day, in 2027.
    second = submit(received_at=datetime(2026, 12, 31, 19, 0, tzinfo=ALMATY)).appeal
    third = submit(received_at=datetime(2026, 12, 30, 11, 0, tzinfo=ALMATY)).appeal
    assert [first.number, second.number, third.number] == [
        "A-2026-000001",
        "A-2027-000001",
        "A-2026-000002",
    ]


def test_submit_without_contact_or_consent_is_refused_and_stores_nothing():
    with pytest.raises(ValidationError) as exc:
        submit(email="", phone="")
    assert exc.value.code == "no_contact"
    with pytest.raises(ValidationError) as exc:
        services.appeal_submit(data=appeal_input())
    assert exc.value.code == "no_consent"
    assert Appeal.objects.count() == 0


def test_files_are_stored_with_the_appeal():
    result = submit(files=[upload("справка.pdf", PDF)])
    attachment = AppealAttachment.objects.get()
    assert attachment.appeal == result.appeal
    assert attachment.original_name == "справка.pdf"
    assert attachment.size == len(PDF)
    assert default_storage.exists(attachment.file.name)


def test_failed_submission_leaves_no_row_and_no_file(monkeypatch):
    saved = []
    original = services._store_files

    def store_then_fail(appeal, files, stored, message=None):
        original(appeal, files, stored, message)
        saved.extend(stored)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_store_files", store_then_fail)
    with pytest.raises(RuntimeError):
        submit(files=[upload("a.pdf", PDF)])
    assert Appeal.objects.count() == 0
    assert saved and not default_storage.exists(saved[0])


def test_add_information_to_open_appeal_and_refused_when_closed():
    appeal = AppealFactory()
    message = services.appeal_add_information(
        appeal_id=appeal.pk, text="Прилагаю справку", files=[upload("s.pdf", PDF)]
    )
    assert message.attachments.get().original_name == "s.pdf"
    assert appeal.events.get().kind == AppealEvent.Kind.MESSAGE
    answered = AppealFactory(status=enums.Status.ANSWERED)
    with pytest.raises(ValidationError) as exc:
        services.appeal_add_information(appeal_id=answered.pk, text="x", files=[])
    assert exc.value.code == "closed"


def test_rating_only_once_and_only_when_answered():
    open_appeal = AppealFactory()
    with pytest.raises(ValidationError) as exc:
        services.appeal_rate(appeal_id=open_appeal.pk, satisfied=True, comment="")
    assert exc.value.code == "not_answered"
    answered = AppealFactory(status=enums.Status.ANSWERED)
    rated = services.appeal_rate(appeal_id=answered.pk, satisfied=False, comment="Не согласен")
    assert (rated.rating_satisfied, rated.rating_comment) == (False, "Не согласен")
    with pytest.raises(ValidationError) as exc:
        services.appeal_rate(appeal_id=answered.pk, satisfied=True, comment="")
    assert exc.value.code == "already_rated"


def test_an_anonymous_appeal_closed_at_once_is_told_so_not_given_a_due_date(
    django_capture_on_commit_callbacks,
):
    """Registered by staff (a phone call) without a name: not considered (APPK), and the
    caller's phone gets "closed without consideration", never "the answer is due by …"."""
    from appeals.tests.factories import staff_user

    registrar = staff_user("registrar1", "Registrar")
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_submit(
            data=appeal_input(
                full_name="",
                iin="",
                is_anonymous=True,
                email="",
                phone="+77011234567",
                channel="phone",
            ),
            consent=None,
            registered_by=registrar,
        )
    appeal = Appeal.objects.get()
    assert appeal.status == enums.Status.NOT_CONSIDERED
    events = list(Notification.objects.filter(object_id=appeal.pk).values_list("event", flat=True))
    assert events == ["appeal.not_considered"]
