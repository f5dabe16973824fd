"""The outbox list's search and filters by shape, each an index lookup (notifications.admin)."""

import pytest
from django.contrib.auth.models import User

from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
URL = "/en/admin/notifications/notification/"


@pytest.fixture
def root(client):
    client.force_login(User.objects.create_superuser("root", "root@example.kz", "x"))
    return client


def found(client, **params) -> list[int]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["cl"].result_list)


def test_an_email_is_found_exactly_whatever_its_case(root):
    dana = NotificationFactory(recipient_email="dana@example.kz")
    NotificationFactory(recipient_email="dana@example.kz.other")
    assert found(root, q="  Dana@Example.KZ ") == [dana.pk]


def test_the_beginning_of_an_email_or_of_a_dedupe_key_is_found(root):
    erlan = NotificationFactory(recipient_email="erlan@example.kz", dedupe_key="a:1:email")
    keyed = NotificationFactory(dedupe_key="appeal.answered:7:email")
    assert found(root, q="ERLAN") == [erlan.pk]
    assert found(root, q="appeal.answered:7") == [keyed.pk]
    assert found(root, q="example") == []  # not a substring search


def test_a_phone_is_found_as_typed_in_any_usual_format(root):
    sms = NotificationFactory(channel="sms", recipient_email="", recipient_phone="+77011234567")
    NotificationFactory(channel="sms", recipient_email="", recipient_phone="+77011234568")
    assert found(root, q="8 (701) 123-45-67") == [sms.pk]
    assert found(root, q="+7 701 123 45 67") == [sms.pk]


def test_event_and_language_filters_offer_the_registry_and_the_sites_languages(root):
    en = NotificationFactory(language="en")
    NotificationFactory(language="ru")
    assert found(root, language="en") == [en.pk]
    response = root.get(URL)
    specs = {
        spec.parameter_name: spec
        for spec in response.context["cl"].filter_specs
        if hasattr(spec, "parameter_name")
    }
    events = [value for value, _title in specs["event"].lookup_choices]
    assert "portal.test" in events
    assert not any(e.startswith("hotline.") for e in events)  # a superuser outside Compliance
    assert [v for v, _t in specs["language"].lookup_choices] == ["kk", "ru", "en", "zh-hans"]
