import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from reception.models import Booking, Slot
from reception.slots import slots_generate_all
from reception.tests.factories import RuleFactory

pytestmark = pytest.mark.django_db


def wrong(token: str) -> str:
    """`token` with its last character changed (never to itself)."""
    return token[:-1] + ("y" if token[-1] == "x" else "x")


def tr(text, lang):
    with translation.override(lang):
        return gettext(text)


@pytest.fixture
def slot():
    rule = RuleFactory(weekdays="1,2,3,4,5", capacity=1)
    slots_generate_all()
    from django.utils import timezone

    from reception import selectors

    return selectors.slot_list_free(manager=rule.manager, now=timezone.now()).first()


def form(client, slot, lang="ru"):
    html = client.get(f"/{lang}/reception/slot/{slot.pk}/book/").content.decode()
    key = html.split('name="form_key" value="')[1].split('"')[0]
    version = html.split('name="consent_version" value="')[1].split('"')[0]
    return {
        "full_name": "Айгерим Садыкова",
        "iin": "870101300009",
        "phone": "+77011234567",
        "email": "aigerim@example.kz",
        "topic": "Благотворительная помощь",
        "description": "",
        "consent": "on",
        "consent_version": version,
        "form_key": key,
        "website": "",
    }


def test_home_links_to_reception(client):
    assert (
        '<a href="/en/reception/">Book a personal reception</a>'
        in client.get("/en/").content.decode()
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en", "zh-hans"])
def test_manager_list_and_page_show_free_times_translated(client, slot, lang):
    html = client.get(f"/{lang}/reception/").content.decode()
    assert tr("Book a personal reception", lang) in html
    assert f"/{lang}/reception/slot/{slot.pk}/book/" in html
    page = client.get(f"/{lang}/reception/manager/{slot.manager.pk}/").content.decode()
    assert tr("Free times", lang) in page


def test_booking_confirmation_manage_link_and_invitation(client, slot):
    response = client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ru/reception/booking/{booking.number}/"
    html = client.get(response["Location"]).content.decode()
    assert f'<dd class="col-sm-8" id="booking-number">{booking.number}</dd>' in html
    manage_url = html.split('id="manage-link">')[1].split("<")[0]
    token = manage_url.rstrip("/").split("/")[-1]
    assert token not in booking.token_hash
    invite = Client().get(f"/ru/reception/manage/{token}/invitation.ics")
    assert invite["Content-Type"] == "text/calendar; method=REQUEST; charset=utf-8"
    event = Calendar.from_ical(invite.content).walk("VEVENT")[0]
    assert event["DTSTART"].dt == slot.starts_at
    assert manage_url in str(event["DESCRIPTION"])


def test_same_form_sent_twice_books_once(client, slot):
    data = form(client, slot)
    first = client.post(f"/ru/reception/slot/{slot.pk}/book/", data)
    second = client.post(f"/ru/reception/slot/{slot.pk}/book/", data)
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1


def test_taken_slot_gets_a_clear_page_and_nothing_saved(client, slot):
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    other = Client()
    data = form(other, slot)
    data["iin"] = "900401300008"
    response = other.post(f"/ru/reception/slot/{slot.pk}/book/", data)
    assert response.status_code == 409
    assert tr("This time has just been taken", "ru") in response.content.decode()
    assert Booking.objects.count() == 1


def test_invalid_iin_and_no_consent_are_refused_in_the_language(client, slot):
    data = form(client, slot, "kk")
    data.update(iin="870101300008", consent="")
    response = client.post(f"/kk/reception/slot/{slot.pk}/book/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert tr("This IIN is not valid: its check digit does not match.", "kk") in html
    assert tr("You must consent to the processing of personal data to book a visit.", "kk") in html
    assert Booking.objects.count() == 0


def test_cancel_by_link_frees_the_slot(client, slot):
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    html = client.get(f"/ru/reception/booking/{Booking.objects.get().number}/").content.decode()
    token = html.split('id="manage-link">')[1].split("<")[0].rstrip("/").split("/")[-1]
    citizen = Client()
    response = citizen.post(f"/ru/reception/manage/{token}/cancel/")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.status, booking.is_active) == ("cancelled_by_citizen", False)
    page = citizen.get(f"/ru/reception/manager/{slot.manager.pk}/").content.decode()
    assert f"/ru/reception/slot/{slot.pk}/book/" in page
    invite = citizen.get(f"/ru/reception/manage/{token}/invitation.ics")
    assert str(Calendar.from_ical(invite.content)["METHOD"]) == "CANCEL"


def manage_token_of(client, booking):
    html = client.get(f"/ru/reception/booking/{booking.number}/").content.decode()
    return html.split('id="manage-link">')[1].split("<")[0].rstrip("/").split("/")[-1]


def test_wrong_token_is_404_and_cancel_get_only_asks(client, slot):
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    token = manage_token_of(client, booking)
    assert client.get(f"/ru/reception/manage/{wrong(token)}/").status_code == 404
    assert client.post(f"/ru/reception/manage/{wrong(token)}/cancel/").status_code == 404
    assert client.get(f"/ru/reception/manage/{wrong(token)}/cancel/").status_code == 404
    # GET is the "Are you sure?" page (reception/tests/test_cancel_confirm.py): nothing changes.
    assert client.get(f"/ru/reception/manage/{token}/cancel/").status_code == 200
    booking.refresh_from_db()
    assert (booking.status, booking.is_active) == ("booked", True)


def test_cancel_without_csrf_is_refused(client, slot):
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    token = manage_token_of(client, booking)
    response = Client(enforce_csrf_checks=True).post(f"/ru/reception/manage/{token}/cancel/")
    assert response.status_code == 403
    assert tr("The form has expired", "ru") in response.content.decode()
    booking.refresh_from_db()
    assert (booking.status, booking.is_active) == ("booked", True)


def test_move_by_link_to_another_free_time(client, slot):
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    html = client.get(f"/ru/reception/booking/{booking.number}/").content.decode()
    token = html.split('id="manage-link">')[1].split("<")[0].rstrip("/").split("/")[-1]
    citizen = Client()
    page = citizen.get(f"/ru/reception/manage/{token}/").content.decode()
    # The first option is the empty "Choose a new time": nothing is pre-selected.
    new_slot_id = int(page.split('<option value="')[2].split('"')[0])
    assert new_slot_id != slot.pk
    response = citizen.post(f"/ru/reception/manage/{token}/move/", {"slot": new_slot_id})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.slot_id, booking.reschedule_count, booking.sequence) == (new_slot_id, 1, 1)
    bad = citizen.post(f"/ru/reception/manage/{token}/move/", {"slot": "x"})
    assert bad.status_code == 400


def test_manage_link_reused_after_cancel_and_after_the_visit(client, slot):
    from datetime import timedelta

    from django.utils import timezone

    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    html = client.get(f"/ru/reception/booking/{booking.number}/").content.decode()
    token = html.split('id="manage-link">')[1].split("<")[0].rstrip("/").split("/")[-1]
    citizen = Client()
    # The visit is about to start: too late to cancel online.
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    late = citizen.post(f"/ru/reception/manage/{token}/cancel/")
    assert late.status_code == 400
    assert tr("It is too late to cancel online; please call the reception.", "ru") in (
        late.content.decode()
    )
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() + timedelta(days=3))
    assert citizen.post(f"/ru/reception/manage/{token}/cancel/").status_code == 302
    # The same link used again: the booking is shown as cancelled, nothing more can be done.
    reused = citizen.post(f"/ru/reception/manage/{token}/cancel/")
    assert reused.status_code == 400
    assert tr("This booking is no longer active.", "ru") in reused.content.decode()
    assert Booking.objects.get().events.count() == 2


def test_session_never_holds_the_manage_token(client, slot):
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    booking = Booking.objects.get()
    token = manage_token_of(client, booking)
    assert token not in str(dict(client.session))
    assert client.get("/ru/reception/booking/R-OTHER123/").status_code == 404


def test_invitation_is_rate_limited_with_the_manage_link(client, slot, settings):
    client.post(f"/ru/reception/slot/{slot.pk}/book/", form(client, slot))
    token = manage_token_of(client, Booking.objects.get())
    settings.RECEPTION_FORM_RATE = "3/h"
    visitor = Client()
    invitation = f"/ru/reception/manage/{token}/invitation.ics"
    # Guessing tokens spends the same budget as using the right one.
    assert visitor.get(f"/ru/reception/manage/{wrong(token)}/invitation.ics").status_code == 404
    assert visitor.get(invitation)["Content-Type"].startswith("text/calendar")
    assert visitor.get(f"/ru/reception/manage/{token}/").status_code == 200
    refused = visitor.get(invitation)
    assert refused.status_code == 429
    assert tr("Too many requests", "ru") in refused.content.decode()
    assert b"BEGIN:VCALENDAR" not in refused.content
