"""An appeal's history in words, for staff: when (dd.mm.yyyy HH:MM, Shymkent time), who (the
officer's name), what happened (the event's label) and what changed, with labels instead of
field names, codes and usernames ("Executor: none → A. Seitkali", "Answer due: 12.01.2027 →
20.01.2027", "Status: In work → Answered").

The history rows (appeals.models.AppealEvent) store what the workflow wrote: usernames for
executors, codes for outcomes and reasons, dates as EVENT_DATE_FORMAT. This module reads them
back in two queries (the events, then every user they name) and says them in the active
language.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from appeals import enums
from appeals.models import Appeal, AppealEvent
from pkop_portal.history import (
    HistoryRow,
    actor_name,
    change,
    choice,
    date_text,
    field_label,
    local_stamp,
    named,
    person_full,
    person_short,
    users_named,
)

__all__ = ["HistoryRow", "Kind", "appeal_history", "local_stamp", "person_full", "person_short"]

Kind = AppealEvent.Kind
# The status an event leaves the appeal in (the rows do not store the status before).
STATUS_AFTER = {
    Kind.REGISTERED: enums.Status.REGISTERED,
    Kind.ASSIGNED: enums.Status.IN_WORK,
    Kind.TAKEN: enums.Status.IN_WORK,
    Kind.REDIRECTED: enums.Status.REDIRECTED,
    Kind.ANSWERED: enums.Status.ANSWERED,
    Kind.NOT_CONSIDERED: enums.Status.NOT_CONSIDERED,
}
# Rows the applicant's own actions write (no officer).
APPLICANT_KINDS = {Kind.MESSAGE, Kind.RATED}
# How the registration row's note gives the registration and due dates.
REGISTERED_NOTE_FORMAT = "%Y-%m-%d"


def _label(name: str) -> str:
    return field_label(Appeal, name)


def _users_named(events: list[AppealEvent]) -> tuple[dict, dict]:
    """The users the events name (by id as the actor, by username as an executor) in one
    query: ({id: user}, {username: user})."""
    return users_named(
        ids=(e.by_id for e in events),
        usernames=(
            value for e in events if e.field == "executor" for value in (e.old_value, e.new_value)
        ),
    )


def appeal_history(*, appeal: Appeal) -> list[HistoryRow]:
    """Every history row of `appeal`, oldest first, in words (see the module docstring).

    Two queries whatever the number of rows: the events, and the users they name."""
    events = list(AppealEvent.objects.filter(appeal_id=appeal.pk).order_by("at", "id"))
    by_id, by_username = _users_named(events)
    none = pgettext("history", "none")
    status_label = _label("status")
    status = None
    rows = []
    for event in events:
        changes: list[str] = []
        note = event.note
        after = STATUS_AFTER.get(event.kind)
        if after is not None and after != status:
            before = choice(enums.Status.choices, status) if status else none
            changes.append(change(status_label, before, choice(enums.Status.choices, after)))
        kind = event.kind
        if kind == Kind.REGISTERED:
            if event.new_value:
                changes.append(f"{_label('number')}: {event.new_value}")
            dates = [d.strip() for d in event.note.split("→")]
            if len(dates) == 2:
                due = date_text(dates[1], REGISTERED_NOTE_FORMAT)
                changes.append(f"{_label('due_date')}: {due}")
                note = ""
        elif event.field == "executor":
            old, new = (
                named(value, by_username, none) for value in (event.old_value, event.new_value)
            )
            changes.append(change(_label("executor"), old, new))
            if note:
                changes.append(f"{_label('department')}: {note}")
                note = ""
        elif kind == Kind.EXTENDED:
            old = date_text(event.old_value, "%d.%m.%Y") or none
            new = date_text(event.new_value, "%d.%m.%Y")
            changes.append(change(_label("due_date"), old, new))
        elif kind == Kind.REDIRECTED and event.new_value:
            changes.append(f"{_label('redirected_to')}: {event.new_value}")
        elif kind == Kind.ANSWERED and event.new_value:
            changes.append(f"{_label('outcome')}: {choice(enums.Outcome.choices, event.new_value)}")
        elif kind == Kind.NOT_CONSIDERED and event.new_value:
            reason = choice(enums.NotConsideredReason.choices, event.new_value)
            changes.append(f"{_label('not_considered_reason')}: {reason}")
        elif kind == Kind.REFERRED and event.new_value:
            referred_to = _("Referred to")
            changes.append(f"{referred_to}: {event.new_value}")
        elif kind == Kind.REPEAT_LINKED and event.new_value:
            changes.append(f"{_label('repeat_of')}: {event.new_value}")
        elif kind == Kind.REPEAT_DISMISSED:
            changes.append(
                change(
                    _label("possible_repeat"),
                    pgettext("history", "yes"),
                    pgettext("history", "no"),
                )
            )
        elif kind == Kind.RATED and event.new_value:
            satisfied = event.new_value == "satisfied"
            answer = pgettext("history", "yes") if satisfied else pgettext("history", "no")
            changes.append(f"{_label('rating_satisfied')}: {answer}")
        if after is not None:
            status = after
        own = _("Applicant") if kind in APPLICANT_KINDS else ""
        rows.append(
            HistoryRow(
                at=local_stamp(event.at),
                who=actor_name(by_id.get(event.by_id), own),
                what=event.get_kind_display(),
                kind=event.kind,
                changes=changes,
                note=note,
            )
        )
    return rows
