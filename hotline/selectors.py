"""Read queries of the hotline staff UI. Every one starts from hotline.access.reports_for: what a
user outside Compliance asks for is always empty."""

from django.db.models import Prefetch, QuerySet

from hotline import access
from hotline.models import AccessLog, Report, ReportAttachment, ReportEvent, ReportMessage


def report_list_for(user) -> QuerySet:
    """The reports of the admin list: those the user may see, with the investigator joined."""
    return access.reports_for(user).select_related("investigator")


def report_detail_for(user, report_id: int) -> Report | None:
    """One report with its messages, attachments and history, or None if the user may not see
    it (outside Compliance, excluded, or no such report)."""
    return (
        access.reports_for(user)
        .select_related("investigator")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ReportMessage.objects.select_related("by").prefetch_related("attachments"),
            ),
            Prefetch("attachments", queryset=ReportAttachment.objects.order_by("id")),
            Prefetch("events", queryset=ReportEvent.objects.select_related("by")),
            "excluded_officers",
        )
        .filter(pk=report_id)
        .first()
    )


def access_log_for(user) -> QuerySet:
    """The access log for a Compliance head; nothing for anyone else."""
    if not access.is_compliance_head(user):
        return AccessLog.objects.none()
    return AccessLog.objects.select_related("user", "report")
