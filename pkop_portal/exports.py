"""Staff exports of many rows (100,000 appeals and more), shared by every app, in bounded memory.

- Rows are read in keyset pages by primary key (`keyset_pages`): `WHERE id > last ORDER BY id
  LIMIT n`, one query per page, never OFFSET (slower with every page) and never a server-side
  cursor (they are disabled: a transaction-pooling PgBouncer cannot keep one).
- CSV is streamed (`csv_response`): a BOM, then one chunk per page, every text cell through
  pkop_portal.spreadsheets.safe_cell.
- XLSX is built by a Celery task (`export_job_build`) with openpyxl's write-only workbook into a
  temporary file, progress stored after every page; the file is kept EXPORT_KEEP_HOURS in
  storage under `private/` (MEDIA is never served), downloaded only through the access-checked
  admin view (pkop_portal.exports_admin), each download an ExportDownload row.
- The rows of an export are the records linked to the app's export log row, linked by one
  `INSERT … SELECT` (`link_rows`): no Python object per exported record, and the file holds
  exactly what the log says was exported.

An app offers an export kind with `export_kind_register(ExportKind(...))` in its
`<app>.exports` module (imported on demand by `export_kind_get`).
"""

import csv
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook

from pkop_portal.models import ExportDownload, ExportJob
from pkop_portal.spreadsheets import XLSX_CONTENT_TYPE, safe_cell

logger = logging.getLogger(__name__)

# Rows per query: large enough that 100,000 rows take 50 queries, small enough that a page of
# model instances stays a few MB.
PAGE_SIZE = 2000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"  # Excel opens UTF-8 CSV correctly only with it

Columns = list[tuple[str, Callable]]


# --- Reading in pages -------------------------------------------------------------------------


def keyset_pages(
    queryset: QuerySet, *, page_size: int | None = None, keys: tuple[QuerySet, str] | None = None
) -> Iterator[list]:
    """The rows of `queryset` in lists of at most `page_size` (PAGE_SIZE), ordered by primary
    key: one query per page (`pk > last … LIMIT n`), plus one for an empty last page only when
    the row count is a multiple of the page size. At most one page is held at a time.

    `keys` = (a queryset of another table, its field holding the primary keys), e.g. an export
    log's link rows and "appeal_id": each page takes its keys there by the same keyset (a range
    scan of that table's index, LIMIT n) and its rows by `pk IN (those keys)`, still one query.
    The planner cannot carry `pk > last` across a join, so paging the joined queryset would
    read every linked row again for each page."""
    size = page_size or PAGE_SIZE
    ordered = queryset.order_by("pk")
    last = None
    while True:
        if keys is None:
            page_qs = (ordered if last is None else ordered.filter(pk__gt=last))[:size]
        else:
            key_qs, field = keys
            page_keys = key_qs.order_by(field)
            if last is not None:
                page_keys = page_keys.filter(**{f"{field}__gt": last})
            page_qs = ordered.filter(pk__in=page_keys.values(field)[:size])
        page = list(page_qs)
        if not page:
            return
        yield page
        if len(page) < size:
            return
        last = page[-1].pk


def link_rows(*, through, owner_field: str, owner_id: int, target_field: str, queryset) -> int:
    """Link every row of `queryset` to `owner_id` in the m2m table `through` (e.g. an export
    log's exported appeals) with one `INSERT … SELECT`: no row passes through Python.
    Returns the number of links inserted. The queryset must yield each row once (distinct)."""
    owner_column = through._meta.get_field(owner_field).column
    target_column = through._meta.get_field(target_field).column
    ids = queryset.order_by().values("pk")
    connection = connections[ids.db]
    select_sql, params = ids.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    link_table, model_table = quote(through._meta.db_table), quote(queryset.model._meta.db_table)
    pk = quote(queryset.model._meta.pk.column)
    # Quoted names from the models and the ORM's own compiled SELECT; values are parameters.
    # `IN (…)` rather than a derived table: the subquery's column alias is the ORM's business.
    sql = (
        f"INSERT INTO {link_table} ({quote(owner_column)}, {quote(target_column)}) "  # noqa: S608
        f"SELECT %s, {model_table}.{pk} FROM {model_table} WHERE {model_table}.{pk} IN "
        f"({select_sql})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (owner_id, *params))
        return cursor.rowcount


def rows_of(columns: Columns, page: Iterable) -> Iterator[list]:
    """Each object of `page` as a list of safe cells, one per column."""
    getters = [get for _header, get in columns]
    for obj in page:
        yield [safe_cell(get(obj)) for get in getters]


def header_of(columns: Columns) -> list[str]:
    return [safe_cell(str(header)) for header, _get in columns]


# --- CSV ---------------------------------------------------------------------------------------


class _Line:
    """A file-like that hands back what csv.writer writes (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(columns: Columns, pages: Iterable[list], *, language: str) -> Iterator[bytes]:
    """The CSV file of `pages` as UTF-8 chunks: the BOM and the header, then one chunk a page,
    each rendered in `language` (the server reads the pages after the view has returned)."""
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow(header_of(columns))).encode()
    for page in pages:
        with translation.override(language):
            chunk = "".join(writer.writerow(row) for row in rows_of(columns, page))
        yield chunk.encode()


def csv_response(*, columns: Columns, pages: Iterable[list], filename: str):
    """A streamed CSV download of `pages` (e.g. `keyset_pages(queryset)`) in the current
    language: memory bounded by a page, the first bytes sent before the last page is read."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    response = StreamingHttpResponse(
        csv_chunks(columns, pages, language=language), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- XLSX --------------------------------------------------------------------------------------


def xlsx_sheet(
    workbook: Workbook,
    title: str,
    columns: Columns,
    pages: Iterable[list],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Append a sheet of a header row and one row per object of `pages` to a write-only
    `workbook` (rows go to a temporary file, not memory); `progress(rows so far)` after each
    page. Returns the number of data rows."""
    sheet = workbook.create_sheet(title)
    sheet.append(header_of(columns))
    done = 0
    for page in pages:
        for row in rows_of(columns, page):
            sheet.append(row)
        done += len(page)
        if progress is not None:
            progress(done)
    return done


def stamp() -> str:
    """The local time in download names (e.g. appeals-20261206-1015.csv)."""
    return timezone.localtime().strftime("%Y%m%d-%H%M")


# --- Export kinds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportKind:
    """What an app exports in the background.

    name: the app label (its `<app>.exports` module registers the kind); title: shown on the
    job pages; permission: needed to ask for and to download a file; columns(): the
    (header, getter) pairs, called in the requester's language; pages(log_id): the records
    linked to that export log row, in pages (`keyset_pages`); sheet_title: the worksheet's
    name."""

    name: str
    title: str
    permission: str
    columns: Callable[[], Columns]
    pages: Callable[[int], Iterable[list]]
    sheet_title: str = "export"


_KINDS: dict[str, ExportKind] = {}


def export_kind_register(kind: ExportKind) -> None:
    _KINDS[kind.name] = kind


def export_kind_get(name: str) -> ExportKind | None:
    """The registered kind `name`, importing `<name>.exports` once if it has not registered yet
    (a worker process need not have imported it). None for an unknown name."""
    if name not in _KINDS and name in settings.INSTALLED_APPS:
        try:
            import_module(f"{name}.exports")
        except ImportError:
            return None
    return _KINDS.get(name)


def export_kinds() -> list[ExportKind]:
    return list(_KINDS.values())


# --- Jobs --------------------------------------------------------------------------------------


def keep_hours() -> int:
    return getattr(settings, "EXPORT_KEEP_HOURS", 24)


def export_job_start(
    *, kind: ExportKind, log_id: int, rows_total: int, by, filters: str = ""
) -> ExportJob:
    """Queue the XLSX file of the records linked to export log row `log_id` for `by`.

    Effects: an ExportJob (queued, in the current language); the build task is published when
    the transaction commits. A broker that cannot be reached marks the job failed (the page
    says so) instead of failing the request."""
    job = ExportJob.objects.create(
        requester=by,
        kind=kind.name,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        filters=filters,
        log_id=log_id,
        rows_total=rows_total,
    )
    transaction.on_commit(lambda: _publish(job.pk))
    return job


def _publish(job_id: int) -> None:
    try:
        export_build.delay(job_id=job_id)
    except Exception:
        logger.exception("export job %s could not be queued", job_id)
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED, error="not queued", finished_at=timezone.now()
        )


class _Superseded(Exception):
    """Another run of the task took the job over, or the job expired meanwhile."""


def export_job_build(*, job_id: int) -> str:
    """Build the file of job `job_id`: the kind's rows in keyset pages into an openpyxl
    write-only workbook in a temporary file, `rows_done` stored after every page, then the
    file saved to storage and the job marked done, kept until now + EXPORT_KEEP_HOURS.

    Idempotent and safe under redelivery: a done, failed or expired job is left as it is; a
    new run takes the job over with a fresh token and an older run still going stops at its
    next page. Any error marks the job failed (logged, not retried: a rerun would fail the
    same way). Returns the job's final status."""
    token = uuid.uuid4()
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    ).update(
        status=ExportJob.Status.RUNNING, run_token=token, started_at=timezone.now(), rows_done=0
    )
    job = ExportJob.objects.filter(pk=job_id).first()
    if not claimed or job is None:
        return job.status if job else "missing"
    mine = ExportJob.objects.filter(pk=job_id, run_token=token)
    kind = export_kind_get(job.kind)
    handle, path = tempfile.mkstemp(prefix="pkop-export-", suffix=".xlsx")
    os.close(handle)
    try:
        if kind is None:
            raise LookupError(f"unknown export kind {job.kind!r}")

        def progress(done: int) -> None:
            if not mine.update(rows_done=done):
                raise _Superseded

        with translation.override(job.language):
            workbook = Workbook(write_only=True)
            done = xlsx_sheet(
                workbook,
                kind.sheet_title,
                kind.columns(),
                kind.pages(job.log_id),
                progress=progress,
            )
            workbook.save(path)
        with open(path, "rb") as built:
            name = job.file.storage.save(
                export_file_name(job), File(built), max_length=ExportJob.file.field.max_length
            )
        now = timezone.now()
        if not mine.update(
            status=ExportJob.Status.DONE,
            file=name,
            size=os.path.getsize(path),
            rows_done=done,
            rows_total=done,
            finished_at=now,
            expires_at=now + timedelta(hours=keep_hours()),
        ):
            job.file.storage.delete(name)
            raise _Superseded
        return ExportJob.Status.DONE
    except _Superseded:
        return ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    except Exception as exc:
        logger.exception("export job %s failed", job_id)  # staff-only log, with the traceback
        mine.update(
            status=ExportJob.Status.FAILED,
            error=type(exc).__name__[:200],  # never the message: it may quote personal data
            finished_at=timezone.now(),
        )
        return ExportJob.Status.FAILED
    finally:
        os.unlink(path)


def export_file_name(job: ExportJob) -> str:
    """Where the file of `job` is stored: a random name (the download gets a readable one)."""
    return ExportJob.file.field.generate_filename(job, f"{uuid.uuid4().hex}.{job.file_format}")


def export_download_name(job: ExportJob) -> str:
    created = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return f"{job.kind}-{created}.{job.file_format}"


def export_job_is_available(job: ExportJob, *, now=None) -> bool:
    """Whether the file of `job` can be downloaded now (built, not yet expired)."""
    now = now or timezone.now()
    return job.status == ExportJob.Status.DONE and bool(job.file) and job.expires_at > now


def export_job_may_download(job: ExportJob, user) -> bool:
    """Only the job's requester, while still active and holding the kind's export
    permission, may see the job or download its file."""
    kind = export_kind_get(job.kind)
    return (
        kind is not None
        and user.is_active
        and job.requester_id == user.pk
        and user.has_perm(kind.permission)
    )


def export_download_record(*, job: ExportJob, by) -> ExportDownload:
    """Log one download of `job`'s file by `by` (a row, and a log line without personal data)."""
    logger.info("export job %s downloaded by user %s", job.pk, by.pk)
    return ExportDownload.objects.create(job=job, by=by)


def export_jobs_expire(*, now=None) -> int:
    """Delete the files of jobs kept past `expires_at` and mark them expired; jobs that never
    finished within EXPORT_KEEP_HOURS (a lost message, a killed worker) are marked failed.
    Idempotent: only rows not yet handled are selected. Returns the number of files deleted."""
    now = now or timezone.now()
    expired = 0
    due = ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now)
    for job in due.only("pk", "file").iterator(chunk_size=PAGE_SIZE):
        if job.file:
            try:
                job.file.storage.delete(job.file.name)
            except OSError:
                logger.warning("could not delete expired export %s", job.pk, exc_info=True)
                continue
        expired += ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file=""
        )
    ExportJob.objects.filter(
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
        created_at__lte=now - timedelta(hours=keep_hours()),
    ).update(status=ExportJob.Status.FAILED, error="did not finish", finished_at=now)
    return expired


# --- Tasks (imported by the worker through CELERY_IMPORTS, settings' perf-exports block) ------


@shared_task(
    name="pkop_portal.export_build",
    ignore_result=True,
    soft_time_limit=getattr(settings, "EXPORT_TASK_SOFT_TIME_LIMIT", 1800),
    time_limit=getattr(settings, "EXPORT_TASK_TIME_LIMIT", 1860),
)
def export_build(*, job_id: int) -> str:
    """Build the file of one export job (idempotent: see export_job_build)."""
    return export_job_build(job_id=job_id)


@shared_task(name="pkop_portal.expire_exports", ignore_result=True)
def expire_exports() -> int:
    """Beat, hourly: delete the files of expired export jobs (idempotent)."""
    return export_jobs_expire()


__all__ = [
    "BOM",
    "CSV_CONTENT_TYPE",
    "PAGE_SIZE",
    "XLSX_CONTENT_TYPE",
    "ExportKind",
    "csv_response",
    "export_job_build",
    "export_job_start",
    "export_jobs_expire",
    "keyset_pages",
    "link_rows",
    "xlsx_sheet",
]
