"""The applicant's tracking login, shared by appeals and charity requests.

A right registration number + access code lets this browser follow the record: the session
keeps only the ids of the records it may follow (never a code), under one key per app. Only
failed attempts count against the rate limit (APPEALS_TRACK_FAILURE_RATE, in a bucket per
app); once they reach it even a right code waits.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from pkop_portal.ratelimits import limit_reached, over_limit
from pkop_portal.views import rate_limited

# How many records one browser may follow at once (the oldest is forgotten first).
KEEP_TRACKED = 20


def tracked_remember(request, *, session_key: str, record_id: int) -> None:
    """Let this browser follow the record `record_id` (after its submission or a right code)."""
    tracked = request.session.get(session_key, [])
    if record_id not in tracked:
        request.session[session_key] = [*tracked[-(KEEP_TRACKED - 1) :], record_id]


def tracked_id(request, *, session_key: str, queryset, number: str) -> int | None:
    """The id of the record of `queryset` numbered `number`, if this browser may follow it."""
    record_id = queryset.filter(number=number).values_list("pk", flat=True).first()
    if record_id is None or record_id not in request.session.get(session_key, []):
        return None
    return record_id


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
        if limit_reached(request, group=group, rate=rate):
            return rate_limited(request)
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
