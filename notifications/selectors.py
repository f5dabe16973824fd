"""Reads of the outbox for the admin."""

from django.db.models import QuerySet

from notifications.models import Notification


def notification_list_for_admin() -> QuerySet[Notification]:
    """Outbox rows with what the changelist shows, in one query per page."""
    return Notification.objects.select_related("content_type")
