import json

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hotline import access, enums
from hotline.models import Report
from notifications import selectors, services
from notifications.events import EVENTS, event_label, redacted_context
from notifications.models import Notification
from notifications.rendering import render_message
from pkop_portal.admin_base import PortalModelAdmin
from pkop_portal.admin_search import EMAIL, PHONE, ShapedSearch, normalise_term

# Events of the hotline: seen only by Compliance (hotline.access).
HOTLINE_EVENTS = "hotline."


class EventFilter(admin.SimpleListFilter):
    """The events of the registry (notifications.events), not a DISTINCT over the outbox."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        shown = sorted(EVENTS)
        if not access.is_compliance(request.user):
            shown = [key for key in shown if not key.startswith(HOTLINE_EVENTS)]
        return [(key, event_label(key)) for key in shown]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(event=value)


class LanguageFilter(admin.SimpleListFilter):
    """The site's languages, not a DISTINCT over the outbox."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return list(settings.LANGUAGES)

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(language=value)


# E-mail (case-insensitive) and phone (E.164) by their shape, on their indexes; anything else
# is the beginning of an e-mail address or of a deduplication key (both index-backed on
# PostgreSQL: notifications migration 0003), never a substring scan.
SEARCH = ShapedSearch(email=("recipient_email",), phone=("recipient_phone",))


@admin.register(Notification)
class NotificationAdmin(PortalModelAdmin):
    list_display = (
        "id",
        "event_name",
        "channel",
        "masked_recipient",
        "language_name",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    )
    list_filter = ("status", "channel", EventFilter, LanguageFilter, "created_at")
    search_fields = ("recipient_email", "recipient_phone", "dedupe_key")
    search_help_text = _(
        "An e-mail address, a phone number or the beginning of a deduplication key."
    )
    date_hierarchy = "created_at"
    list_select_related = ("content_type",)
    actions = ("retry_now", "cancel")
    readonly_fields = (
        "channel",
        "recipient_email",
        "recipient_phone",
        "event_name",
        "language_name",
        "context_redacted",
        "dedupe_key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "created_at",
        "updated_at",
        "content_type",
        "object_id",
        "rendered_message",
    )
    fieldsets = (
        (
            None,
            {"fields": ("event_name", "channel", "language_name", "status", "rendered_message")},
        ),
        (_("Recipient"), {"fields": ("recipient_email", "recipient_phone")}),
        (
            _("Delivery"),
            {"fields": ("attempts", "next_attempt_at", "sent_at", "last_error", "dedupe_key")},
        ),
        (_("Source"), {"fields": ("context_redacted", "content_type", "object_id")}),
        (_("Timestamps"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        rows = selectors.notification_list_for_admin()
        user = request.user
        if not access.is_compliance(user) or not user.email:
            # The hotline's notices do not exist for anyone outside Compliance.
            return rows.exclude(event__startswith=HOTLINE_EVENTS)
        # A Compliance member sees only the hotline notices addressed to them, and none about
        # a report they are excluded from (a conflict of interest).
        excluded = list(Report.objects.filter(excluded_officers=user).values_list("pk", flat=True))
        hotline = Q(event__startswith=HOTLINE_EVENTS)
        rows = rows.exclude(hotline & ~Q(recipient_email__iexact=user.email))
        if excluded:
            rows = rows.exclude(hotline & Q(context__report_id__in=excluded))
        return rows

    def get_search_results(self, request, queryset, search_term):
        term = normalise_term(search_term)
        if not term:
            return queryset, False
        if SEARCH.shape(term).kind in (EMAIL, PHONE):
            return SEARCH.filter(queryset, term), False
        return queryset.filter(
            Q(recipient_email__istartswith=term) | Q(dedupe_key__startswith=term)
        ), False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if access.is_compliance(request.user) and getattr(response, "status_code", 0) == 200:
            row = self.get_queryset(request).filter(pk=object_id).first()
            if row is not None and row.event.startswith(HOTLINE_EVENTS):
                report_id = (row.context or {}).get("report_id")
                report = Report.objects.filter(pk=report_id).first() if report_id else None
                access.log_access(
                    user=request.user,
                    action=enums.AccessAction.OPEN,
                    report=report,
                    detail="notification",
                )
        return response

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.event.startswith(HOTLINE_EVENTS):
            # Even for Compliance: no address and no context of a hotline notice (a reporter's
            # e-mail would name them); the message as sent says only what the notice says.
            return (
                (
                    None,
                    {
                        "fields": (
                            "event_name",
                            "channel",
                            "language_name",
                            "status",
                            "rendered_message",
                        )
                    },
                ),
                (_("Recipient"), {"fields": ("masked_recipient",)}),
                (_("Delivery"), {"fields": ("attempts", "next_attempt_at", "sent_at")}),
                (_("Timestamps"), {"fields": ("created_at", "updated_at")}),
            )
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "masked_recipient")

    @admin.display(description=_("event"), ordering="event")
    def event_name(self, obj):
        return event_label(obj.event)

    @admin.display(description=_("language"), ordering="language")
    def language_name(self, obj):
        # A stored code ("zh-hans") read as the language's name in the admin's language.
        return dict(settings.LANGUAGES).get(obj.language, obj.language)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj):
        return obj.masked_recipient

    @admin.display(description=_("context"))
    def context_redacted(self, obj):
        return format_html(
            "<pre>{}</pre>",
            json.dumps(redacted_context(obj.event, obj.context), ensure_ascii=False, indent=2),
        )

    @admin.display(description=_("message as sent"))
    def rendered_message(self, obj):
        # Redacted: a manage link or an access code would let staff act as the citizen.
        try:
            message = render_message(
                event=obj.event,
                language=obj.language,
                context=obj.context,
                channel=obj.channel,
                redact=True,
            )
        except Exception as exc:
            return format_html('<span class="errornote">{}</span>', exc)
        if obj.channel == Notification.Channel.SMS:
            return format_html("<pre>{}</pre>", message.sms)
        return format_html("<strong>{}</strong><pre>{}</pre>", message.subject, message.text)

    def _run(self, request, queryset, service, done_message):
        done = 0
        for row in queryset:
            try:
                service(notification_id=row.pk, by=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"#{row.pk}: {exc.messages[0]}", messages.WARNING)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        self._run(
            request,
            queryset,
            services.notification_retry,
            lambda n: (
                ngettext(
                    "%(count)d notification queued again.",
                    "%(count)d notifications queued again.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel(self, request, queryset):
        self._run(
            request,
            queryset,
            services.notification_cancel,
            lambda n: (
                ngettext(
                    "%(count)d notification cancelled.", "%(count)d notifications cancelled.", n
                )
                % {"count": n}
            ),
        )
