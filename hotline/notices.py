"""Notices of the hotline. None of them carries any content of a report.

* "hotline.new_report" (staff): to the e-mail of every active member of the Compliance groups:
  "a new report H-… arrived" and a link to it in the admin; nothing else.
* "hotline.deadlines" (staff): the daily reminder, report NUMBERS only, of reports whose
  acknowledgement or feedback is due within two days or overdue (hotline.tasks).
* "hotline.reporter_update" (the reporter, only if they opted in): "there is news; open the
  follow-up page with your receipt". No number, no status, no text.

The reporter's address never reaches the outbox. The outbox (notifications.Notification) keeps
the recipient address in plain text on its row from the moment it is queued, and staff outside
Compliance can read the outbox; the hotline stores the address only encrypted
(Report.notice_email_sealed). So the reporter notice does not go through the outbox: after the
commit, the Celery task hotline.send_reporter_notice receives the report id only, opens the
sealed address at send time, renders the registered event with the notifications renderer and
sends it (retried on transient SMTP errors; a report anonymised or without an address meanwhile
is skipped). The cost is the outbox's retry/cancel admin for these few messages.

Every event has a send-time `enrich` hook: it reads the current state (the report still exists;
which numbers are still due), so staff mails never hold stale or missing links.
"""

from django.urls import NoReverseMatch, reverse

from notifications.events import Enrichment, EventSpec, SkipDelivery, register

NUMBER = "H-2026-000123"
NEW_REPORT = "hotline.new_report"
DEADLINES = "hotline.deadlines"
REPORTER_UPDATE = "hotline.reporter_update"


def admin_url(report_id: int | None = None, *, language: str = "ru") -> str:
    """The full admin address of a report (or of the list of reports) in `language`."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(language):
        try:
            if report_id is None:
                path = reverse("admin:hotline_report_changelist")
            else:
                path = reverse("admin:hotline_report_change", args=[report_id])
        except NoReverseMatch:  # the admin is not registered (yet)
            path = f"/{language}/admin/hotline/report/" + (
                f"{report_id}/change/" if report_id else ""
            )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def follow_up_path(language: str) -> str:
    """The follow-up page of the reporter, relative to the language root."""
    from django.utils import translation

    try:
        with translation.override(language):
            path = reverse("hotline:follow_up")
        return path.split(f"/{language}/", 1)[-1].lstrip("/")
    except NoReverseMatch:
        return "hotline/follow-up/"


def enrich_new_report(context: dict) -> Enrichment:
    from hotline.models import Report

    if not Report.objects.filter(pk=context["report_id"]).exists():
        raise SkipDelivery("report no longer exists")
    return Enrichment(
        context={"admin_url": admin_url(context["report_id"], language=context["language_code"])}
    )


def enrich_deadlines(context: dict) -> Enrichment:
    """Drop the numbers handled since the reminder was queued; skip when none is left."""
    from hotline.deadlines import still_due

    acknowledge, feedback = still_due(context["acknowledge"], context["feedback"])
    if not (acknowledge or feedback):
        raise SkipDelivery("every listed report was handled meanwhile")
    return Enrichment(
        context={
            "acknowledge": acknowledge,
            "feedback": feedback,
            "admin_url": admin_url(language=context["language_code"]),
        }
    )


def enrich_reporter_update(context: dict) -> Enrichment:
    return Enrichment(context={"follow_up_path": follow_up_path(context["language_code"])})


EVENTS = [
    EventSpec(
        NEW_REPORT,
        ("email",),
        ("report_id", "number", "language_code"),
        {"report_id": 0, "number": NUMBER, "language_code": "ru"},
        enrich_new_report,
    ),
    EventSpec(
        DEADLINES,
        ("email",),
        ("acknowledge", "feedback", "date", "language_code"),
        {
            "acknowledge": [{"number": NUMBER, "due": "08.12.2026", "overdue": False}],
            "feedback": [{"number": "H-2026-000099", "due": "01.12.2026", "overdue": True}],
            "date": "06.12.2026",
            "language_code": "ru",
        },
        enrich_deadlines,
    ),
    EventSpec(
        REPORTER_UPDATE,
        ("email",),
        ("language_code",),
        {"language_code": "ru"},
        enrich_reporter_update,
    ),
]


def register_events() -> None:
    for spec in EVENTS:
        register(spec)


def compliance_recipients():
    """The Compliance members (hotline.access.compliance_members) with an e-mail."""
    from hotline.access import compliance_members

    return compliance_members().exclude(email="")


def notify_new_report(report, *, language: str = "ru") -> int:
    """Queue "hotline.new_report" for every Compliance member (call inside report_submit's
    transaction, after the report row exists). Only the number and the id are stored.
    Returns how many members were notified; officers excluded from the report are skipped."""
    from notifications.services import Recipient, notify

    excluded = set(report.excluded_officers.values_list("pk", flat=True)) if report.pk else set()
    count = 0
    for user in compliance_recipients():
        if user.pk in excluded:
            continue
        notify(
            event=NEW_REPORT,
            to=Recipient(email=user.email),
            language=language,
            context={"report_id": report.pk, "number": report.number, "language_code": language},
            dedupe_key=f"{NEW_REPORT}:{report.pk}:{user.pk}",
        )
        count += 1
    return count


def reporter_notice_send(*, report_id: int) -> str:
    """Send "hotline.reporter_update" to the reporter's address, opened only now. Returns
    "sent", or why nothing was sent ("missing", "anonymised", "no_address"). SMTP errors are
    raised for the task to retry. The address is never logged."""
    from django.core.mail import EmailMultiAlternatives

    from hotline import crypto
    from hotline.models import Report
    from notifications.rendering import render_message

    report = (
        Report.objects.filter(pk=report_id)
        .only("pk", "language", "notice_email_sealed", "anonymised_at")
        .first()
    )
    if report is None:
        return "missing"
    if report.anonymised_at is not None:
        return "anonymised"
    address = crypto.open_text(report.notice_email_sealed)
    if not address:
        return "no_address"
    message = render_message(
        event=REPORTER_UPDATE,
        language=report.language,
        context={"language_code": report.language},
        channel="email",
    )
    email = EmailMultiAlternatives(subject=message.subject, body=message.text, to=[address])
    email.attach_alternative(message.html, "text/html")
    email.send()
    return "sent"


# --- "hotline.reporter_message" (staff): the reporter wrote; the number only (fixer HG) ------

REPORTER_MESSAGE = "hotline.reporter_message"
EVENTS.append(
    EventSpec(
        REPORTER_MESSAGE,
        ("email",),
        ("report_id", "number", "language_code"),
        {"report_id": 0, "number": NUMBER, "language_code": "ru"},
        enrich_new_report,
    )
)


def notify_reporter_message(report, message_id: int, *, language: str = "ru") -> int:
    """Queue "hotline.reporter_message" ("report H-… has a new message from the reporter",
    nothing of the message) for every Compliance member not excluded from the report; one
    notice per message and member (dedupe key with the message id). Call inside the
    transaction that stores the message. Returns how many members were notified."""
    from notifications.services import Recipient, notify

    excluded = set(report.excluded_officers.values_list("pk", flat=True))
    count = 0
    for user in compliance_recipients():
        if user.pk in excluded:
            continue
        notify(
            event=REPORTER_MESSAGE,
            to=Recipient(email=user.email),
            language=language,
            context={"report_id": report.pk, "number": report.number, "language_code": language},
            dedupe_key=f"{REPORTER_MESSAGE}:{report.pk}:{message_id}:{user.pk}",
        )
        count += 1
    return count
