"""Filters of the public charity pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

# Kazakhstan writes sums in tenge grouped by spaces (40 000 000) whatever the language; the
# Kazakh and Chinese locales of Django would not group at all. A no-break space keeps a sum on
# one line.
GROUP_SEPARATOR = "\u00a0"


@register.filter
def tenge(value) -> str:
    """A sum in whole tenge, grouped by thousands: Decimal("40000000.40") → "40 000 000"."""
    if value in (None, ""):
        return ""
    whole = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{int(whole):,}".replace(",", GROUP_SEPARATOR)
