"""Reads for the site-wide pages."""

from django.db.models import QuerySet

from pkop_portal.models import HotlineLine


def hotline_line_list_public() -> QuerySet[HotlineLine]:
    """Active hotline lines in display order (lazy: evaluated only where a page shows them)."""
    return HotlineLine.objects.filter(is_active=True).order_by("position", "id")
