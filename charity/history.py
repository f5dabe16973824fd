"""A charity request's history in words, for staff (pkop_portal.history): when, who (the
officer's name), what happened and what changed, with labels instead of field names, codes and
usernames ("Status: At the committee → Approved", "Officer: none → A. Seitkali").

The history rows (charity.models.RequestEvent) store what the services wrote: status codes,
the officer's username, "recent_aid=1 open=0" for the double-help check, document type slugs,
dates as EVENT_DATE_FORMAT. This module reads them back in at most three queries whatever the
number of rows (the events, every user they name, the document types they name) and says them
in the active language.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from charity import enums
from charity.models import (
    AidItem,
    CharityRequest,
    CommitteeDecision,
    ConflictDeclaration,
    DocumentType,
    RequestEvent,
)
from pkop_portal.deadlines import EVENT_DATE_FORMAT
from pkop_portal.formats import tenge
from pkop_portal.history import (
    HistoryRow,
    actor_name,
    change,
    choice,
    date_text,
    field_label,
    local_stamp,
    named,
    none_word,
    users_named,
    value,
    yes_no,
)

Kind = RequestEvent.Kind
# Rows the applicant's own actions write when no officer is named (the portal's forms).
APPLICANT_KINDS = {Kind.SUBMITTED, Kind.DOCUMENTS_RECEIVED, Kind.MESSAGE, Kind.WITHDRAWN}
# How charity.services.submission writes the submission row's note.
SUBMITTED_DATE_FORMAT = "%Y-%m-%d"
TO_FOLLOW = "; documents to follow: "
FLAGS = re.compile(r"recent_aid=(?P<recent>[01]) open=(?P<open>[01])")
ASSESSED = re.compile(r"(?P<income>\S+) \((?P<size>\d+)\)")
# The note charity.services.submission writes when the applicant gets a new access code.
CODE_SENT_NOTE = "New access code sent"
# charity.services.channels: the LINKED row's field names the source.
LINK_FIELDS = {"appeal": "source_appeal", "booking": "source_booking"}


def _label(name: str) -> str:
    return field_label(CharityRequest, name)


def _money(text: str) -> str:
    try:
        return tenge(Decimal(text))
    except (InvalidOperation, ValueError):
        return text


def _slugs(text: str) -> list[str]:
    return [slug.strip() for slug in text.split(",") if slug.strip()]


def _submitted_parts(note: str) -> tuple[str, list[str]]:
    """(the "registered → due" part, the slugs of the documents to follow)."""
    dates, _sep, slugs = note.partition(TO_FOLLOW)
    return dates, _slugs(slugs)


def _document_names(events: list[RequestEvent]) -> dict[str, str]:
    """slug → name (active language) of the document types the rows name, in one query (none
    when they name none)."""
    slugs = set()
    for event in events:
        if event.kind == Kind.SUBMITTED:
            slugs.update(_submitted_parts(event.note)[1])
        elif event.kind == Kind.DOCUMENTS_RECEIVED:
            slugs.update(_slugs(event.note))
    if not slugs:
        return {}
    return {d.slug: d.name for d in DocumentType.objects.filter(slug__in=slugs)}


def _names(slugs: list[str], documents: dict[str, str]) -> str:
    return ", ".join(documents.get(slug, slug) for slug in slugs)


def _submitted(event, changes: list[str], documents: dict[str, str]) -> str:
    """The submission row's changes (number, due date, documents to follow); its note."""
    if event.new_value:
        changes.append(value(_label("number"), event.new_value))
    dates, slugs = _submitted_parts(event.note)
    parts = [d.strip() for d in dates.split("→")]
    if len(parts) != 2:
        return event.note
    changes.append(value(_label("due_date"), date_text(parts[1], SUBMITTED_DATE_FORMAT)))
    if slugs:
        changes.append(value(_label("missing_documents"), _names(slugs, documents)))
    return ""


def _field_changes(event, changes: list[str], by_username: dict, none: str) -> str:
    """The changes of a row by the field it names; returns the note left to show."""
    name, old, new, note = event.field, event.old_value, event.new_value, event.note
    if name == "status":
        if old != new:
            old_text = choice(enums.Status.choices, old) if old else none
            changes.append(change(_label("status"), old_text, choice(enums.Status.choices, new)))
    elif name == "officer":
        old_text, new_text = (named(v, by_username, none) for v in (old, new))
        changes.append(change(_label("officer"), old_text, new_text))
    elif name == "due_date":
        old_text = date_text(old, EVENT_DATE_FORMAT) or none
        changes.append(change(_label("due_date"), old_text, date_text(new, EVENT_DATE_FORMAT)))
    elif name == "flags" and (found := FLAGS.fullmatch(new)):
        changes.append(value(_label("flag_recent_aid"), yes_no(found["recent"] == "1")))
        changes.append(value(_label("flag_open_request"), yes_no(found["open"] == "1")))
    elif name == "income_per_member" and (found := ASSESSED.fullmatch(new)):
        changes.append(value(_label("income_per_member"), _money(found["income"])))
        changes.append(value(_label("household_size"), found["size"]))
    elif name == "item":
        changes.append(value(field_label(AidItem, "description"), old))
        changes.append(value(field_label(AidItem, "amount"), _money(new)))
    elif name == "has_conflict":
        changes.append(
            value(field_label(ConflictDeclaration, "has_conflict"), yes_no(new == "yes"))
        )
    elif name == "decision_recorded":
        outcome, _sep, total = new.partition(" ")
        outcome_text = choice(enums.Outcome.choices, outcome)
        changes.append(value(field_label(CommitteeDecision, "outcome"), outcome_text))
        if total:
            changes.append(value(field_label(AidItem, "amount"), _money(total)))
    elif name == "meeting":
        changes.append(change(field_label(CommitteeDecision, "meeting"), old or none, new))
    elif name in LINK_FIELDS and new:
        changes.append(value(_label(LINK_FIELDS[name]), new))
    return note


def request_history(*, request: CharityRequest) -> list[HistoryRow]:
    """Every history row of `request`, oldest first, in words (see the module docstring).

    At most three queries whatever the number of rows: the events, the users they name, the
    document types they name."""
    events = list(RequestEvent.objects.filter(request_id=request.pk).order_by("at", "id"))
    by_id, by_username = users_named(
        ids=(e.by_id for e in events),
        usernames=(v for e in events if e.field == "officer" for v in (e.old_value, e.new_value)),
    )
    documents = _document_names(events)
    none = none_word()
    rows = []
    for event in events:
        changes: list[str] = []
        kind = event.kind
        what = event.get_kind_display()
        if kind == Kind.SUBMITTED:
            changes.append(
                change(_label("status"), none, choice(enums.Status.choices, enums.Status.SUBMITTED))
            )
            note = _submitted(event, changes, documents)
        else:
            note = _field_changes(event, changes, by_username, none)
        if kind == Kind.DOCUMENTS_RECEIVED and note:
            changes.append(value(_("Documents"), _names(_slugs(note), documents)))
            note = ""
        elif kind == Kind.SENT_TO_COMMITTEE and note:
            changes.append(value(field_label(CommitteeDecision, "meeting"), note))
            note = ""
        elif event.field == "decision_recorded":
            what = _("Decision recorded")
        elif kind == Kind.NOTE and event.by_id is None and note == CODE_SENT_NOTE:
            note = _("New access code sent")
        own = _("Applicant") if kind in APPLICANT_KINDS else ""
        rows.append(
            HistoryRow(
                at=local_stamp(event.at),
                who=actor_name(by_id.get(event.by_id), own),
                what=what,
                kind=kind,
                changes=changes,
                note=note,
            )
        )
    return rows
