"""Demo data of the hotline for `make run`: two demo Compliance users and a few reports in
different states, seen only by them (a superuser outside Compliance sees none).

"demo.compliance" is in the "Compliance officer" group, "demo.compliance.head" in
"Compliance head"; both are staff, not superusers. Their random passwords are returned (and
printed by load_demo) only when the users are created. The reports are written as the services
would leave them (history rows, deadlines), without notices; texts are invented.
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from hotline import crypto, deadlines, enums, guards, receipts
from hotline.models import Report, ReportEvent, ReportMessage
from pkop_portal.sequences import take_number

S = enums.Status
K = ReportEvent.Kind
OFFICER = "demo.compliance"
HEAD = "demo.compliance.head"
USERS = {OFFICER: "Compliance officer", HEAD: "Compliance head"}
# Their names, as the report's page shows who did what (pkop_portal.history).
NAMES = {OFFICER: ("Марат", "Жунусов"), HEAD: ("Сауле", "Ахметова")}

# (status, received days ago, category, language, description, conclusion)
SAMPLES = [
    (S.RECEIVED, 1, enums.Category.CORRUPTION, "ru",
     "Мастер участка требует деньги за допуск подрядчика к работам.", ""),
    (S.RECEIVED, 6, enums.Category.SAFETY, "kk",
     "Учаскеде қорғаныс құралдарынсыз жұмыс істеуге мәжбүрлейді.", ""),
    (S.ACKNOWLEDGED, 20, enums.Category.HARASSMENT, "ru",
     "Руководитель отдела систематически оскорбляет сотрудников на планёрках.", ""),
    (S.UNDER_INVESTIGATION, 60, enums.Category.FRAUD, "en",
     "Fuel receipts for vehicle 12 do not match the mileage logs.", ""),
    (S.CONCLUDED, 100, enums.Category.CONFLICT_OF_INTEREST, "ru",
     "Закупку выиграла фирма родственника члена комиссии.", enums.Conclusion.PARTLY_SUBSTANTIATED),
    (S.CLOSED, 200, enums.Category.OTHER, "zh-hans",
     "食堂的卫生条件很差。", enums.Conclusion.OUTSIDE_POLICY),
]  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str  # "" when the user already existed


@dataclass(frozen=True)
class DemoResult:
    reports: int
    logins: list[DemoLogin] = field(default_factory=list)


def _users() -> tuple[dict, list[DemoLogin]]:
    user_model = get_user_model()
    users, logins = {}, []
    for username, group in USERS.items():
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            first, last = NAMES[username]
            user = user_model.objects.create_user(
                username=username,
                email=f"{username}@localhost",
                password=password,
                is_staff=True,
                first_name=first,
                last_name=last,
            )
            with guards.trusted():  # set-up code: may seed the Compliance groups
                user.groups.set(Group.objects.filter(name=group))
            logins.append(DemoLogin(username=username, password=password))
        elif not user.get_full_name().strip():  # made by an earlier demo without names
            user.first_name, user.last_name = NAMES[username]
            user.save(update_fields=["first_name", "last_name"])
        users[username] = user
    return users, logins


def _report(status, days, category, language, description, conclusion, users) -> Report:
    now = timezone.now()
    received = now - timedelta(days=days, hours=3)
    sequence, number = take_number(prefix="H", year=timezone.localdate(received).year)
    report = Report(
        number=number,
        year=timezone.localdate(received).year,
        sequence=sequence,
        status=status,
        language=language,
        reporter_type=enums.ReporterType.EMPLOYEE,
        category=category,
        description=description,
        receipt_hash=receipts.hash_receipt(receipts.new_receipt()),
        received_at=received,
        acknowledge_due=deadlines.acknowledge_due_for(received),
    )
    if category == enums.Category.HARASSMENT:
        report.identity_sealed = crypto.seal_identity(
            {"name": "Айгерим Демо", "position": "Инженер", "contact": "+7 700 000 00 00"}
        )
    events = [(K.RECEIVED, None, "")]
    officer, head = users[OFFICER], users[HEAD]
    if status != S.RECEIVED:
        report.acknowledged_at = received + timedelta(days=2)
        report.feedback_due = deadlines.feedback_due_for(report.acknowledged_at)
        events.append((K.ACKNOWLEDGED, officer, ""))
    if status in {S.UNDER_INVESTIGATION, S.CONCLUDED, S.CLOSED}:
        report.severity = enums.Severity.MEDIUM
        report.retaliation_risk = enums.RetaliationRisk.LOW
        report.investigator = officer
        # The notes as hotline.services.workflow writes them (severity/risk, the username).
        triage = f"-/- → {report.severity}/{report.retaliation_risk}"
        events += [(K.TRIAGED, officer, triage), (K.ASSIGNED, head, OFFICER)]
        events.append((K.INVESTIGATION, officer, ""))
    if conclusion:
        report.conclusion = conclusion
        report.conclusion_reasons = "Проверка подтвердила часть фактов; меры приняты."
        report.concluded_at = received + timedelta(days=40)
        events.append((K.CONCLUDED, officer, report.conclusion_reasons))
    if status == S.CLOSED:
        report.closed_at = received + timedelta(days=45)
        events.append((K.CLOSED, officer, ""))
    report.save()
    ReportEvent.objects.bulk_create(
        [ReportEvent(report=report, kind=kind, by=by, note=note) for kind, by, note in events]
    )
    if status == S.ACKNOWLEDGED:
        ReportMessage.objects.bulk_create(
            [
                ReportMessage(
                    report=report, by=officer, text="Назовите, пожалуйста, даты планёрок."
                ),
                ReportMessage(report=report, by=None, text="Понедельник и среда прошлой недели."),
            ]
        )
    return report


@transaction.atomic
def hotline_demo_load() -> DemoResult:
    """Create the demo Compliance users once and the demo reports once (none if any report
    exists). Returns how many reports were created and the logins of users created now."""
    users, logins = _users()
    if Report.objects.exists():
        return DemoResult(reports=0, logins=logins)
    for sample in SAMPLES:
        _report(*sample, users)
    return DemoResult(reports=len(SAMPLES), logins=logins)
