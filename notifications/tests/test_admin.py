import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from pkop_portal.masking import mask_email, mask_iin, mask_phone

pytestmark = pytest.mark.django_db
URL = "/en/admin/notifications/notification/"


@pytest.fixture
def head_client(client):
    head = User.objects.create_user("head", password="x" * 12, is_staff=True)
    head.groups.add(Group.objects.get(name="Head"))
    client.force_login(head)
    return client


def test_masks_hide_most_of_the_address():
    assert mask_email("aigerim@example.kz") == "a*****m@example.kz"
    assert mask_email("ab@example.kz") == "a*@example.kz"
    assert mask_phone("+77011234567") == "+7701*****67"
    assert mask_iin("870101300009") == "8701******09"


def test_changelist_shows_masked_recipients_only(head_client):
    NotificationFactory(recipient_email="aigerim@example.kz")
    NotificationFactory(
        channel="sms", recipient_email="", recipient_phone="+77011234567", dedupe_key="s:sms"
    )
    html = head_client.get(URL).content.decode()
    assert "a*****m@example.kz" in html
    assert "+7701*****67" in html
    assert "aigerim@example.kz" not in html
    assert "+77011234567" not in html


def test_changelist_query_count_is_the_same_for_1_and_50_rows(head_client, query_count):
    def count_queries(expected_rows):
        queries, response = query_count(lambda: head_client.get(URL))
        assert response.context["cl"].result_count == expected_rows
        return queries

    NotificationFactory()
    one = count_queries(1)
    NotificationFactory.create_batch(49)
    assert count_queries(50) == one <= 12


def test_changelist_filters_and_search(head_client):
    NotificationFactory(recipient_email="dana@example.kz", status="failed")
    NotificationFactory(recipient_email="erlan@example.kz")
    failed = head_client.get(URL + "?status__exact=failed").context["cl"].result_list
    assert [n.recipient_email for n in failed] == ["dana@example.kz"]
    found = head_client.get(URL + "?q=erlan").context["cl"].result_list
    assert [n.recipient_email for n in found] == ["erlan@example.kz"]
    by_channel = head_client.get(URL + "?channel__exact=sms").context["cl"].result_count
    assert by_channel == 0


def test_detail_page_shows_the_rendered_message_in_its_language(head_client):
    row = NotificationFactory(language="en", context={"requested_by": "Registrar Aidos"})
    html = head_client.get(f"{URL}{row.pk}/change/").content.decode()
    assert "<strong>Test message from the PKOP Citizen Portal</strong>" in html
    assert "requested by Registrar Aidos" in html
    assert 'name="status"' not in html  # read-only: changed only through actions


def test_retry_action_requeues_failed_rows(head_client, django_capture_on_commit_callbacks):
    row = NotificationFactory(status="failed", attempts=8, last_error="550")
    with django_capture_on_commit_callbacks(execute=True):
        response = head_client.post(
            URL, {"action": "retry_now", "_selected_action": [row.pk]}, follow=True
        )
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(mail.outbox) == 1
    assert "1 notification queued again." in response.content.decode()


def test_cancel_action_cancels_pending_and_reports_sent(head_client):
    pending = NotificationFactory()
    sent = NotificationFactory(status="sent")
    response = head_client.post(
        URL, {"action": "cancel", "_selected_action": [pending.pk, sent.pk]}, follow=True
    )
    html = response.content.decode()
    assert Notification.objects.get(pk=pending.pk).status == "cancelled"
    assert Notification.objects.get(pk=sent.pk).status == "sent"
    assert "1 notification cancelled." in html
    assert f"#{sent.pk}: The notification was already sent." in html


def test_staff_outside_head_group_cannot_see_the_outbox(client):
    clerk = User.objects.create_user("clerk", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Registrar"))
    client.force_login(clerk)
    assert client.get(URL).status_code == 403


def test_no_one_adds_or_deletes_outbox_rows(head_client, admin_client):
    row = NotificationFactory()
    assert admin_client.get(URL + "add/").status_code == 403
    assert admin_client.post(f"{URL}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=row.pk).exists()
