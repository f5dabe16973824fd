"""The shared parts of a history in words, for staff (appeals, charity requests, hotline
reports, bookings): one row per event with when (dd.mm.yyyy HH:MM, Shymkent time), who (the
officer's name), what happened (the event's label) and what changed, with field labels and
choice labels instead of field names, codes and usernames ("Executor: none → A. Seitkali").

Each app's `history` module reads its own event rows and maps them to `HistoryRow`s with the
helpers below; `templates/admin/includes/history.html` renders them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import pgettext

from pkop_portal import workdays


@dataclass(frozen=True)
class HistoryRow:
    """One line of the history as staff read it."""

    at: str  # "dd.mm.yyyy HH:MM", local (Shymkent) time
    who: str  # the officer's full name; "" for the applicant or the system
    what: str  # the event's label
    kind: str
    changes: list[str] = field(default_factory=list)
    note: str = ""


def local_stamp(moment: datetime) -> str:
    """`moment` as "dd.mm.yyyy HH:MM" in Shymkent (Kazakhstan) time."""
    return f"{moment.astimezone(workdays.LOCAL_TZ):%d.%m.%Y %H:%M}"


def person_full(user) -> str:
    """A staff member's full name, else their username (an account without a name)."""
    return " ".join(user.get_full_name().split()) or user.get_username()


def actor_name(user, otherwise: str = "") -> str:
    """Who wrote a row: the officer's full name, else `otherwise` (the applicant's word for
    their own rows, "" for the system's)."""
    return person_full(user) if user is not None else otherwise


def person_short(user) -> str:
    """A staff member as "A. Seitkali" (first initial, last name), else the full name, else
    the username."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last:
        return f"{first[0]}. {last}"
    return person_full(user)


def field_label(model, name: str) -> str:
    """The verbose name of `model`'s field `name`, capitalised, in the active language."""
    return capfirst(model._meta.get_field(name).verbose_name)


def change(label: str, old: str, new: str) -> str:
    """ "Label: old → new"."""
    return f"{label}: {old} → {new}"


def value(label: str, new: str) -> str:
    """ "Label: value" (a change whose old value is not told)."""
    return f"{label}: {new}"


def none_word() -> str:
    """The word for an empty value ("none")."""
    return pgettext("history", "none")


def yes_no(flag: bool) -> str:
    return pgettext("history", "yes") if flag else pgettext("history", "no")


def date_text(text: str, fmt: str) -> str:
    """A date stored as text in `fmt` as "dd.mm.yyyy" (the text as is when it is not one)."""
    try:
        return f"{datetime.strptime(text.strip(), fmt).date():%d.%m.%Y}"  # noqa: DTZ007
    except ValueError:
        return text


def choice(choices, code: str) -> str:
    """The label of `code` among `choices` (the code itself when it is not one)."""
    return str(dict(choices).get(code, code))


def users_named(ids: Iterable = (), usernames: Iterable = ()) -> tuple[dict, dict]:
    """The users with these ids or usernames, in one query (none when there are neither):
    ({id: user}, {username: user})."""
    ids = {pk for pk in ids if pk}
    usernames = {name for name in usernames if name}
    if not ids and not usernames:
        return {}, {}
    model = get_user_model()
    found = list(
        model.objects.filter(Q(pk__in=ids) | Q(**{f"{model.USERNAME_FIELD}__in": usernames}))
    )
    return {u.pk: u for u in found}, {u.get_username(): u for u in found}


def named(username: str, by_username: dict, none: str) -> str:
    """The user with `username` as "A. Seitkali"; the username itself if no such account is
    left; `none` for an empty value."""
    user = by_username.get(username)
    return person_short(user) if user else (username or none)
