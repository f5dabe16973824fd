"""Writes and workflow of the outbox: create, deliver, retry, cancel, flush.

Delivery is at-least-once from Celery's side and exactly-once from the recipient's: a row is
locked and moved to "sending" before anything is sent, so a second task for the same row does
nothing. Only a worker dying between sending and marking the row sent can repeat a message,
after NOTIFICATIONS_SENDING_TIMEOUT (see settings for why that is under 2 minutes); the repeat
carries the same Message-ID (e-mail) or message id (SMS), so it is recognisable.

Addresses never reach `last_error` or the logs of this module: both go through
`pkop_portal.masking.scrub_contacts`.
"""

import hashlib
import logging
import random
import smtplib
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from enum import StrEnum
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import F
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.events import SkipDelivery, get_event
from notifications.models import Notification
from notifications.rendering import render_message
from notifications.sms import (
    PermanentDeliveryError,
    SmsMessage,
    TransientDeliveryError,
    get_sms_backend,
)
from pkop_portal.masking import scrub_contacts
from pkop_portal.outages import Breaker

logger = logging.getLogger(__name__)


class _ScrubContacts(logging.Filter):
    """Masks addresses in every record of this module's logger, traceback included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub_contacts(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub_contacts(logging.Formatter().formatException(record.exc_info))
        return True


logger.addFilter(_ScrubContacts())

# Queuing a task after commit must not cost every request a broker timeout during an outage:
# after one failure, publishing is skipped for a while and the rows wait for the flush job.
broker_outage = Breaker(
    "Celery broker",
    consequence="notifications stay pending until the outbox flush queues them",
    cooldown=15.0,
    log=logger,
)


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError, TimeoutError, socket.timeout)


class Preference(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    BOTH = "both"


@dataclass(frozen=True)
class Recipient:
    """Who gets a notification and how they prefer it."""

    email: str = ""
    phone: str = ""  # E.164 or anything phonenumber-field parses with region KZ
    prefers: Preference = Preference.EMAIL


def _channels_for(recipient: Recipient, forced: tuple[str, ...] | None) -> list[str]:
    available = []
    if recipient.email:
        available.append(Notification.Channel.EMAIL)
    if recipient.phone:
        available.append(Notification.Channel.SMS)
    if forced is not None:
        return [c for c in available if c in forced]
    if recipient.prefers == Preference.BOTH:
        return available
    wanted = [c for c in available if c == recipient.prefers]
    # The preferred channel has no address: fall back to the one we have rather than stay silent.
    return wanted or available[:1]


def notify(
    *,
    event: str,
    to: Recipient,
    language: str,
    context: dict,
    dedupe_key: str,
    about: models.Model | None = None,
) -> list[Notification]:
    """Queue `event` for `to` in `language`; one outbox row per channel.

    Inputs: context holds JSON primitives and ids only; dedupe_key identifies this message
    (e.g. "appeal.registered:42"): calling again with it creates nothing new.
    Effects: rows written inside the caller's transaction (a rollback removes them).
    Side effects: after commit, the new rows are handed to the process's publisher thread
    (`enqueue_delivery_soon`), which queues their delivery tasks off the request path; a broker
    failure is logged and the rows stay pending for notifications.flush_outbox.
    Raises KeyError for an unknown event, ValueError for an unknown language or no address.
    """
    spec = get_event(event)
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    channels = _channels_for(to, spec.force_channels)
    if not channels:
        raise ValueError(f"{event}: the recipient has no address for any allowed channel")
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    now = timezone.now()
    wanted = [
        Notification(
            dedupe_key=f"{dedupe_key}:{channel}",
            channel=channel,
            recipient_email=to.email if channel == "email" else "",
            recipient_phone=to.phone if channel == "sms" else "",
            event=event,
            language=language,
            context=context,
            next_attempt_at=now,
            content_type=content_type,
            object_id=str(about.pk) if about is not None else "",
        )
        for channel in channels
    ]
    # One INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING: no savepoint, and a repeat
    # (an earlier or concurrent call) creates nothing; only then are the existing rows read.
    using = router.db_for_write(Notification)
    connection = connections[using]
    created: set[str] = set()
    if connection.vendor in ("postgresql", "sqlite"):
        meta = Notification._meta
        query = InsertQuery(Notification)
        query.insert_values([f for f in meta.local_concrete_fields if f is not meta.pk], wanted)
        [(sql, params)] = query.get_compiler(using=using).as_sql()
        key_column, qn = meta.get_field("dedupe_key").column, connection.ops.quote_name
        sql += f" ON CONFLICT ({qn(key_column)}) DO NOTHING RETURNING {qn(meta.pk.column)}"
        sql += f", {qn(key_column)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            returned = {key: pk for pk, key in cursor.fetchall()}
        for row in wanted:
            if row.dedupe_key in returned:
                row.pk, row._state.adding, row._state.db = returned[row.dedupe_key], False, using
        created = set(returned)
    else:  # other databases: a savepoint per row, the unique key deciding
        for row in wanted:
            try:
                with transaction.atomic(using=using):
                    row.save(force_insert=True, using=using)
                created.add(row.dedupe_key)
            except IntegrityError:
                pass
    created_ids = [row.pk for row in wanted if row.dedupe_key in created]
    repeated = [row.dedupe_key for row in wanted if row.dedupe_key not in created]
    existing = Notification.objects.in_bulk(repeated, field_name="dedupe_key") if repeated else {}
    rows = [row if row.dedupe_key in created else existing[row.dedupe_key] for row in wanted]
    if created_ids:
        transaction.on_commit(lambda: enqueue_delivery_soon(notification_ids=created_ids))
    return rows


# The web process's publisher thread (notifications.publisher), created at the first hand-off.
_publisher = None


def _background_publisher():
    global _publisher
    if _publisher is None:
        from notifications.publisher import Publisher  # only processes that publish need it

        _publisher = Publisher(
            enqueue_delivery,
            maxsize=settings.NOTIFICATIONS_PUBLISH_QUEUE_SIZE,
            name="notifications-publisher",
        )
    return _publisher


def enqueue_delivery_soon(*, notification_ids: Iterable[int]) -> None:
    """Have committed rows delivered without the caller waiting on the broker (notify() and
    notification_retry() call it after commit).

    With a broker and NOTIFICATIONS_PUBLISH_IN_BACKGROUND, outside a worker's task, the ids go
    to this process's publisher thread, which queues them at once (enqueue_delivery); if it
    cannot (queue full, process gone, broker down) the rows stay pending for
    notifications.flush_outbox. Without a broker (tasks run inline: `make run`, tests) delivery
    runs here and now, as before; inside a worker's task the publish is done here too.
    """
    from celery import current_task

    from notifications.tasks import deliver  # tasks import this module

    # Inside a worker's task (a reminder job calling notify) nobody waits for the publish, and a
    # prefork child may be recycled at any time: publish here.
    in_worker_task = current_task and not current_task.request.is_eager
    if (
        deliver.app.conf.task_always_eager
        or not settings.NOTIFICATIONS_PUBLISH_IN_BACKGROUND
        or in_worker_task
    ):
        enqueue_delivery(notification_ids=notification_ids)
        return
    _background_publisher().submit(notification_ids)


def _batches(ids: list[int], *, countdown: float | None, eager: bool) -> list[list[int]]:
    """Split a backlog into tasks of up to NOTIFICATIONS_DELIVER_BATCH ids: fewer messages and
    broker round trips per row, while at least BATCH_SPREAD tasks keep every worker busy. One
    id per task when run inline (as before) or delayed (a retry)."""
    size = min(settings.NOTIFICATIONS_DELIVER_BATCH, len(ids) // BATCH_SPREAD)
    if eager or countdown is not None or size <= 1:
        return [[pk] for pk in ids]
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# A backlog is spread over at least this many tasks (more than the worker processes of a
# typical deployment), so that batching never leaves a worker idle while another has a queue.
BATCH_SPREAD = 4


def enqueue_delivery(
    *,
    notification_ids: Iterable[int],
    countdown: float | None = None,
    skip_if_broker_down: bool = True,
) -> int:
    """Queue delivery tasks for the ids (several ids per task for a backlog, see _batches).
    Returns how many ids were queued.

    Never raises and never waits more than one broker timeout: at the first broker error the
    remaining ids are left pending (notifications.flush_outbox queues them later), and while
    the broker is known to be down (`broker_outage`) nothing is tried at all, unless
    skip_if_broker_down is False (the flush job itself). Outages are logged once a minute.
    """
    from notifications.tasks import deliver, deliver_batch  # tasks import this module

    ids = list(notification_ids)
    eager = deliver.app.conf.task_always_eager
    if not eager and skip_if_broker_down and not broker_outage.allows():
        return 0
    queued = 0
    for batch in _batches(ids, countdown=countdown, eager=eager):
        try:
            if len(batch) == 1:
                task, kwargs = deliver, {"notification_id": batch[0]}
            else:
                task, kwargs = deliver_batch, {"notification_ids": batch}
            task.apply_async(kwargs=kwargs, countdown=countdown, retry=False)
        except Exception as exc:
            if eager or not isinstance(exc, _broker_errors()):
                # Run inline without a broker, or a bug: the row keeps its state for the flush.
                logger.warning(
                    "could not queue notification %s; the outbox flush will retry",
                    ", ".join(map(str, batch)),
                    exc_info=True,
                )
                continue
            broker_outage.failure(exc)
            break
        else:
            queued += len(batch)
    if queued and not eager:
        broker_outage.success()
    return queued


def _backoff(attempts: int) -> timedelta:
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    # Up to 10 % jitter so that a mail server coming back is not hit by every row at once.
    return timedelta(seconds=delay * (1 + random.random() / 10))


def _classify_email_error(exc: Exception) -> type[Exception]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return (
            TransientDeliveryError if all(400 <= c < 500 for c in codes) else PermanentDeliveryError
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return TransientDeliveryError if 400 <= exc.smtp_code < 500 else PermanentDeliveryError
    if isinstance(exc, smtplib.SMTPServerDisconnected | socket.timeout | TimeoutError | OSError):
        return TransientDeliveryError
    return PermanentDeliveryError


def message_id_for(row: Notification) -> str:
    """The Message-ID header of the e-mail for `row`: the same on every attempt of that row
    (a repeat after a crash is recognisable), different for every row. The domain is the one of
    DEFAULT_FROM_EMAIL, else the host of PORTAL_BASE_URL."""
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:12]
    _local, at, domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")
    domain = (at and domain) or urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<notification-{row.pk}.{digest}@{domain}>"


def _send(row: Notification) -> None:
    message = render_message(
        event=row.event, language=row.language, context=row.context, channel=row.channel
    )
    if row.channel == Notification.Channel.SMS:
        get_sms_backend().send(
            SmsMessage(to=row.recipient_phone.as_e164, text=message.sms, message_id=row.dedupe_key)
        )
        return
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[row.recipient_email],
        headers={"Message-ID": message_id_for(row), "X-PKOP-Notification": row.dedupe_key},
    )
    email.attach_alternative(message.html, "text/html")
    for filename, content, mimetype in message.attachments:
        email.attach(filename, content, mimetype)
    try:
        email.send()
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:
        raise _classify_email_error(exc)(f"{exc.__class__.__name__}: {exc}") from exc


def _claim(ids: list[int]) -> set[int]:
    """Move the pending, due rows among `ids` to "sending" (attempts + 1) in one UPDATE
    committed on its own, before anything is sent; returns the ids this call claimed. Of two
    tasks for the same row exactly one claims it: the row lock and the re-check of the WHERE
    clause are the database's."""
    now = timezone.now()
    due = Notification.objects.filter(pk__in=ids, status=Notification.Status.PENDING).filter(
        models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
    )
    values = {
        "status": Notification.Status.SENDING,
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }
    if len(ids) == 1:  # the common case: the count says whether the one row was claimed
        return set(ids) if due.update(**values) else set()
    using = router.db_for_write(Notification)
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):  # no RETURNING: one UPDATE per row
        return {pk for pk in ids if _claim([pk])}
    query = due.query.chain(UpdateQuery)
    query.add_update_values(values)
    sql, params = query.get_compiler(using=using).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {connection.ops.quote_name('id')}", params)
        return {pk for (pk,) in cursor.fetchall()}


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one outbox row if it is pending and due.

    Effects: pending → sending (committed before sending) → sent; on a transient error back to
    pending with a later next_attempt_at (or failed after NOTIFICATIONS_MAX_ATTEMPTS); on a
    permanent error failed. last_error keeps the reason. Returns the row, or None if it is gone.
    Side effects: the e-mail or SMS itself. Returns the delay before a retry in row.retry_in.
    """
    return notification_deliver_batch(notification_ids=[notification_id])[0]


def notification_deliver_batch(*, notification_ids: Iterable[int]) -> list[Notification | None]:
    """notification_deliver for several rows, cheaper per row: one UPDATE claims them all and
    one SELECT reads them; then each is sent and its outcome saved, one after the other.
    Returns a row (or None) per id, in order. If the task's soft time limit interrupts a send,
    the rows not yet tried go back to pending, due now (the flush queues them)."""
    ids = list(notification_ids)
    claimed = _claim(ids)
    rows = Notification.objects.in_bulk(ids)
    results: list[Notification | None] = []
    for position, pk in enumerate(ids):
        row = rows.get(pk)
        if row is not None:
            row.retry_in = None
            if pk in claimed:
                claimed.discard(pk)  # an id given twice is sent once
                if _deliver_claimed(row) == "interrupted":
                    untried = [p for p in ids[position + 1 :] if p in claimed]
                    Notification.objects.filter(
                        pk__in=untried, status=Notification.Status.SENDING
                    ).update(
                        status=Notification.Status.PENDING,
                        attempts=F("attempts") - 1,
                        next_attempt_at=timezone.now(),
                        updated_at=timezone.now(),
                    )
                    claimed.clear()
        results.append(row)
    return results


def _deliver_claimed(row: Notification) -> str:
    """Send a row this process claimed and save the outcome on it; "interrupted" when the
    soft time limit cut the send short, else "done"."""
    interrupted = False
    try:
        _send(row)
    except SkipDelivery as exc:
        row.status = Notification.Status.CANCELLED
        row.last_error = scrub_contacts(f"skipped: {exc}")[:2000]
        row.save(update_fields=["status", "last_error", "updated_at"])
        return "done"
    except SoftTimeLimitExceeded:
        # Interrupted before the hard limit: the row must not stay "sending"; a retry may repeat
        # the message, with the same Message-ID.
        error = f"no answer within {settings.NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT} s"
        transient = interrupted = True
    except TransientDeliveryError as exc:
        error, transient = str(exc), True
    except PermanentDeliveryError as exc:
        error, transient = str(exc), False
    except Exception as exc:  # a template or data bug: keep it visible on the row
        logger.exception("notification %s could not be rendered or sent", row.pk)
        error, transient = f"{exc.__class__.__name__}: {exc}", False
    else:
        row.status = Notification.Status.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
        row.save(update_fields=["status", "sent_at", "last_error", "updated_at"])
        return "done"

    row.last_error = scrub_contacts(error)[:2000]
    if transient and row.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS:
        delay = _backoff(row.attempts)
        row.status = Notification.Status.PENDING
        row.next_attempt_at = timezone.now() + delay
        row.retry_in = delay
    else:
        row.status = Notification.Status.FAILED
    row.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
    logger.warning("notification %s: %s (%s)", row.pk, row.status, row.last_error)
    return "interrupted" if interrupted else "done"


def _require_change_permission(by) -> None:
    if by is not None and not by.has_perm("notifications.change_notification"):
        raise PermissionDenied


def _lock_changeable(notification_id: int, by) -> Notification:
    """Lock a row that an operator may still retry or cancel (not sent, not being sent)."""
    _require_change_permission(by)
    row = Notification.objects.select_for_update().get(pk=notification_id)
    if row.status == Notification.Status.SENT:
        raise ValidationError(_("The notification was already sent."), code="already_sent")
    if row.status == Notification.Status.SENDING:
        raise ValidationError(_("The notification is being sent right now."), code="sending")
    return row


@transaction.atomic
def notification_retry(*, notification_id: int, by=None) -> Notification:
    """Make a failed, cancelled or pending row due now and queue it (admin "retry now").

    Raises PermissionDenied, ValidationError(code="already_sent" | "sending").
    Side effects: a delivery task after commit.
    """
    row = _lock_changeable(notification_id, by)
    row.status = Notification.Status.PENDING
    row.next_attempt_at = timezone.now()
    if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        row.attempts = 0
    row.save(update_fields=["status", "next_attempt_at", "attempts", "updated_at"])
    transaction.on_commit(lambda: enqueue_delivery_soon(notification_ids=[row.pk]))
    return row


@transaction.atomic
def notification_cancel(*, notification_id: int, by=None) -> Notification:
    """Stop a pending or failed row from being sent (admin "cancel").

    Raises PermissionDenied, ValidationError(code="already_sent" | "sending").
    """
    row = _lock_changeable(notification_id, by)
    row.status = Notification.Status.CANCELLED
    row.save(update_fields=["status", "updated_at"])
    return row


def outbox_flush(*, limit: int = 1000) -> int:
    """Queue delivery of rows that should have gone out but did not (broker was down, lost task).

    Selects pending rows due more than NOTIFICATIONS_FLUSH_GRACE_SECONDS ago (fresh rows have
    their own task) and rows stuck in "sending" longer than NOTIFICATIONS_SENDING_TIMEOUT (a
    worker died mid-send: no live task is older than its hard time limit, which is below that
    timeout; they go back to pending). Tries the broker even right after an outage.
    Returns how many were queued; never raises for a broker outage.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    stuck = Notification.objects.filter(status=Notification.Status.SENDING, updated_at__lt=stale)
    revived = list(stuck.values_list("pk", flat=True)[:limit])
    # Re-checked in the UPDATE: a row that moved on since the SELECT is not touched.
    stuck.filter(pk__in=revived).update(
        status=Notification.Status.PENDING, next_attempt_at=now, updated_at=now
    )
    grace = now - timedelta(seconds=settings.NOTIFICATIONS_FLUSH_GRACE_SECONDS)
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=grace)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: max(limit - len(revived), 0)]
    )
    return enqueue_delivery(notification_ids=revived + due, skip_if_broker_down=False)
