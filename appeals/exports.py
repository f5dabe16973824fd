"""CSV and XLSX exports of appeals (openpyxl for XLSX); every export is logged with the
appeals it contained (they carry restricted personal data: IIN, address)."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from appeals.models import ExportLog
from pkop_portal.spreadsheets import XLSX_CONTENT_TYPE, safe_cell


def _columns():
    return [
        (_("Registration number"), lambda a: a.number),
        (_("Status"), lambda a: a.get_status_display()),
        (_("Kind of appeal"), lambda a: a.get_kind_display()),
        (_("Category"), lambda a: a.category.name),
        (_("Channel"), lambda a: a.get_channel_display()),
        (_("Language"), lambda a: a.language),
        (_("Full name"), lambda a: a.full_name),
        (_("IIN"), lambda a: a.iin),
        (_("Organisation name"), lambda a: a.organisation_name),
        (_("BIN"), lambda a: a.bin),
        (_("Postal address"), lambda a: a.address),
        (_("Phone"), lambda a: a.phone.as_e164 if a.phone else ""),
        (_("E-mail"), lambda a: a.email),
        (_("Subject"), lambda a: a.subject),
        (_("Registration date"), lambda a: a.registration_date.isoformat()),
        (_("Answer due by"), lambda a: a.due_date.isoformat()),
        (_("Executor"), lambda a: a.executor.get_username() if a.executor else ""),
        (_("Outcome"), lambda a: a.get_outcome_display()),
        (_("Answered on time"), lambda a: "" if a.answered_on_time is None else a.answered_on_time),
    ]


@transaction.atomic
def appeal_export(*, queryset, file_format: str, by, filters: str) -> tuple[bytes, str]:
    """Rows of `queryset` as CSV or XLSX bytes with a content type.

    Every text cell goes through pkop_portal.spreadsheets.safe_cell, so no stored text breaks
    the file or runs as a formula. Effects: an ExportLog row (who, format, filters, row count)
    linked to every exported appeal, written in bulk (one INSERT on PostgreSQL, however many
    rows).
    """
    columns = _columns()
    appeal_ids, rows = [], []
    for appeal in queryset:
        appeal_ids.append(appeal.pk)
        rows.append([safe_cell(get(appeal)) for _h, get in columns])
    header = [h for h, _get in columns]
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        content = ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 correctly
        content_type = "text/csv; charset=utf-8"
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "appeals"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
        content_type = XLSX_CONTENT_TYPE
    log = ExportLog.objects.create(
        by=by, file_format=file_format, filters=filters, row_count=len(rows)
    )
    link = ExportLog.appeals.through
    link.objects.bulk_create([link(exportlog_id=log.pk, appeal_id=pk) for pk in appeal_ids])
    return content, content_type


def appeal_export_view(model_admin, request, file_format: str):
    """The admin's export URL: the filtered changelist of `model_admin` as CSV or XLSX (Head);
    logged with the filters used."""
    if file_format not in ("csv", "xlsx") or not request.user.has_perm("appeals.export_appeal"):
        raise PermissionDenied
    changelist = model_admin.get_changelist_instance(request)
    queryset = changelist.get_queryset(request).select_related("category", "executor")
    content, content_type = appeal_export(
        queryset=queryset,
        file_format=file_format,
        by=request.user,
        filters=request.GET.urlencode(),
    )
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="appeals-{stamp}.{file_format}"'
    return response
