"""Sums in the applicant's notices read as on the pages: grouped tenge, no ".00"."""

import pytest
from django.utils import translation

from notifications.events import EVENTS
from notifications.rendering import render_message
from pkop_portal import formats

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]


def rendered(event: str, lang: str):
    context = EVENTS[event].sample_context
    return render_message(event=event, language=lang, context=context, channel="email")


def test_decision_lists_each_item_with_its_value_in_grouped_tenge(in_english):
    message = rendered("charity.decided", "en")
    value = formats.tenge("150000.00")
    assert f"Зимняя одежда: 5 комплект, value {value} tenge" in message.text
    assert f"value {value} tenge" in message.html
    assert "150000.00" not in message.text + message.html


def test_handover_gives_the_total_in_grouped_tenge(in_english):
    message = rendered("charity.disbursed", "en")
    value = formats.tenge("150000.00")
    assert f"Total value: {value} tenge." in message.text
    assert "150000.00" not in message.text + message.html


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("event", ["charity.decided", "charity.disbursed"])
def test_no_notice_shows_a_raw_stored_amount(event, lang):
    message = rendered(event, lang)
    with translation.override(lang):
        value = formats.tenge("150000.00")
    assert value in message.text
    assert "150000.00" not in message.text + message.html
