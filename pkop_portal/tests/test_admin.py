import pytest
from django.contrib.auth.models import Group, User

from pkop_portal.models import CalendarDay, HotlineLine

pytestmark = pytest.mark.django_db

STAFF_GROUPS = {
    "Registrar",
    "Executor",
    "Head",
    "Reception secretary",
    "Charity committee",
    "Charity officer",
    "Compliance officer",
    "Analyst",
}


@pytest.fixture
def admin_client_kk(admin_user, client):
    client.force_login(admin_user)
    return client


def test_staff_groups_are_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= STAFF_GROUPS


def test_hotline_lines_are_seeded_by_migration():
    lines = {line.language: line.phone.as_e164 for line in HotlineLine.objects.all()}
    assert lines == {
        "kk": "+77252241370",
        "ru": "+77252241392",
        "en": "+77252241420",
        "zh-hans": "+77252241485",
    }


def test_contacts_changelist_lists_lines_in_order(admin_client_kk):
    response = admin_client_kk.get("/en/admin/pkop_portal/hotlineline/")
    html = response.content.decode()
    positions = [html.index(n) for n in ("24 13 70", "24 13 92", "24 14 20", "24 14 85")]
    assert positions == sorted(positions)


def test_contacts_admin_edit_changes_the_public_page(admin_client_kk, client):
    line = HotlineLine.objects.get(language="ru")
    response = admin_client_kk.post(
        f"/en/admin/pkop_portal/hotlineline/{line.pk}/change/",
        {"language": "ru", "phone": "8 7252 241393", "position": 2, "is_active": "on"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.phone.as_e164 == "+77252241393"
    assert "8 (7252) 24 13 93" in client.get("/ru/contacts/").content.decode()


def test_contacts_admin_rejects_invalid_phone_with_translated_error(admin_client_kk):
    line = HotlineLine.objects.get(language="ru")
    response = admin_client_kk.post(
        f"/ru/admin/pkop_portal/hotlineline/{line.pk}/change/",
        {"language": "ru", "phone": "12", "position": 2, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Введите корректный номер телефона" in response.content.decode()
    line.refresh_from_db()
    assert line.phone.as_e164 == "+77252241392"


def test_calendar_override_added_in_admin_changes_working_days(admin_client_kk):
    from datetime import date

    from pkop_portal.workdays import is_working_day

    response = admin_client_kk.post(
        "/en/admin/pkop_portal/calendarday/add/",
        {"date": "2026-12-04", "note": "transfer of a day off"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2026, 12, 4)).is_working is False
    assert is_working_day(date(2026, 12, 4)) is False


@pytest.mark.parametrize("rows", [1, 40])
def test_calendar_changelist_query_count_does_not_grow_with_rows(
    admin_client_kk, rows, query_count
):
    from datetime import date, timedelta

    CalendarDay.objects.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2030, 1, 1) + timedelta(days=i), is_working=i % 2 == 0)
        for i in range(rows)
    )
    queries, response = query_count(
        lambda: admin_client_kk.get("/en/admin/pkop_portal/calendarday/")
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows
    # session, user, count, total count, rows, date-hierarchy bounds and years.
    assert queries <= 8


@pytest.mark.parametrize("lang", ["kk", "ru", "zh-hans"])
def test_admin_index_is_translated(admin_client_kk, lang):
    from django.utils import translation
    from django.utils.translation import gettext

    html = admin_client_kk.get(f"/{lang}/admin/").content.decode()
    with translation.override(lang):
        header = gettext("PKOP Citizen Portal: staff")
        app_name = gettext("Portal")
    assert header != "PKOP Citizen Portal: staff"
    assert header in html
    assert app_name in html
    assert f'lang="{lang}"' in html


def test_admin_redirects_to_a_language_prefix(client):
    response = client.get("/admin/", headers={"accept-language": "ru"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/admin/"


def test_admin_login_locks_out_after_repeated_failures(client, settings):
    User.objects.create_user("officer", password="correct-horse-battery", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/en/admin/login/?next=/en/admin/",
            {"username": "officer", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
        )
    response = client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": "officer", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_succeeds_with_right_password(client):
    User.objects.create_user("officer", password="correct-horse-battery", is_staff=True)
    response = client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": "officer", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
