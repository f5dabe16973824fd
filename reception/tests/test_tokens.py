"""The manage link's secret: derived with the rotating keys, never shown to staff."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from notifications.models import Notification
from notifications.services import notification_deliver
from reception import services
from reception.models import Slot
from reception.slots import slots_generate
from reception.tests.factories import RuleFactory, reception_consent

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))
NEW_KEY = "rotated-" + "r" * 50


@pytest.fixture
def slot():
    rule = RuleFactory(capacity=5)
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    return Slot.objects.first()


def book(slot, key="k"):
    return services.booking_create(
        slot_id=slot.pk,
        data=services.BookingInput(
            full_name="Айгерим",
            iin="870101300009",
            topic="Помощь",
            language="ru",
            email="aigerim@example.kz",
        ),
        idempotency_key=key,
        consent=reception_consent(),
        now=NOW,
    )


def opens(token: str) -> bool:
    return Client().get(f"/ru/reception/manage/{token}/").status_code == 200


def sent_link() -> str:
    return re.search(r"/ru/reception/manage/([^/\s]+)/", mail.outbox[-1].body).group(1)


def test_old_links_work_while_their_key_is_a_fallback_and_notices_derive_them(slot, settings):
    old_key = settings.PORTAL_SECRETS_KEY
    result = book(slot)
    token = result.manage_token
    with override_settings(PORTAL_SECRETS_KEY=NEW_KEY, PORTAL_SECRETS_KEY_FALLBACKS=[old_key]):
        assert opens(token)
        assert services.booking_get_by_token(token) == result.booking
        # A notice after the rotation links with the key that made the stored hash.
        notification_deliver(notification_id=Notification.objects.get().pk)
        assert sent_link() == token
        assert services.manage_token(result.booking) == token
    with override_settings(PORTAL_SECRETS_KEY=NEW_KEY, PORTAL_SECRETS_KEY_FALLBACKS=[]):
        assert not opens(token)
        assert services.booking_get_by_token(token) is None
        assert services.manage_token(result.booking) is None


def test_new_links_are_made_with_the_current_key(slot, settings):
    old_key = settings.PORTAL_SECRETS_KEY
    with override_settings(PORTAL_SECRETS_KEY=NEW_KEY, PORTAL_SECRETS_KEY_FALLBACKS=[old_key]):
        token = book(slot).manage_token
        assert opens(token)
    with override_settings(PORTAL_SECRETS_KEY=NEW_KEY, PORTAL_SECRETS_KEY_FALLBACKS=[]):
        assert opens(token)
    # Back on the old key alone, the new link is unknown.
    assert not opens(token)


def test_a_guessed_token_opens_nothing(slot):
    book(slot)
    assert not opens("A" * 32)
    assert services.booking_get_by_token("A" * 32) is None


def test_outbox_admin_shows_the_message_without_the_manage_link(slot):
    result = book(slot)
    row = Notification.objects.get(event="reception.booked")
    head = User.objects.create_user("head", is_staff=True)
    head.groups.add(Group.objects.get(name="Head"))
    staff = Client()
    staff.force_login(head)
    page = staff.get(f"/ru/admin/notifications/notification/{row.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert result.booking.number in html  # the message is there...
    with translation.override("ru"):
        assert gettext("[private link hidden]") in html  # ...with its link hidden
    assert result.manage_token not in html
    assert "/reception/manage/" not in html
    # The real e-mail carries the link (and its invitation).
    notification_deliver(notification_id=row.pk)
    assert sent_link() == result.manage_token
    invitation = mail.outbox[0].attachments[0][1]
    assert result.manage_token in str(invitation).replace("\r\n ", "")  # unfolded


def test_booking_admin_never_shows_the_link_nonce_or_hash(slot):
    booking = book(slot).booking
    head = User.objects.create_superuser("head", "head@pkop.kz", "x")
    staff = Client()
    staff.force_login(head)
    html = staff.get(f"/ru/admin/reception/booking/{booking.pk}/change/").content.decode()
    assert booking.number in html
    assert booking.token_nonce not in html
    assert booking.token_hash not in html
