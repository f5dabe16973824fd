"""Demo appeals for `make run`: a dozen in different states, created through the services."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from appeals import enums, services, workflow
from appeals.models import Appeal, Category
from pkop_portal.consent import Consent, consent_text_current
from pkop_portal.models import ConsentText, StaffProfile

SAMPLES = [
    # (days ago, language, kind, category, subject, text, target state)
    (
        0,
        "kk",
        "statement",
        "charity",
        "Көп балалы отбасына көмек",
        "Бес баламыз бар, қысқы киім алуға көмек сұраймыз.",
        "new",
    ),
    (
        1,
        "ru",
        "complaint",
        "environment",
        "Запах со стороны завода",
        "В микрорайоне Нурсат вечером чувствуется запах.",
        "new",
    ),
    (
        2,
        "en",
        "information_request",
        "procurement",
        "Supplier registration",
        "How can our company become a registered supplier?",
        "in_work",
    ),
    (
        3,
        "zh-hans",
        "proposal",
        "services",
        "关于访客登记的建议",
        "建议在门口设置电子登记。",
        "in_work",
    ),
    (
        6,
        "ru",
        "statement",
        "charity",
        "Помощь на лечение ребёнка",
        "Прошу помочь с оплатой лечения.",
        "extended",
    ),
    (
        8,
        "kk",
        "statement",
        "employment",
        "Жұмысқа орналасу",
        "Операторлық лауазымға өтініш бергім келеді.",
        "in_work",
    ),
    (30, "ru", "complaint", "environment", "Шум по ночам", "Ночью слышен шум факела.", "overdue"),
    (
        35,
        "kk",
        "statement",
        "charity",
        "Мүгедек балаға көмек",
        "Арбаны сатып алуға көмек сұраймыз.",
        "overdue",
    ),
    (
        25,
        "ru",
        "statement",
        "charity",
        "Ремонт крыши пенсионерке",
        "Прошу помочь с ремонтом крыши.",
        "answered",
    ),
    (
        20,
        "en",
        "response",
        "other",
        "Thanks for the school renovation",
        "Thank you for renovating school No. 12.",
        "answered",
    ),
    (18, "ru", "report", "other", "Просьба перенаправить", "Вопрос о тарифах ЖКХ.", "redirected"),
    (
        15,
        "ru",
        "proposal",
        "employee_suggestion",
        "Предложение по столовой",
        "Предлагаю расширить меню.",
        "answered",
    ),
]


@transaction.atomic
def appeal_demo_load() -> int:
    """Create the demo appeals once; returns how many were created (0 if appeals exist)."""
    if Appeal.objects.exists():
        return 0
    user_model = get_user_model()
    head = user_model.objects.filter(is_superuser=True).order_by("pk").first()
    executor, created = user_model.objects.get_or_create(
        username="demo.executor",
        defaults={"first_name": "Асель", "last_name": "Нурланова", "is_staff": True},
    )
    if created:
        executor.set_unusable_password()
        executor.save()
        executor.groups.add(Group.objects.get(name="Executor"))
        StaffProfile.objects.create(
            user=executor,
            position_kk="Өтініштермен жұмыс бөлімінің бас маманы",
            position_ru="Главный специалист отдела по работе с обращениями",
            position_en="Chief specialist, Appeals Department",
            position_zh_hans="诉求工作部首席专员",
        )
    consent = consent_text_current(purpose=ConsentText.Purpose.APPEAL)
    now = timezone.now()
    for index, (days, language, kind, category, subject, text, state) in enumerate(SAMPLES):
        result = services.appeal_submit(
            data=services.AppealInput(
                applicant_type=enums.ApplicantType.INDIVIDUAL,
                kind=kind,
                category=Category.objects.get(slug=category),
                subject=subject,
                text=text,
                language=language,
                full_name=f"Demo Applicant {index + 1}",
                iin="870101300009",
                address="Шымкент",
                email=f"demo{index + 1}@example.kz",
            ),
            received_at=now - timedelta(days=days),
            consent=Consent(text=consent, at=now - timedelta(days=days), ip="127.0.0.1"),
        )
        appeal = result.appeal
        if state == "new" or head is None:
            continue
        workflow.appeal_assign(appeal_id=appeal.pk, by=head, executor=executor)
        if state == "extended":
            workflow.appeal_extend(
                appeal_id=appeal.pk,
                by=head,
                new_due=appeal.registration_date + timedelta(days=45),
                reason="Запрошены медицинские документы",
            )
        elif state == "answered":
            # Signed by the executor's full name (pkop_portal.signatures), never a login.
            workflow.appeal_answer(
                appeal_id=appeal.pk,
                by=executor,
                outcome=enums.Outcome.SATISFIED,
                reasoning="Просьба рассмотрена комиссией и удовлетворена.",
                legal_basis="АППК РК, ст. 76",
            )
        elif state == "redirected":
            workflow.appeal_redirect(
                appeal_id=appeal.pk, by=head, to_body="Акимат города Шымкента", reason="ЖКХ"
            )
    return len(SAMPLES)
