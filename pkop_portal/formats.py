"""Formatting shared by the portal's pages and messages."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format

# Kazakhstan writes sums in tenge grouped by spaces (40 000 000) whatever the language; the
# Kazakh and Chinese locales of Django would not group at all. A no-break space keeps a sum on
# one line.
GROUP_SEPARATOR = "\u00a0"
CENT = Decimal("0.01")


def tenge(value) -> str:
    """A sum of tenge as people read it: grouped by thousands with no-break spaces, no
    decimals when whole, else two (the active language's decimal separator):
    Decimal("40000000") → "40 000 000", Decimal("1234.5") → "1 234.50" (English).
    None or "" → "".
    """
    if value in (None, ""):
        return ""
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 1)
    text = f"{int(whole):,}".replace(",", GROUP_SEPARATOR)
    if fraction:
        text += f"{get_format('DECIMAL_SEPARATOR')}{int(fraction * 100):02d}"
    return sign + text
