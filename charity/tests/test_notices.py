"""The applicant's notices: registered, rendered in the request's language with labels named at
render time, no secret in any stored context, the access-code message with real rows."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from charity import enums
from charity.models import DocumentType
from charity.notices import EVENTS as CHARITY_EVENTS
from charity.services import workflow
from charity.tests import support
from notifications.events import EVENTS
from notifications.rendering import render_message, sms_segments

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "zh-hans"]
KEYS = {
    "charity.submitted",
    "charity.documents_requested",
    "charity.status_changed",
    "charity.decided",
    "charity.extended",
    "charity.message",
    "charity.disbursed",
    "charity.item_disbursed",
    "charity.item_cancelled",
    "charity.closed",
    "charity.withdrawn",
    "charity.created_from_channel",
}


def test_every_charity_event_is_registered():
    assert {spec.key for spec in CHARITY_EVENTS} == KEYS
    assert set(EVENTS) >= KEYS


@pytest.mark.parametrize("key", sorted(KEYS - {"charity.created_from_channel"}))
@pytest.mark.parametrize("lang", LANGS)
def test_samples_render_in_every_language(key, lang):
    spec = EVENTS[key]
    email = render_message(event=key, language=lang, context=spec.sample_context, channel="email")
    sms = render_message(event=key, language=lang, context=spec.sample_context, channel="sms")
    assert spec.sample_context["number"] in email.subject + email.text
    assert f'<html lang="{lang}">' in email.html
    assert spec.sample_context["number"] in sms.sms
    assert 1 <= sms_segments(sms.sms) <= 2


def test_no_stored_context_declares_or_holds_a_secret():
    for spec in CHARITY_EVENTS:
        assert not {"code", "access_code"} & set(spec.sample_context), spec.key
    assert set(EVENTS["charity.created_from_channel"].secret_context) == {"code", "nonce"}


def english(*msgids: str) -> list[str]:
    """Source strings (their fixed part before the first placeholder)."""
    return [msgid.split("%(")[0].strip() for msgid in msgids]


@pytest.mark.parametrize("lang", ["kk", "zh-hans"])
def test_decision_is_rendered_without_english_source_strings(lang):
    spec = EVENTS["charity.decided"]
    message = render_message(
        event="charity.decided", language=lang, context=spec.sample_context, channel="email"
    )
    sources = [
        "The committee has decided on your request %(number)s: %(decision)s.",
        "Reasons: %(reasons)s",
        "Granted:",
        "Follow your request with its number and access code: %(portal_url)scharity/track/",
    ]
    with translation.override(lang):
        expected = [
            gettext(sources[0])
            % {"number": "C-2026-000123", "decision": enums.Outcome.PARTLY_APPROVED.label},
            gettext(sources[1]) % {"reasons": spec.sample_context["reasons"]},
            gettext(sources[2]),
            gettext("Decision on your request %(number)s") % {"number": "C-2026-000123"},
        ]
    assert expected[0] in message.text and expected[1] in message.text
    assert expected[2] in message.text and expected[3] == message.subject
    for source in english(*sources):
        assert source not in message.text
    assert "Partly approved" not in message.text


@pytest.mark.parametrize("lang", LANGS)
def test_status_and_documents_are_named_in_the_rendering_language(lang):
    status = render_message(
        event="charity.status_changed",
        language=lang,
        context={"number": "C-2026-000001", "status": "at_committee"},
        channel="sms",
    )
    with translation.override(lang):
        label = str(enums.Status.AT_COMMITTEE.label)
    assert label in status.sms
    documents = render_message(
        event="charity.documents_requested",
        language=lang,
        context={"number": "C-2026-000001", "documents": ["pension", "gone"], "note": ""},
        channel="email",
    )
    pension = DocumentType.objects.get(slug="pension")
    column = f"name_{lang.replace('-', '_')}"
    assert f"- {getattr(pension, column)}" in documents.text
    assert "gone" not in documents.text


@pytest.mark.parametrize("lang", LANGS)
def test_access_code_message_renders_in_every_language_with_real_rows(lang):
    from appeals import enums as appeal_enums
    from appeals.tests.factories import AppealFactory, staff_user
    from charity.tests.test_channels import from_appeal

    executor = staff_user("executor", "Executor")
    appeal = AppealFactory(
        status=appeal_enums.Status.IN_WORK, executor=executor, language=lang, phone="+77011234567"
    )
    request = from_appeal(appeal, executor).request
    from notifications.models import Notification

    row = Notification.objects.get(channel="email")
    email = render_message(event=row.event, language=lang, context=row.context, channel="email")
    sms = render_message(event=row.event, language=lang, context=row.context, channel="sms")
    assert request.number in email.subject and request.number in sms.sms
    assert 1 <= sms_segments(sms.sms) <= 2
    hidden = render_message(
        event=row.event, language=lang, context=row.context, channel="email", redact=True
    )
    with translation.override(lang):
        placeholder = gettext("[access code hidden]")
    assert placeholder in hidden.text


def test_workflow_notices_go_in_the_requests_language():
    officer = support.officer()
    request = support.open_request(language="zh-hans")
    workflow.request_start_review(request_id=request.pk, by=officer)
    from notifications.models import Notification

    row = Notification.objects.get(event="charity.status_changed", channel="email")
    assert row.language == "zh-hans"
    message = render_message(
        event=row.event, language=row.language, context=row.context, channel="email"
    )
    with translation.override("zh-hans"):
        assert str(enums.Status.UNDER_REVIEW.label) in message.text
