"""A hotline report's history in words, for Compliance (pkop_portal.history): when, who (the
officer's name), what happened and what changed, with labels instead of codes and usernames
("Status: Acknowledged → Under investigation", "Severity: none → High", "Investigator: none →
A. Seitkali").

It says only what the history rows (hotline.models.ReportEvent) hold, i.e. what the report's
page showed of them before: the event, who acted, and the note the workflow wrote
(hotline.services.workflow: "low/- → high/medium" for a triage, the investigator's or the
excluded officer's username, "dd.mm.yyyy reference" for a referral, "on: reasons" for the
legal hold). Nothing about the reporter is read. Once anonymised, a report's notes are empty
and so are their changes. The caller passes the rows it may show (the report of
hotline.selectors.report_detail_for, its events prefetched with their authors); the names in
the notes cost one query whatever the number of rows.
"""

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from hotline import enums
from hotline.models import Report, ReportEvent
from pkop_portal.history import (
    HistoryRow,
    actor_name,
    change,
    choice,
    field_label,
    local_stamp,
    named,
    none_word,
    users_named,
    value,
    yes_no,
)

Kind = ReportEvent.Kind
# The status an event leaves the report in (the rows do not store statuses).
STATUS_AFTER = {
    Kind.RECEIVED: enums.Status.RECEIVED,
    Kind.ACKNOWLEDGED: enums.Status.ACKNOWLEDGED,
    Kind.INVESTIGATION: enums.Status.UNDER_INVESTIGATION,
    Kind.CONCLUDED: enums.Status.CONCLUDED,
    Kind.CLOSED: enums.Status.CLOSED,
}
# Rows the reporter's own actions write (no officer).
REPORTER_KINDS = {Kind.RECEIVED, Kind.MESSAGE, Kind.FILES}
# As hotline.services.workflow writes the notes.
TRIAGE = re.compile(r"(?P<old_sev>[\w-]+)/(?P<old_risk>[\w-]+) → (?P<sev>\w+)/(?P<risk>\w+)")
REFERRAL = re.compile(r"(?P<on>\d{2}\.\d{2}\.\d{4}) (?P<reference>.+)", re.S)
LEGAL_HOLD = re.compile(r"(?P<state>on|off): (?P<reasons>.*)", re.S)
EMPTY = "-"


def _label(name: str) -> str:
    return field_label(Report, name)


def _excluded(note: str) -> tuple[str, str]:
    """(the excluded officer's username, the reasons) of an EXCLUDED row's note."""
    username, _sep, reasons = note.partition(": ")
    return username.strip(), reasons


def _usernames(events: list[ReportEvent]) -> set[str]:
    names = set()
    for event in events:
        if event.kind == Kind.ASSIGNED:
            names.add(event.note.strip())
        elif event.kind == Kind.EXCLUDED:
            names.add(_excluded(event.note)[0])
    return {name for name in names if name}


def _triage(found, changes: list[str], none: str) -> None:
    for name, choices, old, new in (
        ("severity", enums.Severity.choices, found["old_sev"], found["sev"]),
        ("retaliation_risk", enums.RetaliationRisk.choices, found["old_risk"], found["risk"]),
    ):
        old_text = none if old == EMPTY else choice(choices, old)
        new_text = choice(choices, new)
        if old_text != new_text:
            changes.append(change(_label(name), old_text, new_text))


def report_history(*, events: Iterable[ReportEvent]) -> list[HistoryRow]:
    """The report's history rows `events` (oldest first, with `by` loaded), in words (see the
    module docstring). One query for the officers the notes name (none if they name none)."""
    events = list(events)
    _by_id, by_username = users_named(usernames=_usernames(events))
    none = none_word()
    status = None
    investigator = ""
    rows = []
    for event in events:
        changes: list[str] = []
        kind, note = event.kind, event.note
        after = STATUS_AFTER.get(kind)
        if after is not None and after != status:
            before = choice(enums.Status.choices, status) if status else none
            changes.append(change(_label("status"), before, choice(enums.Status.choices, after)))
            status = after
        if kind == Kind.TRIAGED and (found := TRIAGE.fullmatch(note.strip())):
            _triage(found, changes, none)
            note = ""
        elif kind == Kind.ASSIGNED and note.strip():
            new = note.strip()
            old_text = named(investigator, by_username, none)
            changes.append(change(_label("investigator"), old_text, named(new, by_username, none)))
            investigator, note = new, ""
        elif kind == Kind.EXCLUDED and note.strip():
            username, note = _excluded(note)
            officer = named(username, by_username, none)
            changes.append(value(_label("excluded_officers"), officer))
            if username == investigator:  # the service takes the report off them
                changes.append(change(_label("investigator"), officer, none))
                investigator = ""
        elif kind == Kind.REFERRED and (found := REFERRAL.fullmatch(note.strip())):
            changes.append(value(_label("referred_on"), found["on"]))
            changes.append(value(_label("referral_reference"), found["reference"]))
            note = ""
        elif kind == Kind.LEGAL_HOLD and (found := LEGAL_HOLD.fullmatch(note)):
            on = found["state"] == "on"
            changes.append(change(_label("legal_hold"), yes_no(not on), yes_no(on)))
            note = found["reasons"]
        own = _("Reporter") if kind in REPORTER_KINDS else ""
        rows.append(
            HistoryRow(
                at=local_stamp(event.at),
                who=actor_name(event.by, own),
                what=event.get_kind_display(),
                kind=kind,
                changes=changes,
                note=note,
            )
        )
    return rows
