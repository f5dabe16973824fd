"""The admin of background export jobs (pkop_portal.exports): each staff member's own jobs, the
job page (progress, refreshed by the page itself, then the download link) and the download.

Only a job's requester, still holding the export permission of its kind, sees the job or
downloads its file; to anyone else it does not exist (404). Every download is logged."""

from django.contrib import admin
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pkop_portal import exports
from pkop_portal.admin_base import PortalModelAdmin, ReadOnlyAdminMixin, is_valid_object_id
from pkop_portal.models import ExportJob

# Seconds between reloads of the job page while the file is being built (a meta refresh: the
# CSP forbids inline scripts).
REFRESH_SECONDS = 3


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    list_display = ("created_at", "kind_title", "status", "progress", "expires_at")
    list_filter = ("status",)
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(requester=request.user)

    def _may_export(self, request) -> bool:
        user = request.user
        return user.is_active and any(user.has_perm(k.permission) for k in exports.export_kinds())

    def has_module_permission(self, request):
        return self._may_export(request)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return exports.export_job_may_download(obj, request.user)
        return self._may_export(request)

    @admin.display(description=gettext_lazy("kind of export"))
    def kind_title(self, obj):
        kind = exports.export_kind_get(obj.kind)
        return kind.title if kind else obj.kind

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, obj):
        return format_html("{} / {}", obj.rows_done, obj.rows_total)

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="pkop_portal_exportjob_download",
            ),
            *super().get_urls(),
        ]

    def _job(self, request, object_id) -> ExportJob:
        if not is_valid_object_id(ExportJob, str(object_id)):
            raise Http404
        job = ExportJob.objects.filter(pk=object_id).first()
        if job is None or not exports.export_job_may_download(job, request.user):
            raise Http404
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The job page: status and progress (reloaded every few seconds until the file is
        ready or the build failed), then the download link while the file is kept."""
        job = self._job(request, object_id)
        return self._job_page(request, job)

    def _job_page(self, request, job: ExportJob, *, status: int = 200):
        kind = exports.export_kind_get(job.kind)
        pending = job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
        available = exports.export_job_is_available(job)
        response = self.admin_page(
            request,
            "admin/exports/job.html",
            title=_("Export of %(kind)s") % {"kind": kind.title if kind else job.kind},
            job=job,
            pending=pending,
            available=available,
            expired=job.status == ExportJob.Status.EXPIRED
            or (job.status == ExportJob.Status.DONE and not available),
            refresh_seconds=REFRESH_SECONDS if pending else None,
            download_url=reverse("admin:pkop_portal_exportjob_download", args=[job.pk]),
            jobs_url=reverse("admin:pkop_portal_exportjob_changelist"),
            downloads=list(job.downloads.select_related("by")[:20]),
        )
        response.status_code = status
        return response

    def download_view(self, request, pk: int):
        """The file of a ready job, as an attachment (logged); an expired job's page says so
        (410); a job still being built shows its page."""
        job = self._job(request, pk)
        if not exports.export_job_is_available(job):
            gone = job.status in (ExportJob.Status.DONE, ExportJob.Status.EXPIRED)
            return self._job_page(request, job, status=410 if gone else 409)
        try:
            handle = job.file.open("rb")
        except (OSError, ValueError):
            raise Http404 from None
        exports.export_download_record(job=job, by=request.user)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=exports.export_download_name(job),
            content_type=exports.XLSX_CONTENT_TYPE,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
