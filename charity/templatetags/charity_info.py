"""Filters of the public charity pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from pkop_portal import formats

register = template.Library()


@register.filter
def tenge(value) -> str:
    """A sum in whole tenge, grouped by thousands: Decimal("40000000.40") → "40 000 000"."""
    if value in (None, ""):
        return ""
    return formats.tenge(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
