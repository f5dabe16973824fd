"""CSV and XLSX exports of appeals, in bounded memory however many rows (pkop_portal.exports):
CSV streamed in keyset pages, XLSX built by a Celery task behind a job page. Every export is
logged with the appeals it contained (they carry restricted personal data: IIN, address)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from appeals.models import Appeal, ExportLog
from pkop_portal import exports

FORMATS = ("csv", "xlsx")


def _label(field: str):
    """A getter of the display label of the choice field `field`, like get_<field>_display()
    but with the labels translated once per export, not once per cell (a lazy label is
    hashed and translated on every call: a third of the export's time at 100,000 rows)."""
    labels = {value: str(label) for value, label in Appeal._meta.get_field(field).flatchoices}
    return lambda appeal: labels.get(getattr(appeal, field), getattr(appeal, field))


def _columns():
    categories = {}  # category id → its name in this export's language

    def category(appeal):
        if appeal.category_id not in categories:
            categories[appeal.category_id] = appeal.category.name
        return categories[appeal.category_id]

    return [
        (_("Registration number"), lambda a: a.number),
        (_("Status"), _label("status")),
        (_("Kind of appeal"), _label("kind")),
        (_("Category"), category),
        (_("Channel"), _label("channel")),
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
        (_("Outcome"), _label("outcome")),
        (_("Answered on time"), lambda a: "" if a.answered_on_time is None else a.answered_on_time),
        # An applicant without an IIN (pkop_portal.identity); last, so earlier columns keep
        # their place.
        (_("Identity document"), _label("id_document_kind")),
        (_("Document number"), lambda a: a.id_document_number),
    ]


def appeal_export_pages(log_id: int):
    """The appeals linked to export log row `log_id` in keyset pages, each page's ids taken
    from the link table's (exportlog, appeal) index; only what the columns show is read (the
    long texts, never exported, are not)."""
    appeals = Appeal.objects.select_related("category", "executor").defer(
        "text", "protocol", "answer_reasoning", "answer_legal_basis", "rating_comment"
    )
    links = ExportLog.appeals.through.objects.filter(exportlog_id=log_id)
    return exports.keyset_pages(appeals, keys=(links, "appeal_id"))


APPEAL_EXPORT = exports.ExportKind(
    name="appeals",
    title=Appeal._meta.verbose_name_plural,
    permission="appeals.export_appeal",
    columns=_columns,
    pages=appeal_export_pages,
    sheet_title="appeals",
)
exports.export_kind_register(APPEAL_EXPORT)


@transaction.atomic
def appeal_export_log(*, queryset, file_format: str, by, filters: str) -> ExportLog:
    """Record an export of the appeals of `queryset` by `by`: an ExportLog row (who, format,
    filters, row count) linked to every appeal by one INSERT … SELECT, whatever the number of
    rows (no appeal is loaded). The file is then made of exactly these linked appeals."""
    log = ExportLog.objects.create(by=by, file_format=file_format, filters=filters, row_count=0)
    log.row_count = exports.link_rows(
        through=ExportLog.appeals.through,
        owner_field="exportlog",
        owner_id=log.pk,
        target_field="appeal",
        queryset=queryset,
    )
    ExportLog.objects.filter(pk=log.pk).update(row_count=log.row_count)
    return log


def appeal_export_view(model_admin, request, file_format: str):
    """The admin's export URL: the filtered changelist of `model_admin` (Head), logged with the
    filters used. CSV: streamed at once. XLSX: a background job; the Head lands on its page
    (progress, then the download link)."""
    if file_format not in FORMATS or not request.user.has_perm(APPEAL_EXPORT.permission):
        raise PermissionDenied
    queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    return appeal_export_response(
        request, queryset=queryset, file_format=file_format, filters=request.GET.urlencode()
    )


def appeal_export_response(request, *, queryset, file_format: str, filters: str):
    """The appeals of `queryset` exported by the requesting user (export permission), logged
    with `filters` (what the user chose): CSV streamed at once, XLSX a background job whose
    page the user lands on. Used by the export links and the list's bulk actions."""
    if file_format not in FORMATS or not request.user.has_perm(APPEAL_EXPORT.permission):
        raise PermissionDenied
    if file_format == "csv":
        log = appeal_export_log(
            queryset=queryset, file_format=file_format, by=request.user, filters=filters
        )
        return exports.csv_response(
            columns=_columns(),
            pages=appeal_export_pages(log.pk),
            filename=f"appeals-{exports.stamp()}.csv",
        )
    with transaction.atomic():
        log = appeal_export_log(
            queryset=queryset, file_format=file_format, by=request.user, filters=filters
        )
        job = exports.export_job_start(
            kind=APPEAL_EXPORT,
            log_id=log.pk,
            rows_total=log.row_count,
            by=request.user,
            filters=filters,
        )
    return redirect("admin:pkop_portal_exportjob_change", job.pk)
