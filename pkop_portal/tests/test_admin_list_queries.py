"""Every admin list of the site costs the same number of queries with few and with many rows.

The test walks `admin.site._registry`: a model registered without a row maker below fails
`test_every_registered_admin_has_a_row_maker`, so a new admin list cannot skip the check. Each
list is opened as a superuser, except the hotline's, which only Compliance sees (a superuser
outside the Compliance groups gets a 404: hotline.access), opened as a Compliance head. The
change page of one object is opened too, at both sizes.
"""

import itertools
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db

FEW, MORE = 2, 10  # rows made before the first count, then added before the second
_serial = itertools.count(1)


def _n() -> int:
    return next(_serial)


# ----- row makers: label -> make(count) creating `count` more rows of that model ------------


def _axes_attempts(count):
    from axes.models import AccessAttempt

    for _i in range(count):
        n = _n()
        AccessAttempt.objects.create(
            username=f"u{n}",
            ip_address=f"10.0.0.{n % 250}",
            user_agent="pytest",
            http_accept="*/*",
            path_info="/en/admin/login/",
            attempt_time=timezone.now(),
            get_data="",
            post_data="",
            failures_since_start=n,
        )


def _axes_logs(count):
    from axes.models import AccessLog

    for _i in range(count):
        n = _n()
        AccessLog.objects.create(
            username=f"u{n}",
            ip_address="10.0.0.1",
            user_agent="pytest",
            http_accept="*/*",
            path_info="/en/admin/login/",
            attempt_time=timezone.now(),
        )


def _axes_failures(count):
    from axes.models import AccessFailureLog

    for _i in range(count):
        AccessFailureLog.objects.create(
            username=f"u{_n()}",
            ip_address="10.0.0.1",
            user_agent="pytest",
            http_accept="*/*",
            path_info="/en/admin/login/",
            attempt_time=timezone.now(),
        )


def _hotline_lines(count):
    from pkop_portal.models import HotlineLine

    # One line per language (unique): the list starts empty and grows to at most four.
    if count == FEW:
        HotlineLine.objects.all().delete()
    taken = set(HotlineLine.objects.values_list("language", flat=True))
    free = [code for code in HotlineLine.Language.values if code not in taken]
    for position, code in enumerate(free[:count]):
        HotlineLine.objects.create(language=code, phone=f"+7701555{_n():04d}", position=position)


def _calendar_days(count):
    from pkop_portal.models import CalendarDay

    for _i in range(count):
        CalendarDay.objects.create(
            date=date(2040, 1, 1) + timedelta(days=_n()), is_working=True, note="перенос"
        )


def _consent_texts(count):
    from pkop_portal.models import ConsentText

    for _i in range(count):
        ConsentText.objects.create(
            purpose="appeal",
            version=f"t{_n()}",
            text_kk="к",
            text_ru="р",
            text_en="e",
            text_zh_hans="z",
            valid_from=timezone.now() - timedelta(days=3650),
        )


def _export_jobs(count):
    from pkop_portal.models import ExportJob

    # The list shows a superuser's own jobs (pkop_portal.exports_admin): made for the viewer.
    requester = User.objects.filter(is_superuser=True).first()
    for _i in range(count):
        ExportJob.objects.create(requester=requester, kind="appeals", language="ru", log_id=_n())


def _users(count):
    groups = list(Group.objects.all()[:2])
    for _i in range(count):
        user = User.objects.create_user(f"staff{_n()}", is_staff=True)
        user.groups.add(*groups)


def _groups(count):
    from django.contrib.auth.models import Permission

    permissions = list(Permission.objects.all()[:3])
    for _i in range(count):
        Group.objects.create(name=f"group {_n()}").permissions.add(*permissions)


def _appeals(count):
    from appeals.tests.factories import AppealFactory

    AppealFactory.create_batch(count)


def _categories(count):
    from appeals.models import Category

    for _i in range(count):
        n = _n()
        Category.objects.create(
            slug=f"c{n}", name_kk="к", name_ru="р", name_en="e", name_zh_hans="z", position=n
        )


def _appeal_exports(count):
    from appeals.models import ExportLog
    from appeals.tests.factories import AppealFactory

    by = User.objects.create_user(f"exporter{_n()}", first_name="Export")
    appeals = AppealFactory.create_batch(2)
    for _i in range(count):
        ExportLog.objects.create(by=by, file_format="csv", row_count=2).appeals.add(*appeals)


def _managers(count):
    from reception.tests.factories import ManagerFactory

    ManagerFactory.create_batch(count)


def _slots(count):
    from reception.models import Slot
    from reception.tests.factories import ManagerFactory, RuleFactory

    manager = ManagerFactory()
    rule = RuleFactory(manager=manager)
    start = timezone.now() + timedelta(days=30)
    for _i in range(count):
        starts = start + timedelta(hours=_n())
        Slot.objects.create(
            manager=manager, rule=rule, starts_at=starts, ends_at=starts + timedelta(minutes=20)
        )


def _bookings(count):
    from reception.models import Booking, Slot
    from reception.tests.factories import ManagerFactory, iins

    manager = ManagerFactory()
    for iin in iins(count):
        n = _n()
        starts = timezone.now() + timedelta(days=30, hours=n)
        slot = Slot.objects.create(
            manager=manager, starts_at=starts, ends_at=starts + timedelta(minutes=20)
        )
        Booking.objects.create(
            number=f"R-T{n:06d}",
            slot=slot,
            manager=manager,
            seat=1,
            full_name=f"Гражданин {n}",
            iin=iin,
            language="ru",
            topic="Помощь",
            token_nonce="n",
            token_hash=f"h{n}",
            idempotency_key=f"k{n}",
        )


def _document_types(count):
    from charity.models import DocumentType

    for _i in range(count):
        n = _n()
        DocumentType.objects.create(
            slug=f"doc-{n}", name_kk="к", name_ru="р", name_en="e", name_zh_hans="z"
        )


def _checklist_items(count):
    from charity import enums
    from charity.models import ChecklistItem, DocumentType

    for _i in range(count):
        n = _n()
        kind = DocumentType.objects.create(
            slug=f"item-{n}", name_kk="к", name_ru="р", name_en="e", name_zh_hans="z"
        )
        ChecklistItem.objects.create(
            category=enums.Category.values[n % len(enums.Category.values)], document_type=kind
        )


def _programmes(count):
    from charity.tests.factories import BudgetLineFactory, ProgrammeFactory

    for _i in range(count):
        BudgetLineFactory(programme=ProgrammeFactory(year=2000 + _n()))


def _charity_exports(count):
    from charity.models import ExportLog
    from charity.tests.factories import ProgrammeFactory

    by = User.objects.create_user(f"exporter{_n()}", first_name="Export")
    programme = ProgrammeFactory(year=2100 + _n())
    for _i in range(count):
        ExportLog.objects.create(by=by, programme=programme, file_format="xlsx", row_count=1)


def _charity_requests(count):
    from charity.tests.factories import CharityRequestFactory, ProgrammeFactory

    officer = User.objects.create_user(f"officer{_n()}", first_name="Officer")
    programme = ProgrammeFactory(year=2200 + _n())
    CharityRequestFactory.create_batch(count, officer=officer, programme=programme)


def _aid_items(count):
    from charity.tests.factories import AidItemFactory, BudgetLineFactory, ProgrammeFactory

    line = BudgetLineFactory(programme=ProgrammeFactory(year=2300 + _n()))
    chair = User.objects.create_user(f"chair{_n()}", first_name="Chair")
    for _i in range(count):
        AidItemFactory(
            budget_line=line,
            decision__approved_at=timezone.now(),
            decision__meeting__chair=chair,
            decision__recorded_by=chair,
        )


def _disbursements(count):
    from charity.models import Disbursement
    from charity.tests.factories import AidItemFactory, BudgetLineFactory, ProgrammeFactory

    line = BudgetLineFactory(programme=ProgrammeFactory(year=2400 + _n()))
    by = User.objects.create_user(f"cashier{_n()}", first_name="Cashier")
    for _i in range(count):
        item = AidItemFactory(
            budget_line=line,
            decision__approved_at=timezone.now(),
            decision__meeting__chair=by,
            decision__recorded_by=by,
        )
        Disbursement.objects.create(
            item=item,
            disbursed_on=timezone.localdate(),
            method="bank_transfer",
            amount=Decimal("1000"),
            account="KZ86125KZT5004100100",
            handed_over_by=by,
            recorded_by=by,
            act=f"charity/acts/{_n()}.pdf",
            stored_name=f"{_n()}.pdf",
            original_name="act.pdf",
            content_type="application/pdf",
            size=10,
        )


def _meetings(count):
    from charity.tests.factories import CharityRequestFactory, CommitteeMeetingFactory

    chair = User.objects.create_user(f"chair{_n()}", first_name="Chair")
    for _i in range(count):
        meeting = CommitteeMeetingFactory(chair=chair, members=[chair])
        meeting.requests.add(*CharityRequestFactory.create_batch(2))


def _social_projects(count):
    from charity.tests.factories import SocialProjectFactory

    SocialProjectFactory.create_batch(count)


def _reports(count):
    from hotline.tests.factories import ReportFactory

    investigator = User.objects.create_user(f"investigator{_n()}", first_name="Inv")
    ReportFactory.create_batch(count, investigator=investigator)


def _hotline_access_log(count):
    from hotline import enums
    from hotline.models import AccessLog
    from hotline.tests.factories import ReportFactory

    user = User.objects.create_user(f"auditor{_n()}", first_name="Audit")
    report = ReportFactory()
    for _i in range(count):
        AccessLog.objects.create(
            user=user,
            action=enums.AccessAction.OPEN,
            report=report,
            report_number=report.number,
        )


def _notifications(count):
    from appeals.tests.factories import AppealFactory
    from notifications.tests.factories import NotificationFactory

    for _i in range(count):
        appeal = AppealFactory()
        NotificationFactory(about=appeal)
        NotificationFactory(channel="sms", recipient_email="", recipient_phone="+77011234567")


MAKERS = {
    "axes.AccessAttempt": _axes_attempts,
    "axes.AccessLog": _axes_logs,
    "axes.AccessFailureLog": _axes_failures,
    "pkop_portal.HotlineLine": _hotline_lines,
    "pkop_portal.CalendarDay": _calendar_days,
    "pkop_portal.ConsentText": _consent_texts,
    "pkop_portal.ExportJob": _export_jobs,
    "auth.User": _users,
    "auth.Group": _groups,
    "appeals.Appeal": _appeals,
    "appeals.Category": _categories,
    "appeals.ExportLog": _appeal_exports,
    "reception.Manager": _managers,
    "reception.Slot": _slots,
    "reception.Booking": _bookings,
    "charity.DocumentType": _document_types,
    "charity.ChecklistItem": _checklist_items,
    "charity.Programme": _programmes,
    "charity.ExportLog": _charity_exports,
    "charity.CharityRequest": _charity_requests,
    "charity.AidItem": _aid_items,
    "charity.Disbursement": _disbursements,
    "charity.CommitteeMeeting": _meetings,
    "charity.SocialProject": _social_projects,
    "hotline.Report": _reports,
    "hotline.AccessLog": _hotline_access_log,
    "notifications.Notification": _notifications,
}

# Lists only Compliance may open (hotline.access): walked as a Compliance head.
COMPLIANCE_APPS = {"hotline"}


def _registered_labels() -> list[str]:
    return sorted(model._meta.label for model in admin.site._registry)


def _viewer(app_label: str) -> User:
    if app_label in COMPLIANCE_APPS:
        user = User.objects.create_user(
            "compliance-head", "head@example.kz", is_staff=True, first_name="Head"
        )
        user.groups.add(
            Group.objects.get(name="Compliance officer"), Group.objects.get(name="Compliance head")
        )
    else:
        user = User.objects.create_superuser("root", "root@example.kz", "x")
    return User.objects.get(pk=user.pk)


def _url(model, name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def test_every_registered_admin_has_a_row_maker():
    assert sorted(MAKERS) == _registered_labels()


def _get(client, url):
    """The response and the SQL of its queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in queries]


def _shape(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:160]


def _same_cost(label: str, few: list[str], many: list[str]) -> None:
    # On failure the captured output lists the statements (literals elided) of both requests.
    if len(many) != len(few):
        print("few:", *map(_shape, few), "many:", *map(_shape, many), sep="\n  ")
    assert (label, len(many)) == (label, len(few))


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_changelist_and_change_page_cost_the_same_with_few_and_many_rows(client, label):
    from django.apps import apps

    model = apps.get_model(label)
    client.force_login(_viewer(model._meta.app_label))
    changelist = _url(model, "changelist")
    make = MAKERS[label]

    make(FEW)
    client.get(changelist)  # the session, the permission cache and reference data warm up
    first = model._default_manager.order_by("pk").last()
    change = _url(model, "change", first.pk)
    client.get(change)

    response, few = _get(client, changelist)
    shown_few = response.context["cl"].result_count
    _response, few_change = _get(client, change)

    make(MORE)
    # Reference data kept in the process (pkop_portal.refdata) is read again once after a
    # change: warm up again, so that only the rows differ.
    client.get(changelist)
    client.get(change)
    response, many = _get(client, changelist)
    assert response.context["cl"].result_count > shown_few, label
    _response, many_change = _get(client, change)

    _same_cost(label, few, many)
    _same_cost(label, few_change, many_change)
