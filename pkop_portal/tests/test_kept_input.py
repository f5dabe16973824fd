"""Nothing a person typed is lost on an error: every public form re-renders with every value
(files excepted, and the page says so)."""

import html as html_lib

import pytest
from django.utils import timezone

from appeals import enums
from appeals.models import Appeal, Category
from appeals.tests.factories import AppealFactory
from appeals.tests.files import PDF, upload
from appeals.views import SESSION_TRACKED
from pkop_portal import tracking
from pkop_portal.tests.public_forms import (
    APPEAL_URL,
    appeal_form,
    booking_form,
    booking_url,
    free_slot,
)
from reception.models import Booking

pytestmark = pytest.mark.django_db


def value_of(page: str, name: str) -> str:
    """The value an input, textarea or select of the page shows for `name`."""
    tag = page.split(f'name="{name}"')[1].split(">")[0]
    if 'value="' in tag:
        return html_lib.unescape(tag.split('value="')[1].split('"')[0])
    if "<textarea" in page.split(f'name="{name}"')[0][-300:]:
        content = page.split(f'name="{name}"')[1].split(">", 1)[1].split("</textarea>")[0]
        # The template starts the content on a new line, which HTML ignores.
        return html_lib.unescape(content.removeprefix("\n"))
    raise AssertionError(f"no value shown for {name}")


def chosen(page: str, name: str) -> list[str]:
    """The checked radios/checkboxes and selected options of `name`."""
    picked = []
    for part in page.split(f'name="{name}"')[1:]:
        tag = part.split(">")[0]
        if " checked" in tag and 'value="' in tag:
            picked.append(tag.split('value="')[1].split('"')[0])
    select = page.split(f'<select name="{name}"')
    if len(select) > 1:
        options = select[1].split("</select>")[0]
        for option in options.split("<option ")[1:]:
            if " selected" in option.split(">")[0]:
                picked.append(option.split('value="')[1].split('"')[0])
    return picked


def test_appeal_form_keeps_every_value_after_an_error(client):
    typed = {
        "applicant_type": "legal_entity",
        "full_name": "Айгерим «Садыкова» & Co",
        "iin": "870101300008",  # wrong check digit: the one error
        "organisation_name": "ТОО <Ромашка>",
        "bin": "980511400007",
        "address": "Шымкент, ул. Байтурсынова, 1, кв. 5",
        "phone": "+7 (701) 123-45-67",
        "email": "aigerim@example.kz",
        "preferred_contact": "both",
        "kind": "complaint",
        "category": str(Category.objects.get(slug="employment").pk),
        "subject": "Задержка зарплаты",
        "text": "Строка один\r\nСтрока «два» <b>",
        "is_collective": "on",
        "cosigners_count": "12",
    }
    data = appeal_form(client, "en", **typed)
    data["files"] = [upload("scan.pdf", PDF)]
    response = client.post(APPEAL_URL.format(lang="en"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert Appeal.objects.count() == 0
    for name in (
        "full_name",
        "iin",
        "organisation_name",
        "bin",
        "address",
        "phone",
        "email",
        "subject",
        "cosigners_count",
    ):
        assert value_of(page, name) == typed[name], name
    assert value_of(page, "text").replace("\r\n", "\n") == "Строка один\nСтрока «два» <b>"
    for name in ("applicant_type", "preferred_contact", "kind", "category"):
        assert chosen(page, name) == [typed[name]], name
    assert " checked" in page.split('name="is_collective"')[1].split(">")[0]
    assert " checked" in page.split('name="consent"')[1].split(">")[0]
    assert (
        "For your security, files are not kept after an error: please choose them again."
    ) in html_lib.unescape(page)


def test_booking_form_keeps_every_value_after_an_error(client):
    slot = free_slot()
    typed = {
        "full_name": "Айгерим Садыкова",
        "iin": "870101300009",
        "phone": "8 701 123 45 67",
        "email": "not-an-address",  # the one error
        "topic": "Помощь на лечение",
        "description": "Первая строка\nвторая",
    }
    data = booking_form(client, slot, "en", **typed)
    response = client.post(booking_url(slot, "en"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert Booking.objects.count() == 0
    for name, value in typed.items():
        assert value_of(page, name) == value, name
    assert " checked" in page.split('name="consent"')[1].split(">")[0]
    assert value_of(page, "form_key") == data["form_key"]


def test_track_form_keeps_the_number_and_code_after_a_failure(client):
    AppealFactory(number="A-2026-000123")
    data = {"number": "A-2026-000123", "code": "WRONG-CODE-12"}
    page = client.post("/en/appeals/track/", data).content.decode()
    assert value_of(page, "number") == "A-2026-000123"
    assert value_of(page, "code") == "WRONG-CODE-12"


def tracked(client, status):
    """An appeal the browser has opened with its code."""
    appeal = AppealFactory(status=status)
    session = client.session
    session[SESSION_TRACKED] = [appeal.pk]
    session[tracking.SEEN_KEY] = int(timezone.now().timestamp())  # opened just now
    session.save()
    return appeal


def test_added_information_is_kept_after_an_error(client):
    appeal = tracked(client, enums.Status.REGISTERED)
    text = "Дополнение <script>"
    response = client.post(f"/en/appeals/track/{appeal.number}/add/", {"text": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert value_of(page, "text") == text


def test_rating_comment_is_kept_when_the_choice_is_missing(client):
    appeal = tracked(client, enums.Status.ANSWERED)
    response = client.post(f"/en/appeals/track/{appeal.number}/rate/", {"comment": "Спасибо!"})
    page = response.content.decode()
    assert response.status_code == 400
    assert value_of(page, "comment") == "Спасибо!"
    appeal.refresh_from_db()
    assert appeal.rated_at is None


def test_a_refused_phone_comes_back_exactly_as_typed(client):
    slot = free_slot()
    typed = "８７０１ １２３ ４５ ６７"
    response = client.post(booking_url(slot, "en"), booking_form(client, slot, "en", phone=typed))
    page = response.content.decode()
    assert response.status_code == 400
    assert value_of(page, "phone") == typed
    assert "Type the phone number with the digits 0–9" in page
    assert Booking.objects.count() == 0
