import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals import enums
from appeals.models import Appeal, Category
from appeals.tests.factories import VALID_IIN, AppealFactory
from pkop_portal import workdays

pytestmark = pytest.mark.django_db
URL = "/en/admin/appeals/appeal/"


def login(client, username, group):
    user = User.objects.create_user(username, is_staff=True, first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def registration(**overrides):
    data = {
        "channel": "box",
        "received_at": "2026-11-27T19:30",
        "language": "ru",
        "applicant_type": "individual",
        "full_name": "Ерлан Жумабеков",
        "iin": VALID_IIN,
        "address": "Шымкент, мкр. Нурсат, 5",
        "phone": "",
        "email": "",
        "preferred_contact": "email",
        "kind": "complaint",
        "category": Category.objects.get(slug="environment").pk,
        "subject": "Запах в микрорайоне",
        "text": "Вечером сильный запах.",
        "protocol": "",
    }
    data.update(overrides)
    return data


def test_registrar_registers_paper_appeal_and_gets_talon(client):
    registrar = login(client, "registrar", "Registrar")
    response = client.post(URL + "add/", registration())
    assert response.status_code == 302
    assert response["Location"] == URL + "talon/"
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.registered_by, appeal.language) == ("box", registrar, "ru")
    assert str(appeal.registration_date) == "2026-11-30"  # Friday 19:30 → Monday
    html = client.get(response["Location"]).content.decode()
    assert f'<td id="appeal-number">{appeal.number}</td>' in html
    assert "Registrar" in html
    assert re.search(r'id="access-code">[A-Z0-9-]{14}<', html)


def test_oral_appeal_needs_protocol(client):
    login(client, "registrar", "Registrar")
    response = client.post(URL + "add/", registration(channel="phone"))
    assert response.status_code == 200
    assert "An oral appeal needs its protocol." in response.content.decode()
    assert Appeal.objects.count() == 0


def test_anonymous_paper_appeal_is_registered_as_not_considered(client):
    login(client, "registrar", "Registrar")
    client.post(URL + "add/", registration(is_anonymous="on", full_name="", iin=""))
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.not_considered_reason) == ("not_considered", "anonymous")


def test_anonymous_report_of_a_crime_stays_open_for_referral(client):
    login(client, "registrar", "Registrar")
    client.post(
        URL + "add/",
        registration(is_anonymous="on", possible_crime="on", full_name="", iin=""),
    )
    assert Appeal.objects.get().status == "registered"


def test_each_group_sees_only_its_appeals(client):
    executor = User.objects.create_user("ex", is_staff=True)
    executor.groups.add(Group.objects.get(name="Executor"))
    mine = AppealFactory(executor=executor)
    AppealFactory()
    client.force_login(executor)
    listed = client.get(URL).context["cl"].result_list
    assert [a.pk for a in listed] == [mine.pk]

    client.logout()
    login(client, "head", "Head")
    assert client.get(URL).context["cl"].result_count == 2
    client.logout()
    login(client, "analyst", "Analyst")
    assert client.get(URL).context["cl"].result_count == 2
    assert client.get(URL + "add/").status_code == 403


def test_changelist_masks_iin_and_phone_and_flags_overdue(client):
    login(client, "head", "Head")
    AppealFactory(
        phone="+77011234567",
        due_date=workdays.local_now().date() - timedelta(days=1),
        status=enums.Status.IN_WORK,
    )
    html = client.get(URL).content.decode()
    assert "8701******09" in html
    assert VALID_IIN not in html
    assert "+7701*****67" in html
    assert 'class="appeal-overdue"' in html
    overdue = client.get(URL + "?overdue=yes").context["cl"].result_count
    assert overdue == 1


def test_changelist_query_count_is_the_same_for_1_and_50_appeals(client):
    login(client, "head", "Head")

    def count(rows):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.context["cl"].result_count == rows
        return len(queries)

    AppealFactory()
    one = count(1)
    AppealFactory.create_batch(49)
    assert count(50) == one


def test_workflow_buttons_follow_permissions(client):
    appeal = AppealFactory()
    login(client, "head", "Head")
    html = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    assert "appeal-action-extend" in html and "appeal-action-assign" in html
    client.logout()
    login(client, "analyst", "Analyst")
    html = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    assert "appeal-action-extend" not in html and "appeal-action-answer" not in html
    assert client.get(f"{URL}{appeal.pk}/workflow/answer/").status_code == 403


def test_head_assigns_and_executor_answers_through_admin(client):
    appeal = AppealFactory()
    executor = User.objects.create_user("ex", is_staff=True, first_name="Асель")
    executor.groups.add(Group.objects.get(name="Executor"))
    login(client, "head", "Head")
    response = client.post(
        f"{URL}{appeal.pk}/workflow/assign/", {"executor": executor.pk, "department": "ОСО"}
    )
    assert response.status_code == 302
    client.force_login(executor)
    response = client.post(
        f"{URL}{appeal.pk}/workflow/answer/",
        {"outcome": "satisfied", "reasoning": "Помощь оказана.", "legal_basis": "АППК ст. 76"},
        follow=True,
    )
    assert "Done: Answer." in response.content.decode()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer_signatory) == ("answered", "Асель")
    assert list(appeal.events.values_list("kind", flat=True)) == ["assigned", "answered"]


def test_workflow_error_is_shown_on_the_form(client):
    appeal = AppealFactory(status=enums.Status.ANSWERED)
    login(client, "head", "Head")
    response = client.post(
        f"{URL}{appeal.pk}/workflow/extend/",
        {"new_due": "2026-12-30", "reason": "проверка"},
    )
    assert response.status_code == 200
    assert "this action is only for open appeals." in response.content.decode()


def test_status_is_not_editable_in_the_change_form(client):
    appeal = AppealFactory()
    login(client, "head", "Head")
    html = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    assert 'name="status"' not in html
    assert 'name="due_date"' not in html


def test_change_page_lists_possible_repeats_of_the_same_person_and_category(client):
    first = AppealFactory(subject="Первое обращение")
    second = AppealFactory(subject="Повторное обращение")
    AppealFactory(iin="900401300008", subject="Другой человек")
    login(client, "head", "Head")
    html = client.get(f"{URL}{second.pk}/change/").content.decode()
    assert f">{first.number}</a>" in html
    assert "Другой человек" not in html


def test_repeat_buttons_only_for_flagged_appeals_and_link_through_admin(client):
    earlier = AppealFactory()
    flagged = AppealFactory(possible_repeat=True)
    plain = AppealFactory()
    login(client, "head", "Head")
    assert (
        "appeal-action-link_repeat" not in client.get(f"{URL}{plain.pk}/change/").content.decode()
    )
    html = client.get(f"{URL}{flagged.pk}/change/").content.decode()
    assert "appeal-action-link_repeat" in html and "appeal-action-dismiss_repeat" in html
    response = client.post(f"{URL}{flagged.pk}/workflow/link_repeat/", {"earlier": earlier.pk})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.repeat_of == earlier
    assert client.get(URL + "?possible_repeat__exact=1").context["cl"].result_count == 0
