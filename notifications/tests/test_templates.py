"""Every event's templates exist and are fully translated in all four languages."""

import re

import pytest

from notifications.events import EVENTS
from notifications.rendering import render_message, sms_segments

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
# Events with a send-time `enrich` hook read real objects (a booking); their apps' tests render
# them in every language with real rows.
STATIC_EVENTS = sorted(key for key, spec in EVENTS.items() if spec.enrich is None)


def english_sentences(text: str) -> set[str]:
    """Lines with two or more English words: what must not survive translation."""
    return {
        line.strip()
        for line in text.splitlines()
        if len(re.findall(r"\b[a-zA-Z]{3,}\b", line)) >= 2 and "http" not in line
    }


@pytest.mark.parametrize("event", STATIC_EVENTS)
@pytest.mark.parametrize("lang", ["kk", "ru", "zh-hans"])
def test_event_renders_without_untranslated_text(event, lang):
    spec = EVENTS[event]
    en = render_message(event=event, language="en", context=spec.sample_context, channel="email")
    other = render_message(event=event, language=lang, context=spec.sample_context, channel="email")
    assert other.subject and other.subject != en.subject
    leftovers = english_sentences(en.text) & english_sentences(other.text)
    assert leftovers == set()
    assert f'<html lang="{lang}">' in other.html
    en_sms = render_message(event=event, language="en", context=spec.sample_context, channel="sms")
    sms = render_message(event=event, language=lang, context=spec.sample_context, channel="sms")
    assert sms.sms and sms.sms != en_sms.sms


@pytest.mark.parametrize("event", STATIC_EVENTS)
@pytest.mark.parametrize("lang", LANGS)
def test_email_footer_has_portal_name_and_hotline_lines(event, lang):
    spec = EVENTS[event]
    message = render_message(
        event=event, language=lang, context=spec.sample_context, channel="email"
    )
    assert f"https://appeals.example.kz/{lang}/" in message.text
    assert "8 (7252) 24 13 70" in message.text
    assert "8 (7252) 24 14 85" in message.html


@pytest.mark.parametrize("event", STATIC_EVENTS)
@pytest.mark.parametrize("lang", LANGS)
def test_sms_fits_two_segments(event, lang):
    spec = EVENTS[event]
    sms = render_message(event=event, language=lang, context=spec.sample_context, channel="sms")
    assert 1 <= sms_segments(sms.sms) <= 2


def test_sms_segment_counting():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("ә" * 70) == 1
    assert sms_segments("ә" * 71) == 2
    assert sms_segments("诉" * 135) == 3
