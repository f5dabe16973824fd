import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils.formats import date_format

from appeals import enums
from appeals.models import Appeal, Category
from appeals.tests.factories import VALID_IIN, AppealFactory
from pkop_portal import workdays
from pkop_portal.forms import new_form_key

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
        "form_key": new_form_key(),
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
    # Printed, it carries the organisation and where to follow the appeal in its language.
    assert "css/admin-print.css" in html
    assert 'class="print-only print-organisation">PKOP LLP, Shymkent oil refinery' in html
    assert "https://appeals.example.kz/ru/appeals/track/" in html


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
    listed = client.get(URL, follow=True).context["cl"].result_list  # lands on ?mine=1
    assert [a.pk for a in listed] == [mine.pk]

    client.logout()
    login(client, "head", "Head")
    assert client.get(URL).context["cl"].result_count == 2
    client.logout()
    login(client, "analyst", "Analyst")
    assert client.get(URL).context["cl"].result_count == 2
    assert client.get(URL + "add/").status_code == 403


def test_changelist_shows_no_iin_or_phone_and_flags_overdue(client):
    login(client, "head", "Head")
    AppealFactory(
        phone="+77011234567",
        due_date=workdays.local_now().date() - timedelta(days=1),
        status=enums.Status.IN_WORK,
    )
    html = client.get(URL).content.decode()
    for shown in (VALID_IIN, "8701******09", "+77011234567", "+7701*****67"):
        assert shown not in html
    assert 'class="appeal-overdue"' in html
    overdue = client.get(URL + "?overdue=yes").context["cl"].result_count
    assert overdue == 1


@pytest.mark.parametrize("group", ["Head", "Analyst"])
def test_changelist_query_count_is_the_same_for_1_and_50_appeals(client, query_count, group):
    login(client, "user", group)

    def count(rows):
        queries, response = query_count(lambda: client.get(URL))
        assert response.context["cl"].result_count == rows
        return queries

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
        {
            "outcome": "satisfied",
            "reasoning": "Помощь оказана.",
            "legal_basis": "АППК ст. 76",
            "confirm": "on",
        },
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


# --- Least privilege: Analysts read-only, personal data masked -------------------------------


PERSONAL = {
    "full_name": "Айгерим Садыкова",
    "iin": VALID_IIN,
    "address": "Шымкент, ул. Байтурсынова, 1",
    "phone": "+77011234567",
    "email": "aigerim@example.kz",
}


def test_analyst_sees_personal_data_masked_on_the_list_and_the_change_page(client):
    appeal = AppealFactory(**PERSONAL)
    login(client, "analyst", "Analyst")
    for html in (
        client.get(URL).content.decode(),
        client.get(f"{URL}{appeal.pk}/change/").content.decode(),
    ):
        for value in ("Айгерим Садыкова", VALID_IIN, "Байтурсынова", "+77011234567"):
            assert value not in html
        assert "aigerim@example.kz" not in html
    page = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    for masked in ("А. С.", "8701******09", "Шымкент, ***", "+7701*****67", "a*****m@example.kz"):
        assert f'<div class="readonly">{masked}</div>' in page


def test_heads_executors_and_registrars_see_personal_data_in_full_on_the_change_page(client):
    executor = User.objects.create_user("ex", is_staff=True)
    executor.groups.add(Group.objects.get(name="Executor"))
    registrar = User.objects.create_user("reg", is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrar"))
    appeal = AppealFactory(
        executor=executor, registered_by=registrar, status=enums.Status.IN_WORK, **PERSONAL
    )
    for user in (executor, registrar, login(client, "head", "Head")):
        client.force_login(user)
        page = client.get(f"{URL}{appeal.pk}/change/").content.decode()
        assert f'<div class="readonly">{VALID_IIN}</div>' in page
        assert '<div class="readonly">Шымкент, ул. Байтурсынова, 1</div>' in page
        assert '<div class="readonly">Айгерим Садыкова</div>' in page
        assert "aigerim@example.kz" in page
        # Lists stay masked for everyone.
        listed = client.get(URL, follow=True).content.decode()
        assert "Садыкова" in listed and VALID_IIN not in listed


def test_analyst_cannot_find_an_appeal_by_personal_data(client):
    appeal = AppealFactory(**PERSONAL)
    login(client, "analyst", "Analyst")
    assert client.get(URL, {"q": VALID_IIN}).context["cl"].result_count == 0
    assert client.get(URL, {"q": "Садыкова"}).context["cl"].result_count == 0
    assert client.get(URL, {"q": appeal.number}).context["cl"].result_count == 1
    client.logout()
    login(client, "head", "Head")
    assert client.get(URL, {"q": VALID_IIN}).context["cl"].result_count == 1


def test_analyst_has_no_note_button_and_the_note_url_is_refused(client):
    appeal = AppealFactory()
    login(client, "analyst", "Analyst")
    html = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    assert "appeal-action-note" not in html
    response = client.post(f"{URL}{appeal.pk}/workflow/note/", {"note": "x"})
    assert response.status_code == 403
    assert not appeal.events.exists()
    client.logout()
    login(client, "registrar", "Registrar")
    appeal.registered_by = User.objects.get(username="registrar")
    appeal.save()
    html = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    assert "appeal-action-note" in html
    client.post(f"{URL}{appeal.pk}/workflow/note/", {"note": "Звонил заявитель"})
    assert list(appeal.events.values_list("kind", "note")) == [("note", "Звонил заявитель")]


def test_possible_repeats_panel_shows_only_appeals_the_viewer_may_see(client):
    executor = User.objects.create_user("ex", is_staff=True)
    executor.groups.add(Group.objects.get(name="Executor"))
    other = User.objects.create_user("other", is_staff=True)
    other.groups.add(Group.objects.get(name="Executor"))
    hidden = AppealFactory(executor=other, subject="Чужое обращение")
    visible = AppealFactory(executor=executor, subject="Своё раннее")
    current = AppealFactory(executor=executor, possible_repeat=True)
    client.force_login(executor)
    html = client.get(f"{URL}{current.pk}/change/").content.decode()
    panel = html.split('id="possible-repeats"')[1].split("</fieldset>")[0]
    assert f">{visible.number}</a>" in panel
    assert hidden.number not in html and "Чужое обращение" not in html
    form = client.get(f"{URL}{current.pk}/workflow/link_repeat/").context["form"]
    assert [a.pk for a in form.fields["earlier"].queryset] == [visible.pk]
    client.logout()
    login(client, "head", "Head")
    html = client.get(f"{URL}{current.pk}/change/").content.decode()
    assert f">{hidden.number}</a>" in html and f">{visible.number}</a>" in html


# --- The redirect deadline for staff -----------------------------------------------------------


def test_redirect_deadline_filter_and_change_page(client):
    login(client, "head", "Head")
    today = workdays.local_now().date()
    late = AppealFactory(redirect_due_date=today - timedelta(days=1))
    soon = AppealFactory(redirect_due_date=today)
    AppealFactory(redirect_due_date=workdays.add_working_days(today, 10))
    executor = User.objects.create_user("ex", is_staff=True)
    AppealFactory(
        executor=executor, status=enums.Status.IN_WORK, redirect_due_date=today - timedelta(days=1)
    )
    listed = client.get(URL + "?redirect=urgent").context["cl"].result_list
    assert sorted(a.pk for a in listed) == sorted([late.pk, soon.pk])
    page = client.get(f"{URL}{late.pk}/change/").content.decode()
    row = page.split("field-redirect_due_date")[1].split('class="form-row')[0]
    assert "<label>Redirect deadline:</label>" in row
    assert f'<div class="readonly">{date_format(late.redirect_due_date)}</div>' in row


# --- Referral of a possible crime through the admin --------------------------------------------


def test_referral_button_only_for_a_possible_crime_and_the_answer_after_it(client):
    plain = AppealFactory()
    flagged = AppealFactory(possible_crime=True)
    login(client, "head", "Head")
    assert "appeal-action-refer" not in client.get(f"{URL}{plain.pk}/change/").content.decode()
    assert "appeal-action-refer" in client.get(f"{URL}{flagged.pk}/change/").content.decode()
    answer = {"outcome": "explained", "reasoning": "r", "legal_basis": "l", "confirm": "on"}
    response = client.post(f"{URL}{flagged.pk}/workflow/answer/", answer)
    assert "record the referral" in response.content.decode()
    today = workdays.local_now().date()
    response = client.post(
        f"{URL}{flagged.pk}/workflow/refer/",
        {"authority": "Полиция г. Шымкента", "referred_on": f"{today:%Y-%m-%d}", "note": ""},
    )
    assert response["Location"] == f"{URL}{flagged.pk}/change/"
    client.post(f"{URL}{flagged.pk}/workflow/answer/", answer)
    flagged.refresh_from_db()
    assert flagged.status == "answered"
    assert list(flagged.events.values_list("kind", flat=True)) == ["referred", "answered"]


# --- Attachments for staff ---------------------------------------------------------------------


def attached(appeal, name="справка о составе семьи.pdf", content_type="application/pdf"):
    from django.core.files.base import ContentFile

    from appeals.models import AppealAttachment
    from appeals.tests.files import PDF

    attachment = AppealAttachment(
        appeal=appeal,
        stored_name="a1b2c3.pdf",
        original_name=name,
        content_type=content_type,
        size=len(PDF),
    )
    attachment.file.save(attachment.stored_name, ContentFile(PDF), save=True)
    return attachment


def download(client, attachment):
    return client.get(f"{URL}{attachment.appeal_id}/attachment/{attachment.pk}/")


def test_staff_download_an_attachment_as_a_file_with_safe_headers(client):
    from appeals.tests.files import PDF

    appeal = AppealFactory()
    attachment = attached(appeal)
    login(client, "head", "Head")
    page = client.get(f"{URL}{appeal.pk}/change/").content.decode()
    url = f"{URL}{appeal.pk}/attachment/{attachment.pk}/"
    assert f'<a href="{url}" class="attachment-download">Download</a>' in page
    response = download(client, attachment)
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D1%81%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D0%B0%20%D0%BE%20"
        "%D1%81%D0%BE%D1%81%D1%82%D0%B0%D0%B2%D0%B5%20%D1%81%D0%B5%D0%BC%D1%8C%D0%B8.pdf"
    )


def test_download_name_and_type_never_come_from_what_was_sent(client):
    appeal = AppealFactory()
    # A row stored before types were checked: a browser-claimed type and a hostile name.
    legacy = attached(appeal, name='..\\evil"\r\nX-Header: 1.html', content_type="text/html")
    login(client, "head", "Head")
    response = download(client, legacy)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="evil_X-Header_ 1.bin"'
    assert "X-Header" not in set(response.headers)


def test_attachment_download_is_scoped_to_the_appeals_the_user_may_see(client):
    from appeals.tests.files import PDF

    executor = User.objects.create_user("ex", is_staff=True)
    executor.groups.add(Group.objects.get(name="Executor"))
    other = User.objects.create_user("other", is_staff=True)
    other.groups.add(Group.objects.get(name="Executor"))
    mine = attached(AppealFactory(executor=executor))
    theirs = attached(AppealFactory(executor=other))
    client.force_login(executor)
    own = download(client, mine)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    refused = download(client, theirs)
    assert refused.status_code == 404
    assert not hasattr(refused, "streaming_content")  # the 404 page, not the file
    # The attachment id of another appeal under one's own appeal's URL: 404 as well.
    crossed = client.get(f"{URL}{mine.appeal_id}/attachment/{theirs.pk}/")
    assert crossed.status_code == 404
    client.logout()
    login(client, "analyst", "Analyst")
    assert download(client, mine).status_code == 403
