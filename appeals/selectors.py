"""Reads of appeals for the public pages."""

from django.db.models import Prefetch

from appeals import codes
from appeals.models import Appeal, AppealAttachment, AppealEvent


def appeal_get_for_applicant(*, number: str, code: str) -> Appeal | None:
    """The appeal if number and access code match, else None (the same for either mistake)."""
    number = number.strip().upper()
    appeal = Appeal.objects.filter(number=number).only("pk", "number", "access_code_hash").first()
    stored = appeal.access_code_hash if appeal else "0" * 64
    # Hash even for an unknown number, so the response time does not tell which was wrong.
    matches = codes.check_access_code(number=number, code=code, stored_hash=stored)
    return appeal if appeal is not None and matches else None


def appeal_public_view(*, appeal_id: int) -> Appeal:
    """An appeal with its public history, messages and files, for the tracking page."""
    public = AppealEvent.objects.filter(kind__in=AppealEvent.PUBLIC_KINDS).order_by("at", "id")
    return (
        Appeal.objects.select_related("category")
        .prefetch_related(
            Prefetch("events", queryset=public, to_attr="public_events"),
            Prefetch(
                "messages__attachments", queryset=AppealAttachment.objects.order_by("id")
            ),
        )
        .get(pk=appeal_id)
    )
