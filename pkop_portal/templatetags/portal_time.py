"""Times as citizens read them: in Shymkent time, with the zone said in the page's language.

`{{ moment|local_time }}` → "12.01.2027 10:00 (Shymkent time, UTC+5)"; a reader in Beijing or
Moscow then knows the time is not theirs. `{{ moment|local_time:"l, d.m.Y H:i" }}` takes any
Django date format. `{% local_zone %}` is the zone alone ("Shymkent time (UTC+5)"), for a heading
above a list of times. `{% printed_at %}` is now, as a printed page dates itself.
`{{ moment|sms_time }}` → "12.01.2027 10:00 UTC+5", the short form every SMS uses.
"""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pkop_portal import workdays

register = template.Library()

DEFAULT_FORMAT = "d.m.Y H:i"


def _offset_text(offset: timedelta | None) -> str:
    """+5, +5:30, −3 … as in "UTC+5"."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _local(value: datetime) -> datetime:
    if timezone.is_naive(value):
        value = value.replace(tzinfo=workdays.LOCAL_TZ)
    return value.astimezone(workdays.LOCAL_TZ)


def zone_text(moment: datetime | None = None) -> str:
    """ "Shymkent time (UTC+5)" with the offset in force at `moment` (default: now)."""
    local = _local(moment or timezone.now())
    return _("Shymkent time (UTC%(offset)s)") % {"offset": _offset_text(local.utcoffset())}


@register.filter
def local_time(value, fmt: str = DEFAULT_FORMAT) -> str:
    """`value` (an aware datetime) in Shymkent time, formatted, followed by the zone."""
    if not isinstance(value, datetime):
        return ""
    local = _local(value)
    return _("%(time)s (Shymkent time, UTC%(offset)s)") % {
        "time": date_format(local, fmt),
        "offset": _offset_text(local.utcoffset()),
    }


@register.simple_tag
def local_zone() -> str:
    return zone_text()


@register.simple_tag
def printed_at(fmt: str = DEFAULT_FORMAT) -> str:
    return local_time(timezone.now(), fmt)


# === D5 (helper C): a time in an SMS ===
def sms_time(value, fmt: str = DEFAULT_FORMAT) -> str:
    """`value` (an aware datetime) in Shymkent time for an SMS: "12.01.2027 10:00 UTC+5".

    The zone is the offset alone, the same in every language: an SMS part holds 70 Cyrillic or
    Chinese characters, and a reader abroad needs only the offset to convert. No parentheses,
    so a translation may put the time itself in parentheses. Every SMS time goes through here
    (`{{ moment|sms_time }}` in a template, or this function in an event's context)."""
    if not isinstance(value, datetime):
        return ""
    local = _local(value)
    return f"{date_format(local, fmt)} UTC{_offset_text(local.utcoffset())}"


register.filter("sms_time", sms_time)
