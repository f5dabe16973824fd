"""XLSX export of a programme's committee decisions, granted items and disbursements (openpyxl),
logged in charity.ExportLog: the file carries personal data (names, IINs, identity documents).
Sheets are written by the shared pkop_portal.exports.xlsx_sheet (write-only workbook, safe
cells)."""

import io
import re
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from charity import enums
from charity.models import AidItem, CommitteeDecision, ExportLog, Programme
from pkop_portal.exports import xlsx_sheet
from pkop_portal.masking import mask_account
from pkop_portal.spreadsheets import XLSX_CONTENT_TYPE

__all__ = ["XLSX_CONTENT_TYPE", "programme_export"]


def _user(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _local(moment):
    # Excel has no time zones: the local (Shymkent) time, as staff read it everywhere else.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _decision_columns(totals: dict):
    return [
        (_("Registration number"), lambda d: d.request.number),
        (_("Full name"), lambda d: d.request.full_name),
        (_("IIN"), lambda d: d.request.iin),
        (_("Category"), lambda d: d.request.get_category_display()),
        (_("District"), lambda d: d.request.get_district_display()),
        (_("Meeting date"), lambda d: d.meeting.held_on),
        (_("Decision"), lambda d: d.get_outcome_display()),
        (_("Reasons"), lambda d: d.reasons),
        (_("Approved by the chair"), lambda d: _user(d.approved_by)),
        (_("Approved at"), lambda d: _local(d.approved_at)),
        (_("Granted on this programme, tenge"), lambda d: totals.get(d.pk, 0)),
        # An applicant without an IIN (pkop_portal.identity); last, so earlier columns keep
        # their place.
        (_("Identity document"), lambda d: d.request.get_id_document_kind_display()),
        (_("Document number"), lambda d: d.request.id_document_number),
    ]


def _item_columns():
    def paid(item, attribute, default=""):
        disbursement = getattr(item, "disbursement", None)
        return getattr(disbursement, attribute) if disbursement else default

    return [
        (_("Registration number"), lambda i: i.decision.request.number),
        (_("Full name"), lambda i: i.decision.request.full_name),
        (_("IIN"), lambda i: i.decision.request.iin),
        (_("Budget line"), lambda i: i.budget_line.get_aid_kind_display()),
        (_("What"), lambda i: i.description),
        (_("Quantity"), lambda i: i.quantity),
        (_("Unit"), lambda i: i.unit),
        (_("Value, tenge"), lambda i: i.amount),
        (_("Status"), lambda i: i.get_status_display()),
        (_("Reason of cancellation"), lambda i: i.cancel_reason),
        (_("Handed over on"), lambda i: paid(i, "disbursed_on", None)),
        (
            _("Method"),
            lambda i: i.disbursement.get_method_display() if paid(i, "pk", None) else "",
        ),
        (_("Value handed over, tenge"), lambda i: paid(i, "amount", None)),
        (_("Bank account"), lambda i: mask_account(paid(i, "account"))),
        (_("Supplier"), lambda i: paid(i, "supplier")),
        (_("Handed over by"), lambda i: _user(paid(i, "handed_over_by", None))),
        # An applicant without an IIN (pkop_portal.identity); last, as in the sheet above.
        (_("Identity document"), lambda i: i.decision.request.get_id_document_kind_display()),
        (_("Document number"), lambda i: i.decision.request.id_document_number),
    ]


# Characters a worksheet title may not hold, and its length limit (Excel).
_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
TITLE_LENGTH = 31


def _sheet(workbook, title: str, columns, objects) -> int:
    """A worksheet of a header row and one row per object; returns the number of data rows."""
    title = _TITLE_FORBIDDEN.sub(" ", title)[:TITLE_LENGTH].strip()
    return xlsx_sheet(workbook, title, columns, [objects])


@transaction.atomic
def programme_export(*, programme: Programme, by) -> bytes:
    """The chair-approved decisions on requests of `programme` (or charging its budget lines),
    and every item granted on its lines with its disbursement, as an XLSX workbook of two
    sheets. Bank accounts are masked (last four characters); every text cell goes through
    pkop_portal.spreadsheets.safe_cell so no stored text runs as a formula.

    Effects: one ExportLog row (who, programme, format, rows: the data rows of both sheets).
    Three queries and the log, however many rows.
    """
    items = list(
        AidItem.objects.filter(
            budget_line__programme=programme, decision__approved_at__isnull=False
        )
        .select_related("decision__request", "budget_line", "disbursement__handed_over_by")
        .order_by("decision__approved_at", "decision_id", "pk")
    )
    # What each decision still grants on this programme (cancelled items no longer count).
    totals: dict[int, Decimal] = {}
    for item in items:
        if item.status != enums.ItemStatus.CANCELLED:
            totals[item.decision_id] = totals.get(item.decision_id, Decimal("0")) + item.amount
    decisions = list(
        CommitteeDecision.objects.filter(approved_at__isnull=False)
        .filter(Q(request__programme=programme) | Q(pk__in={i.decision_id for i in items}))
        .select_related("request", "meeting", "approved_by")
        .order_by("approved_at", "pk")
    )
    workbook = Workbook(write_only=True)
    rows = _sheet(workbook, _("Decisions"), _decision_columns(totals), decisions)
    rows += _sheet(workbook, _("Items and disbursements"), _item_columns(), items)
    buffer = io.BytesIO()
    workbook.save(buffer)
    ExportLog.objects.create(by=by, programme=programme, file_format="xlsx", row_count=rows)
    return buffer.getvalue()
