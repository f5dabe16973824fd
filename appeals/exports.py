"""CSV and XLSX exports of appeals (openpyxl for XLSX); every export is logged."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from appeals.models import ExportLog


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


def _safe(value):
    # A cell starting with = + - @ would be run as a formula by spreadsheet programs.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def appeal_export(*, queryset, file_format: str, by, filters: str) -> tuple[bytes, str]:
    """Rows of `queryset` as CSV or XLSX bytes with a content type; writes an ExportLog row."""
    columns = _columns()
    rows = [[_safe(get(a)) for _h, get in columns] for a in queryset]
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
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ExportLog.objects.create(by=by, file_format=file_format, filters=filters, row_count=len(rows))
    return content, content_type
