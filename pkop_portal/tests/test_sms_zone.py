"""Every time in an SMS carries its zone, in one short form ("07.12.2026 10:00 UTC+5",
pkop_portal.templatetags.portal_time.sms_time), and e-mails say the time as the web pages do
("… (Shymkent time, UTC+5)", local_time)."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from notifications.events import EVENTS
from notifications.rendering import render_message, sms_segments
from pkop_portal.templatetags.portal_time import local_time, sms_time
from reception.tests.factories import booking_make

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
SHYMKENT = ZoneInfo("Asia/Almaty")
START = datetime(2026, 12, 7, 10, 0, tzinfo=SHYMKENT)
RECEPTION_EVENTS = [
    "reception.booked",
    "reception.cancelled",
    "reception.rescheduled",
    "reception.reminder",
]
# A clock time not followed by its zone.
BARE_TIME = re.compile(r"\b\d{1,2}:\d{2}\b(?! UTC[+−]\d)")


@pytest.mark.parametrize("lang", LANGS)
def test_sms_time_is_shymkent_time_with_the_offset_in_every_language(lang):
    with translation.override(lang):
        assert sms_time(START) == "07.12.2026 10:00 UTC+5"
        # An aware time in another zone is converted; the offset is that of Shymkent.
        assert sms_time(datetime(2026, 12, 7, 5, 0, tzinfo=UTC)) == "07.12.2026 10:00 UTC+5"
        assert sms_time(START, "H:i") == "10:00 UTC+5"


def test_sms_time_of_nothing_is_empty_and_the_filter_is_the_same_function():
    assert sms_time(None) == sms_time("10:00") == ""
    rendered = Template("{% load portal_time %}{{ t|sms_time }}").render(Context({"t": START}))
    assert rendered == sms_time(START)


def reception_booking(status="booked", language="ru"):
    return booking_make(
        START, status, phone="+77011234567", email="aigerim@example.kz", language=language
    )


def render(event, booking, lang, channel):
    return render_message(
        event=event,
        language=lang,
        context={"booking_id": booking.pk, "number": booking.number},
        channel=channel,
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("event", RECEPTION_EVENTS)
def test_reception_sms_carries_the_time_with_its_zone_and_fits_two_parts(event, lang):
    status = "cancelled" if event == "reception.cancelled" else "booked"
    booking = reception_booking(status, language=lang)
    sms = render(event, booking, lang, "sms").sms
    assert "07.12.2026 10:00 UTC+5" in sms
    assert not BARE_TIME.search(sms)
    assert booking.number in sms
    assert 1 <= sms_segments(sms) <= 2


@pytest.mark.parametrize(
    ("event", "sentence"),
    [
        (
            "reception.booked",
            "You are booked for a personal reception with Director on "
            "07.12.2026 10:00 (Shymkent time, UTC+5).",
        ),
        (
            "reception.cancelled",
            "Your personal reception with Director on 07.12.2026 10:00 (Shymkent time, UTC+5) "
            "is cancelled.",
        ),
        (
            "reception.rescheduled",
            "Your personal reception with Director is moved to "
            "07.12.2026 10:00 (Shymkent time, UTC+5).",
        ),
        (
            "reception.reminder",
            "We remind you of your personal reception with Director on "
            "07.12.2026 10:00 (Shymkent time, UTC+5).",
        ),
    ],
)
def test_reception_email_says_the_time_as_the_web_pages_do(event, sentence, in_english):
    status = "cancelled" if event == "reception.cancelled" else "booked"
    booking = reception_booking(status, language="en")
    message = render(event, booking, "en", "email")
    assert sentence in message.text
    assert sentence in message.html
    # Said once: the zone is not repeated after the time.
    assert message.text.count("UTC+5") == 1
    assert "(Shymkent time, UTC+5) (Shymkent time" not in message.text


def test_reminder_subject_carries_the_zone(in_english):
    booking = reception_booking(language="en")
    message = render("reception.reminder", booking, "en", "email")
    assert message.subject == f"Reminder: your visit {booking.number} on 07.12.2026 10:00 UTC+5"


@pytest.mark.parametrize("lang", ["kk", "ru", "zh-hans"])
@pytest.mark.parametrize("event", RECEPTION_EVENTS)
def test_reception_email_in_other_languages_carries_the_zone(event, lang):
    status = "cancelled" if event == "reception.cancelled" else "booked"
    booking = reception_booking(status, language=lang)
    message = render(event, booking, lang, "email")
    with translation.override(lang):
        # The page's wording of the time, in the message's language.
        assert local_time(START) in message.text
    assert f'<html lang="{lang}">' in message.html


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "event", sorted(key for key, spec in EVENTS.items() if spec.enrich is None)
)
def test_no_other_sms_shows_a_clock_time_without_its_zone(event, lang):
    spec = EVENTS[event]
    sms = render_message(event=event, language=lang, context=spec.sample_context, channel="sms")
    assert not BARE_TIME.search(sms.sms)
