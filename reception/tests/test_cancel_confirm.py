"""No dead ends in managing a booking: cancelling asks first ("Are you sure?"), then confirms with
a way to book again; the reschedule list has nothing pre-selected; the confirmation page tells
the truth about where the manage link is."""

import re

import pytest
from django.test import Client

from reception.models import Booking
from reception.tests.test_views import form, manage_token_of, slot, tr  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(client, slot):  # noqa: F811
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    return booking, manage_token_of(client, booking)


def test_manage_page_links_to_the_question_instead_of_cancelling_at_once(booked):
    booking, token = booked
    html = Client().get(f"/en/reception/manage/{token}/").content.decode()
    assert f'id="cancel-link" href="/en/reception/manage/{token}/cancel/"' in html
    assert f'action="/en/reception/manage/{token}/cancel/"' not in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en", "zh-hans"])
def test_cancel_asks_are_you_sure_and_changes_nothing(booked, lang):
    booking, token = booked
    response = Client().get(f"/{lang}/reception/manage/{token}/cancel/")
    assert response.status_code == 200
    html = response.content.decode()
    assert tr("Are you sure you want to cancel the visit?", lang) in html
    assert tr("Yes, cancel the visit", lang) in html
    assert 'id="keep-booking">' in html
    assert f'href="/{lang}/reception/manage/{token}/" id="keep-booking"' in html
    assert response["Cache-Control"].startswith("max-age=0")
    booking.refresh_from_db()
    assert (booking.status, booking.is_active) == ("booked", True)


def test_confirmed_cancel_shows_the_confirmation_with_book_again(booked, slot):  # noqa: F811
    booking, token = booked
    citizen = Client()
    response = citizen.post(f"/en/reception/manage/{token}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/reception/manage/{token}/cancel/"
    booking.refresh_from_db()
    assert (booking.status, booking.is_active) == ("cancelled_by_citizen", False)
    html = citizen.get(response["Location"]).content.decode()
    assert "Your visit is cancelled" in html
    assert f'id="book-again" href="/en/reception/manager/{slot.manager.pk}/"' in html
    # The manage link used again leads on, too: no dead end.
    manage = citizen.get(f"/en/reception/manage/{token}/").content.decode()
    assert f'id="book-again" href="/en/reception/manager/{slot.manager.pk}/"' in manage
    assert 'id="cancel-link"' not in manage
    # The freed time is offered again on the page the link leads to.
    page = citizen.get(f"/en/reception/manager/{slot.manager.pk}/").content.decode()
    assert f"/en/reception/slot/{slot.pk}/book/" in page


def test_cancel_of_a_moved_or_attended_booking_goes_to_the_manage_page(booked):
    booking, token = booked
    Booking.objects.filter(pk=booking.pk).update(status="attended", is_active=False)
    response = Client().get(f"/en/reception/manage/{token}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/reception/manage/{token}/"


def test_reschedule_list_has_nothing_preselected(booked):
    booking, token = booked
    html = Client().get(f"/en/reception/manage/{token}/").content.decode()
    select = html.split('<select name="slot"')[1].split("</select>")[0]
    assert "required" in select.split(">")[0]
    options = re.findall(r"<option[^>]*>", select)
    assert options[0] == '<option value="" selected>'
    assert all("selected" not in option for option in options[1:])
    assert len(options) > 1
    # Sent without a choice: asked again, nothing moved.
    response = Client().post(f"/en/reception/manage/{token}/move/", {"slot": ""})
    assert response.status_code == 400
    assert "Choose a new time." in response.content.decode()
    booking.refresh_from_db()
    assert booking.reschedule_count == 0


def test_confirmation_says_the_link_was_e_mailed_when_it_was(client, slot):  # noqa: F811
    client.post(f"/en/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    html = client.get(f"/en/reception/booking/{booking.number}/").content.decode()
    assert "We have also sent it to your e-mail address." in html
    assert "It is shown only here" not in html


def test_confirmation_without_e_mail_says_the_link_is_only_here(client, slot):  # noqa: F811
    data = form(client, slot) | {"email": ""}
    client.post(f"/en/reception/slot/{slot.pk}/book/", data)
    booking = Booking.objects.get()
    html = client.get(f"/en/reception/booking/{booking.number}/").content.decode()
    assert "It is shown only here: the SMS does not carry it." in html
    assert "sent it to your e-mail" not in html


def test_booking_confirmation_prints_what_the_citizen_needs(client, slot):  # noqa: F811
    client.post(f"/en/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    html = client.get(f"/en/reception/booking/{booking.number}/").content.decode()
    slip = html.split('id="print-slip"')[1].split("</div>")[0]
    assert "PKOP LLP, Shymkent oil refinery" in slip
    assert f"/en/reception/manage/{manage_token_of(client, booking)}/" in slip
    assert "Hotline phone lines" in slip
    assert "Printed:" in slip and "(Shymkent time, UTC+5)" in slip
    assert "(Shymkent time, UTC+5)" in html.split('id="booking-time">')[1].split("</dd>")[0]
