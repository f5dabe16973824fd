"""The applicant's tracking login, shared by appeals and charity requests.

A right registration number + access code lets this browser follow the record: the session
keeps only the ids of the records it may follow (never a code), under one key per app. Only
failed attempts count against the rate limit (APPEALS_TRACK_FAILURE_RATE, in a bucket per
app); once they reach it even a right code waits.

The tracking session ends with "Finish and leave" (`track_finish`: a shared computer) or after
TRACKING_IDLE_SECONDS without opening a tracked page: the session then forgets every record
it followed, and the number + code are needed again.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from pkop_portal.ratelimits import form_limit, limit_wait, over_limit
from pkop_portal.views import rate_limited

# How many records one browser may follow at once (the oldest is forgotten first).
KEEP_TRACKED = 20
# The session keys of every app's followed records, and of when one was last opened.
TRACKED_KEYS = ("appeals.tracked", "charity.tracked")
SEEN_KEY = "tracking.seen"
# Opening pages within this many seconds of the last write does not write the session again.
SEEN_PRECISION = 60


def _now() -> int:
    return int(timezone.now().timestamp())


def _seen_now(request) -> None:
    request.session[SEEN_KEY] = _now()


def tracked_forget(request) -> None:
    """This browser follows nothing any more (the rest of its session stays)."""
    for key in (*TRACKED_KEYS, SEEN_KEY):
        request.session.pop(key, None)


def _expired(request) -> bool:
    seen = request.session.get(SEEN_KEY)
    return not isinstance(seen, int) or _now() - seen > settings.TRACKING_IDLE_SECONDS


def tracked_remember(request, *, session_key: str, record_id: int) -> None:
    """Let this browser follow the record `record_id` (after its submission or a right code)."""
    if _expired(request):
        tracked_forget(request)
    tracked = request.session.get(session_key, [])
    if record_id not in tracked:
        request.session[session_key] = [*tracked[-(KEEP_TRACKED - 1) :], record_id]
    _seen_now(request)


def tracked_id(request, *, session_key: str, queryset, number: str) -> int | None:
    """The id of the record of `queryset` numbered `number`, if this browser may follow it
    (and has opened a followed record within TRACKING_IDLE_SECONDS: else it forgets them)."""
    if session_key not in request.session:
        return None
    if _expired(request):
        tracked_forget(request)
        return None
    record_id = queryset.filter(number=number).values_list("pk", flat=True).first()
    if record_id is None or record_id not in request.session.get(session_key, []):
        return None
    if _now() - request.session[SEEN_KEY] >= SEEN_PRECISION:
        _seen_now(request)
    return record_id


def track_finish(request, *, finished_url: str):
    """ "Finish and leave": a POST (CSRF-checked) ends the tracking session: this browser
    forgets every record it followed, and the session key is cycled; then (and on GET) the
    page saying so, with `finished_url` the URL name of this view."""
    if request.method == "POST":
        tracked_forget(request)
        request.session.cycle_key()
        return redirect(finished_url)
    return render(request, "tracking_finished.html")


def track_login(
    request,
    *,
    form,
    find: Callable,
    group: str,
    session_key: str,
    detail_url: str,
    template: str,
):
    """The tracking login page: `form` (number and code; bound on POST) checked by
    `find(number=, code=)` (the record or None); on success the session key is cycled, the
    record remembered and the browser sent to `detail_url` (a URL name taking the number)."""
    if request.method == "POST":
        rate = settings.APPEALS_TRACK_FAILURE_RATE
        if wait := limit_wait(request, group=group, rate=rate):
            return rate_limited(request, wait=wait)
        if form.is_valid():
            found = find(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
            if found is not None:
                request.session.cycle_key()
                tracked_remember(request, session_key=session_key, record_id=found.pk)
                return redirect(detail_url, number=found.number)
            over_limit(request, group=group, rate=rate)
            message = gettext("The registration number or the access code is wrong.")
            form.add_error(None, ValidationError(message, code="no_match"))
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form}, status=status)


def lost_code_page(
    request, *, form_class, group: str, rate: str, reissue: Callable, url_name: str, template: str
):
    """The lost-code page: `form_class` (number and contact); a valid POST calls
    `reissue(number=, contact=)` (a new code to the contact on file, if any matches) and gets
    the same "sent" page whatever matched. Every valid request counts against `rate`, matched
    or not (the limit is what stops guessing); forms with errors against the generous
    APPEALS_CODE_RESEND_REJECTED_RATE, so a typo never locks anyone out."""
    if request.method == "POST":
        limit = form_limit(
            request,
            group=group,
            rate=rate,
            rejected_rate=settings.APPEALS_CODE_RESEND_REJECTED_RATE,
        )
        if wait := limit.wait():
            return rate_limited(request, wait=wait)
        form = form_class(request.POST)
        if form.is_valid():
            limit.accepted()
            reissue(number=form.cleaned_data["number"], contact=form.cleaned_data["contact"])
            return redirect(f"{reverse(url_name)}?sent=1")
        limit.rejected()
        return render(request, template, {"form": form}, status=400)
    sent = request.GET.get("sent") == "1"
    return render(request, template, {"form": form_class(), "sent": sent})
