import factory
from django.utils import timezone

from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    channel = Notification.Channel.EMAIL
    recipient_email = factory.Sequence(lambda n: f"citizen{n}@example.kz")
    event = "portal.test"
    language = "ru"
    context = factory.LazyFunction(lambda: {"requested_by": "Test"})
    dedupe_key = factory.Sequence(lambda n: f"test:{n}:email")
    next_attempt_at = factory.LazyFunction(timezone.now)
